"""The [receive] section: loopback unless TLS, and `config check` asks for what
`zshield receive` would need."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.cli.runner import run
from zshield_tui.config import ReceiveConfig, TlsConfig


@pytest.fixture
def home(tmp_path, monkeypatch):
    for name in ("CONFIG", "DATA", "STATE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    for name in ("ZSHIELD_DB", "ZSHIELD_CONFIG", "ZSHIELD_RECEIVE_TOKEN", "MY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_the_defaults_listen_on_loopback_with_the_documented_token_variable():
    settings = ReceiveConfig()
    assert (settings.listen, settings.token_env, settings.tls) == \
        ("127.0.0.1:8765", "ZSHIELD_RECEIVE_TOKEN", None)
    assert settings.max_body_bytes == 16 * 1024 * 1024


def test_every_field_is_documented():
    for model in (ReceiveConfig, TlsConfig):
        for name, info in model.model_fields.items():
            assert info.description, f"{model.__name__}.{name}"


@pytest.mark.parametrize("listen", ["127.0.0.1:8765", "127.9.9.9:1", "localhost:8765",
                                    "[::1]:8765", "127.0.0.1:0"])
def test_loopback_needs_no_tls(listen):
    assert ReceiveConfig(listen=listen).listen == listen


@pytest.mark.parametrize("listen", ["0.0.0.0:8765", "[::]:8765", "192.168.1.5:8765",
                                    "intake.example.com:443"])
def test_any_other_address_needs_tls(listen):
    with pytest.raises(ValidationError, match="not a loopback address"):
        ReceiveConfig(listen=listen)
    with_tls = ReceiveConfig(listen=listen, tls={"cert": "c.pem", "key": "k.pem"})
    assert with_tls.tls == TlsConfig(cert="c.pem", key="k.pem")


@pytest.mark.parametrize("listen", ["8765", "127.0.0.1", "::1:8765", "127.0.0.1:99999",
                                    "127.0.0.1:http", ":8765"])
def test_a_listen_value_that_is_not_host_and_port_is_refused(listen):
    with pytest.raises(ValidationError, match="HOST:PORT|brackets"):
        ReceiveConfig(listen=listen)


def test_unknown_keys_and_a_zero_body_limit_are_refused():
    with pytest.raises(ValidationError):
        ReceiveConfig(token="in-the-file")   # secrets never sit in the config
    with pytest.raises(ValidationError):
        ReceiveConfig(max_body_bytes=0)


def test_config_check_names_the_unset_receive_token(home, capsys):
    config = home / "config.toml"
    config.write_text('[receive]\ntoken_env = "MY_TOKEN"\n')
    code, _, err = run(capsys, "--config", str(config), "config", "check")
    assert code == 2
    assert "receive: token_env names MY_TOKEN, which is unset or empty" in err


def test_config_check_passes_once_the_token_is_set(home, capsys, monkeypatch):
    config = home / "config.toml"
    config.write_text('[receive]\ntoken_env = "MY_TOKEN"\n')
    monkeypatch.setenv("MY_TOKEN", "s3cret-value")
    code, out, err = run(capsys, "--config", str(config), "config", "check")
    assert code == 0, err
    assert "s3cret-value" not in out + err


def test_config_check_asks_for_no_token_when_nothing_receives(home, capsys):
    config = home / "config.toml"
    config.write_text("")
    code, _, err = run(capsys, "--config", str(config), "config", "check")
    assert code == 0, err


def test_config_check_names_a_certificate_that_is_missing(home, capsys, monkeypatch):
    monkeypatch.setenv("ZSHIELD_RECEIVE_TOKEN", "s3cret-value")
    config = home / "config.toml"
    config.write_text('[receive]\nlisten = "0.0.0.0:8443"\n'
                      'tls = { cert = "intake.pem", key = "intake.key" }\n')
    code, _, err = run(capsys, "--config", str(config), "config", "check")
    assert code == 2
    assert f"receive: tls: {home / 'intake.pem'}: no such file" in err


def test_config_check_names_a_listen_address_beyond_loopback_without_tls(home, capsys):
    config = home / "config.toml"
    config.write_text('[receive]\nlisten = "0.0.0.0:8765"\n')
    code, _, err = run(capsys, "--config", str(config), "config", "check")
    assert code == 2
    assert "receive: listen '0.0.0.0:8765' is not a loopback address" in err
