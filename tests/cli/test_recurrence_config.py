"""The recurrence settings of a target (group_by, group_window, when_closed): a wrong
value is one line naming the target and the field, exit 2."""

from __future__ import annotations

import pytest

from tests.cli.runner import run
from zshield_tui.config import ConfigError, load_config

TARGET = ('[[targets]]\nname = "jira-sec"\nkind = "jira"\n'
          'url = "https://yourorg.atlassian.net"\ndeployment = "cloud"\n'
          'auth = { method = "pat", token_env = "T" }\n')


def test_the_settings_load_with_their_defaults(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(TARGET)
    target = load_config(path).targets[0]
    assert (target.group_by, target.group_window, target.when_closed) == (None, "24h", "new")
    path.write_text(TARGET + 'group_by = "{{alert.title}}"\ngroup_window = "2h"\n'
                    'when_closed = "reopen"\n')
    target = load_config(path).targets[0]
    assert (target.group_by, target.group_window, target.when_closed) == \
        ("{{alert.title}}", "2h", "reopen")


@pytest.mark.parametrize(("line", "expected"), [
    ('group_window = "1 day"', "targets[0] (jira-sec).group_window: duration '1 day'"),
    ('group_window = "0h"', "targets[0] (jira-sec).group_window: duration '0h'"),
    ('when_closed = "reopened"', "targets[0] (jira-sec).when_closed: Input should be 'reopen'"),
    ('group_by = "  "', "targets[0] (jira-sec).group_by: must be a template"),
])
def test_a_bad_value_names_the_target_and_the_field(tmp_path, line, expected):
    path = tmp_path / "config.toml"
    path.write_text(TARGET + line + "\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert expected in str(info.value)


def test_config_check_compiles_the_group_by_template(env, capsys, monkeypatch):
    monkeypatch.setenv("T", "token")
    config = env / "config.toml"
    config.write_text(TARGET + 'group_by = "{{alert.title"\n')
    code, _, err = run(capsys, "--config", str(config), "config", "check")
    assert code == 2
    assert "target jira-sec: group_by: template syntax error" in err
    config.write_text(TARGET + 'group_by = "{{alert.source}}:{{alert.title}}"\n')
    code, out, _ = run(capsys, "--config", str(config), "config", "check")
    assert code == 0 and "ok, 1 targets" in out
