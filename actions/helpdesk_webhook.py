"""Posts each new handoff ticket to a lender's own helpdesk, if configured.

    HELPDESK_WEBHOOK_URL       where to POST (unset: nothing is sent)
    HELPDESK_WEBHOOK_SECRET    optional; signs the body: header
                               X-Borrower-Help-Signature: sha256=<HMAC-SHA256 hex>
    HELPDESK_WEBHOOK_TIMEOUT   seconds per attempt (default 5)
    HELPDESK_WEBHOOK_ATTEMPTS  attempts in all (default 4; waits 1, 2, 4 s between)

The post runs in the background: the borrower's reply never waits for the
helpdesk. Connection errors, timeouts, 429 and 5xx are retried; another 4xx
means the helpdesk refuses this request, so it is not repeated. The final
failure is logged with the ticket reference (the ticket itself is safe in the
ticket store, where the console shows it).
"""
import asyncio
import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, Optional, Set, Text

import aiohttp

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Borrower-Help-Signature"
_FIELDS = ("reference", "conversation_id", "status", "reason", "priority", "language",
           "problem", "slots", "summary", "created_at")
# Background deliveries, kept so they are not garbage-collected mid-flight.
_in_flight: Set["asyncio.Task[bool]"] = set()


@dataclass(frozen=True)
class WebhookSettings:
    url: Text
    secret: Optional[Text] = None
    timeout_seconds: float = 5.0
    attempts: int = 4
    first_wait_seconds: float = 1.0

    @classmethod
    def from_environment(cls) -> Optional["WebhookSettings"]:
        url = os.environ.get("HELPDESK_WEBHOOK_URL", "").strip()
        if not url:
            return None
        return cls(
            url=url,
            secret=os.environ.get("HELPDESK_WEBHOOK_SECRET") or None,
            timeout_seconds=float(os.environ.get("HELPDESK_WEBHOOK_TIMEOUT", "5")),
            attempts=max(1, int(os.environ.get("HELPDESK_WEBHOOK_ATTEMPTS", "4"))),
        )


def payload(ticket: Dict[Text, Any]) -> bytes:
    """The ticket as the helpdesk receives it (its summary is already masked)."""
    fields = {name: ticket.get(name) for name in _FIELDS}
    if isinstance(fields["created_at"], datetime):
        fields["created_at"] = fields["created_at"].isoformat()
    return json.dumps({"event": "ticket.created", "ticket": fields},
                      ensure_ascii=False, sort_keys=True).encode()


def signature(body: bytes, secret: Text) -> Text:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _worth_retrying(status: int) -> bool:
    return status == 429 or status >= 500


async def deliver(ticket: Dict[Text, Any], settings: WebhookSettings) -> bool:
    """POST the ticket, retrying what may pass later; True when accepted."""
    body = payload(ticket)
    headers = {"Content-Type": "application/json"}
    if settings.secret:
        headers[SIGNATURE_HEADER] = signature(body, settings.secret)
    reference, problem = ticket.get("reference"), "no attempt made"
    timeout = aiohttp.ClientTimeout(total=settings.timeout_seconds)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for attempt in range(1, settings.attempts + 1):
            try:
                async with session.post(settings.url, data=body, headers=headers) as response:
                    if response.status < 300:
                        logger.info("Helpdesk accepted ticket %s (attempt %d)", reference, attempt)
                        return True
                    problem = f"HTTP {response.status}"
                    if not _worth_retrying(response.status):
                        break
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                problem = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            if attempt < settings.attempts:
                await asyncio.sleep(settings.first_wait_seconds * 2 ** (attempt - 1))
    logger.error("Helpdesk webhook failed for ticket %s after %d attempt(s): %s (%s)",
                 reference, attempt, problem, settings.url)
    return False


def post_in_background(ticket: Dict[Text, Any]) -> Optional["asyncio.Task[bool]"]:
    """Start delivering `ticket` if a helpdesk is configured; never raises."""
    try:
        settings = WebhookSettings.from_environment()
    except ValueError as error:
        logger.error("Helpdesk webhook settings are invalid (%s); ticket %s not posted",
                     error, ticket.get("reference"))
        return None
    if settings is None:
        return None
    task = asyncio.get_running_loop().create_task(deliver(ticket, settings))
    _in_flight.add(task)
    task.add_done_callback(_in_flight.discard)
    return task
