"""read_evidence on its own: what it refuses, and that it never reads past the limit or
waits on a file that is not one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.ingest.helpers import release_fifo, within
from zshield_tui.config import Config, EvidenceConfig
from zshield_tui.sync.evidence import EvidenceRefused, evidence_roots, read_evidence


def test_a_file_inside_the_alert_folder_is_read_whole(tmp_path):
    (tmp_path / "a.pcap").write_bytes(b"0123456789")
    assert read_evidence("a.pcap", str(tmp_path / "a.pcap"), str(tmp_path), (),
                         limit=10) == b"0123456789"


def test_a_file_over_the_limit_is_refused_before_it_is_opened(tmp_path):
    (tmp_path / "a.pcap").write_bytes(b"0123456789")
    with pytest.raises(EvidenceRefused) as caught:
        read_evidence("a.pcap", str(tmp_path / "a.pcap"), str(tmp_path), (), limit=9)
    assert str(caught.value) == (f"evidence a.pcap: {tmp_path / 'a.pcap'} is 10 bytes, over "
                                 "the attachment limit of 9 bytes; not sent")


def test_a_file_whose_size_says_nothing_is_read_no_further_than_the_limit():
    # /proc files claim 0 bytes and hold more: only the read can tell, and it stops at 11.
    with pytest.raises(EvidenceRefused, match=r"is more than 10 bytes, over the attachment "
                                              r"limit of 10 bytes; not sent$"):
        read_evidence("status", "/proc/self/status", None, ("/proc",), limit=10)


def test_a_fifo_in_the_alert_folder_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.pcap"
    os.mkfifo(fifo)
    try:
        with pytest.raises(EvidenceRefused, match="is a FIFO, not a regular file; not sent"):
            within(5, read_evidence, "pipe.pcap", str(fifo), str(tmp_path), (), limit=100)
    finally:
        release_fifo(fifo)


@pytest.mark.parametrize("path", ["relative.pcap", "~/relative.pcap", ""])
def test_a_path_that_is_not_absolute_is_outside_everything(tmp_path, monkeypatch, path):
    monkeypatch.chdir(tmp_path)
    Path(tmp_path / "relative.pcap").write_bytes(b"x")
    with pytest.raises(EvidenceRefused, match="is outside the alert's folder"):
        read_evidence("x", path, str(tmp_path), (str(tmp_path),), limit=100)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(EvidenceRefused) as caught:
        read_evidence("gone", str(tmp_path / "gone"), str(tmp_path), (), limit=100)
    assert str(caught.value) == f"cannot read evidence file {tmp_path / 'gone'}: No such " \
                                "file or directory"


def test_a_folder_named_like_the_origin_is_not_inside_it(tmp_path):
    (tmp_path / "alerts-evil").mkdir()
    (tmp_path / "alerts-evil" / "x").write_bytes(b"x")
    with pytest.raises(EvidenceRefused, match="outside"):
        read_evidence("x", str(tmp_path / "alerts-evil" / "x"), str(tmp_path / "alerts"), (),
                      limit=100)


def test_roots_are_relative_to_the_config_file_and_tilde_is_a_name(tmp_path):
    config = Config(evidence=EvidenceConfig(roots=["ev", "~/x", "/srv/evidence"]))
    assert evidence_roots(config, tmp_path / "config.toml") == (
        str(tmp_path / "ev"), str(tmp_path / "~" / "x"), "/srv/evidence")


def test_the_evidence_section_refuses_unknown_keys(tmp_path):
    from zshield_tui.config import ConfigError, load_config

    path = tmp_path / "config.toml"
    path.write_text('[evidence]\nroot = ["/srv"]\n')
    with pytest.raises(ConfigError, match="evidence.root"):
        load_config(path)
    path.write_text('[evidence]\nroots = ["/srv"]\n')
    assert load_config(path).evidence.roots == ["/srv"]
