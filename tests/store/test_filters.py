import pytest

from tests.factories import make_alert
from zshield_tui.store import AlertQuery, FilterError, parse_filter, upsert_alerts
from zshield_tui.store.pg import dialect


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sev:urgent", "unknown severity 'urgent'"),
        ("sev:>=", "unknown severity ''"),
        ("state:open", "unknown state 'open'"),
        ("state:", "needs a value"),
        ("colour:red", "unknown filter key 'colour'"),
    ],
)
def test_bad_filters_explain_themselves(text, message):
    with pytest.raises(FilterError, match=message):
        parse_filter(text)


def test_free_text_is_quoted_so_fts_syntax_cannot_break_the_query():
    flt = parse_filter('power"shell OR NEAR( ab*')
    assert flt.fts_terms == ['"power""shell"*', '"OR"*', '"NEAR("*', '"ab*"*']


def test_single_letters_and_punctuation_do_not_search_yet():
    assert parse_filter("p").is_empty
    assert parse_filter("- ...").is_empty


# (source label, format it was read in, how many alerts)
_SOURCES = [("AWS GuardDuty", "guardduty", 3), ("AWS Security Hub", "guardduty", 2),
            ("Wazuh", "wazuh", 4), ("Suricata sensor-01", "suricata", 5),
            ("EDR", "zshield", 6), ("Elastic Security", "elastic", 1), ("100%_sure", "ocsf", 1)]


@pytest.fixture
def sources(any_store):
    store = any_store
    n = 0
    for label, fmt, count in _SOURCES:
        alerts = [make_alert(n + i, source=label) for i in range(count)]
        upsert_alerts(store.conn, alerts, fmt=fmt)
        n += count
    return store


def _matching(store, text: str) -> dict[str, int]:
    """Source label -> how many alerts the filter finds, through the list's own query
    (what `zshield list --filter` and the TUI's `/` both run), checked by both plans."""
    query = AlertQuery(store.conn, parse_filter(text))
    rows = query.page(0, 100)
    assert query.count() == len(rows) == query.estimate()
    walked = AlertQuery(store.conn, parse_filter(text))
    walked.estimate(cap=1)   # as if it matched many: walk the time index, test each row
    assert walked.page(0, 100) == rows
    found: dict[str, int] = {}
    for row in rows:
        found[row.source] = found.get(row.source, 0) + 1
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a word of the label, as a prefix, in any case
        ("src:guardduty", {"AWS GuardDuty": 3, "AWS Security Hub": 2}),  # + the format's
        ("src:GuardD", {"AWS GuardDuty": 3, "AWS Security Hub": 2}),
        ("src:aws", {"AWS GuardDuty": 3, "AWS Security Hub": 2}),
        ("src:hub", {"AWS Security Hub": 2}),
        ("src:secur", {"AWS Security Hub": 2, "Elastic Security": 1}),
        ("src:wazuh", {"Wazuh": 4}),
        ("src:WAZ", {"Wazuh": 4}),
        ("src:sensor", {"Suricata sensor-01": 5}),
        ('src:"AWS GuardDuty"', {"AWS GuardDuty": 3}),  # several words: from a word start
        # the format name, as a prefix
        ("src:ocsf", {"100%_sure": 1}),
        ("src:zsh", {"EDR": 6}),
        # inside a word is not a word prefix; LIKE's wildcards are plain characters
        ("src:duty", {}), ("src:uzh", {}), ("src:%", {}), ("src:_", {}),
        ("src:100%", {"100%_sure": 1}),
    ],
)
def test_src_matches_a_word_of_the_source_label_or_the_format(sources, text, expected):
    assert _matching(sources, text) == expected


def test_src_is_indexed_on_both_sides(sources):
    """Few matches in a big list must not scan the table: both the label and the format
    are looked up through an index."""
    flt = parse_filter("src:guardduty")
    conn = sources.conn
    where = " AND ".join(c.format(p="") for c in flt.where(dialect(conn)))
    select = f"SELECT seq FROM alert a WHERE {where}"
    if dialect(conn) == "postgresql":
        # A table of 22 rows is best scanned; the question is whether it need be.
        conn.execute("SET enable_seqscan = off")
        plan = " ".join(r[0] for r in conn.execute(f"EXPLAIN {select}", flt.params))
        assert "Seq Scan" not in plan
        assert "ix_alert_source" in plan and "ix_alert_format" in plan
        return
    plan = " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {select}", flt.params))
    assert "SCAN a" not in plan
    assert "USING INDEX ix_alert_source" in plan and "USING INDEX ix_alert_format" in plan


def test_src_combines_with_other_tokens(sources):
    assert _matching(sources, "src:aws sev:critical") == {"AWS GuardDuty": 1}


def test_while_typing_a_word_that_may_become_a_key_is_held_back():
    assert parse_filter("cat:malware se", typing=True).params == parse_filter("cat:malware").params
    assert parse_filter("cat:malware se", typing=True).fts_terms == []
    assert parse_filter("cat:malware se ", typing=True).fts_terms == ['"se"*']
    assert parse_filter("cat:malware se").fts_terms == ['"se"*']
    assert parse_filter("powershell", typing=True).fts_terms == ['"powershell"*']


def test_while_typing_the_word_under_the_cursor_needs_three_characters():
    assert parse_filter("po", typing=True).fts_terms == []
    assert parse_filter("pow", typing=True).fts_terms == ['"pow"*']
    assert parse_filter("db ", typing=True).fts_terms == ['"db"*']
    assert parse_filter("db").fts_terms == ['"db"*']


def test_addresses_and_hostnames_search_as_one_prefix():
    assert parse_filter("10.30.0.1").fts_terms == ['"10.30.0.1"*']
    assert parse_filter("lt-fin-0", typing=True).fts_terms == ['"lt-fin-0"*']
