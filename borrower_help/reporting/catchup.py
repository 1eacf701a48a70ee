"""The catch-up: brings the reporting tables up to date with `events` (and
with `tickets` and `ratings`), reading each from the last id it read.

- Correct whichever process wrote the events: it reads the table, not a
  stream, so events from any Rasa server, from our masked store or from
  Rasa's stock SQLTrackerStore count the same.
- Restartable: each batch is one transaction that writes the derived rows
  and the new position together; stopped anywhere, it resumes where the last
  committed batch ended, and nothing is counted twice.
- Ids that commit out of order (PostgreSQL gives ids at insert time; two
  servers' transactions may commit in the other order) are not lost: an id
  skipped over near the head is remembered as a gap and read when it
  appears; a gap still empty after GAP_PATIENCE seconds was a rolled-back
  insert and is forgotten.
- One catch-up at a time per database: each batch first locks its
  report_state row (an UPDATE), so two workers, or a worker and the
  command line, take turns.

`rebuild()` empties the tables and reads everything again: the same code,
so the rows are the same as those kept up to date as conversations happen.
"""
import json
import logging
import time
from collections import defaultdict
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import sqlalchemy as sa

from borrower_help import storage
from borrower_help.reporting import model
from borrower_help.storage.schema import (
    events,
    ratings,
    report_conversations,
    report_daily,
    report_dialogue_failures,
    report_failure_groups,
    report_intents,
    report_messages,
    report_nlu_failures,
    report_state,
    tickets,
)

try:  # a few times faster than json on the events' JSON; Rasa's dependencies bring it
    import ujson as _json_fast

    def loads(text: str) -> Any:
        """JSON of an event (None when it is not JSON)."""
        try:
            return _json_fast.loads(text)
        except ValueError:
            try:
                return json.loads(text)
            except ValueError:
                return None  # not JSON: read as an event without its details
except ImportError:  # pragma: no cover
    def loads(text: str) -> Any:
        try:
            return json.loads(text)
        except ValueError:
            return None

logger = logging.getLogger(__name__)

BATCH = 5000  # events per transaction
GAP_PATIENCE = 300.0  # seconds an id skipped over near the head is waited for
MAX_GAPS = 10_000
SQLITE_CACHE_KIB = 65536
EVENTS, TICKETS, RATINGS = "events", "tickets", "ratings"
REPORT_TABLES = (report_conversations, report_intents, report_messages, report_nlu_failures,
                 report_failure_groups, report_dialogue_failures, report_daily, report_state)


def _insert(connection: sa.engine.Connection, table: sa.Table):
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


# ---------------------------------------------------------------- position

class Position:
    """Where reading a source stopped: the last id read and the gaps below it."""

    def __init__(self, source: str, last_id: int = 0, gaps: Optional[Dict[int, float]] = None) -> None:
        self.source, self.last_id, self.gaps = source, last_id, dict(gaps or {})

    @classmethod
    def lock(cls, connection: sa.engine.Connection, source: str, now: float) -> "Position":
        """Read the position, holding its row until the transaction ends."""
        locked = connection.execute(report_state.update().where(report_state.c.source == source)
                                    .values(updated_at=now)).rowcount
        if not locked:
            connection.execute(_insert(connection, report_state).values(
                source=source, last_id=0, gaps="[]", updated_at=now).on_conflict_do_nothing())
            connection.execute(report_state.update().where(report_state.c.source == source)
                               .values(updated_at=now))
        row = connection.execute(sa.select(report_state).where(report_state.c.source == source)).mappings().one()
        return cls(source, int(row["last_id"]), {int(i): float(t) for i, t in json.loads(row["gaps"])})

    def save(self, connection: sa.engine.Connection, now: float) -> None:
        gaps = sorted(self.gaps.items())[-MAX_GAPS:]
        connection.execute(report_state.update().where(report_state.c.source == self.source).values(
            last_id=self.last_id, gaps=json.dumps(gaps), updated_at=now))

    def condition(self, id_column: sa.Column) -> sa.sql.ColumnElement:
        newer = id_column > self.last_id
        return sa.or_(newer, id_column.in_(sorted(self.gaps))) if self.gaps else newer

    def advance(self, rows: Sequence[Tuple[int, Optional[float]]], now: float) -> None:
        """`rows`: (id, timestamp) of what was read, in id order."""
        for row_id, _ in rows:
            self.gaps.pop(row_id, None)
        previous_id = self.last_id
        for row_id, timestamp in rows:
            if row_id <= self.last_id:
                continue
            recent = timestamp is None or timestamp > now - GAP_PATIENCE
            if row_id > previous_id + 1 and recent:
                for missing in range(previous_id + 1, min(row_id, previous_id + 1 + MAX_GAPS)):
                    self.gaps.setdefault(missing, now)
            previous_id = row_id
        self.last_id = max(self.last_id, previous_id)
        self.gaps = {i: t for i, t in self.gaps.items() if t > now - GAP_PATIENCE}


