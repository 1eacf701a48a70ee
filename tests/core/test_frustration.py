"""Frustration signals, in English and Chinese, and what must not count."""
import pytest

from borrower_help.frustration import (
    FAILING_TWICE,
    MAX_COMPARED_CHARS,
    REPEATING,
    SHOUTING,
    SWEARING,
    UNREADABLE_TWICE,
    _normalised,
    _trigrams,
    repeating,
    shouting,
    signals,
    swearing,
)


@pytest.mark.parametrize("text", [
    "this fucking app won't let me log in", "wtf is wrong with you", "what a useless piece of junk",
    "stupid bot", "妈的，又登不上", "什么破APP", "垃圾客服，答非所问", "卧槽验证码还是收不到", "你是智障吗",
])
def test_swearing(text):
    assert swearing(text)


@pytest.mark.parametrize("text", [
    "I think someone scammed me", "有个骗子冒充客服要我的验证码",  # fraud reports, not swearing
    "my ID is damaged, can I still use it", "crappie fishing aside, how do I repay",
    "垃圾短信太多了收不到验证码",  # "spam SMS", a description
])
def test_not_swearing(text):
    assert not swearing(text)


@pytest.mark.parametrize("text", [
    "WHY CAN'T I LOG IN TO MY ACCOUNT", "I ALREADY TOLD YOU THIS TWICE", "help me!!!", "为什么还是不行！！！",
    "到底怎么回事？？？", "are you even listening?!?!",
])
def test_shouting(text):
    assert shouting(text)


@pytest.mark.parametrize("text", [
    "My ID expired!", "the SMS OTP from ICBC never arrives", "ATM and APP both fail", "I got an SMS with a QR code",
    "谢谢！", "OK", "can I pay at an ATM?",
])
def test_not_shouting(text):
    assert not shouting(text)


def test_repeating_nearly_the_same_message():
    assert repeating("I can't log in to my account!!", ["hello", "i cant log in to my account"])
    assert repeating("换了手机号收不到验证码", ["换了手机号，收不到验证码。"])
    assert not repeating("yes", ["yes", "yes"])  # short answers repeat naturally
    assert not repeating("/affirm", ["/affirm"])
    assert not repeating("how do I repay by bank transfer", ["how do I change my phone number"])
    assert not repeating("I can't log in", ["I can't log in", "a", "b", "c"])  # only the last three count


def test_the_same_question_failing_twice():
    assert signals("gibberish two", ["gibberish one"], ["nlu_fallback"], "nlu_fallback") == [FAILING_TWICE]
    assert signals("gibberish two", ["repay options"], ["ask_repayment_options"], "nlu_fallback") == []


def test_signals_together():
    assert signals("I CANT LOG IN!!!", ["I CANT LOG IN"], ["report_login_failed"], "report_login_failed") == [
        SHOUTING, REPEATING]
    assert signals("妈的", [], [], "out_of_scope") == [SWEARING]
    assert signals("", [], [], None) == []
    assert signals("ok", [], [], "affirm", unreadable_again=True) == [UNREADABLE_TWICE]


def test_work_is_bounded_whatever_the_content():
    """The review's crafted messages (2,000 characters against the previous
    three) cost 2.6 s of CPU with difflib. Now each message is cut to its
    first 300 characters and compared as sets of trigrams: linear, bounded."""
    crafted = ["a" * 1000 + "b" * 1000, "ab" * 1000, "aab" * 666, "abc" * 666]
    assert len(_normalised(crafted[0])) == MAX_COMPARED_CHARS
    assert all(len(_trigrams(_normalised(text))) <= MAX_COMPARED_CHARS for text in crafted)
    assert not repeating(crafted[0], crafted[1:])
    assert repeating("x" * 5000 + "y", ["x" * 4000])  # the same first 300 characters
