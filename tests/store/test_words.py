"""Free-text words mean the same on SQLite (FTS5) and PostgreSQL (the `words` tsvector):
the same tokens, prefixes, phrases and fields, run on both through the list's own query."""

import pytest

from tests.factories import make_alert
from zshield_tui.domain import IOC, Asset
from zshield_tui.store import AlertQuery, parse_filter, upsert_alerts
from zshield_tui.store.pg import dialect

_ALERTS = [
    make_alert(1, title="Beacon from lt-fin-002 to 10.30.0.1", description="Seen by EDR",
               assets=[Asset(hostname="lt-fin-002", ip="10.30.0.1", owner="finance")],
               iocs=[IOC(type="domain", value="evil.example")], tags=["mitre:T1071"]),
    make_alert(2, title="Beacon from lt-fin-003 to 10.30.0.12", description="Lateral movement",
               assets=[Asset(hostname="lt-fin-003", ip="10.30.0.12", owner="bo@corp.example")],
               iocs=[IOC(type="ip", value="10.30.0.12")], tags=["c2"]),
    make_alert(3, title="PowerShell cradle on web-01", description="Encoded command; lateral",
               assets=[Asset(hostname="web-01", ip="10.30.0.100",
                             owner='line one\nline "two" \\ three')],
               iocs=[IOC(type="hash", value="44d88612fea8a8f36de82e1278abb02f")],
               tags=["powershell", "T1059.001"]),
    make_alert(4, title="Brute force against vpn-gw", description="movement of the Sun, Café Łódź",
               assets=[Asset(hostname="vpn-gw", ip="192.0.2.7", owner="it")],
               iocs=[IOC(type="email", value="bo@corp.example")], tags=["it's", "o'brien"]),
]


@pytest.fixture
def words(any_store):
    upsert_alerts(any_store.conn, _ALERTS, fmt="zshield")
    return any_store


def _found(store, text: str) -> list[int]:
    query = AlertQuery(store.conn, parse_filter(text))
    rows = query.page(0, 50)
    assert query.count() == len(rows) == query.estimate()
    return sorted(int(r.id[3:]) for r in rows)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # addresses, hostnames, domains and emails are one token each, matched as a prefix
        ("10.30.0.1", [1, 2, 3]), ("10.30.0.12", [2]), ("10.30", [1, 2, 3]),
        ("lt-fin", [1, 2]), ("LT-FIN-002", [1]), ("fin-00", []), ("002", []), ("30.0", []),
        ("evil.example", [1]), ("bo@corp", [2, 4]), ("corp.example", []),
        # words ANDed, each a prefix, in any field, any case
        ("beacon lt-fin-003", [2]), ("POWERSH", [3]), ("lateral", [2, 3]),
        ("finance", [1]), ("t1059", [3]), ("mitre", [1]),
        # a quoted phrase is consecutive words, the last a prefix, within one field
        ('"lateral movement"', [2]), ('"lateral mov"', [2]), ('"movement lateral"', []),
        ('"encoded command"', [3]), ('"command lateral"', [3]),
        ('"vpn-gw movement"', []),   # end of the title, start of the description
        # fields: only their own values, never the JSON keys
        ("asset:lt-fin", [1, 2]), ("asset:finance", [1]), ("asset:beacon", []),
        ("ioc:10.30", [2]), ("ioc:evil", [1]), ("tag:powershell", [3]), ("tag:mitre", [1]),
        ("tag:beacon", []), ("hostname", []), ("asset:hostname", []), ("ioc:value", []),
        # diacritics of Latin letters fold, as FTS5's tokenizer folds them (Ł has none)
        ("cafe", [4]), ("CAFÉ", [4]), ("càfé", [4]), ("lodz", []), ("łodz", [4]),
        # JSON escapes in a value are separators, as the characters they stand for
        ("asset:three", [3]), ("asset:two", [3]), ("asset:nline", []), ("asset:u0022", []),
        # quotes, backslashes and either query language's operators are plain characters
        ("it's", [4]), ("o'brien", [4]), ("tag:brien", [4]), ('"C:\\Windows"', []),
        ("power&shell", []), ("power|cradle", []), ("cradle!", [3]), ("from<>lt-fin", [1, 2]),
        ("beacon<->lt-fin", []), ('"beacon:*"', [1, 2]), ("'10.30'", [1, 2, 3]),
        ("(lateral)", [2, 3]),
        ("NEAR(lateral", []), ("lateral*", [2, 3]), ("AND OR NOT", []),
    ],
)
def test_words_find_the_same_alerts_on_both_databases(words, text, expected):
    assert _found(words, text) == expected


