"""`zshield show ALERT_ID [--json]`: one alert with its tickets, notes and children."""

from __future__ import annotations

from typing import Any

from zshield_tui.domain.terminal import printable, printable_json
from zshield_tui.store import get_alert
from zshield_tui.store.alerts import child_ids
from zshield_tui.store.attachments import attachments_of
from zshield_tui.store.records import audit_trail, linked_tickets
from zshield_tui.store.syncrepo import conflicts, note_rows

from .context import EXIT_FAILED, EXIT_OK, Context


def run(ctx: Context, alert_id: str, as_json: bool) -> int:
    with ctx.open_store(create=False) as store:
        alert = get_alert(store.conn, alert_id)
        if alert is None:
            print(f"zshield: no alert with id '{printable(alert_id)}' in {store.database}",
                  file=ctx.err)
            return EXIT_FAILED
        document: dict[str, Any] = alert.model_dump(mode="json")
        files = attachments_of(store.conn, alert_id)
        document["tickets"] = [
            {**t.model_dump(mode="json"),
             "attachments": [{"name": f["name"], "size": f["size"], "remote_id": f["remote_id"]}
                             for f in files if f["target"] == t.target]}
            for t in linked_tickets(store, alert_id)]
        document["notes"] = [
            {"body": n["body"], "author": n["author"], "origin": n["origin"],
             "created_at": n["created_at"],
             "sync_state": n["sync_state"] or ("remote" if n["origin"] == "remote" else "local")}
            for n in note_rows(store.conn, alert_id)
        ]
        document["conflicts"] = conflicts(store.conn, alert_id)
        document["children"] = child_ids(store.conn, alert_id)
        document["audit"] = [
            {"at": e.at.isoformat(), "actor": e.actor, "action": e.action,
             "old": e.old_value, "new": e.new_value, "detail": e.detail}
            for e in audit_trail(store, alert_id)
        ]
    if as_json:
        print(printable_json(document, indent=2), file=ctx.out)
    else:
        _print_text(ctx, document)
    return EXIT_OK


def _print_text(ctx: Context, doc: dict[str, Any]) -> None:
    # Every value below may come from the alert or from a remote system.
    def line(label: str, value: object) -> None:
        if value not in (None, "", []):
            print(f"{label:>16}  {printable(str(value))}", file=ctx.out)

    print(f"{printable(doc['id'])}  {printable(doc['title'])}", file=ctx.out)
    for key in ("severity", "state", "source", "category", "mitre_technique",
                "assigned_analyst", "created_at", "parent_id"):
        line(key.replace("_", " "), doc[key])
    line("tags", ", ".join(doc["tags"]))
    if doc["description"]:
        print(f"\n{printable(doc['description'], multiline=True)}\n", file=ctx.out)
    for asset in doc["assets"]:
        line("asset", " / ".join(v for v in (asset.get("hostname"), asset.get("ip")) if v)
             + (f" (owner {asset['owner']})" if asset.get("owner") else ""))
    for ioc in doc["iocs"]:
        line("ioc", f"{ioc['type']}: {ioc['value']}")
    for evidence in doc["evidence"]:
        line("evidence", f"{evidence['name']}  {evidence['path']}")
    for n, step in enumerate(doc["playbook"], 1):
        line("playbook" if n == 1 else "", f"{n}. {step}")
    for ticket in doc["tickets"]:
        line("ticket", f"{ticket['target']} {ticket['key']} {ticket['status']} {ticket['url']}")
        if ticket.get("remote_parent"):
            line("", f"child of {ticket['remote_parent']}")
        if ticket.get("configuration_item"):
            line("", f"CI {ticket['configuration_item']}")
        if ticket.get("sla"):
            sla = ticket["sla"]
            line("", f"SLA {sla.get('name')}: {sla.get('stage')} {sla.get('percentage')}%")
        for f in ticket["attachments"]:
            line("", f"attached {f['name']} ({f['size']} bytes)")
        if ticket.get("error"):
            line("", f"error: {ticket['error']}")
    if not doc["tickets"]:
        line("tickets", "none linked")
    for note in doc["notes"]:
        line("note", f"{note['created_at']} {note['origin']} ({note['sync_state']}) "
             f"{note['author']}: {note['body']}")
    for conflict in doc["conflicts"]:
        line("conflict", conflict["detail"])
    line("children", ", ".join(doc["children"]))
