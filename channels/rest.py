"""The REST channel (`POST /webhooks/rest/webhook`), with input checks.

Rasa's RestInput accepts any body: no sender means the shared conversation
"default", a 100,000-character message ties the server up for a minute. This
subclass keeps the same URL and response format and refuses such requests
with a clear 4xx (see channels/limits.py; limits set in credentials.yml).
"""
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.limits import Limits, RateLimiter, Refused, check_request


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
        webhook = super().blueprint(on_new_message)

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
