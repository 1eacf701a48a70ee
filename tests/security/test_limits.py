"""Items 4, 5 and 13: no client can walk around the limits, a crafted
message cannot stall other borrowers, and a trailing slash is no 500."""
import concurrent.futures
import secrets

import pytest
import requests

from tests.http.conftest import start_servers

WEBHOOK = "/webhooks/rest/webhook"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Servers of their own, with the limits of credentials.yml as shipped."""
    started = start_servers(tmp_path_factory.mktemp("limits"), relaxed=False)
    try:
        yield started
    finally:
        started.supervisor.stop()


def post(servers, body, path=WEBHOOK, **kwargs):
    return requests.post(f"{servers.url}{path}", json=body, timeout=60, **kwargs)


def test_new_senders_from_one_client_are_limited(servers):
    statuses = [post(servers, {"sender": secrets.token_hex(8), "message": "hi"}).status_code for _ in range(32)]
    assert statuses.count(200) <= 10 and statuses.count(429) >= 22, statuses
    refused = post(servers, {"sender": secrets.token_hex(8), "message": "hi"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0


def test_metadata_and_bodies_are_bounded(servers):
    big_metadata = {"sender": secrets.token_hex(8), "message": "hi", "metadata": {"x": "a" * 300_000}}
    assert post(servers, big_metadata).status_code == 413
    huge = requests.post(f"{servers.url}{WEBHOOK}", data=b'{"sender":"a","message":"' + b"a" * 2_000_000 + b'"}',
                         headers={"Content-Type": "application/json"}, timeout=60)
    assert huge.status_code == 413


def test_a_trailing_slash_is_the_same_endpoint(servers):
    answer = post(servers, {"sender": secrets.token_hex(8), "message": "hello"}, path=WEBHOOK + "/")
    assert answer.status_code in (200, 429) and answer.status_code != 500
    assert post(servers, {"message": "hello"}, path=WEBHOOK + "/").status_code == 400


def test_crafted_messages_do_not_stall_another_borrower(servers):
    """Four messages built to make a quadratic comparison slow, then a
    hello from someone else: everyone is answered (the check is linear and
    bounded: tests/core/test_frustration.py)."""
    sender = secrets.token_hex(8)
    crafted = ["a" * 1000 + "b" * 999, "ab" * 999, "aab" * 666, "abc" * 666]
    with concurrent.futures.ThreadPoolExecutor(5) as pool:
        attacks = [pool.submit(post, servers, {"sender": sender, "message": text}) for text in crafted]
        hello = pool.submit(post, servers, {"sender": secrets.token_hex(8), "message": "hello"})
        assert hello.result(timeout=60).status_code in (200, 429)
        assert all(a.result(timeout=60).status_code in (200, 429) for a in attacks)
