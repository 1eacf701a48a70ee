"""The outside review's attacks on `make run-prod` (items 2, 3b and 11), on
the production shape the launcher starts (tests/production/conftest.py)."""
import asyncio
import pathlib
import secrets

import pytest
import redis
import requests
import socketio

from tests.security.test_action_server import CALL, listening_addresses

LOOPBACK = ("0100007F", "00000000000000000000000001000000")


def test_every_internal_server_listens_on_loopback_only(cluster):
    running = [port for port in cluster.rasa_ports if f"rasa-{port}" in cluster.supervisor.processes]
    ports = [cluster.settings.action_port, *running, cluster.settings.console_port,
             int(cluster.values["REDIS_PORT"])]
    for port in ports:
        addresses = listening_addresses(port)
        assert addresses and all(a in LOOPBACK for a in addresses), (port, addresses)


def test_the_action_server_wants_its_token(cluster):
    url = cluster.settings.action_url
    assert requests.post(url, json=CALL, timeout=10).status_code == 401


def test_no_token_or_authorization_reaches_nginx_logs(cluster):
    """Item 3b: every console call passes through nginx; it keeps paths only."""
    conversation = cluster.conversation("prod-" + secrets.token_hex(6))
    requests.get(f"{cluster.url}/conversations/{conversation}/tracker", headers=cluster.headers(), timeout=30)
    in_url = requests.get(f"{cluster.url}/conversations/{conversation}/tracker?token=should-not-be-kept", timeout=30)
    assert in_url.status_code == 400 and "Authorization header" in in_url.json()["error"]
    logs = "".join(p.read_text(errors="replace") for p in cluster.settings.var_dir.rglob("nginx*.log"))
    assert conversation in logs  # the requests were logged...
    assert "should-not-be-kept" not in logs and "Bearer" not in logs and cluster.api_secret not in logs


def test_redis_requires_a_password(cluster):
    port = int(cluster.values["REDIS_PORT"])
    with pytest.raises(redis.exceptions.AuthenticationError):
        redis.Redis(host="127.0.0.1", port=port, socket_timeout=5).ping()


async def test_a_pickle_published_on_the_socketio_channel_runs_nothing(cluster, tmp_path):
    """Item 11: python-socketio < 5.14 un-pickled what its Redis channel
    carried (CVE-2025-61765). Even with the password, a pickle is ignored."""
    import pickle

    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (pathlib.Path.touch, (marker,))

    widget = socketio.AsyncClient()  # a widget connected: the servers now listen on Redis
    await widget.connect(cluster.url, transports=["websocket"])
    try:
        client = redis.Redis(host="127.0.0.1", port=int(cluster.values["REDIS_PORT"]),
                             password=cluster.settings.extra_env["REDIS_PASSWORD"], socket_timeout=5)
        receivers = 0
        for _ in range(40):
            receivers = client.publish("borrower-help-socketio", pickle.dumps(Exploit()))
            if receivers:
                break
            await asyncio.sleep(0.5)
        assert receivers >= 1  # a Rasa server listened on that channel and got it
        await asyncio.sleep(2)
        assert not marker.exists()
    finally:
        await widget.disconnect()
    answer = await asyncio.to_thread(requests.post, f"{cluster.url}/webhooks/rest/webhook", timeout=60,
                                     json={"sender": "prod-" + secrets.token_hex(6), "message": "hello"})
    assert answer.status_code == 200
