import pytest

from tests.factories import make_alert
from zshield_tui.store import AlertQuery, Sort, parse_filter, upsert_alerts
from zshield_tui.store.query import CAP

# Every test here runs on SQLite and on PostgreSQL (the `any_store` fixture) and expects
# the same rows from both.


@pytest.fixture
def loaded(any_store):
    upsert_alerts(any_store.conn, [make_alert(n) for n in range(100)], fmt="zshield")
    return any_store


def page_ids(store, text="", sort=Sort.TIME, offset=0, limit=100):
    return [r.id for r in AlertQuery(store.conn, parse_filter(text), sort).page(offset, limit)]


def test_time_order_is_newest_first(loaded):
    ids = page_ids(loaded)
    assert ids[0] == "ZS-000099" and ids[-1] == "ZS-000000"


def test_severity_order_puts_critical_first_then_newest(loaded):
    rows = AlertQuery(loaded.conn, parse_filter(""), Sort.SEVERITY).page(0, 100)
    ranks = [r.severity for r in rows]
    assert ranks == sorted(ranks, reverse=True)
    criticals = [r.created_at for r in rows if r.severity == 4]
    assert criticals == sorted(criticals, reverse=True)


def test_pages_tile_the_result_without_gaps_or_overlap(loaded):
    pages = [page_ids(loaded, "src:edr", offset=o, limit=7) for o in range(0, 50, 7)]
    flat = [i for p in pages for i in p]
    assert flat == page_ids(loaded, "src:edr")
    assert len(flat) == 50


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sev:>=high", 40), ("sev:critical", 20), ("sev:<medium", 40), ("src:wazuh", 50),
        ("src:WAZ", 50), ("cat:malware", 34), ("tech:T1059", 66), ("state:new", 100),
        ("state:!new", 0), ("web-03", 14), ("203.0.113.42", 1), ("alert 42", 1), ("alert 4", 100),
        ("sev:critical src:edr", 10), ("asset:web-03", 14), ("ioc:203.0.113.42", 1),
    ],
)
def test_filter_tokens_select_the_matching_alerts(loaded, text, expected):
    query = AlertQuery(loaded.conn, parse_filter(text))
    assert query.count() == expected
    assert len(query.page(0, 200)) == expected


def test_dense_and_sparse_plans_return_the_same_rows(any_store, monkeypatch):
    store = any_store
    upsert_alerts(store.conn, [make_alert(n) for n in range(300)], fmt="zshield")
    sparse = page_ids(store, "src:edr web", limit=300)
    monkeypatch.setattr("zshield_tui.store.query.CAP", 5)
    dense_query = AlertQuery(store.conn, parse_filter("src:edr web"))
    assert dense_query.estimate(5) == 5
    assert [r.id for r in dense_query.page(0, 300)] == sparse
    assert CAP == 2000


def test_estimate_is_capped_and_exact_below_the_cap(loaded):
    assert AlertQuery(loaded.conn, parse_filter("")).estimate(cap=30) == 30
    assert AlertQuery(loaded.conn, parse_filter("sev:critical")).estimate(cap=30) == 20


def test_rows_carry_child_counts(any_store):
    store = any_store
    parent = make_alert(1, title="Incident: lateral movement")
    children = [make_alert(n, parent_id=parent.id) for n in range(2, 6)]
    upsert_alerts(store.conn, [parent, *children], fmt="zshield")
    rows = {r.id: r for r in AlertQuery(store.conn, parse_filter("")).page(0, 10)}
    assert rows[parent.id].children == 4
    assert rows["ZS-000002"].parent_id == parent.id
