"""Search in SQL: English words and Chinese substrings found through the
database's index (pg_trgm on PostgreSQL, FTS5 trigrams on SQLite), 2-character
Chinese words through their pairs, masked numbers never by their digits."""
import pytest
from rasa.shared.core.events import BotUttered

from borrower_help.reporting import catchup, queries
from borrower_help.reporting.text import query_terms, searchable
from tests.reporting.conftest import bot, save_masked, user


def found(url, text):
    return {r["conversation_id"] for r in queries.conversations(queries.Filters(text=text), url=url)}


@pytest.fixture
def stored(any_database):
    url = any_database
    save_masked(url, "zh-phone", [user("你好，我上个月换手机号了，现在验证码收不到，还不了款", "report_phone_changed"),
                                  bot("您的还款是否在三天内到期？", "utter_ask_repayment_due")])
    save_masked(url, "zh-id", [user("身份证过期了开不了借呗", "report_id_expired")])
    save_masked(url, "en-repay", [user("How can I REPAY my loan this month?", "ask_repayment_options"),
                                  bot("You can repay by bank transfer.", "utter_repayment_options")])
    save_masked(url, "en-numbers", [
        user("my new phone is 13812345678 and card 6222021234567894562, code 483920 验证码", "report_phone_changed"),
        BotUttered("Noted, Mei here", metadata={"source": "agent", "agent": "Mei"})])
    save_masked(url, "en-percent", [user("is the 100% refund real? 50_50", "ask_refund")])
    catchup.catch_up(url)
    return url


@pytest.mark.parametrize("needle, expected", [
    ("换手机号", {"zh-phone"}),          # inside a longer message
    ("验证码收不到", {"zh-phone"}),
    ("借呗", {"zh-id"}),                 # 2 characters: through the pairs
    ("换手", {"zh-phone"}),
    ("repay", {"en-repay"}),             # any case
    ("my loan this", {"en-repay"}),
    ("MEI HERE", {"en-numbers"}),        # what an agent wrote
    ("bank transfer", set()),            # the bot's own answers are not searched
    ("100%", {"en-percent"}),            # LIKE's wildcards are plain characters
    ("0_5", {"en-percent"}),
    ("%", {"en-percent"}),
    ("不存在的词", set()),
])
def test_found_in_sql(stored, needle, expected):
    assert found(stored, needle) == expected


@pytest.mark.parametrize("digits", ["13812345678", "138", "5678", "1234", "6222021234567894562", "4562",
                                    "483920", "3920", "****"])
def test_masked_numbers_are_never_found_by_their_digits(stored, digits):
    assert found(stored, digits) == set()


def test_the_rest_of_such_a_message_is_found(stored):
    assert found(stored, "my new phone is") == {"en-numbers"}


def test_searchable_text_and_pairs():
    assert searchable("电话138****5678请回电") == ("电话***请回电", " 电话 请回 回电 ")
    assert searchable("mail a***@example.com now") == ("mail *** now", None)
    assert query_terms("借呗") == ("pairs", " 借呗 ")
    assert query_terms("ok") == ("scan", "ok")
    assert query_terms("  换手机 ") == ("text", "换手机")


def test_the_search_uses_the_index_on_postgresql(postgres_url, monkeypatch):
    """The plan of a search: the trigram GIN index, not a scan of every message."""
    import sqlalchemy as sa

    from borrower_help import storage

    monkeypatch.setenv("DATABASE_URL", postgres_url)
    with storage.engine(postgres_url).connect() as connection:
        for needle in ("换手机号", "借呗", "repay"):
            query = queries.matching_messages("postgresql", needle)
            compiled = query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
            connection.execute(sa.text("SET enable_seqscan = off"))
            plan = "\n".join(r[0] for r in connection.execute(sa.text(f"EXPLAIN {compiled}")))
            assert "trgm" in plan, plan


def test_a_common_term_walks_conversations_newest_first(postgres_url, monkeypatch):
    """On PostgreSQL a search first walks the newest conversations (a common
    term fills the page there: not counted), then collects a rarer term's
    matches through the trigram index (counted), and walks everything when
    the term is in too many messages to collect: the same conversations."""
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    for i in range(5):
        save_masked(postgres_url, f"c-{i}", [user(f"I want to repay part {i}", "ask_repayment_options"),
                                             user("换手机号了", "report_phone_changed")], started=1_700_000_000 + i)
    catchup.catch_up(postgres_url)
    for needle in ("repay", "换手机", "换手"):
        rows, total = queries.page(queries.Filters(text=needle), 0, 10, url=postgres_url)  # collected
        assert total == 5 and [r["conversation_id"] for r in rows] == ["c-4", "c-3", "c-2", "c-1", "c-0"]
        rows, total = queries.page(queries.Filters(text=needle), 0, 3, url=postgres_url)  # the newest filled it
        assert total is None and [r["conversation_id"] for r in rows] == ["c-4", "c-3", "c-2"]
    monkeypatch.setattr(queries, "COMMON_MESSAGES", 1)
    rows, total = queries.page(queries.Filters(text="repay", language="en"), 3, 3, url=postgres_url)  # walked
    assert total is None and [r["conversation_id"] for r in rows] == ["c-1", "c-0"]


def test_a_term_common_beyond_the_first_window_walks_on(postgres_url, monkeypatch):
    """Too few matches among the newest conversations to fill the page, but
    more than a count can show (estimated from the window's share): walked
    on, newest first, not collected; a walk longer than WALK_BUDGET is not
    tried. Both give the same conversations."""
    import sqlalchemy as sa

    from borrower_help import storage

    monkeypatch.setenv("DATABASE_URL", postgres_url)
    for i in range(5):
        save_masked(postgres_url, f"w-{i}", [user(f"my ID card expired {i}", "report_id_expired")],
                    started=1_700_000_000 + i)
    catchup.catch_up(postgres_url)
    with storage.engine(postgres_url).begin() as connection:
        connection.execute(sa.text("ANALYZE report_conversations"))  # the estimate reads its reltuples
    newest_first = ["w-4", "w-3", "w-2", "w-1", "w-0"]
    monkeypatch.setattr(queries, "COUNT_CAP", 0)  # any share is "more than a count shows"
    rows, total = queries.page(queries.Filters(text="card expired"), 0, 10, url=postgres_url)
    assert total is None and [r["conversation_id"] for r in rows] == newest_first  # walked
    monkeypatch.setattr(queries, "WALK_BUDGET", 1)
    rows, total = queries.page(queries.Filters(text="card expired"), 0, 10, url=postgres_url)
    assert total == 5 and [r["conversation_id"] for r in rows] == newest_first  # collected, counted


def test_no_reporting_table_holds_a_number_unmasked(stored):
    from tests.reporting.conftest import report

    everything = repr(report(stored))
    for raw in ("13812345678", "6222021234567894562", "483920"):
        assert raw not in everything
    messages = repr(report(stored)["report_messages"])
    for digits in ("5678", "4562", "138", "6222"):
        assert digits not in messages  # searchable text: masked values are "***"
