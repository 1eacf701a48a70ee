"""Posting each new handoff ticket to the lender's own helpdesk, if configured.

    HELPDESK_WEBHOOK_URL        where to POST (unset: nothing is queued or sent)
    HELPDESK_WEBHOOK_SECRET     optional; signs the body: header
                                X-Borrower-Help-Signature: sha256=<HMAC-SHA256 hex>
    HELPDESK_WEBHOOK_TIMEOUT    seconds per attempt (default 5)
    HELPDESK_WEBHOOK_GIVE_UP_HOURS  stop trying after this long (default 24)

A ticket is queued in the `helpdesk_outbox` table in the same transaction
that creates it (storage/tickets.py), so neither a restart nor a helpdesk
outage loses it; the worker (borrower_help/worker.py) posts what is due,
retrying connection errors, timeouts, 429 and 5xx with growing waits (up to
15 minutes apart) until it is accepted or the give-up time has passed. Any
other 4xx means the helpdesk refuses this request: given up at once. Team
leads see tickets that were never delivered in the console.
"""
import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, Optional, Text

import requests

from borrower_help.storage import outbox

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Borrower-Help-Signature"
FIELDS = ("reference", "conversation_id", "status", "reason", "priority", "language",
          "problem", "slots", "summary", "created_at")
MAX_WAIT = timedelta(minutes=15)


@dataclass(frozen=True)
class WebhookSettings:
    url: Text
    secret: Optional[Text] = None
    timeout_seconds: float = 5.0
    give_up_after: timedelta = timedelta(hours=24)
    first_wait: timedelta = timedelta(seconds=2)

    @classmethod
    def from_environment(cls) -> Optional["WebhookSettings"]:
        url = os.environ.get("HELPDESK_WEBHOOK_URL", "").strip()
        if not url:
            return None
        return cls(url=url, secret=os.environ.get("HELPDESK_WEBHOOK_SECRET") or None,
                   timeout_seconds=float(os.environ.get("HELPDESK_WEBHOOK_TIMEOUT", "5")),
                   give_up_after=timedelta(hours=float(os.environ.get("HELPDESK_WEBHOOK_GIVE_UP_HOURS", "24"))))


def payload(ticket: Dict[Text, Any]) -> Text:
    """The ticket as the helpdesk receives it (its summary is already masked)."""
    fields = {name: ticket.get(name) for name in FIELDS}
    if isinstance(fields["created_at"], datetime):
        fields["created_at"] = fields["created_at"].isoformat()
    return json.dumps({"event": "ticket.created", "ticket": fields}, ensure_ascii=False, sort_keys=True)


def signature(body: bytes, secret: Text) -> Text:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _worth_retrying(status: int) -> bool:
    return status == 429 or status >= 500


def post(body: Text, settings: WebhookSettings) -> Optional[Text]:
    """One attempt: None when accepted, else what went wrong ("retry: ..." or
    "refused: ...")."""
    data = body.encode()
    headers = {"Content-Type": "application/json"}
    if settings.secret:
        headers[SIGNATURE_HEADER] = signature(data, settings.secret)
    try:
        response = requests.post(settings.url, data=data, headers=headers, timeout=settings.timeout_seconds,
                                 allow_redirects=False)
    except requests.RequestException as error:
        return f"retry: {type(error).__name__}"
    if response.status_code < 300:
        return None
    return f"{'retry' if _worth_retrying(response.status_code) else 'refused'}: HTTP {response.status_code}"


def deliver_due(settings: Optional[WebhookSettings] = None, url: Optional[Text] = None,
                now: Optional[datetime] = None, limit: int = 20) -> int:
    """Post every queued ticket that is due; returns how many were accepted."""
    settings = settings or WebhookSettings.from_environment()
    if settings is None:
        return 0
    accepted = 0
    for row in outbox.claim_due(limit=limit, url=url, now=now):
        problem = post(row["payload"], settings)
        attempts = row["attempts"] + 1
        when = now or outbox.utcnow()
        if problem is None:
            outbox.mark_delivered(row["id"], url=url, now=when)
            logger.info("Helpdesk accepted ticket %s (attempt %d)", row["ticket_reference"], attempts)
            accepted += 1
        elif problem.startswith("refused") or when - row["created_at"] >= settings.give_up_after:
            outbox.give_up(row["id"], problem, url=url)
            logger.error("Helpdesk webhook gave up on ticket %s after %d attempt(s): %s",
                         row["ticket_reference"], attempts, problem)
        else:
            wait = min(settings.first_wait * 2 ** (attempts - 1), MAX_WAIT)
            outbox.retry_later(row["id"], problem, when + wait, url=url)
            logger.warning("Helpdesk webhook: ticket %s not delivered (%s); next attempt in %d s",
                           row["ticket_reference"], problem, wait.total_seconds())
    return accepted
