"""A hostile mapping opened in the preview cannot keep zshield running: its render ends
within the template budget, and quitting right away leaves no thread spinning."""

from __future__ import annotations

import asyncio
import json
import sys
import time

from tests.tui.conftest import SIZE, triage_ready
from zshield_tui.tui.screens.mapping_preview import MappingPreviewScreen

NEVER_ENDS = ("{% set x = 'a' * 100000 %}{% for a in x %}{% for b in x %}{% for c in x %}"
              "{% endfor %}{% endfor %}{% endfor %}")


def write_hostile_config(folder):
    (folder / "mappings").mkdir(parents=True)
    (folder / "mappings" / "jira-sec.json").write_text(json.dumps({
        "project": "SEC", "issue_type": "Bug", "field_mapping": {
            "summary": NEVER_ENDS, "labels": ["{{ (['a' * 100000] * 30000) | join }}"],
            **{f"customfield_{n}": NEVER_ENDS for n in range(20)}}}))
    config = folder / "config.toml"
    config.write_text(
        '[[targets]]\nname = "jira-sec"\nkind = "jira"\nurl = "http://127.0.0.1:9"\n'
        'deployment = "cloud"\n'
        'auth = { method = "api_token", email = "bot@x.com", token_env = "T" }\n'
        'mapping = "mappings/jira-sec.json"\n')
    return config


def rendering_a_template() -> bool:
    """Some thread is inside a compiled template (Jinja names their code `<template>`)."""
    for frame in sys._current_frames().values():
        while frame is not None:
            if frame.f_code.co_filename == "<template>":
                return True
            frame = frame.f_back
    return False


async def until_rendering(app) -> None:
    """Polled, unlike the other waits (conftest.wait_for): a thread entering a template
    sends the app no message, so there is nothing to wait on."""
    for _ in range(200):
        if rendering_a_template():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no template rendering; workers: {list(app.workers)}")


async def test_q_right_after_m_on_a_hostile_mapping_exits_promptly(make_app, tmp_path,
                                                                    monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app = make_app(config_file=write_hostile_config(tmp_path / "cfg"))
    async with app.run_test(size=SIZE) as pilot:
        await triage_ready(pilot)
        await pilot.press("m")
        await until_rendering(app)
        assert isinstance(app.screen, MappingPreviewScreen)
        quit_at = time.monotonic()
        await pilot.press("escape", "q")  # leave the editor, then quit
    # The render runs in a thread of the loop's executor: what is left of it is waited
    # for, here as when zshield exits.
    await asyncio.wait_for(asyncio.get_running_loop().shutdown_default_executor(), 30)
    # one field's budget (two renders may be under way), not twenty-one, not for ever
    assert time.monotonic() - quit_at < 5
    assert not app.is_running
