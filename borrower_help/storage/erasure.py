"""Erasing a borrower's data (PIPL Art. 47, GDPR Art. 17), and the deletion
the retention purge shares with it (borrower_help/retention.py).

One conversation, named by its id or by one of its tickets' references,
loses in one transaction: its events (the transcript), tickets, ratings,
helpdesk outbox rows, and every reporting row (report_*; on SQLite the FTS5
search index follows by trigger and is then optimised, so no segment keeps
a deleted token). The audit trail keeps the acts but its ids become digests
(`digest`), and a tombstone (table `erasures`) says who erased, when,
through what, which ids (as digests) and how many rows each table lost; no
content.

Before that, a running Rasa server is asked to forget the conversation under
its conversation lock (`forget`, rasa_extensions/forget.py): a turn in
progress finishes first, so it cannot write the old tracker back, and the
same id then starts a fresh conversation. The console's own database (review
labels, drafts) is cleaned by the console (support_console/erasure.py).

Everything here is SQL on indexed columns; nothing loads a table into Python.
"""
import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Dict, List, Optional, Sequence, Text

import sqlalchemy as sa

from borrower_help import audit, storage
from borrower_help.storage.schema import (
    audit_log,
    erasures,
    events,
    helpdesk_outbox,
    legal_holds,
    ratings,
    report_conversations,
    report_dialogue_failures,
    report_failure_groups,
    report_intents,
    report_messages,
    report_nlu_failures,
    tickets,
)

logger = logging.getLogger(__name__)
REFERENCE_PREFIX = "BH-"
MAX_ID_CHARS = 255
# Told to the Rasa server; returns a short status for the record.
Forget = Callable[[Text], Text]


class ErasureError(Exception):
    """Nothing was erased; the message says why and is safe to show."""


class NotFound(ErasureError):
    pass


class OnHold(ErasureError):
    pass


def digest(identifier: Text) -> Text:
    """What the trail keeps of an erased id: the same id always gives the
    same digest (a lead can check "was X erased?"), the digest does not give
    the id back."""
    return "erased:" + hashlib.sha256(f"borrower-help:{identifier}".encode()).hexdigest()[:24]


@dataclass
class Target:
    conversation_id: Text
    ticket_references: List[Text] = field(default_factory=list)


@dataclass
class Result:
    conversation: Text  # its digest
    tickets: List[Text]  # their digests
    removed: Dict[Text, int]
    assistant: Text  # what the Rasa server said
    tombstone: int


def find(identifier: Text, url: Optional[Text] = None) -> Target:
    """The conversation named by `identifier` (its id, or a ticket's
    reference), with all its tickets; NotFound when nothing is stored."""
    identifier = (identifier or "").strip()
    if not identifier or len(identifier) > MAX_ID_CHARS:
        raise NotFound("Give a conversation id or a ticket reference.")
    with storage.engine(url).connect() as connection:
        conversation = identifier
        if identifier.upper().startswith(REFERENCE_PREFIX):
            found = connection.execute(sa.select(tickets.c.conversation_id)
                                       .where(tickets.c.reference == identifier.upper())).scalar()
            if found is None:
                raise NotFound(f"No ticket {identifier.upper()}.")
            conversation = found
        references = list(connection.execute(sa.select(tickets.c.reference)
                                             .where(tickets.c.conversation_id == conversation)
                                             .order_by(tickets.c.id)).scalars())
        exists = references or any(connection.execute(
            sa.select(sa.literal(1)).where(column == conversation).limit(1)).first()
            for column in (events.c.sender_id, report_conversations.c.conversation_id, ratings.c.conversation_id))
    if not exists:
        raise NotFound("No conversation with that id.")
    return Target(conversation, references)


def held(conversation_ids: Sequence[Text], connection: sa.engine.Connection) -> List[Text]:
    return list(connection.execute(sa.select(legal_holds.c.conversation_id)
                                   .where(legal_holds.c.conversation_id.in_(list(conversation_ids)))).scalars())


