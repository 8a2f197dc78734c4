"""Mapping speed: renders per second of the documented Jira mapping, and the time of one
preview re-render after an edit.

Renders/s: `render_draft` of the DESIGN §5 Jira example over varied alerts (templates
compiled once, as in a push or a batch check). Baseline in the same run: the same payload
built by hand with f-strings, the floor any template engine sits above.

Re-render: what the preview screen does after each pause in typing (parse the edited JSON,
render, validate, build the request), where each edit changes the summary template, so
every re-render compiles that template anew. Baseline: the same re-render with no edit.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

from zshield_tui.domain import IOC, Alert, Asset, Severity
from zshield_tui.mapping.files import EXAMPLE_JIRA, parse_mapping
from zshield_tui.mapping.preview import preview_alert
from zshield_tui.mapping.render import render_draft
from zshield_tui.mapping.target import EXAMPLE_TARGETS

from .report import Result, ms, percentile

TARGET_RENDERS = 20_000   # per second
TARGET_RERENDER_MS = 16   # one frame at 60 Hz


def run(quick: bool = False, profile: bool = False) -> list[Result]:
    alerts = _alerts(500)
    renders = 20_000 if quick else 100_000
    rate, floor = _render_rate(alerts, renders), _fstring_rate(alerts, renders)
    print(f"render_draft: {rate:,.0f}/s (f-string floor {floor:,.0f}/s)", flush=True)
    edits = 200 if quick else 1000
    edited, unedited = _rerenders(alerts[0], edits)
    p95, median = percentile(edited, 95), statistics.median(unedited)
    print(f"preview re-render: p95 {ms(p95)} ms, median {ms(statistics.median(edited))} ms "
          f"(no edit {ms(median)} ms)", flush=True)
    if profile:
        import cProfile

        cProfile.runctx("_render_rate(alerts, 20_000)", globals(), locals(), sort="cumtime")
    return [
        Result("mapping renders", f"{rate:,.0f}/s", f"{floor:,.0f}/s (f-strings)", rate / floor,
               f">= {TARGET_RENDERS:,}/s", rate >= TARGET_RENDERS,
               {"renders": renders, "rate": round(rate), "floor": round(floor)}),
        Result("mapping re-render", f"p95 {ms(p95)} ms", f"{ms(median)} ms (no edit)",
               p95 / median, f"p95 <= {TARGET_RERENDER_MS} ms",
               p95 <= TARGET_RERENDER_MS * 1e6,
               {"edits": edits, "p95_ms": ms(p95), "median_ms": ms(statistics.median(edited)),
                "max_ms": ms(max(edited))}),
    ]


def _alerts(count: int) -> list[Alert]:
    start = datetime(2026, 11, 24, tzinfo=UTC)
    return [Alert(id=f"ZS-{n:06d}", title=f"PowerShell download cradle on web-{n % 40:02d}",
                  description=f"Encoded command number {n}\nParent: w3wp.exe",
                  severity=list(Severity)[n % 5], source="EDR", category="execution",
                  mitre_technique="T1059.001", assigned_analyst="ana@yourorg.com",
                  created_at=start + timedelta(seconds=n),
                  assets=[Asset(hostname=f"web-{n % 40:02d}", ip=f"10.0.0.{n % 250}")],
                  iocs=[IOC(type="ip", value=f"203.0.113.{n % 250}")])
            for n in range(count)]


def _render_rate(alerts: list[Alert], renders: int) -> float:
    mapping, target = parse_mapping(EXAMPLE_JIRA), EXAMPLE_TARGETS["example-jira"]
    for alert in alerts[:50]:
        render_draft(alert, mapping, target)  # compile once, warm caches
    start = time.perf_counter()
    for n in range(renders):
        render_draft(alerts[n % len(alerts)], mapping, target)
    return renders / (time.perf_counter() - start)


def _fstring_rate(alerts: list[Alert], renders: int) -> float:
    priorities = {"critical": "Highest", "high": "High", "medium": "Medium", "low": "Low",
                  "informational": "Lowest"}
    start = time.perf_counter()
    for n in range(renders):
        a = alerts[n % len(alerts)]
        {"fields": {"project": {"key": "SEC"}, "issuetype": {"name": "Bug"},
                    "summary": a.title,
                    "description": f"{a.description}\n\nSeverity: {a.severity}\nSource: "
                                   f"{a.source}\nMITRE ATT&CK: {a.mitre_technique}",
                    "priority": {"name": priorities[a.severity]},
                    "labels": ["zpoa-shield", a.category], "assignee": a.assigned_analyst}}
    return renders / (time.perf_counter() - start)


def _rerenders(alert: Alert, edits: int) -> tuple[list[int], list[int]]:
    target = EXAMPLE_TARGETS["example-jira"]
    preview_alert(alert, parse_mapping(EXAMPLE_JIRA), target)  # imports and first compile
    edited, unedited = [], []
    for n in range(edits):
        # as if typing into the summary template: a new template text each time
        text = EXAMPLE_JIRA.replace("{{alert.title}}", "{{alert.title}} " + "x" * (n % 60)
                                    + f" #{n}")
        start = time.perf_counter_ns()
        preview_alert(alert, parse_mapping(text), target)
        edited.append(time.perf_counter_ns() - start)
        start = time.perf_counter_ns()
        preview_alert(alert, parse_mapping(EXAMPLE_JIRA), target)
        unedited.append(time.perf_counter_ns() - start)
    return sorted(edited), sorted(unedited)
