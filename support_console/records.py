"""What the console reads.

- Lists, search, counts, bot failures and the numbers: the reporting tables
  (borrower_help/reporting), kept up to date from `events` by the worker's
  catch-up and queried page by page in SQL (borrower_help.reporting.queries).
- One conversation, turn by turn: its own events, straight from `events`
  (the source of truth), its outcome worked out from them by the same model
  the catch-up uses, so a conversation is complete the moment it is stored.
- Tickets: the ticket store.

Everything works on the default SQLite file and on PostgreSQL alike, and
keeps working while a Rasa server is down (it never asks Rasa for
transcripts). Everything here was masked before it was stored
(stores/masked_tracker_store.py); nothing here unmasks.
"""
import pathlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

import sqlalchemy as sa
import yaml

from borrower_help import catalogue
from borrower_help.reporting import model, queries
from borrower_help.reporting.catchup import loads
from borrower_help.reporting.model import ABANDONED, HANDED_OFF, LOW_CONFIDENCE, OUTCOMES, SOLVED_BY_BOT  # noqa: F401
from borrower_help.storage import engine
from borrower_help.storage.schema import events as events_table
from borrower_help.storage.schema import ratings, tickets
from borrower_help.storage.tickets import WAITING, as_ticket, queue_order

DOMAIN = pathlib.Path(__file__).resolve().parents[1] / "domain"
DIALOGUE_FAILURES = model.DIALOGUE_FAILURES


@dataclass
class Turn:
    """One event of a conversation, as the console shows it."""
    kind: str  # user, bot, agent, action, slot, pause, resume, other
    timestamp: datetime
    text: Optional[str] = None
    intent: Optional[str] = None
    confidence: Optional[float] = None
    name: Optional[str] = None  # action or slot name
    value: Any = None  # slot value
    agent: Optional[str] = None
    buttons: List[str] = field(default_factory=list)
    custom: Optional[Dict[str, Any]] = None  # a payload for the widget (e.g. the handoff)


def _when(timestamp: Optional[float]) -> datetime:
    return datetime.fromtimestamp(timestamp or 0, tz=timezone.utc)


@dataclass
class Listed:
    """A conversation as the lists show it: its report_conversations row."""
    id: str
    started: datetime
    last: datetime
    language: str
    outcome: str
    user_turns_count: int
    intents: List[str]
    first_message: str
    ticket: Optional[str] = None
    rating: Optional[int] = None
    problem: Optional[str] = None
    channel: Optional[str] = None

    @classmethod
    def from_row(cls, row: Dict[str, Any]) -> "Listed":
        return cls(id=row["conversation_id"], started=_when(row["started"]), last=_when(row["last_activity"]),
                   language=row["language"], outcome=row["outcome"], user_turns_count=row["user_turns"],
                   intents=[i for i in (row["intents"] or "").split(",") if i], first_message=row["first_message"],
                   ticket=row["ticket"], rating=row["rating"], problem=row["problem"], channel=row["channel"])


@dataclass
class Conversation:
    """A whole conversation: its turns, and its summary from the same events."""
    id: str
    turns: List[Turn]
    summary: model.Summary

    @property
    def started(self) -> datetime:
        return self.turns[0].timestamp

    @property
    def last(self) -> datetime:
        return self.turns[-1].timestamp

    @property
    def user_turns(self) -> List[Turn]:
        return [t for t in self.turns if t.kind == "user"]

    @property
    def language(self) -> str:
        return self.summary.language

    @property
    def intents(self) -> List[str]:
        return sorted(self.summary.intents)

    @property
    def outcome(self) -> str:
        return self.summary.outcome

    @property
    def first_message(self) -> str:
        return self.summary.first_message


def _turn(type_name: str, timestamp: float, data: Dict[str, Any]) -> Optional[Turn]:
    when = _when(timestamp)
    if type_name == "user":
        intent = (data.get("parse_data") or {}).get("intent") or {}
        return Turn("user", when, text=data.get("text"), intent=intent.get("name"),
                    confidence=intent.get("confidence"))
    if type_name == "bot":
        metadata = data.get("metadata") or {}
        payload = data.get("data") or {}
        buttons = [b.get("title", "") for b in payload.get("buttons") or []]
        if metadata.get("source") == "agent":
            return Turn("agent", when, text=data.get("text"), agent=metadata.get("agent"))
        return Turn("bot", when, text=data.get("text"), buttons=buttons, custom=payload.get("custom"))
    if type_name == "action":
        return Turn("action", when, name=data.get("name"))
    if type_name == "slot":
        return Turn("slot", when, name=data.get("name"), value=data.get("value"))
    if type_name in ("pause", "resume"):
        return Turn(type_name, when)
    return None  # featurisation and bookkeeping events


def _has_events(connection: sa.engine.Connection) -> bool:
    return sa.inspect(connection).has_table("events")


