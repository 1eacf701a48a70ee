"""Handoff tickets: one row per handoff, in the same database as the
conversation (borrower_help.storage). Calls block: async callers run them in
a thread."""
import json
import logging
import secrets
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Text, Tuple

import sqlalchemy as sa

from borrower_help import helpdesk, lender, sla
from borrower_help.catalogue import PRIORITIES
from borrower_help.storage import engine, outbox
from borrower_help.storage.schema import tickets

# No 0/O, 1/I: references are read out on the phone.
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
OPEN, ASSIGNED, RESOLVED = "open", "assigned", "resolved"
WAITING = (OPEN, ASSIGNED)
logger = logging.getLogger(__name__)


def new_reference() -> Text:
    return "BH-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


def _now() -> datetime:
    return datetime.now(timezone.utc)


def priority_order() -> sa.sql.ColumnElement:
    """ORDER BY term putting the most urgent tickets first (catalogue.PRIORITIES)."""
    return sa.case({p: i for i, p in enumerate(PRIORITIES)}, value=tickets.c.priority, else_=len(PRIORITIES))


def overdue(now: datetime) -> sa.sql.ColumnElement:
    """A waiting ticket past a deadline: no first reply by its due time, or a
    complaint not resolved by its deadline."""
    c = tickets.c
    return sa.or_(sa.and_(c.first_response_at.is_(None), c.first_response_due < now),
                  sa.and_(c.resolved_at.is_(None), c.resolution_due < now))


def queue_order(now: datetime) -> Tuple[sa.sql.ColumnElement, ...]:
    """Overdue tickets first, then the most urgent, then who waited longest."""
    return (sa.case((overdue(now), 0), else_=1), priority_order(), tickets.c.created_at, tickets.c.id)


def deadlines(created_at: datetime, priority: Text, reason: Text) -> Dict[Text, Optional[datetime]]:
    """A new ticket's deadlines from lender.yml (borrower_help/sla.py); none
    when the settings cannot be read (the ticket matters more)."""
    try:
        settings = lender.current()
    except lender.SettingsError as error:
        logger.error("Ticket deadlines not set, lender settings not usable: %s", error)
        return {}
    return {"first_response_due": sla.first_response_due(created_at, priority, settings),
            "resolution_due": sla.resolution_due(created_at, reason, settings)}


