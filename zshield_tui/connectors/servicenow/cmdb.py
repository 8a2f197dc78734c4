"""Affected assets -> configuration items: exact name first (computer class, then any CI),
then IP address. An asset that matches nothing, or several CIs equally, is listed as
unknown rather than guessed."""

from __future__ import annotations

from collections.abc import Iterable

from zshield_tui.connectors.enrichment import CmdbResult, ConfigurationItem
from zshield_tui.connectors.errors import AuthError, ValidationError
from zshield_tui.connectors.servicenow.api import ServiceNowApi
from zshield_tui.connectors.servicenow.journal import query_value

CI_FIELDS = ["sys_id", "name", "ip_address", "fqdn", "sys_class_name", "owned_by",
             "owned_by.name", "support_group.name"]


async def lookup_assets(api: ServiceNowApi, assets: Iterable[tuple[str | None, str | None]]
                        ) -> CmdbResult:
    """Looks up (hostname, ip) pairs; each pair yields at most one CI."""
    items, unknown, ambiguous = [], [], []
    seen: set[str] = set()
    for hostname, ip in assets:
        label = hostname or ip or ""
        if not label:
            continue
        found = None
        if hostname:
            for table in ("cmdb_ci_computer", "cmdb_ci"):
                try:
                    rows = await api.list(table, f"name={query_value(hostname)}",
                                          fields=CI_FIELDS, limit=5)
                except (ValidationError, AuthError):
                    # An instance without the computer class (or no read on it): base CIs.
                    if table == "cmdb_ci":
                        raise
                    continue
                rows = _exact(rows, "name", hostname)
                if len(rows) > 1:
                    ambiguous.append(label)
                    found = "ambiguous"
                    break
                if rows:
                    found = _ci(rows[0], hostname)
                    break
        if found is None and ip:
            rows = _exact(await api.list("cmdb_ci", f"ip_address={query_value(ip)}",
                                         fields=CI_FIELDS, limit=5), "ip_address", ip)
            if len(rows) > 1:
                ambiguous.append(label)
                found = "ambiguous"
            elif rows:
                found = _ci(rows[0], ip)
        if found is None:
            unknown.append(label)
        elif isinstance(found, ConfigurationItem) and found.sys_id not in seen:
            seen.add(found.sys_id)
            items.append(found)
    return CmdbResult(items=items, unknown=unknown, ambiguous=ambiguous)


def _exact(rows: list[dict], column: str, value: str) -> list[dict]:
    # The instance drops clauses it cannot read (trap 18): check each row really matches.
    return [r for r in rows if str(r.get(column, "")) == value]


def _ci(row: dict, matched_on: str) -> ConfigurationItem:
    return ConfigurationItem(sys_id=row["sys_id"], name=row.get("name", ""),
                             ip_address=row.get("ip_address", ""),
                             ci_class=row.get("sys_class_name", ""),
                             owner=str(row.get("owned_by.name") or ""),
                             support_group=str(row.get("support_group.name") or ""),
                             matched_on=matched_on)
