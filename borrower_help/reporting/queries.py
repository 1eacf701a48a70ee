"""The console's questions, answered in SQL on the reporting tables: every
list paginated by the database (LIMIT/OFFSET on an index order), counts
capped, the Numbers page from report_daily. No Django here: the console
(support_console/records.py) renders what these return.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import sqlalchemy as sa

from borrower_help import storage
from borrower_help.reporting import model
from borrower_help.reporting.text import query_terms
from borrower_help.storage.schema import (
    report_conversations,
    report_daily,
    report_dialogue_failures,
    report_failure_groups,
    report_intents,
    report_messages,
    report_nlu_failures,
)

# "more than 1,000": counting further costs more than it tells (a filter
# matching 3% of a million conversations takes half a second to count to
# 10,000 on 2 cores; the Numbers page has the totals).
COUNT_CAP = 1_000
# A search term found in at least 1 message in COMMON_SHARE conversations
# (and at least COMMON_MESSAGES messages) is "common": on PostgreSQL its
# conversations are then found by walking them newest first (a page needs
# only the first few thousand), not by collecting every match.
COMMON_SHARE = 100
COMMON_MESSAGES = 1_000
QUICK_WINDOW = 2_000  # the newest conversations tried first
# After the quick window: walk on, newest first, when the term is more
# common than a count can show (it would read "more than COUNT_CAP") and
# the page should fill within WALK_BUDGET conversations (about 12 µs each
# on 2 cores); otherwise collect every match through the trigram index.
WALK_BUDGET = 20_000
conversations_c = report_conversations.c


def _has_report(connection: sa.engine.Connection) -> bool:
    return sa.inspect(connection).has_table("report_conversations")


def _like(needle: str) -> str:
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(column: str, needle: str) -> str:
    return f'{column} : "' + needle.replace('"', '""') + '"'


def matching_messages(dialect: str, needle: str) -> sa.sql.Select:
    """conversation_id of the messages containing `needle` (any case)."""
    how, term = query_terms(needle)
    m = report_messages.c
    if dialect == "sqlite" and how in ("text", "pairs"):
        fts = sa.text("SELECT rowid FROM report_messages_fts WHERE report_messages_fts MATCH :phrase") \
            .bindparams(phrase=_fts_phrase(how, term)).columns(sa.column("rowid"))
        return sa.select(m.conversation_id).where(m.event_id.in_(fts))
    if how == "pairs":
        return sa.select(m.conversation_id).where(m.pairs.like(_like(term), escape="\\"))
    return sa.select(m.conversation_id).where(m.text.ilike(_like(term), escape="\\"))


@dataclass
class Filters:
    text: str = ""
    intent: str = ""
    outcome: str = ""
    language: str = ""
    since: Optional[date] = None
    until: Optional[date] = None  # inclusive

    def conditions(self, dialect: str) -> List[sa.sql.ColumnElement]:
        found = []
        if self.since:
            found.append(conversations_c.started >= _epoch(self.since))
        if self.until:
            found.append(conversations_c.started < _epoch(self.until + timedelta(days=1)))
        if self.language:
            found.append(conversations_c.language == self.language)
        if self.outcome:
            found.append(conversations_c.outcome == self.outcome)
        if self.intent:
            found.append(conversations_c.conversation_id.in_(
                sa.select(report_intents.c.conversation_id).where(report_intents.c.intent == self.intent)))
        if self.text.strip():
            found.append(conversations_c.conversation_id.in_(matching_messages(dialect, self.text.strip())))
        return found


def _epoch(day: date) -> float:
    return datetime.combine(day, datetime.min.time(), timezone.utc).timestamp()


NEWEST_FIRST = (conversations_c.last_activity.desc(), conversations_c.conversation_id.desc())


def _estimated_conversations(connection: sa.engine.Connection) -> float:
    """PostgreSQL's own row estimate of report_conversations (no count: a
    million rows; -1 or 0 before the table was first analysed)."""
    return connection.execute(sa.text(
        "SELECT reltuples FROM pg_class WHERE relname = 'report_conversations'")).scalar() or 0


def _probe(connection: sa.engine.Connection, filters: Filters) -> Optional[List[str]]:
    """PostgreSQL: the conversations whose messages hold the search term,
    read through the trigram index, when it is in fewer messages than 1 per
    COMMON_SHARE conversations (a rare term: every match, one pass); None
    for a common term (the caller walks conversations newest first)."""
    if query_terms(filters.text.strip())[0] == "scan":
        return None
    estimate = _estimated_conversations(connection)
    threshold = max(COMMON_MESSAGES, int(estimate) // COMMON_SHARE)
    found = [r[0] for r in connection.execute(matching_messages("postgresql", filters.text.strip()).limit(threshold))]
    return None if len(found) >= threshold else sorted(set(found))


def _walk_pays(connection: sa.engine.Connection, hits: int, window: int, wanted: int) -> bool:
    """`hits` matches among the newest `window` conversations: is the term
    common enough to walk on for `wanted` matches?"""
    if not hits:
        return False
    conversations = _estimated_conversations(connection)
    return hits * conversations / window > 2 * COUNT_CAP and wanted * window / hits <= WALK_BUDGET


def _common(connection: sa.engine.Connection, filters: Filters) -> bool:
    if connection.dialect.name != "postgresql" or not filters.text.strip():
        return False
    return _probe(connection, filters) is None


def _walk(connection: sa.engine.Connection, filters: Filters, window: Optional[int] = None) -> sa.sql.Select:
    """Conversations newest first (only the newest `window`, already
    ordered, when given), each checked for the term through its own messages
    (report_messages.conversation_id): the database stops as soon as the
    page is full. Bitmap scans are off for this transaction, so the trigram
    index is not consulted once per conversation."""
    connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
    connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
    m = report_messages.c
    how, term = query_terms(filters.text.strip())
    column = m.pairs.like(_like(term), escape="\\") if how == "pairs" else m.text.ilike(_like(term), escape="\\")
    hit = sa.select(sa.literal(1).label("hit")).where(m.conversation_id == conversations_c.conversation_id, column) \
        .correlate(report_conversations).limit(1).lateral("hit")
    others = _without_text(filters).conditions("postgresql")
    if window is None:
        return sa.select(report_conversations).select_from(report_conversations.join(hit, sa.true())) \
            .where(*others)
    newest = sa.select(report_conversations).where(*others).order_by(*NEWEST_FIRST).limit(window) \
        .subquery("newest")
    probe = sa.select(sa.literal(1).label("hit")).where(m.conversation_id == newest.c.conversation_id, column) \
        .correlate(newest).limit(1).lateral("hit")
    return sa.select(newest).select_from(newest.join(probe, sa.true())) \
        .order_by(newest.c.last_activity.desc(), newest.c.conversation_id.desc())


def conversations(filters: Filters, offset: int = 0, limit: int = 50,
                  url: Optional[str] = None) -> List[Dict[str, Any]]:
    """A page of matching conversations, the latest active first."""
    with storage.engine(url).connect() as connection:
        if not _has_report(connection):
            return []
        if _common(connection, filters):
            query = _walk(connection, filters)
        else:
            query = sa.select(report_conversations).where(*filters.conditions(connection.dialect.name))
        query = query.order_by(*NEWEST_FIRST).offset(offset).limit(limit)
        return [dict(r) for r in connection.execute(query).mappings()]


def _without_text(filters: Filters) -> Filters:
    return Filters(intent=filters.intent, outcome=filters.outcome, language=filters.language,
                   since=filters.since, until=filters.until)


def page(filters: Filters, offset: int = 0, limit: int = 50, url: Optional[str] = None,
         cap: int = COUNT_CAP) -> Tuple[List[Dict[str, Any]], Optional[int]]:
    """A page of conversations and how many match (up to cap + 1; None for
    a common search term), in one go: the term is looked up once."""
    with storage.engine(url).connect() as connection:
        if not _has_report(connection):
            return [], 0
        dialect = connection.dialect.name
        if dialect == "postgresql" and filters.text.strip():
            # First the newest conversations only: a common term fills the
            # page there at once.
            window = max(QUICK_WINDOW, (offset + limit) * 20)
            quick = [dict(r) for r in connection.execute(
                _walk(connection, filters, window).limit(offset + limit)).mappings()]
            if len(quick) == offset + limit:
                return quick[offset:], None
            if _walk_pays(connection, len(quick), window, offset + limit):
                query = _walk(connection, filters).order_by(*NEWEST_FIRST).offset(offset).limit(limit)
                return [dict(r) for r in connection.execute(query).mappings()], None
            connection.exec_driver_sql("SET LOCAL enable_bitmapscan = on")  # the trigram index again
            connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 2")
            found = _probe(connection, filters)
            if found is None:
                query = _walk(connection, filters).order_by(*NEWEST_FIRST).offset(offset).limit(limit)
                return [dict(r) for r in connection.execute(query).mappings()], None
            if not found:
                return [], 0
            from sqlalchemy.dialects.postgresql import ARRAY

            among = conversations_c.conversation_id == sa.any_(sa.cast(sa.bindparam("found", found),
                                                                        ARRAY(sa.String)))
            ordered = [r[0] for r in connection.execute(
                sa.select(conversations_c.conversation_id).where(among, *_without_text(filters).conditions(dialect))
                .order_by(*NEWEST_FIRST))]
            chosen = ordered[offset:offset + limit]
            by_id = {r["conversation_id"]: dict(r) for r in connection.execute(
                sa.select(report_conversations).where(conversations_c.conversation_id.in_(chosen))).mappings()}
            return [by_id[cid] for cid in chosen if cid in by_id], len(ordered)
        matching = sa.select(report_conversations).where(*filters.conditions(dialect))
        rows = [dict(r) for r in connection.execute(
            matching.order_by(*NEWEST_FIRST).offset(offset).limit(limit)).mappings()]
        if offset == 0 and len(rows) < limit:
            return rows, len(rows)
        ids = sa.select(conversations_c.conversation_id).where(*filters.conditions(dialect))
        return rows, count(ids, connection, cap)


def count(query: sa.sql.Select, connection: sa.engine.Connection, cap: int = COUNT_CAP) -> int:
    """How many rows `query` gives, counting no further than cap + 1."""
    return connection.execute(sa.select(sa.func.count()).select_from(query.limit(cap + 1).subquery())).scalar_one()


def count_conversations(filters: Filters, url: Optional[str] = None, cap: int = COUNT_CAP) -> Optional[int]:
    """How many match, up to cap + 1; None for a common search term (many:
    counting them would cost more than the page)."""
    with storage.engine(url).connect() as connection:
        if not _has_report(connection):
            return 0
        if _common(connection, filters):
            return None
        query = sa.select(conversations_c.conversation_id).where(*filters.conditions(connection.dialect.name))
        return count(query, connection, cap)


def each_conversation(filters: Filters, chunk: int = 500,
                      url: Optional[str] = None) -> Iterator[List[Dict[str, Any]]]:
    """Every matching conversation, the latest active first, a chunk at a
    time (keyset pagination: each chunk is a short query of its own, so an
    export of any size holds neither memory nor a transaction)."""
    after: Optional[Tuple[float, str]] = None
    while True:
        with storage.engine(url).connect() as connection:
            if not _has_report(connection):
                return
            query = sa.select(report_conversations).where(*filters.conditions(connection.dialect.name))
            if after:
                query = query.where(sa.or_(
                    conversations_c.last_activity < after[0],
                    sa.and_(conversations_c.last_activity == after[0], conversations_c.conversation_id < after[1])))
            rows = [dict(r) for r in connection.execute(query.order_by(*NEWEST_FIRST).limit(chunk)).mappings()]
        if not rows:
            return
        yield rows
        if len(rows) < chunk:
            return
        after = (rows[-1]["last_activity"], rows[-1]["conversation_id"])


def summaries(ids: Sequence[str], url: Optional[str] = None) -> Dict[str, Dict[str, Any]]:
    with storage.engine(url).connect() as connection:
        if not _has_report(connection) or not ids:
            return {}
        rows = connection.execute(sa.select(report_conversations)
                                  .where(conversations_c.conversation_id.in_(list(ids)))).mappings()
        return {r["conversation_id"]: dict(r) for r in rows}


# ---------------------------------------------------------------- bot failures

@dataclass
class FailureGroup:
    key: str
    text: str
    count: int
    language: str
    guesses: List[Tuple[str, float]]  # the model's intent and confidence, latest occurrences first
    conversations: List[str]
    last_seen: datetime


def failure_groups(offset: int = 0, limit: int = 50, url: Optional[str] = None,
                   samples: int = 3) -> List[FailureGroup]:
    """Messages the model did not understand, grouped by text, the most
    frequent first (then the latest seen)."""
    g, f = report_failure_groups.c, report_nlu_failures.c
    with storage.engine(url).connect() as connection:
        if not _has_report(connection):
            return []
        groups = connection.execute(sa.select(report_failure_groups)
                                    .order_by(g["count"].desc(), g.last_seen.desc(), g.key.desc())
                                    .offset(offset).limit(limit)).mappings().all()
        if not groups:
            return []
        latest = sa.union_all(*[
            sa.select(f.key, f.event_id, f.intent, f.confidence, f.conversation_id)
            .where(f.key == row["key"]).order_by(f.event_id.desc()).limit(samples * 4).subquery().select()
            for row in groups])
        occurrences: Dict[str, List[Any]] = {}
        for row in connection.execute(latest):
            occurrences.setdefault(row.key, []).append(row)
    found = []
    for row in groups:
        seen = sorted(occurrences.get(row["key"], []), key=lambda r: -r.event_id)
        found.append(FailureGroup(
            key=row["key"], text=row["text"], count=row["count"],
            language="zh" if row["zh"] > row["en"] else "en",
            guesses=[(r.intent or "", r.confidence or 0.0) for r in seen[:samples]],
            conversations=sorted({r.conversation_id for r in seen})[:samples],
            last_seen=datetime.fromtimestamp(row["last_seen"], tz=timezone.utc)))
    return found


def failure_group_count(url: Optional[str] = None) -> int:
    with storage.engine(url).connect() as connection:
        if not _has_report(connection):
            return 0
        return connection.execute(sa.select(sa.func.count()).select_from(report_failure_groups)).scalar_one()


@dataclass
class DialogueFailure:
    kind: str
    conversation_id: str
    timestamp: datetime
    language: str
    response: Optional[str]
    text: str


def _dialogue_queries(kind: str, now: float) -> List[sa.sql.Select]:
    """The rows of one kind, each query with an index for its order ("at")."""
    d, c = report_dialogue_failures.c, conversations_c
    recorded = sa.select(d.conversation_id, d.timestamp.label("at"), d.language, d.response, d.text) \
        .where(d.kind == kind)
    if kind == model.STOPPED:
        return [sa.select(c.conversation_id, c.last_activity.label("at"), c.language,
                          c.stopped_on.label("response"), c.first_message.label("text"))
                .where(c.stopped_on.isnot(None), c.last_activity < now - model.STOPPED_AFTER)]
    if kind == model.NO_REPLY:
        # ... and conversations whose last message is still unanswered.
        return [recorded, sa.select(c.conversation_id, c.open_turn_at.label("at"), c.language,
                                    sa.literal(None, sa.String).label("response"), sa.literal("").label("text"))
                .where(c.open_turn_at < now - model.NO_REPLY_AFTER)]
    return [recorded]


def dialogue_failures(kind: str, offset: int = 0, limit: int = 20, url: Optional[str] = None,
                      now: Optional[float] = None) -> List[DialogueFailure]:
    """Dialogue failures of one kind (model.DIALOGUE_FAILURES), the latest
    first: each source read in its index's order, merged here."""
    now = datetime.now(timezone.utc).timestamp() if now is None else now
    with storage.engine(url).connect() as connection:
        if not _has_report(connection):
            return []
        rows = []
        for query in _dialogue_queries(kind, now):
            at = query.selected_columns.at
            rows += connection.execute(query.order_by(at.desc()).limit(offset + limit)).all()
    rows.sort(key=lambda r: -r.at)
    return [DialogueFailure(kind, r.conversation_id, datetime.fromtimestamp(r.at, tz=timezone.utc),
                            r.language, r.response, r.text or "") for r in rows[offset:offset + limit]]


def dialogue_failure_counts(url: Optional[str] = None, now: Optional[float] = None,
                            cap: int = COUNT_CAP) -> Dict[str, int]:
    """How many of each kind, counted up to cap + 1."""
    now = datetime.now(timezone.utc).timestamp() if now is None else now
    with storage.engine(url).connect() as connection:
        if not _has_report(connection):
            return dict.fromkeys(model.DIALOGUE_FAILURES, 0)
        return {kind: min(cap + 1, sum(count(q, connection, cap) for q in _dialogue_queries(kind, now)))
                for kind in model.DIALOGUE_FAILURES}


# ---------------------------------------------------------------- numbers

def daily(since_day: str, url: Optional[str] = None) -> List[Dict[str, Any]]:
    """report_daily rows from `since_day` (YYYY-MM-DD) on."""
    with storage.engine(url).connect() as connection:
        if not _has_report(connection):
            return []
        query = sa.select(report_daily).where(report_daily.c.day >= since_day, report_daily.c.conversations > 0) \
            .order_by(report_daily.c.day, report_daily.c.language)
        return [dict(r) for r in connection.execute(query).mappings()]
