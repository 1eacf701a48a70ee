"""The ticket store: one row per handoff, next to the conversation's transcript.

SQLAlchemy Core, so the same code runs on the default SQLite file and on
PostgreSQL (TICKET_STORE_URL=postgresql://...). Calls are blocking: async
callers run them in a thread (see actions.handoff).
"""
import json
import os
import secrets
import threading
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Text

import sqlalchemy as sa

DEFAULT_URL = "sqlite:///var/borrower_help.db"
# No 0/O, 1/I: references are read out on the phone.
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

OPEN, ASSIGNED, RESOLVED = "open", "assigned", "resolved"

metadata = sa.MetaData()
tickets = sa.Table(
    "tickets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("reference", sa.String(16), nullable=False, unique=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False, default=OPEN, index=True),
    sa.Column("reason", sa.String(32), nullable=False),
    sa.Column("priority", sa.String(16), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("problem", sa.String(64)),
    sa.Column("slots", sa.Text, nullable=False, default="{}"),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("assigned_to", sa.String(128)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("resolved_at", sa.DateTime(timezone=True)),
)


def store_url() -> Text:
    """Where tickets (and ratings, beside them) are kept: $TICKET_STORE_URL,
    else the SQLite file of the embedded default."""
    return os.environ.get("TICKET_STORE_URL") or DEFAULT_URL


def new_reference() -> Text:
    return "BH-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


def _now() -> datetime:
    return datetime.now(timezone.utc)


class TicketStore:
    def __init__(self, url: Optional[Text] = None) -> None:
        self.url = url or store_url()
        if self.url.startswith("sqlite:///"):
            folder = os.path.dirname(self.url[len("sqlite:///") :])
            if folder:
                os.makedirs(folder, exist_ok=True)
        self.engine = sa.create_engine(self.url, pool_pre_ping=True, future=True)
        metadata.create_all(self.engine)

    def create(
        self,
        conversation_id: Text,
        reason: Text,
        priority: Text,
        language: Text,
        problem: Optional[Text],
        slots: Dict[Text, Any],
        summary: Text,
    ) -> Dict[Text, Any]:
        now = _now()
        row = {
            "conversation_id": conversation_id,
            "status": OPEN,
            "reason": reason,
            "priority": priority,
            "language": language,
            "problem": problem,
            "slots": json.dumps(slots, ensure_ascii=False, sort_keys=True),
            "summary": summary,
            "created_at": now,
            "updated_at": now,
        }
        for _ in range(5):
            row["reference"] = new_reference()
            try:
                with self.engine.begin() as connection:
                    connection.execute(tickets.insert().values(**row))
                return self.get(row["reference"])
            except sa.exc.IntegrityError:
                continue  # reference taken: draw another
        raise RuntimeError("could not draw a unique ticket reference")

    def get(self, reference: Text) -> Optional[Dict[Text, Any]]:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(tickets).where(tickets.c.reference == reference)
            ).mappings().first()
        return _as_dict(row) if row else None

    def list(self, status: Optional[Text] = None) -> List[Dict[Text, Any]]:
        query = sa.select(tickets).order_by(tickets.c.created_at)
        if status:
            query = query.where(tickets.c.status == status)
        with self.engine.connect() as connection:
            return [_as_dict(row) for row in connection.execute(query).mappings()]

    def open_for_conversation(self, conversation_id: Text) -> Optional[Dict[Text, Any]]:
        query = (
            sa.select(tickets)
            .where(tickets.c.conversation_id == conversation_id)
            .where(tickets.c.status != RESOLVED)
            .order_by(tickets.c.created_at.desc())
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return _as_dict(row) if row else None

    def waiting_before(self, ticket: Dict[Text, Any]) -> int:
        """How many open tickets an agent takes before this one: urgent ones
        first, then by age (the console's queue order)."""
        earlier = sa.and_(tickets.c.priority == ticket["priority"],
                          tickets.c.created_at < ticket["created_at"])
        ahead = earlier if ticket["priority"] == "high" else sa.or_(tickets.c.priority == "high", earlier)
        query = sa.select(sa.func.count()).select_from(tickets).where(
            tickets.c.status == OPEN, tickets.c.reference != ticket["reference"], ahead)
        with self.engine.connect() as connection:
            return connection.execute(query).scalar_one()

    def assign(self, reference: Text, agent: Text) -> bool:
        """Give an open ticket to `agent`; False when someone else took it
        first (one conditional UPDATE, so two agents cannot both get it)."""
        now = _now()
        with self.engine.begin() as connection:
            taken = connection.execute(
                tickets.update()
                .where(tickets.c.reference == reference)
                .where(tickets.c.status == OPEN)
                .values(status=ASSIGNED, assigned_to=agent, updated_at=now)
            ).rowcount
        return taken == 1

    def resolve(self, reference: Text) -> Optional[Dict[Text, Any]]:
        now = _now()
        with self.engine.begin() as connection:
            connection.execute(
                tickets.update()
                .where(tickets.c.reference == reference)
                .values(status=RESOLVED, resolved_at=now, updated_at=now)
            )
        return self.get(reference)


def _as_dict(row) -> Dict[Text, Any]:
    ticket = dict(row)
    ticket["slots"] = json.loads(ticket["slots"] or "{}")
    # SQLite hands back naive datetimes; they were written in UTC.
    for name in ("created_at", "updated_at", "resolved_at"):
        if ticket.get(name) is not None and ticket[name].tzinfo is None:
            ticket[name] = ticket[name].replace(tzinfo=timezone.utc)
    return ticket


_store: Optional[TicketStore] = None
_store_lock = threading.Lock()


def get_store() -> TicketStore:
    """The process-wide store, created on first use (never at import)."""
    global _store
    with _store_lock:
        if _store is None:
            _store = TicketStore()
        return _store
