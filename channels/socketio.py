"""The widget's socket.io channel, with sessions nobody else can join.

Rasa's SocketIOInput trusts the client: whoever sends `session_request` with a
conversation's id joins its room and receives its replies, and every message
names the conversation it goes to. Here instead:
- the client's session token must be a long random string (the widget makes
  one and keeps it in the browser); anything else gets a fresh one;
- the conversation id (tracker sender id, the socket.io room) is an HMAC of
  that token under a server key, so ids seen by agents or in logs cannot be
  turned back into a token that joins the room;
- messages go to the conversation of the socket's own session, whatever
  session id they carry, and pass the same checks as the REST channel;
- browsers may connect only from the origins in $CORS_ORIGINS (the same list
  the Makefile gives `rasa run --cors`): Rasa hands CORS to Sanic, which does
  not cover websockets, so any page could otherwise talk to the bot;
- replies an agent sends through the HTTP API (bot events with metadata
  `{"source": "agent"}`) reach the widget marked as from a person;
- with several Rasa servers, $SOCKETIO_REDIS_URL makes them share
  python-socketio's Redis client manager: a message for a conversation (a
  reply, an agent's message sent through another server) reaches the socket
  whichever server holds it.
"""
import hashlib
import hmac
import json
import logging
import os
import pathlib
import re
import secrets
from typing import Any, Awaitable, Callable, Dict, FrozenSet, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

from channels.limits import Limits, RateLimiter, Refused, check_request
from channels.rest import NOT_PROCESSED

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{32,128}$")
_KEY_FILE = pathlib.Path(__file__).resolve().parents[1] / "var" / "session-key"


def session_key() -> bytes:
    """$SESSION_KEY (shared by all servers), else a key kept in var/session-key."""
    key = os.environ.get("SESSION_KEY")
    if key:
        return key.encode()
    if not _KEY_FILE.exists():
        _KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
        _KEY_FILE.write_text(secrets.token_urlsafe(32))
        _KEY_FILE.chmod(0o600)
    return _KEY_FILE.read_text().strip().encode()


def conversation_id(token: Text, key: bytes) -> Text:
    return "w-" + hmac.new(key, token.encode(), hashlib.sha256).hexdigest()[:32]


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


# rasa-webchat gives a message whose metadata carries `customCss` that CSS
# class, so the page can show agent replies differently (widget/site/).
AGENT_MESSAGE_CLASS = "bh-agent-message"


def client_manager() -> Optional[AsyncRedisManager]:
    """Redis pub/sub between servers when $SOCKETIO_REDIS_URL is set; the
    default in-process manager (one server) otherwise."""
    url = os.environ.get("SOCKETIO_REDIS_URL")
    return AsyncRedisManager(url, channel="borrower-help-socketio") if url else None


class GuardedSocketIOOutput(SocketIOOutput):
    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        # BotUttered.message() merges the event's metadata into the message, so
        # an agent reply arrives here with source="agent" among the kwargs.
        if kwargs.get("source") != "agent":
            await super().send_text_message(recipient_id, text, **kwargs)
            return
        metadata = {
            "source": "agent",
            "agent": kwargs.get("agent"),
            "customCss": {"style": "class", "css": AGENT_MESSAGE_CLASS},
        }
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
        rate_limiter = RateLimiter(limits)
        key = session_key()
        # Same CORS workaround as Rasa's channel: Sanic's CORS applies.
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[], client_manager=client_manager())
        webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        origins = allowed_origins()
        if not origins:
            logger.warning("CORS_ORIGINS is empty: no web page may open the chat socket.")

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict[Text, Any], auth: Any = None) -> bool:
            if origin_allowed(environ, origins):
                return True
            logger.info("Refused a socket from origin %s", environ.get("HTTP_ORIGIN"))
            return False

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            token = usable_token((data or {}).get("session_id")) or secrets.token_hex(16)
            conversation = conversation_id(token, key)
            await sio.save_session(sid, {"conversation": conversation}, namespace=self.namespace)
            sio.enter_room(sid, conversation, namespace=self.namespace)
            await sio.emit("session_confirm", token, room=sid, namespace=self.namespace)

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
                    {"sender": conversation, "message": data.get("message"), "metadata": metadata},
                    limits,
                )
                rate_limiter.check(conversation)
            except Refused as refused:
                await self._refuse(sio, sid, refused)
                return
            output = GuardedSocketIOOutput(sio, self.bot_message_evt)
            try:
                await on_new_message(UserMessage(
                    text, output, conversation, input_channel=self.name(), metadata=metadata))
            except Exception:
                logger.exception("Message of %s not processed", conversation)
                await self._refuse(sio, sid, Refused(503, NOT_PROCESSED))

        return webhook

    def get_output_channel(self) -> Optional[GuardedSocketIOOutput]:
        """Used by the HTTP API (`output_channel=socketio` or `latest`) to push
        agent replies and the bot's messages to the borrower's open widget."""
        if getattr(self, "sio", None) is None:
            return None
        return GuardedSocketIOOutput(self.sio, self.bot_message_evt)

    async def _refuse(self, sio: AsyncServer, sid: Text, refused: Refused) -> None:
        await sio.emit("error", {"status": refused.status, "error": refused.message},
                       room=sid, namespace=self.namespace)

