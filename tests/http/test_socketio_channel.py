"""The widget's channel: replies arrive over socket.io with the pinned
python-socketio (5.10+ is reported to lose them, Rasa #13027)."""
import asyncio
import secrets

import socketio


async def test_socketio_reply_arrives_in_the_session(servers):
    client = socketio.AsyncClient()
    replies, confirmed = asyncio.Queue(), asyncio.Event()
    session_id = secrets.token_hex(16)

    @client.on("session_confirm")
    async def on_confirm(data):
        confirmed.set()

    @client.on("bot_uttered")
    async def on_bot(data):
        await replies.put(data)

    await client.connect(servers.url, transports=["websocket"])
    try:
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(confirmed.wait(), 10)
        await client.emit("user_uttered", {"message": "你好", "session_id": session_id})
        first = await asyncio.wait_for(replies.get(), 30)
        assert "text" in first and any("\u4e00" <= c <= "\u9fff" for c in first["text"])
    finally:
        await client.disconnect()
