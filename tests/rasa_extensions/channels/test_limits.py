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


def test_the_client_is_named_by_trusted_proxies_only(monkeypatch):
    from rasa_extensions.channels.limits import client_address, trusted_proxies

    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1 10.0.0.0/8")
    proxies = trusted_proxies()
    assert client_address("127.0.0.1", "6.6.6.6, 203.0.113.9", proxies) == "203.0.113.9"  # what nginx added
    assert client_address("10.4.2.7", "203.0.113.9", proxies) == "203.0.113.9"  # a pod range
    assert client_address("198.51.100.7", "203.0.113.9", proxies) == "198.51.100.7"  # not ours: ignored
    assert client_address("127.0.0.1", "not-an-address", proxies) == "127.0.0.1"


def test_new_conversations_and_clients_are_limited_and_forgotten():
    now = [0.0]
    limiter = RateLimiter(Limits(messages_per_window=30, client_messages_per_window=5,
                                 client_new_conversations_per_window=2, window_seconds=60), clock=lambda: now[0])
    limiter.check("a", "1.2.3.4")
    limiter.check("b", "1.2.3.4")
    with pytest.raises(Refused):
        limiter.check("c", "1.2.3.4")  # a third new conversation from one address
    limiter.check("a", "1.2.3.4")
    limiter.check("b", "1.2.3.4")
    limiter.check("a", "1.2.3.4")
    with pytest.raises(Refused):
        limiter.check("a", "1.2.3.4")  # six messages from one address
    limiter.check("z", "5.6.7.8")  # another client is not affected
    now[0] = 200.0
    limiter.check("q", "9.9.9.9")  # a later check forgets idle keys
    assert len(limiter.per_sender) == 1 and len(limiter.per_client) == 1
