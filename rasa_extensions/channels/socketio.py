"""The widget's socket.io channel, with sessions nobody else can join.

Rasa's SocketIOInput trusts the client: whoever sends `session_request` with a
conversation's id joins its room and receives its replies, and every message
names the conversation it goes to. Here instead:
- the client's session token must be a long random string (the widget makes
  one and keeps it in the browser); anything else gets a fresh one;
- the conversation id (tracker sender id, the socket.io room) is an HMAC of
  that token (borrower_help.conversation_ids), so ids seen by agents or in
  logs cannot be turned back into a token that joins the room;
- messages go to the conversation of the socket's own session, whatever
  session id they carry, and pass the same checks and limits as the REST
  channel (per conversation, per client address, messages in flight);
- browsers may connect only from the origins in $CORS_ORIGINS: Rasa hands
  CORS to Sanic, which does not cover websockets;
- every message sent carries `metadata.bh_ts`, the time of its event; a
  widget that comes back with `?bh_seen=<the last it got>` in its socket URL
  receives, in order and once, every bot and agent message it missed while
  it was closed (an agent's reply included); if the conversation has no
  event any more (erased, or past retention), it gets `bh_conversation_gone`
  instead, and the widget drops its stored copy and starts afresh;
- links in outgoing text may only be http(s), tel or mailto
  (borrower_help.safe_links); agent replies arrive marked as from a person;
- with several Rasa servers, $SOCKETIO_REDIS_URL makes them share
  python-socketio's Redis client manager (JSON messages since 5.14, no
  pickle): a message reaches the socket whichever server holds it.
"""
import asyncio
import json
import logging
import os
import re
import secrets
from typing import Any, Awaitable, Callable, Dict, FrozenSet, List, Optional, Text
from urllib.parse import parse_qs

import sqlalchemy as sa
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

from borrower_help import storage
from borrower_help.conversation_ids import for_widget
from borrower_help.keys import SESSION_KEY
from borrower_help.safe_links import neutralise_links
from borrower_help.storage.schema import events as events_table
from rasa_extensions.channels.limits import (
    InFlight,
    Limits,
    RateLimiter,
    Refused,
    check_request,
    client_address,
    trusted_proxies,
)
from rasa_extensions.channels.rest import NOT_PROCESSED

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{32,128}$")
# rasa-webchat gives a message whose metadata carries `customCss` that CSS
# class, so the page can show agent replies differently (widget/site/).
AGENT_MESSAGE_CLASS = "bh-agent-message"
MAX_REPLAYED = 200


def usable_token(token: Any) -> Optional[Text]:
    return token if isinstance(token, str) and _TOKEN.match(token) else None


def allowed_origins() -> FrozenSet[Text]:
    """Browser origins allowed to open a socket ($CORS_ORIGINS, space separated)."""
    return frozenset(o.rstrip("/") for o in os.environ.get("CORS_ORIGINS", "").split() if o)


def origin_allowed(environ: Dict[Text, Any], origins: FrozenSet[Text]) -> bool:
    """Clients without an Origin header are not browsers (like REST callers);
    a browser must come from one of the configured origins."""
    origin = environ.get("HTTP_ORIGIN")
    return origin is None or "*" in origins or origin.rstrip("/") in origins


def seen_until(environ: Dict[Text, Any]) -> Optional[float]:
    """The widget's `bh_seen` (time of the last message it received)."""
    values = parse_qs(environ.get("QUERY_STRING", "")).get("bh_seen")
    try:
        return float(values[0]) if values else None
    except ValueError:
        return None


def client_manager() -> Optional[AsyncRedisManager]:
    """Redis pub/sub between servers when $SOCKETIO_REDIS_URL is set; the
    default in-process manager (one server) otherwise."""
    url = os.environ.get("SOCKETIO_REDIS_URL")
    return AsyncRedisManager(url, channel="borrower-help-socketio") if url else None


def missed_messages(conversation: Text, since: float) -> List[Dict[Text, Any]]:
    """Bot and agent messages of `conversation` after `since`, oldest first,
    as the output channel sends them (BotUttered.message())."""
    query = (sa.select(events_table.c.data).where(events_table.c.sender_id == conversation,
                                                 events_table.c.type_name == "bot",
                                                 events_table.c.timestamp > since)
             .order_by(events_table.c.id).limit(MAX_REPLAYED))
    with storage.engine().connect() as connection:
        rows = [json.loads(data) for (data,) in connection.execute(query)]
    return [{**(event.get("data") or {}), "text": event.get("text"), "timestamp": event.get("timestamp"),
             **(event.get("metadata") or {})} for event in rows]


def has_events(conversation: Text) -> bool:
    query = sa.select(events_table.c.id).where(events_table.c.sender_id == conversation).limit(1)
    with storage.engine().connect() as connection:
        return connection.execute(query).first() is not None


