"""A ticket's SLA as the tickets panel and view show it: a running clock with its
percentage and time left; a stopped one as met or breached, never `0.0% (7199m left)`."""

from __future__ import annotations

from zshield_tui.tui.widgets.tickets_panel import sla_text


def test_a_running_sla_shows_its_percentage_and_time_left():
    text = sla_text({"stage": "In progress", "percentage": 62.5, "time_left": 7830,
                     "breached": False})
    assert text.plain == "62.5% (2h 10m left)"


def test_a_stopped_sla_says_met_or_breached():
    closed = {"stage": "Completed", "percentage": 0.0, "time_left": 7199 * 60}
    assert sla_text({**closed, "breached": False}).plain == "met"
    assert sla_text({**closed, "breached": True}).plain == "breached"
    assert sla_text({"stage": "Cancelled", "breached": False}).plain == "met"


def test_a_paused_sla_says_so_and_an_overdue_one_says_by_how_much():
    assert sla_text({"stage": "Paused", "percentage": 40}).plain == "40% paused"
    overdue = {"stage": "In progress", "percentage": 130, "time_left": -4 * 86400,
               "breached": True}
    assert sla_text(overdue).plain == "130% (4d over)"
