"""Frustration signals, in English and Chinese, and what must not count."""
import pytest

from borrower_help.frustration import (
    FAILING_TWICE,
    REPEATING,
    SHOUTING,
    SWEARING,
    failing_twice,
    repeating,
    shouting,
    signals,
    swearing,
)
from tests.actions.conftest import user_event


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
    first, second = user_event("gibberish one", "nlu_fallback"), user_event("gibberish two", "nlu_fallback")
    assert failing_twice([first, second])
    assert not failing_twice([first, user_event("repay options", "ask_repayment_options")])
    assert signals([first, second]) == [FAILING_TWICE]


def test_signals_together():
    events = [user_event("I CANT LOG IN", "report_login_failed"), user_event("I CANT LOG IN!!!", "report_login_failed")]
    assert signals(events) == [SHOUTING, REPEATING]
    assert signals([user_event("妈的", "out_of_scope")]) == [SWEARING]
    assert signals([]) == []
