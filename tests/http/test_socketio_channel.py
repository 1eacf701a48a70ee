"""The widget's channel: replies arrive over socket.io with the pinned
python-socketio (5.10+ is reported to lose them, Rasa #13027), and no client
can read or write another borrower's conversation."""
import asyncio
import secrets

import socketio

from channels.socketio import conversation_id


class Client:
    def __init__(self, url):
        self.url, self.sio = url, socketio.AsyncClient()
        self.replies, self.confirmed, self.errors = asyncio.Queue(), asyncio.Queue(), asyncio.Queue()
        self.sio.on("session_confirm", self.confirmed.put)
        self.sio.on("bot_uttered", self.replies.put)
        self.sio.on("error", self.errors.put)

    async def start(self, session_id):
        await self.sio.connect(self.url, transports=["websocket"])
        await self.sio.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), 10)

    async def say(self, text, session_id=None):
        await self.sio.emit("user_uttered", {"message": text, "session_id": session_id})


async def test_reply_arrives_in_the_language_of_the_message(servers):
    client = Client(servers.url)
    token = secrets.token_hex(16)
    try:
        assert await client.start(token) == token
        await client.say("你好", token)
        first = await asyncio.wait_for(client.replies.get(), 30)
        assert any("\u4e00" <= c <= "\u9fff" for c in first["text"])
    finally:
        await client.sio.disconnect()


async def test_short_or_missing_session_ids_get_a_fresh_random_one(servers):
    client = Client(servers.url)
    try:
        token = await client.start("1234")
        assert token != "1234" and len(token) >= 32
    finally:
        await client.sio.disconnect()


async def test_nobody_joins_or_writes_to_another_conversation(servers):
    owner, intruder = Client(servers.url), Client(servers.url)
    owner_token = secrets.token_hex(16)
    try:
        await owner.start(owner_token)
        conversation = conversation_id(owner_token, servers.session_key.encode())
        # The intruder knows the conversation id (as an agent or a log would).
        intruder_token = await intruder.start(conversation)
        key = servers.session_key.encode()
        assert conversation_id(intruder_token, key) != conversation  # a room of its own
        await intruder.say("hello from the intruder", session_id=conversation)
        await asyncio.wait_for(intruder.replies.get(), 30)  # answered in its own conversation

        await owner.say("有哪些还款方式", owner_token)
        await asyncio.wait_for(owner.replies.get(), 30)
        await asyncio.sleep(2)
        assert all("还款" not in (m.get("text") or "") for m in _drain(intruder.replies))

        events = servers.api("GET", f"/conversations/{conversation}/tracker").json()["events"]
        texts = [e["text"] for e in events if e["event"] == "user"]
        assert texts == ["有哪些还款方式"]
    finally:
        await owner.sio.disconnect()
        await intruder.sio.disconnect()


async def test_oversized_message_gets_an_error_event(servers):
    client = Client(servers.url)
    try:
        await client.start(secrets.token_hex(16))
        await client.say("x" * 5000)
        error = await asyncio.wait_for(client.errors.get(), 10)
        assert error["status"] == 413
    finally:
        await client.sio.disconnect()


def _drain(queue):
    items = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items
