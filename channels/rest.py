"""The REST channel (`POST /webhooks/rest/webhook`), with input checks.

Rasa's RestInput accepts any body: no sender means the shared conversation
"default", a 100,000-character message ties the server up for a minute. This
subclass keeps the same URL and response format and refuses such requests
with a clear 4xx (see channels/limits.py; limits set in credentials.yml).

Rasa's handler also answers 200 with whatever replies it collected when
handling the message failed (e.g. the tracker store was unreachable), so a
client cannot tell "handled" from "lost". Here such a message gets 503 and a
sentence saying it was not processed and may be sent again.
"""
import logging
from contextvars import ContextVar
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.limits import Limits, RateLimiter, Refused, check_request

logger = logging.getLogger(__name__)

# Set while handling a request whose message could not be processed; the
# handler runs in the request's own task, so this is per request.
_failed: ContextVar[bool] = ContextVar("rest_message_failed", default=False)
NOT_PROCESSED = "The assistant could not process this message right now, and did not keep it. Please send it again in a moment."


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "GuardedRestInput":
        return cls(Limits.from_credentials(credentials))

    def __init__(self, limits: Optional[Limits] = None) -> None:
        self.limits = limits or Limits()
        self.rate_limiter = RateLimiter(self.limits)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        async def handle_or_flag_failure(message: UserMessage) -> None:
            try:
                await on_new_message(message)
            except Exception:
                _failed.set(True)
                raise  # Rasa's handler logs it, then answers; see `refuse_if_failed`

        webhook = super().blueprint(handle_or_flag_failure)

        @webhook.on_response
        async def refuse_if_failed(request: Request, _: HTTPResponse) -> Optional[HTTPResponse]:
            if not _failed.get():
                return None
            logger.error("Message from %s not processed: answered 503", request.ctx.checked[0])
            return response.json({"error": NOT_PROCESSED, "status": 503}, status=503,
                                 headers={"Retry-After": "5"})

        @webhook.on_request
        async def check(request: Request) -> Optional[HTTPResponse]:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            try:
                try:
                    body = request.json
                except Exception:
                    raise Refused(400, "The body is not valid JSON (UTF-8).")
                sender, message, _ = check_request(body, self.limits)
                self.rate_limiter.check(sender)
            except Refused as refused:
                headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after else None
                return response.json({"error": refused.message, "status": refused.status},
                                     status=refused.status, headers=headers)
            request.ctx.checked = (sender, message)
            return None

        return webhook

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        return req.ctx.checked[0]

    def _extract_message(self, req: Request) -> Optional[Text]:
        return req.ctx.checked[1]