# ---------------------------------------------------------------- reading

_WANTED = sa.or_(events.c.type_name.in_(("user", "bot")),
                 sa.and_(events.c.type_name == "slot", events.c.action_name.in_(model.SLOTS)))

def _read_events(connection: sa.engine.Connection, condition: sa.sql.ColumnElement,
                 limit: int) -> List[model.Event]:
    """Events in id order; the JSON only of those the model reads, parsed
    here (measured: 4 times faster than having PostgreSQL cast it to jsonb)."""
    e = events.c
    query = (sa.select(e.id, e.sender_id, e.type_name, e.timestamp, e.action_name,
                       sa.case((_WANTED, e.data), else_=sa.null()))
             .where(condition).order_by(e.id).limit(limit))
    return [model.event_from(i, s, t, ts, a, loads(d) if d is not None else None)
            for i, s, t, ts, a, d in connection.execute(query)]


def _has_events(connection: sa.engine.Connection) -> bool:
    return sa.inspect(connection).has_table("events")


def _summaries(connection: sa.engine.Connection, ids: Iterable[str]) -> Dict[str, model.Summary]:
    found: Dict[str, model.Summary] = {}
    ids = sorted(set(ids))
    for start in range(0, len(ids), 900):
        query = sa.select(report_conversations).where(
            report_conversations.c.conversation_id.in_(ids[start:start + 900]))
        for row in connection.execute(query).mappings():
            found[row["conversation_id"]] = model.Summary.from_row(row)
    return found


def _tickets_and_ratings_of(connection: sa.engine.Connection, summaries: Dict[str, model.Summary]) -> None:
    ids = sorted(summaries)
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        for row in connection.execute(sa.select(tickets.c.conversation_id, tickets.c.reference, tickets.c.problem)
                                      .where(tickets.c.conversation_id.in_(chunk)).order_by(tickets.c.id)):
            model.apply_ticket(summaries[row.conversation_id], row.reference, row.problem)
        for row in connection.execute(sa.select(ratings.c.conversation_id, ratings.c.score, ratings.c.source)
                                      .where(ratings.c.conversation_id.in_(chunk)).order_by(ratings.c.id)):
            model.apply_rating(summaries[row.conversation_id], row.score, row.source)


# ---------------------------------------------------------------- writing

