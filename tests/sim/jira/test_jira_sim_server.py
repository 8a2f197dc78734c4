"""`zshield sim jira` builds this simulator."""

from __future__ import annotations

from zshield_tui.sim import server


def test_sim_server_builds_the_jira_app():
    app = server.create_app("jira")
    assert app.state.jira.projects.keys() >= {"SEC", "OPS"}