def test_words_combine_with_the_other_tokens(words):
    assert _found(words, "beacon cat:exec") == [1, 2]
    assert _found(words, "beacon ioc:evil") == [1]
    assert _found(words, "lateral sev:>=info state:new") == [2, 3]


def test_updates_and_new_rows_are_searchable_at_once(words):
    upsert_alerts(words.conn, [make_alert(1, title="Mimikatz on dc-01", raw={"v": 2}),
                               make_alert(9, title="Mimikatz on dc-02")], fmt="zshield")
    assert _found(words, "mimikatz") == [1, 9]
    assert _found(words, "lt-fin-002") == []     # alert 1's assets are others now
    assert _found(words, "beacon") == [2]


def test_new_matches_since_a_list_opened_are_counted(words):
    query = AlertQuery(words.conn, parse_filter("lateral"), upto=4)
    upsert_alerts(words.conn, [make_alert(n, title=f"Lateral tool {n}") for n in (20, 21)]
                  + [make_alert(22, title="Unrelated")], fmt="zshield")
    newest = words.conn.execute("SELECT max(seq) FROM alert").fetchone()[0]
    assert query.added(4, newest) == 2
    grown = query.with_upto(newest)
    assert [r.id for r in grown.page(0, 10)][:2] == ["ZS-000021", "ZS-000020"]


def test_words_are_found_through_their_index(words):
    """Rare words in a big list must not scan the table (PostgreSQL: the GIN index)."""
    conn = words.conn
    if dialect(conn) != "postgresql":
        plan = " ".join(r[3] for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT rowid FROM alert_fts WHERE alert_fts MATCH ?",
            (parse_filter("lt-fin").fts_query,)))
        assert "VIRTUAL TABLE INDEX" in plan
        return
    conn.execute("SET enable_seqscan = off")
    flt = parse_filter('asset:lt-fin "lateral mov"')
    plan = " ".join(r[0] for r in conn.execute(
        "EXPLAIN SELECT seq FROM alert a WHERE a.words @@ ?::tsquery", (flt.tsquery,)))
    assert "ix_alert_words" in plan and "Seq Scan" not in plan


@pytest.mark.parametrize("text", ["cat:exec", "tech:t1059", "state:new", "sev:>=high",
                                  "parent:ZS-000001"])
def test_every_key_has_an_index_on_postgresql(pg_database, text):
    from zshield_tui.store import Store

    with Store(pg_database) as store:
        flt = parse_filter(text)
        store.conn.execute("SET enable_seqscan = off")
        where = " AND ".join(c.format(p="") for c in flt.where("postgresql"))
        plan = " ".join(r[0] for r in store.conn.execute(
            f"EXPLAIN SELECT seq FROM alert a WHERE {where}", flt.params))
    assert "Seq Scan" not in plan and "Index" in plan


def test_huge_fields_and_tokens_are_stored_and_searchable_by_their_start(any_store):
    """PostgreSQL refuses a lexeme over 2 KB and a tsvector over 1 MB: such an alert is
    still stored, found by the start of a long token and the words of a field's start."""
    long_token = "a" * 5000
    many_words = " ".join(f"w{n}x" for n in range(300_000))   # 2.4 MB of distinct words
    alerts = [make_alert(1, description=f"findme {long_token} end"),
              make_alert(2, description=f"findtoo {many_words}"),
              make_alert(3, description="same " * 20_000)]
    assert upsert_alerts(any_store.conn, alerts, fmt="zshield").inserted == 3
    assert _found(any_store, "findme") == [1] and _found(any_store, "end") == [1]
    assert _found(any_store, "a" * 200) == [1]
    assert _found(any_store, "findtoo") == [2] and _found(any_store, "w1234x") == [2]
    assert _found(any_store, "same") == [3]
