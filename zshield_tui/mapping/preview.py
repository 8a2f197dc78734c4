"""Everything a preview shows for one alert: render, validate, build the request.

Shared by `zshield preview`, the preview screen and the benchmark, so all three show the
same thing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from zshield_tui.domain import Alert, CreateMetadata, TicketDraft

from .environment import MappingEnvironment
from .files import Mapping, ServiceNowMapping
from .render import render_draft
from .request import PreparedRequest, build_request
from .target import TargetSpec
from .validate import validate_draft


@dataclass(frozen=True)
class Preview:
    """A rendered and validated draft with the request a push would send."""

    alert_id: str
    draft: TicketDraft       # errors: the template's and the target's
    basis: str               # what validation checked against
    request: PreparedRequest

    @property
    def valid(self) -> bool:
        return self.draft.valid


def preview_alert(alert: Alert, mapping: Mapping, target: TargetSpec, *,
                  metadata: CreateMetadata | None = None, cached: bool = False,
                  env: MappingEnvironment | None = None,
                  resolver: Callable[[str], str | None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> Preview:
    """Renders, validates and builds the request; never raises for a template's faults.
    `cancelled` is asked between fields (see `render_draft`)."""
    table = mapping.table if isinstance(mapping, ServiceNowMapping) else ""
    draft = render_draft(alert, mapping, target, env, cancelled=cancelled)
    checked = validate_draft(draft, target.kind, metadata, cached=cached, table=table)
    request = build_request(checked.draft, target, alert.id, table=table, resolver=resolver,
                            metadata=metadata)
    return Preview(alert.id, checked.draft, checked.basis, request)


@dataclass
class BatchResult:
    """A mapping rendered over many alerts: how many failed, and why how often."""

    checked: int = 0
    failed: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


def batch_check(alerts: Iterable[Alert], mapping: Mapping, target: TargetSpec, *,
                metadata: CreateMetadata | None = None, env: MappingEnvironment | None = None,
                progress: Callable[[int], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> BatchResult:
    """Renders and validates `mapping` for each alert; counts errors as `field: problem`."""
    result = BatchResult()
    table = mapping.table if isinstance(mapping, ServiceNowMapping) else ""
    for alert in alerts:
        if cancelled is not None and cancelled():
            break
        draft = validate_draft(render_draft(alert, mapping, target, env, cancelled=cancelled),
                               target.kind, metadata, table=table).draft
        result.checked += 1
        if draft.errors:
            result.failed.append((alert.id, draft.errors))
            for name, problems in draft.errors.items():
                for problem in problems:
                    result.counts[f"{name}: {_generic(problem, alert)}"] += 1
        if progress is not None and result.checked % 50 == 0:
            progress(result.checked)
    if progress is not None:
        progress(result.checked)
    return result


def _generic(problem: str, alert: Alert) -> str:
    """Groups errors that differ only by the alert's own text (a label's value)."""
    for text in (alert.category, alert.title, alert.source):
        if text and repr(text) in problem:
            problem = problem.replace(repr(text), "<alert value>")
    return problem
