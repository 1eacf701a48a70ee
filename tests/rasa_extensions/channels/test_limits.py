import pytest

from rasa_extensions.channels.limits import Limits, RateLimiter, Refused, check_request, clean_text

LIMITS = Limits(max_message_chars=20, messages_per_window=3, window_seconds=60)


def refused(body):
    with pytest.raises(Refused) as error:
        check_request(body, LIMITS)
    return error.value.status, error.value.message


def test_valid_request_is_cleaned():
    assert check_request({"sender": "abc-123", "message": "hi\x00\x07 there\u200b"}, LIMITS) == (
        "abc-123", "hi there", None)
    assert check_request({"sender": "a", "message": "你好", "metadata": {"lang": "zh"}}, LIMITS)[2] == {"lang": "zh"}


@pytest.mark.parametrize(
    "body, status",
    [
        ([1, 2], 400),
        ("hi", 400),
        ({"message": "hi"}, 400),
        ({"sender": "", "message": "hi"}, 400),
        ({"sender": "x" * 129, "message": "hi"}, 400),
        ({"sender": "<script>", "message": "hi"}, 400),
        ({"sender": 42, "message": "hi"}, 400),
        ({"sender": "a"}, 400),
        ({"sender": "a", "message": ["hi"]}, 400),
        ({"sender": "a", "message": ""}, 400),
        ({"sender": "a", "message": " \n\t\x00 "}, 400),
        ({"sender": "a", "message": "x" * 21}, 413),
        ({"sender": "a", "message": "hi", "metadata": "zh"}, 400),
    ],
)
def test_bad_requests_are_refused_with_a_reason(body, status):
    code, message = refused(body)
    assert code == status and message


def test_clean_text_keeps_newlines_emoji_and_scripts():
    assert clean_text("第一行\n第二行 😀 <b>x</b>") == "第一行\n第二行 😀 <b>x</b>"


def test_rate_limit_per_sender_with_retry_after():
    now = [1000.0]
    limiter = RateLimiter(LIMITS, clock=lambda: now[0])
    for _ in range(3):
        limiter.check("a")
    limiter.check("b")  # other senders are not affected
    with pytest.raises(Refused) as error:
        limiter.check("a")
    assert error.value.status == 429 and error.value.retry_after == 61
    now[0] += 61
    limiter.check("a")


def test_limits_from_credentials_validate():
    assert Limits.from_credentials({"max_message_chars": 500}).max_message_chars == 500
    assert Limits.from_credentials(None) == Limits()
    with pytest.raises(ValueError):
        Limits.from_credentials({"messages_per_window": 0})
