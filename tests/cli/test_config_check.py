"""`zshield config check` catches what a push would hit: files that are not files, text
that is not UTF-8, templates that do not compile and secrets that are not set. Each is one
line naming the file, the field or the target, exit 2, and never blocks."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

import pytest

from tests.cli.runner import run
from zshield_tui.mapping.files import EXAMPLE_JIRA

TARGET = ('[[targets]]\nname = "jira-sec"\nkind = "jira"\n'
          'url = "https://yourorg.atlassian.net"\ndeployment = "cloud"\n'
          'auth = { method = "api_token", email = "bot@yourorg.com", '
          'token_env = "ZS_TEST_JIRA_TOKEN" }\n')
SNOW = ('[[targets]]\nname = "snow-sir"\nkind = "servicenow"\n'
        'url = "https://yourorg.service-now.com"\n'
        'auth = { method = "oauth2", client_id = "zshield", '
        'client_secret_env = "ZS_TEST_SNOW_SECRET", username = "zshield", '
        'password_env = "ZS_TEST_SNOW_PASSWORD" }\n')
SECRETS = {"ZS_TEST_JIRA_TOKEN": "jira-token-value-1", "ZS_TEST_SNOW_SECRET": "snow-secret-2",
           "ZS_TEST_SNOW_PASSWORD": "snow-password-3"}


@pytest.fixture
def secrets(monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    return SECRETS


def zshield(*argv: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """`zshield ARGV` as its own process, with a 1 GB address-space cap: a read that never
    ends must fail this test, not take the machine with it."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run([sys.executable, "-m", "zshield_tui", *argv], capture_output=True,
                          text=True, timeout=timeout, preexec_fn=cap)


def one_line_exit_2(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text in result.stderr


@pytest.fixture
def fifo(env):
    path = env / "fifo"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("kind", ["zero", "fifo", "directory"])
def test_a_config_that_is_not_a_regular_file_is_named_and_never_read(env, fifo, kind):
    path = {"zero": "/dev/zero", "fifo": str(fifo), "directory": str(env)}[kind]
    start = time.monotonic()
    result = zshield("--config", path, "config", "check")
    assert time.monotonic() - start < 20
    one_line_exit_2(result, f"{path}: not a regular file")


@pytest.mark.parametrize("kind", ["zero", "fifo", "directory"])
def test_a_mapping_that_is_not_a_regular_file_is_named_and_never_read(env, fifo, kind):
    path = {"zero": "/dev/zero", "fifo": str(fifo), "directory": str(env)}[kind]
    config = env / "config.toml"
    config.write_text(TARGET + f'mapping = "{path}"\n')
    start = time.monotonic()
    result = zshield("--config", str(config), "config", "check")
    assert time.monotonic() - start < 20
    one_line_exit_2(result, f"target jira-sec: {path}: not a regular file")


def test_config_and_mapping_files_over_1_mib_are_not_read(env, capsys, secrets):
    config = env / "config.toml"
    config.write_text(TARGET + "# padding\n" * 120_000)
    code, _, err = run(capsys, "--config", str(config), "config", "check")
    assert code == 2 and err.strip() == f"zshield: {config}: over 1 MiB, not read"
    mapping = env / "mapping.json"
    mapping.write_text(EXAMPLE_JIRA + " " * (1 << 20))
    config.write_text(TARGET + f'mapping = "{mapping}"\n')
    code, _, err = run(capsys, "--config", str(config), "config", "check")
    assert code == 2 and f"target jira-sec: {mapping}: over 1 MiB, not read" in err


def test_a_symlink_to_a_regular_file_is_followed(env, capsys, secrets):
    real = env / "real.json"
    real.write_text(EXAMPLE_JIRA)
    (env / "link.json").symlink_to(real)
    config = env / "config.toml"
    config.write_text(TARGET + 'mapping = "link.json"\n')
    code, out, err = run(capsys, "--config", str(config), "config", "check")
    assert code == 0, err
    assert out.endswith("ok, 1 targets (1 with mappings), 0 rules\n")


def test_config_and_mapping_that_are_not_utf8_name_the_file_and_the_byte(env, capsys,
                                                                        secrets):
    config = env / "config.toml"
    config.write_bytes(TARGET.encode() + b'# caf\xe9\n')
    code, _, err = run(capsys, "--config", str(config), "config", "check")
    assert code == 2
    assert err.strip().endswith(f"{config}: not UTF-8 text (byte {len(TARGET) + 5})")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    mapping = env / "mapping.json"
    mapping.write_bytes(b'{"project": "S\xff"}')
    config.write_text(TARGET + f'mapping = "{mapping}"\n')
    code, _, err = run(capsys, "--config", str(config), "config", "check")
    assert code == 2 and f"{mapping}: not UTF-8 text (byte 14)" in err


def test_a_template_that_does_not_compile_is_named_by_target_file_and_field(env, capsys,
                                                                            secrets):
    (env / "mappings").mkdir()
    mapping = env / "mappings" / "jira.json"
    mapping.write_text(json.dumps({"project": "SEC", "issue_type": "Bug", "field_mapping": {
        "summary": "{{ alert.title ", "labels": ["ok", "{% for x in alert.iocs %}"],
        "description": "{{ alert.description }}"}}))
    config = env / "config.toml"
    config.write_text(TARGET + 'mapping = "mappings/jira.json"\n')
    code, _, err = run(capsys, "--config", str(config), "config", "check")
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert (f"target jira-sec: {mapping}: /field_mapping/summary: template syntax error: "
            "unexpected end of template, expected 'end of print statement'. (line 1)") in err
    assert f"target jira-sec: {mapping}: /field_mapping/labels/1: template syntax error: " \
        in err
    assert "description" not in err


def test_every_unset_or_empty_secret_is_named_with_its_target(env, capsys, monkeypatch):
    monkeypatch.setenv("ZS_TEST_JIRA_TOKEN", "")
    monkeypatch.setenv("ZS_TEST_SNOW_SECRET", SECRETS["ZS_TEST_SNOW_SECRET"])
    monkeypatch.delenv("ZS_TEST_SNOW_PASSWORD", raising=False)
    config = env / "config.toml"
    config.write_text(TARGET + SNOW)
    code, out, err = run(capsys, "--config", str(config), "config", "check")
    assert code == 2 and out == ""
    assert "target jira-sec: auth.token_env names ZS_TEST_JIRA_TOKEN, which is unset or " \
           "empty" in err
    assert "target snow-sir: auth.password_env names ZS_TEST_SNOW_PASSWORD, which is " \
           "unset or empty" in err
    assert "ZS_TEST_SNOW_SECRET" not in err
    assert SECRETS["ZS_TEST_SNOW_SECRET"] not in err


def test_a_config_whose_secrets_are_set_checks_ok_without_showing_them(env, capsys, secrets):
    config = env / "config.toml"
    config.write_text(TARGET + SNOW)
    code, out, err = run(capsys, "--config", str(config), "config", "check")
    assert code == 0, err
    assert out.endswith("ok, 2 targets (0 with mappings), 0 rules\n")
    assert not any(value in out + err for value in secrets.values())