def _build(connection: sa.engine.Connection, ids: List[str]) -> Dict[str, Conversation]:
    """Whole conversations from their events, tickets and ratings."""
    rows: Dict[str, List[Any]] = defaultdict(list)
    query = sa.select(events_table.c.id, events_table.c.sender_id, events_table.c.type_name,
                      events_table.c.timestamp, events_table.c.action_name, events_table.c.data) \
        .where(events_table.c.sender_id.in_(ids)).order_by(events_table.c.sender_id, events_table.c.id)
    for row in connection.execute(query):
        rows[row.sender_id].append(row)
    extra_tickets: Dict[str, List[Tuple[str, Optional[str]]]] = defaultdict(list)
    for row in connection.execute(sa.select(tickets.c.conversation_id, tickets.c.reference, tickets.c.problem)
                                  .where(tickets.c.conversation_id.in_(ids)).order_by(tickets.c.id)):
        extra_tickets[row.conversation_id].append((row.reference, row.problem))
    extra_ratings: Dict[str, List[Tuple[int, str]]] = defaultdict(list)
    for row in connection.execute(sa.select(ratings.c.conversation_id, ratings.c.score, ratings.c.source)
                                  .where(ratings.c.conversation_id.in_(ids)).order_by(ratings.c.id)):
        extra_ratings[row.conversation_id].append((row.score, row.source))
    built = {}
    for cid, found in rows.items():
        turns, events = [], []
        for row in found:
            data = loads(row.data or "{}") or {}
            events.append(model.event_from(row.id, cid, row.type_name, row.timestamp, row.action_name, data))
            turn = _turn(row.type_name, row.timestamp, data)
            if turn:
                turns.append(turn)
        if turns:
            summary, _ = model.summarise(cid, events, extra_tickets[cid], extra_ratings[cid])
            built[cid] = Conversation(cid, turns, summary)
    return built


def load_conversations(ids: Optional[Iterable[str]] = None, url: Optional[str] = None) -> List[Conversation]:
    """Whole conversations (the latest active first): those named, or every
    one in the report (small databases and tests only: the pages use
    queries, page by page)."""
    with engine(url).connect() as connection:
        if not _has_events(connection):
            return []
    if ids is None:
        ids = [row.id for chunk in queries.each_conversation(queries.Filters(), url=url) for row in
               map(Listed.from_row, chunk)]
    ids = list(ids)
    built: Dict[str, Conversation] = {}
    with engine(url).connect() as connection:
        for start in range(0, len(ids), 500):
            built.update(_build(connection, ids[start:start + 500]))
    return sorted(built.values(), key=lambda c: c.last, reverse=True)


def load_conversation(conversation_id: str, url: Optional[str] = None) -> Optional[Conversation]:
    found = load_conversations([conversation_id], url=url)
    return found[0] if found else None


def whole_conversations(filters: "Filters", url: Optional[str] = None) -> Iterator[Conversation]:
    """Every matching conversation, whole, the latest active first, read 200
    at a time: exports of any size in flat memory."""
    for chunk in queries.each_conversation(filters.query(), chunk=200, url=url):
        ids = [row["conversation_id"] for row in chunk]
        with engine(url).connect() as connection:
            built = _build(connection, ids)
        for cid in ids:
            if cid in built:
                yield built[cid]


@dataclass
class Filters(queries.Filters):
    """The reporting model's conversation filters, giving the console's rows."""

    def query(self) -> queries.Filters:
        return self

    def page(self, offset: int, limit: int, url: Optional[str] = None) -> Tuple[List[Listed], Optional[int]]:
        """A page and the count (up to queries.COUNT_CAP + 1; None: many)."""
        rows, total = queries.page(self.query(), offset, limit, url=url)
        return [Listed.from_row(r) for r in rows], total

    def page_at(self, offset: int, limit: int, url: Optional[str] = None) -> List[Listed]:
        rows = queries.conversations(self.query(), offset=offset, limit=limit, url=url)
        return [Listed.from_row(r) for r in rows]

    def count(self, url: Optional[str] = None) -> Optional[int]:
        """How many match, counted up to queries.COUNT_CAP + 1 (None: a
        common search term, many)."""
        return queries.count_conversations(self.query(), url=url)

    def apply(self, url: Optional[str] = None) -> List[Listed]:
        """Every match (tests and small databases)."""
        return [Listed.from_row(r) for chunk in queries.each_conversation(self.query(), url=url) for r in chunk]


Failure = queries.FailureGroup


def failures(offset: int = 0, limit: int = 10_000, url: Optional[str] = None) -> List[Failure]:
    """Typed messages that went to the fallback or were understood with
    confidence below LOW_CONFIDENCE, grouped by their text (case and spacing
    ignored), the most frequent first. Button payloads are not failures."""
    return queries.failure_groups(offset, limit, url=url)