class GuardedSocketIOOutput(SocketIOOutput):
    """Rasa's output with the message's time on everything sent, safe links,
    and agent replies marked."""

    _stamp: Optional[float] = None

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self._stamp = message.get("timestamp")
        if message.get("text"):
            message = {**message, "text": neutralise_links(message["text"])}
        await super().send_response(recipient_id, message)

    async def _send_message(self, socket_id: Text, message: Any) -> None:
        if isinstance(message, dict) and self._stamp is not None:
            message = {**message, "metadata": {**(message.get("metadata") or {}), "bh_ts": self._stamp}}
        await self.sio.emit(self.bot_message_evt, message, room=socket_id)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        data = json_message.get("data")
        if isinstance(data, dict) and self._stamp is not None:
            json_message = {**json_message, "data": {**data, "bh_ts": self._stamp}}
        await super().send_custom_json(recipient_id, dict(json_message), **kwargs)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        # BotUttered.message() merges the event's metadata into the message, so
        # an agent reply arrives here with source="agent" among the kwargs, and
        # the bot's "a person joined" (support_console/rasa_api.py) with agent_joined.
        if kwargs.get("agent_joined"):
            await self._send_message(recipient_id, {"text": text, "metadata": {"agent_joined": kwargs["agent_joined"]}})
            return
        if kwargs.get("source") != "agent":
            await super().send_text_message(recipient_id, text, **kwargs)
            return
        metadata = {"source": "agent", "agent": kwargs.get("agent"),
                    "customCss": {"style": "class", "css": AGENT_MESSAGE_CLASS}}
        for part in text.strip().split("\n\n"):
            await self._send_message(recipient_id, {"text": part, "metadata": metadata})


class GuardedSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "GuardedSocketIOInput":
        channel = super().from_credentials(credentials)
        channel.limits = Limits.from_credentials(credentials)
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        limits = getattr(self, "limits", None) or Limits()
        rate_limiter, in_flight, proxies = RateLimiter(limits), InFlight(limits.max_in_flight), trusted_proxies()
        key = SESSION_KEY.value().encode()
        # Same CORS workaround as Rasa's channel: Sanic's CORS applies.
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[], client_manager=client_manager())
        webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        origins = allowed_origins()
        if not origins:
            logger.warning("CORS_ORIGINS is empty: no web page may open the chat socket.")

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict[Text, Any], auth: Any = None) -> bool:
            if not origin_allowed(environ, origins):
                logger.info("Refused a socket from origin %s", environ.get("HTTP_ORIGIN"))
                return False
            client = client_address(environ.get("REMOTE_ADDR"), environ.get("HTTP_X_FORWARDED_FOR"), proxies)
            await sio.save_session(sid, {"client": client, "seen": seen_until(environ)}, namespace=self.namespace)
            return True

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            given = usable_token((data or {}).get("session_id") if isinstance(data, dict) else None)
            token = given or secrets.token_hex(16)
            conversation = for_widget(token, key)
            session = await sio.get_session(sid, namespace=self.namespace)
            await sio.save_session(sid, {**session, "conversation": conversation}, namespace=self.namespace)
            # Awaited: python-socketio >= 5.10 made it a coroutine, and Rasa's
            # channel not awaiting it is what lost replies there (Rasa #13027).
            await sio.enter_room(sid, conversation, namespace=self.namespace)
            await sio.emit("session_confirm", token, room=sid, namespace=self.namespace)
            if given and session.get("seen") is not None:
                if await self._gone(conversation):
                    # The widget has messages the server no longer has: the
                    # conversation was erased (or purged). It drops its copy.
                    await sio.emit("bh_conversation_gone", {}, room=sid, namespace=self.namespace)
                    return
                await self._replay(sio, sid, conversation, session["seen"])

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            session = await sio.get_session(sid, namespace=self.namespace)
            conversation = session.get("conversation")
            if not conversation:
                await self._refuse(sio, sid, Refused(400, "Send session_request first."))
                return
            data = data if isinstance(data, dict) else {}
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = None
            try:
                _, text, metadata = check_request(
                    {"sender": conversation, "message": data.get("message"), "metadata": metadata}, limits)
                rate_limiter.check(conversation, session.get("client", ""))
                with in_flight:
                    output = GuardedSocketIOOutput(sio, self.bot_message_evt)
                    try:
                        await on_new_message(UserMessage(
                            text, output, conversation, input_channel=self.name(), metadata=metadata))
                    except Exception:
                        logger.exception("Message of %s not processed", conversation)
                        raise Refused(503, NOT_PROCESSED, 5)
            except Refused as refused:
                await self._refuse(sio, sid, refused)

        return webhook

    async def _gone(self, conversation: Text) -> bool:
        try:
            return not await asyncio.to_thread(has_events, conversation)
        except sa.exc.SQLAlchemyError:
            return False  # unknown: keep what the widget has

    async def _replay(self, sio: AsyncServer, sid: Text, conversation: Text, since: float) -> None:
        try:
            missed = await asyncio.to_thread(missed_messages, conversation, since)
        except sa.exc.SQLAlchemyError:
            logger.warning("Could not read the messages %s missed; it keeps what it has", conversation)
            return
        output = GuardedSocketIOOutput(sio, self.bot_message_evt)
        for message in missed:
            await output.send_response(sid, message)
        if missed:
            logger.info("Sent %d missed message(s) to %s", len(missed), conversation)

    def get_output_channel(self) -> Optional[GuardedSocketIOOutput]:
        """Used by the HTTP API (`output_channel=socketio` or `latest`) to push
        agent replies and the bot's messages to the borrower's open widget."""
        if getattr(self, "sio", None) is None:
            return None
        return GuardedSocketIOOutput(self.sio, self.bot_message_evt)

    async def _refuse(self, sio: AsyncServer, sid: Text, refused: Refused) -> None:
        """The widget shows it: the message was not sent, and why."""
        await sio.emit("error", {"status": refused.status, "error": refused.message,
                                 "retry_after": refused.retry_after}, room=sid, namespace=self.namespace)
