"""The instance's CMDB knows the demo org's hosts, so demo tickets get configuration items."""

from __future__ import annotations

from collections import Counter

import httpx

from zshield_tui.demodata.pools import HOST_GROUPS
from zshield_tui.sim.servicenow.app import create_app


def test_every_demo_host_with_an_address_is_exactly_one_ci():
    rows = create_app().state.sim.state.tables["cmdb_ci"].values()
    names = Counter(r["name"] for r in rows)
    hosts = {h.hostname for group in HOST_GROUPS.values() for h in group if h.ip}
    assert hosts and all(names[h] == 1 for h in hosts)


async def test_a_demo_host_is_found_by_name_in_its_class():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app()),
                                 base_url="http://127.0.0.1:9000",
                                 auth=("admin", "admin")) as client:
        response = await client.get("/api/now/table/cmdb_ci_computer", params={
            "sysparm_query": "name=dc-01", "sysparm_fields": "name,ip_address,sys_class_name"})
    assert response.json()["result"] == [{"name": "dc-01", "ip_address": "10.10.0.10",
                                          "sys_class_name": "cmdb_ci_win_server"}]