def delete_conversations(connection: sa.engine.Connection, conversation_ids: Sequence[Text],
                         events_before: Optional[float] = None) -> Dict[Text, int]:
    """Delete every row of these conversations in `connection`'s transaction
    and turn their ids (and their tickets' references) in the audit trail
    into digests. `events_before`: keep events from that time on (a
    conversation started afresh during the erasure). Rows removed per table."""
    ids = list(conversation_ids)
    if not ids:
        return {}
    references = list(connection.execute(sa.select(tickets.c.reference)
                                         .where(tickets.c.conversation_id.in_(ids))).scalars())
    removed: Dict[Text, int] = {}
    event_filter = [events.c.sender_id.in_(ids)]
    if events_before is not None:
        event_filter.append(sa.or_(events.c.timestamp < events_before, events.c.timestamp.is_(None)))
    if sa.inspect(connection).has_table("events"):
        removed["events"] = connection.execute(events.delete().where(*event_filter)).rowcount
    for table, column in ((tickets, tickets.c.conversation_id), (ratings, ratings.c.conversation_id),
                          (helpdesk_outbox, helpdesk_outbox.c.conversation_id)):
        removed[table.name] = connection.execute(table.delete().where(column.in_(ids))).rowcount
    removed.update(_delete_report_rows(connection, ids))
    for identifier in ids + references:  # a few per conversation, each by index
        connection.execute(audit_log.update().where(audit_log.c.object_id == identifier)
                           .values(object_id=digest(identifier)))
    return {name: count for name, count in removed.items() if count}


def _delete_report_rows(connection: sa.engine.Connection, ids: List[Text]) -> Dict[Text, int]:
    removed: Dict[Text, int] = {}
    f = report_nlu_failures.c
    keys = list(connection.execute(sa.select(f.key).where(f.conversation_id.in_(ids)).distinct()).scalars())
    for table in (report_messages, report_nlu_failures, report_dialogue_failures, report_intents,
                  report_conversations):
        removed[table.name] = connection.execute(table.delete().where(table.c.conversation_id.in_(ids))).rowcount
    # Failure groups: counted again from the failures left; gone when none is.
    g = report_failure_groups.c
    for key in keys:
        left = connection.execute(
            sa.select(sa.func.count(), sa.func.sum(sa.case((f.language == "en", 1), else_=0)),
                      sa.func.sum(sa.case((f.language == "zh", 1), else_=0)), sa.func.max(f.timestamp),
                      sa.func.max(f.event_id)).where(f.key == key)).one()
        if left[0] == 0:
            removed["report_failure_groups"] = removed.get("report_failure_groups", 0) + connection.execute(
                report_failure_groups.delete().where(g.key == key)).rowcount
        else:
            connection.execute(report_failure_groups.update().where(g.key == key).values(
                count=left[0], en=left[1] or 0, zh=left[2] or 0, last_seen=left[3], last_event_id=left[4]))
    return removed


def scrub(url: Optional[Text] = None) -> None:
    """After deleting: no copy of the deleted text left where SQL cannot see
    it. SQLite: merge the FTS5 index (its segments keep deleted tokens until
    merged) and checkpoint the write-ahead log (secure_delete zeroed the
    freed pages). PostgreSQL: VACUUM the tables rows were deleted from
    (dead row versions and their index entries)."""
    engine = storage.engine(url)
    with engine.connect() as connection:
        dialect = connection.dialect.name
    if dialect == "sqlite":
        with engine.begin() as connection:
            if sa.inspect(connection).has_table("report_messages_fts"):
                connection.exec_driver_sql("INSERT INTO report_messages_fts(report_messages_fts) VALUES ('optimize')")
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    elif dialect == "postgresql":
        names = ("events", "tickets", "ratings", "helpdesk_outbox", "report_conversations", "report_intents",
                 "report_messages", "report_nlu_failures", "report_failure_groups", "report_dialogue_failures",
                 "audit_log")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            present = set(sa.inspect(connection).get_table_names())
            connection.exec_driver_sql("VACUUM " + ", ".join(n for n in names if n in present))


def begin_deleting(connection: sa.engine.Connection) -> None:
    """Start a deleting transaction: take the reporting catch-up's lock (so
    it cannot write back rows of what is being deleted from events it read
    just before) and, on SQLite, overwrite freed pages with zeros."""
    from borrower_help.reporting.catchup import EVENTS, Position

    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA secure_delete = ON")
    Position.lock(connection, EVENTS, time.time())


