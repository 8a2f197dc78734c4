"""Several workers and daemons, each on its own connection as separate `zshield run`
processes would be, on one database: the outbox drains against a flaky remote with every
op sent once and none lost, and what two of them decide at the same moment (a push, an
auto-create, a remote comment taken in) happens once."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter

from tests.factories import make_alert
from tests.loopback import served
from tests.together import at_once
from zshield_tui.config import load_config
from zshield_tui.connectors.servicenow.retry import RetryPolicy as SnowRetry
from zshield_tui.sim.servicenow import app as snow_app
from zshield_tui.store import Store, upsert_alerts
from zshield_tui.store import syncrepo as repo
from zshield_tui.sync.automate import auto_create_alerts
from zshield_tui.sync.engine import SyncEngine
from zshield_tui.sync.targets import make_connector

from .conftest import ENV, write_config

WORKERS = 3
COUNT = 500
TABLE = "sn_si_incident"
CREATE_PATH = f"/api/now/table/{TABLE}"


class Counted:
    """The simulator's create requests as its routes answered them (after the injected
    faults, which turn a request away before it is processed)."""

    def __init__(self, app) -> None:
        self.app = app
        self.statuses: Counter[int] = Counter()
        self.lock = threading.Lock()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not \
                scope["path"].endswith(CREATE_PATH):
            await self.app(scope, receive, send)
            return

        async def seen(message: dict) -> None:
            if message["type"] == "http.response.start":
                with self.lock:
                    self.statuses[message["status"]] += 1
            await send(message)

        await self.app(scope, receive, seen)


def _run_worker(database, config, errors: list[BaseException], deadline: float) -> None:
    """One `zshield run`: drains until nothing is left open, on its own connection."""
    try:
        with Store(database) as store:
            engine = SyncEngine(store, load_config(config), config, env=ENV,
                                options={"snow-sir": {"retry": SnowRetry(base_delay=0.0)}},
                                concurrency=4, settle=0.5, base_delay=0.01)
            while repo.list_ops(store.conn, ("pending", "running"), limit=1):
                assert time.monotonic() < deadline, "the outbox did not drain in time"
                asyncio.run(engine.drain(["snow-sir"]))
                time.sleep(0.02)
    except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
        errors.append(exc)


def test_three_workers_send_500_creates_once_each_through_20_percent_faults(database,
                                                                           tmp_path):
    snow = snow_app.create_app(faults={"error_rate": 0.2, "seed": 14})
    counted = Counted(snow)
    with served(counted) as snow_url, Store(database) as store:
        config = write_config(tmp_path, "http://127.0.0.1:9", snow_url)
        # No IOCs, assets or playbook: each alert's one op is its create.
        alerts = [make_alert(n, iocs=[], assets=[]) for n in range(1, COUNT + 1)]
        upsert_alerts(store.conn, alerts, fmt="zshield")
        before = set(snow.state.sim.state.tables[TABLE])
        engine = SyncEngine(store, load_config(config), config, env=ENV)
        assert engine.queue_push(engine.plan_push([a.id for a in alerts], "snow-sir")) == COUNT

        errors: list[BaseException] = []
        deadline = time.monotonic() + 240
        threads = [threading.Thread(target=_run_worker,
                                    args=(database, config, errors, deadline))
                   for _ in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors[0]

        records = {sys_id: row for sys_id, row in snow.state.sim.state.tables[TABLE].items()
                   if sys_id not in before}
        assert counted.statuses[201] == COUNT            # each create processed once
        assert counted.statuses[503] > COUNT * 0.1       # and the faults did happen
        assert len(records) == COUNT
        correlations = Counter(r["correlation_id"] for r in records.values())
        assert set(correlations) == {a.id for a in alerts}
        assert set(correlations.values()) == {1}
        done = store.conn.execute("SELECT count(*), count(DISTINCT alert_id) FROM outbox "
                                  "WHERE operation = 'create' AND status = 'done'").fetchone()
        assert tuple(done) == (COUNT, COUNT)
        keys = {t.key for t in repo.all_tickets(store.conn)}
        assert len(keys) == COUNT


def test_two_processes_pushing_the_same_alerts_at_once_queue_one_create_each(database,
                                                                            tmp_path):
    config = write_config(tmp_path, "http://127.0.0.1:9", "http://127.0.0.1:9")
    alerts = [make_alert(n) for n in range(1, 201)]
    with Store(database) as store:
        upsert_alerts(store.conn, alerts, fmt="zshield")

    def push(start) -> int:
        with Store(database) as own:
            engine = SyncEngine(own, load_config(config), config, env=ENV)
            plan = engine.plan_push([a.id for a in alerts], "snow-sir")
            start.wait()
            return engine.queue_push(plan)

    assert sum(at_once(push, 2)) == 200   # each create counted by the push that queued it
    with Store(database) as store:
        rows = store.conn.execute("SELECT count(*), count(DISTINCT alert_id) FROM outbox "
                                  "WHERE operation = 'create'").fetchone()
    assert tuple(rows) == (200, 200)


def test_two_daemons_auto_creating_for_the_same_alerts_queue_one_create_each(database,
                                                                            tmp_path):
    config = write_config(tmp_path, "http://127.0.0.1:9", "http://127.0.0.1:9")
    line = 'mapping = "snow-sir.json"\n'
    config.write_text(config.read_text().replace(
        line, line + 'auto_create = { enabled = true, min_severity = "informational" }\n'
        "staging = true\n"))   # a staging target: no staging run needed to auto-create
    alerts = [make_alert(n) for n in range(1, 201)]
    with Store(database) as store:
        upsert_alerts(store.conn, alerts, fmt="zshield")

    def daemon(start) -> None:
        with Store(database) as own:
            engine = SyncEngine(own, load_config(config), config, env=ENV)
            start.wait()
            auto_create_alerts(engine, [a.id for a in alerts])

    at_once(daemon, 2)
    with Store(database) as store:
        creates = store.conn.execute("SELECT count(*), count(DISTINCT alert_id) FROM outbox "
                                     "WHERE operation = 'create'").fetchone()
        audited = store.conn.execute("SELECT count(*) FROM audit "
                                     "WHERE action = 'auto_create'").fetchone()
    assert tuple(creates) == (200, 200) and audited[0] == 200


def test_two_daemons_polling_one_ticket_take_a_remote_comment_in_once(database, tmp_path):
    snow = snow_app.create_app()
    with served(snow) as snow_url, Store(database) as store:
        config = write_config(tmp_path, "http://127.0.0.1:9", snow_url)
        upsert_alerts(store.conn, [make_alert(1)], fmt="zshield")
        engine = SyncEngine(store, load_config(config), config, env=ENV)
        _, report = asyncio.run(engine.push(["ZS-000001"], "snow-sir"))
        assert not report.failed
        key = repo.ticket_for(store.conn, "ZS-000001", "snow-sir").key

        async def comment() -> None:
            async with make_connector(engine.targets["snow-sir"], ENV) as remote:
                for n in range(20):
                    await remote.add_comment(key, f"from the SOC lead {n}")

        asyncio.run(comment())

        def daemon(start) -> None:
            with Store(database) as own:
                mine = SyncEngine(own, load_config(config), config, env=ENV)
                start.wait()
                asyncio.run(mine.poll(["snow-sir"]))

        at_once(daemon, 3)
        bodies = Counter(n["body"] for n in repo.note_rows(store.conn, "ZS-000001")
                         if n["origin"] == "remote")
        assert bodies == {f"from the SOC lead {n}": 1 for n in range(20)}
