"""On-call rotations: who is on call at an instant, and who is next.

Shifts are counted in the rotation's local calendar, not in fixed 24-hour steps: a daily
handover at 09:00 Europe/Berlin stays at 09:00 local on the day clocks change, so that
shift is 23 or 25 hours long. An override replaces the member for the shift that starts
on its local date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from zshield_tui.rules_config import OnCall


@dataclass(frozen=True)
class Shift:
    """One member's shift: [start, end) in UTC."""

    member: str
    start: datetime
    end: datetime
    override: bool = False


def _zone(rotation: OnCall) -> ZoneInfo:
    return ZoneInfo(rotation.timezone)


def _local_start(rotation: OnCall) -> datetime:
    """The first handover as a naive local wall-clock time in the rotation's zone."""
    zone = _zone(rotation)
    start = rotation.start
    if start.tzinfo is not None:
        start = start.astimezone(zone)
    return start.replace(tzinfo=None)


def _handover(rotation: OnCall, day: date) -> datetime:
    """The handover on local `day`, in UTC. A wall time skipped by a DST jump is read with
    fold=0, which zoneinfo maps to the later offset: the handover moves forward an hour."""
    local = datetime.combine(day, _local_start(rotation).time()).replace(tzinfo=_zone(rotation))
    return local.astimezone(UTC)


def _days(rotation: OnCall) -> int:
    return 1 if rotation.rotation == "daily" else 7


def shift_at(rotation: OnCall, moment: datetime) -> Shift:
    """The shift that covers `moment` (an aware datetime). Before `start`, the rotation is
    projected backwards so there is always someone on call."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    zone = _zone(rotation)
    first = _local_start(rotation)
    local = moment.astimezone(zone)
    # The local date whose handover is the latest at or before `moment`.
    day = local.date()
    if _handover(rotation, day) > moment:
        day -= timedelta(days=1)
    return _shift_from_day(rotation, first, day)


def _shift_from_day(rotation: OnCall, first: datetime, day: date) -> Shift:
    step = _days(rotation)
    index = (day - first.date()).days // step
    shift_day = first.date() + timedelta(days=index * step)
    members = rotation.members
    member = members[index % len(members)]
    start = _handover(rotation, shift_day)
    end = _handover(rotation, shift_day + timedelta(days=step))
    overrides = {o.date: o.member for o in rotation.overrides}
    if day in overrides:
        # An override covers one local day, from that day's handover to the next.
        return Shift(overrides[day], _handover(rotation, day),
                     _handover(rotation, day + timedelta(days=1)), override=True)
    # A weekly shift is cut short by an override inside it.
    for offset in range(1, step):
        if shift_day + timedelta(days=offset) in overrides and \
                shift_day + timedelta(days=offset) > day:
            end = _handover(rotation, shift_day + timedelta(days=offset))
            break
    for offset in range(step - 1, 0, -1):
        cut = shift_day + timedelta(days=offset)
        if cut in overrides and cut < day:
            start = _handover(rotation, cut + timedelta(days=1))
            break
    return Shift(member, start, end)


def on_call(rotation: OnCall, moment: datetime) -> str:
    """The member on call at `moment`."""
    return shift_at(rotation, moment).member


def now_and_next(rotation: OnCall, moment: datetime) -> tuple[Shift, Shift]:
    """The current shift and the one after it (the next handover is `current.end`)."""
    current = shift_at(rotation, moment)
    return current, shift_at(rotation, current.end)


def describe(name: str, rotation: OnCall, moment: datetime) -> str:
    """`primary: ana@... until 2026-11-30 09:00 Europe/Berlin, then bo@...`."""
    current, following = now_and_next(rotation, moment)
    local_end = current.end.astimezone(_zone(rotation))
    return (f"{name}: {current.member} until {local_end:%Y-%m-%d %H:%M} {rotation.timezone}, "
            f"then {following.member}")