def numbers(days: int = 30, url: Optional[str] = None) -> Dict[str, Any]:
    """The figures of the "numbers" page, per language, from the daily
    aggregates (whole UTC days, the first one the day `days` days ago)."""
    since = datetime.now(timezone.utc) - timedelta(days=days)
    per_day: Dict[str, Dict[str, int]] = defaultdict(dict)
    totals: Dict[str, Dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in queries.daily(since.date().isoformat(), url=url):
        per_day[row["day"]][row["language"]] = row["conversations"]
        for name in ("conversations", "solved", "handed_off", "abandoned", "messages", "fallbacks"):
            totals[row["language"]][name] += row[name]
    languages = sorted(set(totals) | {"en", "zh"})
    days_seen = sorted(per_day)
    return {
        "days": days_seen,
        "per_day": {lang: [per_day[d].get(lang, 0) for d in days_seen] for lang in languages},
        "solved_share": {lang: _share(totals[lang]["solved"], totals[lang]["conversations"]) for lang in languages},
        "outcomes": {lang: {SOLVED_BY_BOT: totals[lang]["solved"], HANDED_OFF: totals[lang]["handed_off"],
                            ABANDONED: totals[lang]["abandoned"]} for lang in languages},
        "fallback_rate": {lang: _share(totals[lang]["fallbacks"], totals[lang]["messages"]) for lang in languages},
        "conversations": sum(t["conversations"] for t in totals.values()),
    }


def _share(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 3) if whole else None


_INTENTS: Dict[str, Any] = {}


def known_intents() -> List[str]:
    """The intents of the assistant's domain (domain/*.yml), read again when a file changed."""
    stamp = tuple(sorted((p.name, p.stat().st_mtime) for p in DOMAIN.glob("*.yml")))
    if _INTENTS.get("stamp") != stamp:
        found = set()
        for path in DOMAIN.glob("*.yml"):
            for intent in (yaml.safe_load(path.read_text()) or {}).get("intents") or []:
                found.add(intent if isinstance(intent, str) else next(iter(intent)))
        _INTENTS.update(stamp=stamp, intents=sorted(found))
    return list(_INTENTS["intents"])


def ratings_summary(since: datetime, url: Optional[str] = None) -> Dict[str, Dict[str, Dict[str, Any]]]:
    """Borrowers' ratings since `since`: count and average score per source
    ("bot": a flow ended solved, "agent": after an agent) and language."""
    with engine(url).connect() as connection:
        rows = connection.execute(
            sa.select(ratings.c.source, ratings.c.language, sa.func.count(), sa.func.avg(ratings.c.score))
            .where(ratings.c.created_at >= since).group_by(ratings.c.source, ratings.c.language))
        summary: Dict[str, Dict[str, Dict[str, Any]]] = defaultdict(dict)
        for source, language, count, average in rows:
            summary[source][language] = {"count": count, "average": round(float(average), 2)}
    return dict(summary)


def handoffs_by_reason(since: datetime, url: Optional[str] = None) -> Dict[str, Dict[str, int]]:
    """Tickets created since `since`, per reason and language."""
    with engine(url).connect() as connection:
        rows = connection.execute(
            sa.select(tickets.c.reason, tickets.c.language, sa.func.count())
            .where(tickets.c.created_at >= since).group_by(tickets.c.reason, tickets.c.language))
        found: Dict[str, Dict[str, int]] = defaultdict(dict)
        for reason, language, count in rows:
            found[reason][language] = count
    return {reason: found[reason] for reason in sorted(found)}


@dataclass
class QueueFilters:
    language: str = ""
    priority: str = ""
    problem: str = ""
    assigned_to: str = ""  # "mine": the signed-in agent's tickets

    def conditions(self) -> List[sa.sql.ColumnElement]:
        found = [tickets.c.status.in_(WAITING)]
        if self.language:
            found.append(tickets.c.language == self.language)
        if self.priority:
            found.append(tickets.c.priority == self.priority)
        if self.problem:
            found.append(tickets.c.problem == self.problem)
        if self.assigned_to:
            found.append(tickets.c.assigned_to == self.assigned_to)
        return found


def waiting_tickets(filters: QueueFilters, offset: int = 0, limit: int = 50,
                    url: Optional[str] = None) -> List[Dict[str, Any]]:
    """Open and assigned tickets: overdue first, then urgent, then whoever has waited longest."""
    query = (sa.select(tickets).where(*filters.conditions())
             .order_by(*queue_order(datetime.now(timezone.utc))).offset(offset).limit(limit))
    with engine(url).connect() as connection:
        return [as_ticket(row) for row in connection.execute(query).mappings()]


def count_waiting(filters: QueueFilters, url: Optional[str] = None) -> int:
    with engine(url).connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(tickets)
                                  .where(*filters.conditions())).scalar_one()


def ticket_problems() -> List[str]:
    """The problems a ticket can be about: the catalogue's names."""
    return sorted({p.name for p in catalogue.PROBLEMS.values() if p.name})


def tickets_of(conversation_id: str, url: Optional[str] = None) -> List[Dict[str, Any]]:
    query = sa.select(tickets).where(tickets.c.conversation_id == conversation_id).order_by(tickets.c.created_at)
    with engine(url).connect() as connection:
        return [as_ticket(row) for row in connection.execute(query).mappings()]