def _many(connection: sa.engine.Connection, statement, rows: List[Dict[str, Any]]) -> None:
    """executemany; on PostgreSQL as one multi-row INSERT per 2,000 rows
    (psycopg2's execute_values), upserts included: their keys are unique
    within a call, which is what makes that safe."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(statement, rows)
        return
    from psycopg2.extras import execute_values

    compiled = statement.compile(dialect=connection.dialect, column_keys=list(rows[0]))
    values = f"({compiled.insert_single_values_expr})"
    sql = str(compiled)
    assert values in sql, sql
    cursor = connection.connection.cursor()
    try:
        execute_values(cursor, sql.replace(values, "%s", 1), rows, template=values, page_size=2000)
    finally:
        cursor.close()


def _write(connection: sa.engine.Connection, summaries: Dict[str, model.Summary],
           before: Dict[str, Optional[Tuple[Tuple[str, str], Dict[str, int]]]], found: model.Findings) -> None:
    if summaries:
        rows = [s.row() for s in summaries.values() if s.last_event_id]
        if rows:
            statement = _insert(connection, report_conversations)
            _many(connection, statement.on_conflict_do_update(
                index_elements=[report_conversations.c.conversation_id],
                set_={c.name: statement.excluded[c.name] for c in report_conversations.columns
                      if c.name != "conversation_id"}), rows)
    if found.intents:
        _many(connection, _insert(connection, report_intents).on_conflict_do_nothing(),
              [{"conversation_id": c, "intent": i} for c, i in sorted(found.intents)])
    _many(connection, report_messages.insert(), [vars(m) for m in found.messages])
    _many(connection, report_dialogue_failures.insert(), [vars(f) for f in found.dialogue_failures])
    if found.nlu_failures:
        _many(connection, report_nlu_failures.insert(), [
            {k: v for k, v in vars(f).items() if k != "text"} for f in found.nlu_failures])
        _add_failure_groups(connection, found.nlu_failures)
    _add_daily(connection, summaries, before)


def _add_failure_groups(connection: sa.engine.Connection, failures: List[model.NluFailure]) -> None:
    groups: Dict[str, Dict[str, Any]] = {}
    for f in failures:  # in id order: the last one is the latest
        group = groups.setdefault(f.key, {"key": f.key, "count": 0, "en": 0, "zh": 0})
        group["count"] += 1
        group["en"] += f.language == "en"
        group["zh"] += f.language == "zh"
        group.update(text=f.text, last_seen=f.timestamp, last_event_id=f.event_id)
    statement = _insert(connection, report_failure_groups)
    table = report_failure_groups.c
    newer = statement.excluded.last_event_id > table.last_event_id
    _many(connection, statement.on_conflict_do_update(index_elements=[table.key], set_={
        "count": table["count"] + statement.excluded["count"],
        "en": table.en + statement.excluded.en, "zh": table.zh + statement.excluded.zh,
        "text": sa.case((newer, statement.excluded.text), else_=table.text),
        "last_seen": sa.case((statement.excluded.last_seen > table.last_seen, statement.excluded.last_seen),
                             else_=table.last_seen),
        "last_event_id": sa.case((newer, statement.excluded.last_event_id), else_=table.last_event_id),
    }), [groups[k] for k in sorted(groups)])


DAILY = ("conversations", "solved", "handed_off", "abandoned", "messages", "fallbacks")


def _add_daily(connection: sa.engine.Connection, summaries: Dict[str, model.Summary],
               before: Dict[str, Optional[Tuple[Tuple[str, str], Dict[str, int]]]]) -> None:
    delta: Dict[Tuple[str, str], Dict[str, int]] = defaultdict(lambda: dict.fromkeys(DAILY, 0))
    for cid, summary in summaries.items():
        old, new = before.get(cid), summary.contribution()
        if old == new:
            continue
        if old:
            for name, value in old[1].items():
                delta[old[0]][name] -= value
        if new:
            for name, value in new[1].items():
                delta[new[0]][name] += value
    rows = [{"day": day, "language": language, **values}
            for (day, language), values in sorted(delta.items()) if any(values.values())]
    if not rows:
        return
    statement = _insert(connection, report_daily)
    _many(connection, statement.on_conflict_do_update(
        index_elements=[report_daily.c.day, report_daily.c.language],
        set_={name: report_daily.c[name] + statement.excluded[name] for name in DAILY}), rows)


# ---------------------------------------------------------------- one batch per source

def _events_batch(connection: sa.engine.Connection, limit: int, now: float, source: str = EVENTS,
                  partition: Optional[Tuple[int, int, int]] = None) -> int:
    """One batch of events. `partition` (k, n, up_to): only the conversations
    whose hash is k modulo n, ids up to up_to (a rebuild's share)."""
    if connection.dialect.name == "sqlite":
        # FTS5 merges its index segments as it goes: with SQLite's default
        # 2 MB page cache that reads the disk again and again once the file
        # is large (measured: 6 times slower at 100,000 conversations).
        connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    position = Position.lock(connection, source, now)
    if position.last_id < 0:
        return 0  # a rebuild is under way: it reads these events
    condition = position.condition(events.c.id)
    if partition:
        k, n, up_to = partition
        condition = sa.and_(condition, events.c.id <= up_to)
        if n > 1:
            condition = sa.and_(condition, sa.func.abs(sa.cast(sa.func.hashtext(events.c.sender_id),
                                                                sa.BigInteger)) % n == k)
    batch = _read_events(connection, condition, limit)
    if batch:
        summaries = _summaries(connection, {e.conversation_id for e in batch})
        before = {cid: s.contribution() for cid, s in summaries.items()}
        new = {}
        for event in batch:
            if event.conversation_id not in summaries:
                summaries[event.conversation_id] = new[event.conversation_id] = model.Summary(event.conversation_id)
        found = model.Findings()
        for event in batch:
            model.apply(summaries[event.conversation_id], event, found)
        _tickets_and_ratings_of(connection, new)
        _write(connection, summaries, before, found)
    if partition and partition[1] > 1:
        position.last_id = batch[-1].id if len(batch) == limit else partition[2]  # no gaps in a share
    else:
        position.advance([(e.id, e.timestamp) for e in batch], now)
    position.save(connection, now)
    return len(batch)


def _side_batch(connection: sa.engine.Connection, source: str, limit: int, now: float) -> int:
    """Tickets or ratings written since the last batch, applied to the
    conversations already in the report (the others get theirs when their
    first events are read)."""
    table = tickets if source == TICKETS else ratings
    position = Position.lock(connection, source, now)
    rows = connection.execute(sa.select(table).where(position.condition(table.c.id))
                              .order_by(table.c.id).limit(limit)).mappings().all()
    if rows:
        summaries = _summaries(connection, {r["conversation_id"] for r in rows})
        before = {cid: s.contribution() for cid, s in summaries.items()}
        for row in rows:
            summary = summaries.get(row["conversation_id"])
            if summary is None:
                continue
            if source == TICKETS:
                model.apply_ticket(summary, row["reference"], row["problem"])
            else:
                model.apply_rating(summary, row["score"], row["source"])
        _write(connection, summaries, before, model.Findings())
    position.advance([(r["id"], r["created_at"].timestamp() if r["created_at"] else None) for r in rows], now)
    position.save(connection, now)
    return len(rows)


def _global_lock(connection: sa.engine.Connection, now: float) -> bool:
    """Every batch of every source takes the events row first: catch-ups
    (two workers, a worker and the command line) take turns, and a
    conversation is never changed by two at once. False while a rebuild runs."""
    return Position.lock(connection, EVENTS, now).last_id >= 0


def catch_up(url: Optional[str] = None, batch: int = BATCH, max_batches: Optional[int] = None,
             clock: Callable[[], float] = time.time) -> int:
    """Read what was written since the last catch-up; returns how many
    events were read. `max_batches` stops early (tests stop it midway)."""
    engine = storage.engine(url)
    with engine.connect() as connection:
        if not _has_events(connection):
            return 0  # Rasa creates the table with the first conversation
    for source in (TICKETS, RATINGS):
        while True:
            with engine.begin() as connection:
                if not _global_lock(connection, clock()):
                    return 0
                if _side_batch(connection, source, batch, clock()) < batch:
                    break
    read, batches = 0, 0
    while max_batches is None or batches < max_batches:
        with engine.begin() as connection:
            got = _events_batch(connection, batch, clock())
        read, batches = read + got, batches + 1
        if got < batch:
            break
    return read


def _share(url: str, k: int, n: int, up_to: int, batch: int) -> int:
    """A rebuild's share: conversations whose hash is k modulo n, ids up to up_to."""
    engine = storage.engine(url)
    source, read = f"{EVENTS}:{k}/{n}", 0
    while True:
        with engine.begin() as connection:
            got = _events_batch(connection, batch, time.time(), source, (k, n, up_to))
        read += got
        if got < batch:
            return read


def _share_in_process(arguments: Tuple[str, int, int, int, int]) -> int:
    storage.dispose_all()
    return _share(*arguments)


def _settled_id(connection: sa.engine.Connection, now: float) -> int:
    """The last event id below which every transaction has long ended: the
    newest event older than GAP_PATIENCE (ids follow time closely)."""
    recent = connection.execute(sa.select(events.c.id, events.c.timestamp)
                                .order_by(events.c.id.desc()).limit(200_000)).all()
    for row_id, timestamp in recent:
        if timestamp is not None and timestamp < now - GAP_PATIENCE:
            return row_id
    if not recent:
        return 0
    return connection.execute(sa.select(sa.func.max(events.c.id))
                              .where(events.c.timestamp < now - GAP_PATIENCE)).scalar() or 0


def rebuild(url: Optional[str] = None, batch: int = 20_000,
            progress: Optional[Callable[[int], None]] = None, workers: Optional[int] = None) -> int:
    """Empty the reporting tables and read every event again. On PostgreSQL
    two processes share the work (by conversation); the worker's catch-up
    waits meanwhile, then reads whatever came in during the rebuild."""
    engine = storage.engine(url)
    url = url or storage.database_url()
    now = time.time()
    with engine.begin() as connection:
        if not _has_events(connection):
            return 0
        postgres = connection.dialect.name == "postgresql"
        Position.lock(connection, EVENTS, now)  # waits for a catch-up in progress
        if postgres:
            connection.execute(sa.text("TRUNCATE " + ", ".join(t.name for t in REPORT_TABLES if t is not report_state)))
            connection.execute(report_state.delete().where(report_state.c.source != EVENTS))
        else:
            for table in REPORT_TABLES:
                if table is not report_state:
                    connection.execute(table.delete())
            connection.execute(report_state.delete().where(report_state.c.source != EVENTS))
            connection.execute(sa.text("INSERT INTO report_messages_fts(report_messages_fts) VALUES ('rebuild')"))
        up_to = _settled_id(connection, now)
        for source, table in ((TICKETS, tickets), (RATINGS, ratings)):
            last = connection.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0
            connection.execute(report_state.insert().values(source=source, last_id=last, gaps="[]", updated_at=now))
        connection.execute(report_state.update().where(report_state.c.source == EVENTS)
                           .values(last_id=-1, gaps="[]", updated_at=now))
    workers = workers or (2 if postgres else 1)
    if workers == 1:
        read = 0
        with engine.begin() as connection:
            connection.execute(report_state.insert().values(source=f"{EVENTS}:0/1", last_id=0, gaps="[]",
                                                            updated_at=now))
        while True:
            with engine.begin() as connection:
                got = _events_batch(connection, batch, time.time(), f"{EVENTS}:0/1", (0, 1, up_to))
            read += got
            if progress:
                progress(read)
            if got < batch:
                break
    else:
        import multiprocessing

        with engine.begin() as connection:
            connection.execute(report_state.insert(), [
                {"source": f"{EVENTS}:{k}/{workers}", "last_id": 0, "gaps": "[]", "updated_at": now}
                for k in range(workers)])
        storage.dispose_all()
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            read = sum(pool.map(_share_in_process, [(url, k, workers, up_to, batch) for k in range(workers)]))
        if progress:
            progress(read)
    # Only once every share is done: an interrupted rebuild leaves the
    # catch-up waiting (`status` says so) until the rebuild is run again.
    with storage.engine(url).begin() as connection:
        connection.execute(report_state.delete().where(report_state.c.source.like(f"{EVENTS}:%")))
        connection.execute(report_state.update().where(report_state.c.source == EVENTS)
                           .values(last_id=up_to, gaps="[]", updated_at=time.time()))
    # Fresh statistics for the planner (and, on PostgreSQL, a visibility map
    # for index-only counts) instead of waiting for autovacuum.
    with storage.engine(url).connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        for table in REPORT_TABLES:
            connection.exec_driver_sql(("VACUUM ANALYZE " if postgres else "ANALYZE ") + table.name)
    return read + catch_up(url, batch=batch)


def lag(url: Optional[str] = None) -> Dict[str, Any]:
    """How far the report is behind `events`: events not read yet, and the
    age of the oldest of them (seconds)."""
    with storage.engine(url).connect() as connection:
        if not _has_events(connection):
            return {"behind": 0, "seconds": 0.0}
        last = connection.execute(sa.select(report_state.c.last_id).where(report_state.c.source == EVENTS)
                                  ).scalar() or 0
        if last < 0:
            return {"behind": None, "seconds": None, "rebuilding": True}
        behind = connection.execute(sa.select(sa.func.count(), sa.func.min(events.c.timestamp))
                                    .where(events.c.id > last)).one()
    return {"behind": behind[0], "seconds": max(0.0, time.time() - behind[1]) if behind[1] else 0.0,
            "rebuilding": False}
