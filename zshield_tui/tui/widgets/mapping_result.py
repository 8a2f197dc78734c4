"""The right side of the mapping preview, and the batch check's result, as rich Text.

Built in worker threads (plain objects, no widget state), and only ever from `Text`
pieces: rendered fields carry alert text, which must never be read as markup, and which
goes through printable() so its control characters show instead of acting.
"""

from __future__ import annotations

from rich.text import Text

from zshield_tui.domain.terminal import printable, printable_json

ERROR = "bold red"
HEADING = "bold"
DIM = "dim"


def preview_text(preview, problem: str | None, *, alert_found: bool = True) -> Text:
    """Fields, errors per field, omitted fields and the exact request of one preview."""
    text = Text()
    if problem:
        text.append("mapping file\n", style=HEADING)
        text.append(f"  {printable(problem)}\n", style=ERROR)
        return text
    if not alert_found:
        text.append("the alert is no longer in the database\n", style=ERROR)
        return text
    if preview is None:
        return text
    draft = preview.draft
    verdict = "valid" if draft.valid else f"{len(draft.errors)} fields with errors"
    text.append(f"{printable(preview.alert_id)}: {verdict}\n",
                style=HEADING if draft.valid else ERROR)
    text.append(f"checked against {printable(preview.basis)}\n\n", style=DIM)
    if draft.errors:
        text.append("errors\n", style=HEADING)
        for name, problems in draft.errors.items():
            for item in problems:
                text.append(f"  {printable(name)}: ", style=ERROR)
                text.append(f"{printable(item)}\n")
        text.append("\n")
    text.append("fields\n", style=HEADING)
    fields = draft.payload.get("fields", draft.payload)
    for name, value in fields.items():
        shown = printable(value, multiline=True) if isinstance(value, str) \
            else printable_json(value)
        text.append(f"  {printable(name)}: ", style="bold")
        text.append(f"{shown}\n")
    if draft.omitted:
        text.append("\nomitted (rendered empty)\n", style=HEADING)
        text.append("".join(f"  {printable(name)}\n" for name in draft.omitted), style=DIM)
    request = preview.request
    text.append("\nrequest\n", style=HEADING)
    text.append(printable(f"{request.method} {request.url}") + "\n")
    for key, value in request.headers.items():
        text.append(printable(f"{key}: {value}") + "\n", style=DIM)
    text.append(printable_json(request.body, indent=2) + "\n")
    for note in request.notes:
        text.append(printable(f"note: {note}") + "\n", style=DIM)
    return text


def batch_text(result, shown: int = 20) -> Text:
    """How many alerts failed, each error with its count, and the first failing alerts."""
    failed = len(result.failed)
    text = Text()
    text.append(f"checked {result.checked} alerts: ", style=HEADING)
    text.append(f"{failed} fail\n" if failed else "all render and validate\n",
                style=ERROR if failed else "bold green")
    for problem, count in result.counts.most_common():
        text.append(f"  {count:>6}  ", style="bold")
        text.append(f"{printable(problem)}\n")
    for alert_id, errors in result.failed[:shown]:
        text.append(f"  {printable(alert_id)}: ", style=DIM)
        text.append(f"{printable(', '.join(errors))}\n")
    if failed > shown:
        text.append(f"  ... and {failed - shown} more\n", style=DIM)
    return text
