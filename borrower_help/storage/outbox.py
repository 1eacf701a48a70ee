"""The helpdesk outbox: tickets waiting to be posted to the lender's
helpdesk (borrower_help.helpdesk). Rows are claimed for a short lease, so
several workers never post the same ticket at once."""
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Text

import sqlalchemy as sa

from borrower_help.storage import engine
from borrower_help.storage.schema import helpdesk_outbox as table

PENDING, DELIVERED, GIVEN_UP = "pending", "delivered", "given_up"
LEASE = timedelta(minutes=2)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _aware(value: Optional[datetime]) -> Optional[datetime]:
    # SQLite hands back naive datetimes; they were written in UTC.
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


def _row(mapping) -> Dict[Text, Any]:
    row = dict(mapping)
    for name in ("next_attempt_at", "claimed_until", "created_at", "delivered_at"):
        row[name] = _aware(row.get(name))
    return row


def enqueue(connection: sa.engine.Connection, reference: Text, conversation_id: Text, payload: Text,
            now: Optional[datetime] = None) -> None:
    """Queue a ticket, inside the caller's transaction."""
    now = now or utcnow()
    connection.execute(table.insert().values(
        ticket_reference=reference, conversation_id=conversation_id, payload=payload, status=PENDING,
        attempts=0, next_attempt_at=now, created_at=now))


def claim_due(limit: int = 20, url: Optional[Text] = None, now: Optional[datetime] = None) -> List[Dict[Text, Any]]:
    """Pending rows whose time has come and that no worker holds; each is
    held for LEASE by one conditional UPDATE, so only one worker gets it."""
    now = now or utcnow()
    due = (sa.select(table).where(table.c.status == PENDING, table.c.next_attempt_at <= now,
                                  sa.or_(table.c.claimed_until.is_(None), table.c.claimed_until < now))
           .order_by(table.c.next_attempt_at).limit(limit))
    claimed = []
    with engine(url).begin() as connection:
        for row in connection.execute(due).mappings().all():
            got = connection.execute(table.update().where(
                table.c.id == row["id"], table.c.status == PENDING,
                sa.or_(table.c.claimed_until.is_(None), table.c.claimed_until < now))
                .values(claimed_until=now + LEASE)).rowcount
            if got:
                claimed.append(_row(row))
    return claimed


def _update(row_id: int, url: Optional[Text], **values: Any) -> None:
    with engine(url).begin() as connection:
        connection.execute(table.update().where(table.c.id == row_id).values(**values))


def mark_delivered(row_id: int, url: Optional[Text] = None, now: Optional[datetime] = None) -> None:
    _update(row_id, url, status=DELIVERED, delivered_at=now or utcnow(), claimed_until=None,
            attempts=table.c.attempts + 1, last_error=None)


def retry_later(row_id: int, problem: Text, when: datetime, url: Optional[Text] = None) -> None:
    _update(row_id, url, next_attempt_at=when, claimed_until=None, attempts=table.c.attempts + 1,
            last_error=problem[:255])


def give_up(row_id: int, problem: Text, url: Optional[Text] = None) -> None:
    _update(row_id, url, status=GIVEN_UP, claimed_until=None, attempts=table.c.attempts + 1,
            last_error=problem[:255])


def undelivered(url: Optional[Text] = None, limit: int = 200) -> List[Dict[Text, Any]]:
    """Tickets the helpdesk has not accepted (still trying, or given up),
    oldest first: what a team lead must pass on by hand."""
    query = (sa.select(table).where(table.c.status != DELIVERED)
             .order_by(table.c.created_at).limit(limit))
    with engine(url).connect() as connection:
        return [_row(r) for r in connection.execute(query).mappings()]
