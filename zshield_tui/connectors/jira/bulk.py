"""Bulk create through /issue/bulk (at most 50 per call), idempotent like single create:
alerts that already have an issue are found first, in one search per chunk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from zshield_tui.connectors.base import CreateResult, RemoteTicket
from zshield_tui.connectors.errors import ConnectorError, UncertainError, ValidationError
from zshield_tui.connectors.jira.http import error_for
from zshield_tui.connectors.jira.shapes import correlation_label

if TYPE_CHECKING:
    from zshield_tui.connectors.jira.client import JiraConnector

BULK_LIMIT = 50
Results = list[CreateResult | Exception | None]


async def bulk_create(conn: JiraConnector, items: Sequence[tuple[dict[str, Any], str]]
                      ) -> list[CreateResult | Exception]:
    """One CreateResult or exception per (payload, correlation key), in order."""
    results: Results = [None] * len(items)
    for start in range(0, len(items), BULK_LIMIT):
        span = range(start, min(start + BULK_LIMIT, len(items)))
        try:
            await _chunk(conn, items, span, results)
        except ConnectorError as exc:
            for i in span:
                if results[i] is None:
                    results[i] = exc
    return [r if r is not None else ConnectorError("no result", target=conn.name)
            for r in results]


async def _existing(conn: JiraConnector, items: Sequence[tuple[dict[str, Any], str]],
                    span: range) -> dict[str, RemoteTicket]:
    """Correlation label -> the issue already made for it (one search for the chunk)."""
    labels = {correlation_label(items[i][1]) for i in span}
    quoted = ", ".join(f'"{label}"' for label in sorted(labels))
    payload = items[span.start][0] if span else None
    found = await conn._search(f"{conn._project_clause(payload)}labels in ({quoted})")
    out: dict[str, RemoteTicket] = {}
    for ticket in found:
        for label in set(ticket.fields.get("labels") or []) & labels:
            out.setdefault(label, ticket)
    return out


async def _chunk(conn: JiraConnector, items: Sequence[tuple[dict[str, Any], str]],
                 span: range, results: Results) -> None:
    existing = await _existing(conn, items, span)
    pending: list[int] = []
    for i in span:
        ticket = existing.get(correlation_label(items[i][1]))
        if ticket:
            results[i] = CreateResult(replace(ticket, correlation_key=items[i][1]),
                                      created=False)
        else:
            pending.append(i)
    if not pending:
        return
    bodies = [conn._create_body(items[i][0], items[i][1],
                                await conn._prepare(items[i][0].get("fields") or {}))
              for i in pending]
    try:
        response = await conn._call("POST", "/issue/bulk", json={"issueUpdates": bodies},
                                    what="bulk create", ok=(400,))
    except UncertainError:
        # Look (our call may have made them), then create singly whatever is missing.
        for i in pending:
            payload, key = items[i]
            try:
                found = await conn.look_after_uncertain(key, payload)
                results[i] = CreateResult(found, created=True) if found else \
                    await conn.create(payload, correlation_key=key)
            except ConnectorError as exc:
                results[i] = exc
        return
    answer = response.json()
    if response.status_code == 400 and not answer.get("errors"):
        # A 400 about the whole request (not per item): every item failed the same way.
        error = error_for(response, target=conn.name, auth_hint="", what="bulk create")
        for i in pending:
            results[i] = error
        return
    failed = {e.get("failedElementNumber"): e for e in answer.get("errors") or []}
    made = iter(answer.get("issues") or [])  # the successes, in request order
    for n, i in enumerate(pending):
        if n in failed:
            element = failed[n].get("elementErrors") or {}
            errors = {str(k): str(v) for k, v in (element.get("errors") or {}).items()}
            detail = "; ".join([*element.get("errorMessages", []),
                                *(f"{k}: {v}" for k, v in errors.items())])
            results[i] = ValidationError(f"bulk create item {i}: Jira refused it: {detail}",
                                         fields=errors, target=conn.name, status=400)
            continue
        ref = next(made, None)
        if ref is None:
            results[i] = ConnectorError("bulk create: Jira returned fewer issues than sent",
                                        target=conn.name)
            continue
        try:
            results[i] = CreateResult(await conn._made(ref["key"], items[i][1]), created=True)
        except ConnectorError as exc:
            results[i] = exc
