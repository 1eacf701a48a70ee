"""Items 6 and 9: a conversation id is never a key, and the widget never
receives a link that could run script."""
import asyncio
import secrets

import socketio

from borrower_help.conversation_ids import for_widget


async def _widget(servers):
    client, replies, confirmed = socketio.AsyncClient(), asyncio.Queue(), asyncio.Queue()
    client.on("bot_uttered", replies.put)
    client.on("session_confirm", confirmed.put)
    await client.connect(servers.url, transports=["websocket"], headers={"Origin": servers.page_origin})
    token = secrets.token_hex(16)
    await client.emit("session_request", {"session_id": token})
    await asyncio.wait_for(confirmed.get(), 10)
    return client, replies, token


async def test_rest_cannot_write_into_a_widget_conversation_by_its_id(servers):
    client, replies, token = await _widget(servers)
    try:
        await client.emit("user_uttered", {"message": "hello", "session_id": token})
        await asyncio.wait_for(replies.get(), 30)
        widget_conversation = for_widget(token, servers.session_key.encode())
        before = servers.api("GET", f"/conversations/{widget_conversation}/tracker").json()
        answer = servers.say(widget_conversation, "please change my bound phone number to 13900001111")
        assert answer and all(m["recipient_id"] != widget_conversation for m in answer)
        after = servers.api("GET", f"/conversations/{widget_conversation}/tracker").json()
        assert len(after["events"]) == len(before["events"])
        assert after["latest_input_channel"] == "socketio"
    finally:
        await client.disconnect()


async def test_a_javascript_link_from_an_agent_never_reaches_the_widget(servers):
    client, replies, token = await _widget(servers)
    try:
        await client.emit("user_uttered", {"message": "I want to talk to a person", "session_id": token})
        conversation = for_widget(token, servers.session_key.encode())
        text = ("Please [verify here](javascript:alert(document.cookie)) or <javascript:alert(1)> or "
                "<a href=\"jav&#x09;ascript:alert(1)\">this</a>, or [call us](tel:95188)")
        servers.api("POST", f"/conversations/{conversation}/tracker/events",
                    params={"output_channel": "socketio", "execute_side_effects": "true"},
                    json={"event": "bot", "text": text, "metadata": {"source": "agent", "agent": "Mallory"}})
        while True:
            message = await asyncio.wait_for(replies.get(), 30)
            if (message.get("metadata") or {}).get("source") == "agent":
                break
        assert "javascript" not in message["text"].lower().replace("jav&#x09;ascript", "javascript") or \
            "(javascript:" not in message["text"]
        assert "javascript:alert" not in message["text"] and "tel:95188" in message["text"]
    finally:
        await client.disconnect()
