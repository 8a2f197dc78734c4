"""How often things happen in the demo stream. Tune realism here, not in the generator."""

from __future__ import annotations

from zshield_tui.domain import AlertState

_A = AlertState

INCIDENT_RATE = 0.02          # chance that the next top-level alert opens an incident
EVIDENCE_RATE = 0.12
INCIDENT_EVIDENCE_RATE = 0.6

# Analysts work the queue, so the older an alert the likelier it has moved on from `new`.
# (age limit in seconds, weights); the last bucket takes every older alert.
STATES_BY_AGE: tuple[tuple[int | None, dict[AlertState, int]], ...] = (
    (86_400, {_A.NEW: 80, _A.ACKNOWLEDGED: 10, _A.IN_PROGRESS: 7, _A.RESOLVED: 2, _A.CLOSED: 1}),
    (259_200, {_A.NEW: 60, _A.ACKNOWLEDGED: 12, _A.IN_PROGRESS: 12, _A.RESOLVED: 10,
               _A.CLOSED: 6}),
    (None, {_A.NEW: 50, _A.ACKNOWLEDGED: 8, _A.IN_PROGRESS: 10, _A.RESOLVED: 20, _A.CLOSED: 12}),
)
# Children follow their incident: a closed incident closed its children, a new one has
# children nobody has touched.
CHILD_STATES: dict[AlertState, dict[AlertState, int]] = {
    _A.NEW: {_A.NEW: 90, _A.ACKNOWLEDGED: 10},
    _A.ACKNOWLEDGED: {_A.NEW: 25, _A.ACKNOWLEDGED: 35, _A.IN_PROGRESS: 40},
    _A.IN_PROGRESS: {_A.NEW: 25, _A.ACKNOWLEDGED: 35, _A.IN_PROGRESS: 40},
    _A.RESOLVED: {_A.RESOLVED: 60, _A.CLOSED: 40},
    _A.CLOSED: {_A.CLOSED: 85, _A.RESOLVED: 15},
}
# Most incidents are small; a few sprawl to the limit of 20 children.
CHILD_COUNTS: dict[int, int] = {3: 20, 4: 18, 5: 15, 6: 12, 7: 9, 8: 7, 9: 5, 10: 4, 11: 3,
                                12: 2} | {n: 1 for n in range(13, 21)}
# Alert volume follows office hours and drops at weekends (UTC stands in for local time).
HOURLY = (0.3, 0.25, 0.25, 0.25, 0.3, 0.4, 0.6, 0.8, 1.0, 1.0, 1.0, 1.0,
          0.9, 1.0, 1.0, 1.0, 0.9, 0.8, 0.6, 0.5, 0.45, 0.4, 0.35, 0.3)
WEEKEND = 0.5
