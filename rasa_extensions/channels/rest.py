"""The REST channel (`POST /webhooks/rest/webhook`), with input checks.

Same URL, request and response format as Rasa's RestInput, with what a
public endpoint needs:
- every request is checked (channels/limits.py; limits in credentials.yml):
  a bad body gets a 4xx and a sentence, not the model's time;
- rates per conversation, per client address and for new conversations per
  client, and a bound on messages in flight (503 + Retry-After beyond it);
- the conversation id is derived from the client's `sender`
  (borrower_help.conversation_ids: "r-<hmac>"), so ids that agents and logs
  see cannot be used to write into a conversation, and no REST client can
  reach a widget's conversation; `recipient_id` in the answer is that id;
- a message that could not be processed (e.g. the database is away) is
  answered 503 "not processed, send it again", never 200 with nothing kept;
- `?stream=true` is refused (a stream is answered 200 before the message is
  processed, so a failure could not be told apart from success);
- the channel is always "rest", whatever the body says.
"""
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from borrower_help.conversation_ids import for_rest
from borrower_help.keys import SESSION_KEY
from rasa_extensions.channels.limits import (
    InFlight,
    Limits,
    RateLimiter,
    Refused,
    check_request,
    client_address,
    trusted_proxies,
)

logger = logging.getLogger(__name__)

NOT_PROCESSED = ("The assistant could not process this message right now, and did not keep it. "
                 "Please send it again in a moment.")


def refusal(refused: Refused) -> HTTPResponse:
    headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after else None
    return response.json({"error": refused.message, "status": refused.status}, status=refused.status,
                         headers=headers)


class GuardedRestInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "GuardedRestInput":
        return cls(Limits.from_credentials(credentials))

    def __init__(self, limits: Optional[Limits] = None) -> None:
        self.limits = limits or Limits()
        self.rate_limiter = RateLimiter(self.limits)
        self.in_flight = InFlight(self.limits.max_in_flight)
        self.proxies = trusted_proxies()
        self.key = SESSION_KEY.value().encode()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("custom_webhook_GuardedRestInput", "rasa_extensions.channels.rest")

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"], strict_slashes=False)
        async def receive(request: Request) -> HTTPResponse:
            try:
                if request.args.get("stream"):
                    raise Refused(400, "Streaming answers (?stream=true) are not offered; "
                                       "the whole answer comes as one JSON list.")
                try:
                    body = request.json
                except Exception:
                    raise Refused(400, "The body is not valid JSON (UTF-8).")
                sender, text, metadata = check_request(body, self.limits)
                client = client_address(request.ip, request.headers.get("X-Forwarded-For"), self.proxies)
                self.rate_limiter.check(sender, client)
                with self.in_flight:
                    conversation = for_rest(sender, self.key)
                    collector = CollectingOutputChannel()
                    try:
                        await on_new_message(UserMessage(text, collector, conversation,
                                                         input_channel=self.name(), metadata=metadata))
                    except Exception:
                        logger.exception("Message of %s not processed: answered 503", conversation)
                        raise Refused(503, NOT_PROCESSED, 5)
            except Refused as refused:
                return refusal(refused)
            return response.json(collector.messages)

        return webhook

    def get_output_channel(self) -> Optional[CollectingOutputChannel]:
        return None  # REST clients read agent replies from the conversation
