"""The widget's channel: replies arrive over socket.io with the pinned
python-socketio (5.10+ is reported to lose them, Rasa #13027), and no client
can read or write another borrower's conversation."""
import asyncio
import secrets

import pytest
import requests
import socketio

from borrower_help.conversation_ids import for_widget as conversation_id
from rasa_extensions.channels.socketio import AGENT_MESSAGE_CLASS
from support_console.rasa_api import RasaApi


class Client:
    def __init__(self, url):
        self.url, self.sio = url, socketio.AsyncClient()
        self.replies, self.confirmed, self.errors = asyncio.Queue(), asyncio.Queue(), asyncio.Queue()
        self.sio.on("session_confirm", self.confirmed.put)
        self.sio.on("bot_uttered", self.replies.put)
        self.sio.on("error", self.errors.put)

    async def start(self, session_id, origin=None):
        headers = {"Origin": origin} if origin else {}
        await self.sio.connect(self.url, transports=["websocket"], headers=headers)
        await self.sio.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), 10)

    async def say(self, text, session_id=None, custom_data=None):
        message = {"message": text, "session_id": session_id}
        if custom_data is not None:
            message["customData"] = custom_data  # what rasa-webchat sends
        await self.sio.emit("user_uttered", message)

    async def reply_where(self, predicate, timeout=30):
        while True:
            message = await asyncio.wait_for(self.replies.get(), timeout)
            if predicate(message):
                return message


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


async def test_a_page_from_another_origin_cannot_open_a_socket(servers):
    client = Client(servers.url)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.start(secrets.token_hex(16), origin="http://phishing.example")
    allowed = Client(servers.url)
    try:
        token = secrets.token_hex(16)
        assert await allowed.start(token, origin=servers.page_origin) == token
    finally:
        await allowed.sio.disconnect()


def test_cors_answers_only_the_configured_origin(servers):
    allowed = requests.options(
        f"{servers.url}/webhooks/rest/webhook", timeout=10,
        headers={"Origin": servers.page_origin, "Access-Control-Request-Method": "POST"})
    assert allowed.headers.get("Access-Control-Allow-Origin") == servers.page_origin
    other = requests.options(
        f"{servers.url}/webhooks/rest/webhook", timeout=10,
        headers={"Origin": "http://phishing.example", "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in other.headers


async def test_the_widget_opens_in_the_pages_language(servers):
    client = Client(servers.url)
    token = secrets.token_hex(16)
    try:
        await client.start(token, origin=servers.page_origin)
        await client.say("/greet", token, custom_data={"language": "zh"})
        greeting = await asyncio.wait_for(client.replies.get(), 30)
        assert "借款人助手" in greeting["text"]
    finally:
        await client.sio.disconnect()


async def test_handoff_agent_reply_and_resume_reach_the_open_widget(servers):
    client = Client(servers.url)
    token = secrets.token_hex(16)
    conversation = conversation_id(token, servers.session_key.encode())
    try:
        await client.start(token, origin=servers.page_origin)
        await client.say("I want to talk to a real person", token)
        handoff = (await client.reply_where(lambda m: "handoff" in m))["handoff"]
        assert handoff["ticket_id"].startswith("BH-")

        api = RasaApi(servers.url, servers.api_secret)
        await asyncio.to_thread(
            api.agent_reply, conversation, "Hi, I'm Mei from support. Let me check your account.", "Mei")
        agent_reply = await client.reply_where(lambda m: "Mei from support" in (m.get("text") or ""))
        assert agent_reply["metadata"]["source"] == "agent"
        assert agent_reply["metadata"]["agent"] == "Mei"
        assert agent_reply["metadata"]["customCss"] == {"style": "class", "css": AGENT_MESSAGE_CLASS}

        await asyncio.to_thread(api.resume, conversation)
        await client.reply_where(lambda m: m.get("handoff_ended") is True)
        tracker = api.tracker(conversation)
        assert tracker["paused"] is False
        agent_events = [e for e in tracker["events"] if e["event"] == "bot"
                        and (e.get("metadata") or {}).get("source") == "agent"]
        assert [e["text"] for e in agent_events] == ["Hi, I'm Mei from support. Let me check your account."]
    finally:
        await client.sio.disconnect()


def _drain(queue):
    items = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items