def erase(identifier: Text, actor: Text, via: Text, forget: Optional[Forget] = None,
          url: Optional[Text] = None) -> Result:
    """Erase the conversation `identifier` names (its id or a ticket
    reference) and everything of it, record the tombstone and the audit row,
    and return what was done. Raises NotFound or OnHold (nothing erased)."""
    target = find(identifier, url)
    engine = storage.engine(url)
    with engine.connect() as connection:
        if held([target.conversation_id], connection):
            raise OnHold("This conversation is on legal hold: a lead must release the hold before erasing it.")
    started = time.time()
    assistant = "no assistant to tell"
    if forget is not None:
        assistant = forget(target.conversation_id)
    with engine.begin() as connection:
        begin_deleting(connection)
        if held([target.conversation_id], connection):  # set meanwhile
            raise OnHold("This conversation was put on legal hold meanwhile: nothing was erased.")
        removed = delete_conversations(connection, [target.conversation_id], events_before=started)
        tombstone = connection.execute(erasures.insert().values(
            at=datetime.now(timezone.utc), actor=actor[:150], via=via[:16],
            conversations=json.dumps([digest(target.conversation_id)]),
            tickets=json.dumps([digest(r) for r in target.ticket_references]),
            removed=json.dumps(removed, sort_keys=True))).inserted_primary_key[0]
        audit.record(actor, "erase", "conversation", digest(target.conversation_id),
                     f"via {via}; {sum(removed.values())} rows; tickets {len(target.ticket_references)}; "
                     f"tombstone {tombstone}", connection=connection)
    try:
        scrub(url)
    except sa.exc.SQLAlchemyError as error:  # the rows are gone; the clean-up can run again later
        logger.warning("Erasure %s: clean-up after deleting failed (%s)", tombstone, type(error).__name__)
    logger.info("Erasure %s by %s via %s: %s", tombstone, actor, via, json.dumps(removed, sort_keys=True))
    return Result(digest(target.conversation_id), [digest(r) for r in target.ticket_references], removed,
                  assistant, int(tombstone))


def existing_failure_keys(keys: Sequence[Text], url: Optional[Text] = None) -> set:
    """Those of `keys` (reporting.model.failure_key) that some stored
    conversation still has: review labels of the others are orphans."""
    with storage.engine(url).connect() as connection:
        return set(connection.execute(sa.select(report_failure_groups.c.key)
                                      .where(report_failure_groups.c.key.in_(list(keys)))).scalars())


def tombstones(offset: int = 0, limit: int = 50, url: Optional[Text] = None) -> List[Dict[Text, object]]:
    query = sa.select(erasures).order_by(erasures.c.id.desc()).offset(offset).limit(limit)
    with storage.engine(url).connect() as connection:
        return [dict(r) for r in connection.execute(query).mappings()]


def set_hold(conversation_id: Text, actor: Text, reason: Text, url: Optional[Text] = None) -> bool:
    """Put a conversation on legal hold; False when it already is."""
    with storage.engine(url).begin() as connection:
        if held([conversation_id], connection):
            return False
        connection.execute(legal_holds.insert().values(
            conversation_id=conversation_id, set_by=actor[:150], set_at=datetime.now(timezone.utc),
            reason=audit.search_detail(reason) or "-"))
        audit.record(actor, "hold", "conversation", conversation_id, audit.search_detail(reason),
                     connection=connection)
    return True


def release_hold(conversation_id: Text, actor: Text, url: Optional[Text] = None) -> bool:
    with storage.engine(url).begin() as connection:
        gone = connection.execute(legal_holds.delete().where(
            legal_holds.c.conversation_id == conversation_id)).rowcount
        if gone:
            audit.record(actor, "release_hold", "conversation", conversation_id, connection=connection)
    return bool(gone)


def hold_of(conversation_id: Text, url: Optional[Text] = None) -> Optional[Dict[Text, object]]:
    with storage.engine(url).connect() as connection:
        row = connection.execute(sa.select(legal_holds).where(
            legal_holds.c.conversation_id == conversation_id)).mappings().first()
    return dict(row) if row else None
