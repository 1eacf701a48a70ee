import pytest

from borrower_help.answers import parse_due_soon, parse_yes_no


@pytest.mark.parametrize(
    "text, expected",
    [
        ("yes", True), ("Yeah I can", True), ("ok", True), ("能用密码登", True), ("对的", True),
        ("no", False), ("nope, the old sim is gone", False), ("can't", False),
        ("不行", False), ("没有", False), ("还没拿到", False),
        ("not sure", None), ("不知道", None), ("banana", None), ("", None), (None, None),
    ],
)
def test_parse_yes_no(text, expected):
    assert parse_yes_no(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("tomorrow", True), ("it's due today", True), ("in 2 days", True), ("明天", True),
        ("后天就到期", True), ("已经逾期了", True),
        ("next week", False), ("in 10 days", False), ("下个月", False), ("月底", False),
        ("yes", True), ("no", False), ("whenever", None),
    ],
)
def test_parse_due_soon(text, expected):
    assert parse_due_soon(text) is expected