class TicketStore:
    def __init__(self, url: Optional[Text] = None) -> None:
        self.engine = engine(url)

    def create(self, conversation_id: Text, reason: Text, priority: Text, language: Text,
               problem: Optional[Text], slots: Dict[Text, Any], summary: Text) -> Dict[Text, Any]:
        now = _now()
        row = {"conversation_id": conversation_id, "status": OPEN, "reason": reason,
               "priority": priority, "language": language, "problem": problem,
               "slots": json.dumps(slots, ensure_ascii=False, sort_keys=True),
               "summary": summary, "created_at": now, "updated_at": now, **deadlines(now, priority, reason)}
        # Queued for the lender's helpdesk in the same transaction: a ticket
        # is never created without its delivery (borrower_help.helpdesk).
        queue_for_helpdesk = helpdesk.WebhookSettings.from_environment() is not None
        for _ in range(5):
            row["reference"] = reference = new_reference()
            try:
                with self.engine.begin() as connection:
                    connection.execute(tickets.insert().values(**row))
                    if queue_for_helpdesk:
                        outbox.enqueue(connection, reference, conversation_id,
                                       helpdesk.payload({**row, "slots": slots}), now)
                created = self.get(reference)
                assert created is not None
                return created
            except sa.exc.IntegrityError:
                continue  # reference taken: draw another
        raise RuntimeError("could not draw a unique ticket reference")

    def get(self, reference: Text) -> Optional[Dict[Text, Any]]:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(tickets).where(tickets.c.reference == reference)).mappings().first()
        return as_ticket(row) if row else None

    def list(self, status: Optional[Text] = None) -> List[Dict[Text, Any]]:
        query = sa.select(tickets).order_by(tickets.c.created_at)
        if status:
            query = query.where(tickets.c.status == status)
        with self.engine.connect() as connection:
            return [as_ticket(row) for row in connection.execute(query).mappings()]

    def waiting(self) -> List[Dict[Text, Any]]:
        """Open and assigned tickets in the queue's order: urgent first, then
        whoever has waited longest."""
        query = (sa.select(tickets).where(tickets.c.status.in_(WAITING))
                 .order_by(priority_order(), tickets.c.created_at))
        with self.engine.connect() as connection:
            return [as_ticket(row) for row in connection.execute(query).mappings()]

    def open_for_conversation(self, conversation_id: Text) -> Optional[Dict[Text, Any]]:
        query = (sa.select(tickets).where(tickets.c.conversation_id == conversation_id)
                 .where(tickets.c.status != RESOLVED).order_by(tickets.c.created_at.desc()))
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return as_ticket(row) if row else None

    def waiting_before(self, ticket: Dict[Text, Any]) -> int:
        """How many open tickets an agent takes before this one (queue order)."""
        same_priority_earlier = sa.and_(tickets.c.priority == ticket["priority"],
                                        tickets.c.created_at < ticket["created_at"])
        more_urgent = tickets.c.priority.in_(PRIORITIES[:PRIORITIES.index(ticket["priority"])]
                                             if ticket["priority"] in PRIORITIES else PRIORITIES)
        query = sa.select(sa.func.count()).select_from(tickets).where(
            tickets.c.status == OPEN, tickets.c.reference != ticket["reference"],
            sa.or_(more_urgent, same_priority_earlier))
        with self.engine.connect() as connection:
            return connection.execute(query).scalar_one()

    def assign(self, reference: Text, agent: Text) -> bool:
        """Give an open ticket to `agent`; False when someone else took it
        first (one conditional UPDATE, so two agents cannot both get it)."""
        with self.engine.begin() as connection:
            taken = connection.execute(
                tickets.update().where(tickets.c.reference == reference, tickets.c.status == OPEN)
                .values(status=ASSIGNED, assigned_to=agent, updated_at=_now())).rowcount
        return taken == 1

    def hand_over(self, reference: Text, holder: Text, to: Optional[Text]) -> bool:
        """Give a ticket `holder` has to agent `to`, or back to the queue
        (`to` None); False when `holder` no longer has it."""
        values = {"assigned_to": to, "status": ASSIGNED if to else OPEN, "updated_at": _now()}
        with self.engine.begin() as connection:
            moved = connection.execute(
                tickets.update().where(tickets.c.reference == reference, tickets.c.status == ASSIGNED,
                                       tickets.c.assigned_to == holder).values(**values)).rowcount
        return moved == 1

    def answered(self, reference: Text, at: Optional[datetime] = None) -> None:
        """An agent replied: the first reply's time is kept (the SLA's)."""
        with self.engine.begin() as connection:
            connection.execute(tickets.update().where(tickets.c.reference == reference,
                                                      tickets.c.first_response_at.is_(None))
                               .values(first_response_at=at or _now()))

    def resolve(self, reference: Text) -> Optional[Dict[Text, Any]]:
        now = _now()
        with self.engine.begin() as connection:
            connection.execute(tickets.update().where(tickets.c.reference == reference)
                               .values(status=RESOLVED, resolved_at=now, updated_at=now))
        return self.get(reference)


def as_ticket(row) -> Dict[Text, Any]:
    ticket = dict(row)
    ticket["slots"] = json.loads(ticket["slots"] or "{}")
    # SQLite hands back naive datetimes; they were written in UTC.
    for name in ("created_at", "updated_at", "resolved_at", "first_response_due", "first_response_at",
                 "resolution_due"):
        if ticket.get(name) is not None and ticket[name].tzinfo is None:
            ticket[name] = ticket[name].replace(tzinfo=timezone.utc)
    return ticket

