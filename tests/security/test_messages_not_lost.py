"""Items 14, 15 and 17: every bot and agent message reaches the borrower
when the widget comes back, a refused message is reported as not sent, and
no stream answers before the message is processed."""
import asyncio
import secrets

import requests
import socketio

from borrower_help.conversation_ids import for_widget


async def _connect(servers, seen=None):
    client, replies, confirmed, errors = socketio.AsyncClient(), asyncio.Queue(), asyncio.Queue(), asyncio.Queue()
    client.on("bot_uttered", replies.put)
    client.on("session_confirm", confirmed.put)
    client.on("error", errors.put)
    url = servers.url + (f"?bh_seen={seen}" if seen is not None else "")
    await client.connect(url, transports=["websocket"], headers={"Origin": servers.page_origin})
    return client, replies, confirmed, errors


async def _drain(queue, seconds=2.0):
    found = []
    while True:
        try:
            found.append(await asyncio.wait_for(queue.get(), seconds))
        except asyncio.TimeoutError:
            return found


async def test_an_agent_reply_sent_while_the_widget_was_closed_arrives_when_it_comes_back(servers):
    token = secrets.token_hex(16)
    client, replies, confirmed, _ = await _connect(servers)
    await client.emit("session_request", {"session_id": token})
    await asyncio.wait_for(confirmed.get(), 10)
    await client.emit("user_uttered", {"message": "I want to talk to a person", "session_id": token})
    received = await _drain(replies, 8)
    # As the widget does: the newest stamp, on a message or a custom payload.
    seen = max((m.get("metadata") or {}).get("bh_ts") or m.get("bh_ts") or 0 for m in received)
    await client.disconnect()  # the borrower closes the page

    conversation = for_widget(token, servers.session_key.encode())
    for text in ("Hello, Mei here.", "I have checked your account."):
        answer = servers.api("POST", f"/conversations/{conversation}/tracker/events",
                             params={"output_channel": "socketio", "execute_side_effects": "true"},
                             json={"event": "bot", "text": text, "metadata": {"source": "agent", "agent": "Mei"}})
        assert answer.status_code == 200

    client, replies, confirmed, _ = await _connect(servers, seen)
    try:
        await client.emit("session_request", {"session_id": token})
        await asyncio.wait_for(confirmed.get(), 10)
        again = [m.get("text") for m in await _drain(replies, 3)]
        assert again == ["Hello, Mei here.", "I have checked your account."]  # in order, once
    finally:
        await client.disconnect()


async def test_a_refused_message_is_reported_as_not_sent(servers):
    client, _, confirmed, errors = await _connect(servers)
    try:
        await client.emit("session_request", {"session_id": secrets.token_hex(16)})
        await asyncio.wait_for(confirmed.get(), 10)
        await client.emit("user_uttered", {"message": "x" * 5000})
        refusal = await asyncio.wait_for(errors.get(), 10)
        assert refusal["status"] == 413 and refusal["error"]
    finally:
        await client.disconnect()


def test_streaming_is_refused_and_the_connection_keeps_answering(servers):
    with requests.Session() as session:  # one keep-alive connection
        url = f"{servers.url}/webhooks/rest/webhook"
        streamed = session.post(url, params={"stream": "true"}, json={"sender": secrets.token_hex(8), "message": "hi"},
                                timeout=30)
        assert streamed.status_code == 400 and "stream" in streamed.json()["error"]
        for _ in range(3):
            assert session.post(url, json={"sender": secrets.token_hex(8), "message": "hello"},
                                timeout=30).status_code == 200
