import pytest

from zshield_tui.store import FilterError, parse_filter


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


def test_quoted_values_keep_their_spaces():
    flt = parse_filter('src:"AWS GuardDuty"')
    assert flt.params == ["AWS GuardDuty", "AWS GuardDuty\U0010ffff"]


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
