"""What the console reads: conversations from the tracker store's `events`
table and tickets from the ticket store, both through SQLAlchemy, so the
console works on the default SQLite file and on PostgreSQL alike, and keeps
working while a Rasa server is down (it never asks Rasa for transcripts).

Everything here was masked before it was stored (stores/masked_tracker_store.py);
nothing here unmasks.
"""
import json
import pathlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, Iterable, List, Optional, Tuple

import sqlalchemy as sa
import yaml

from borrower_help.storage import engine
from borrower_help.storage.schema import events as events_table
from borrower_help.storage.schema import ratings

DOMAIN = pathlib.Path(__file__).resolve().parents[1] / "domain"
# Below this NLU confidence a message counts as a possible failure even when
# it was not sent to the fallback (FallbackClassifier is at 0.4).
LOW_CONFIDENCE = 0.6
SOLVED_BY_BOT, HANDED_OFF, ABANDONED = "solved by bot", "handed off", "abandoned"
OUTCOMES = (SOLVED_BY_BOT, HANDED_OFF, ABANDONED)



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


@dataclass
class Conversation:
    id: str
    turns: List[Turn]

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
        values = [t.value for t in self.turns if t.kind == "slot" and t.name == "language" and t.value]
        return values[-1] if values else "en"

    @property
    def intents(self) -> List[str]:
        return sorted({t.intent for t in self.user_turns if t.intent})

    @property
    def outcome(self) -> str:
        names = {t.name for t in self.turns if t.kind == "action"}
        if "action_handoff" in names or any(t.kind == "pause" for t in self.turns):
            return HANDED_OFF
        if "action_close_solved" in names:
            return SOLVED_BY_BOT
        return ABANDONED

    @property
    def first_message(self) -> str:
        for turn in self.user_turns:
            if turn.text and not turn.text.startswith("/"):
                return turn.text
        return ""

    def mentions(self, text: str) -> bool:
        needle = text.casefold()
        return any(needle in (t.text or "").casefold() for t in self.turns if t.kind in ("user", "bot", "agent"))


def _turn(type_name: str, timestamp: float, data: Dict[str, Any]) -> Optional[Turn]:
    when = datetime.fromtimestamp(timestamp or 0, tz=timezone.utc)
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


def _events_table(connection: sa.engine.Connection) -> Optional[sa.Table]:
    if not sa.inspect(connection).has_table("events"):
        return None  # Rasa creates it with the first conversation
    return events_table


def load_conversations(ids: Optional[Iterable[str]] = None, since: Optional[datetime] = None,
                       until: Optional[datetime] = None, url: Optional[str] = None) -> List[Conversation]:
    """Conversations (newest first); `since`/`until` bound their first event."""
    with engine(url).connect() as connection:
        events = _events_table(connection)
        if events is None:
            return []
        starts = sa.select(events.c.sender_id, sa.func.min(events.c.timestamp).label("started")) \
            .group_by(events.c.sender_id)
        if ids is not None:
            starts = starts.where(events.c.sender_id.in_(list(ids)))
        if since:
            starts = starts.having(sa.func.min(events.c.timestamp) >= since.timestamp())
        if until:
            starts = starts.having(sa.func.min(events.c.timestamp) < until.timestamp())
        chosen = [row.sender_id for row in connection.execute(starts)]
        turns: Dict[str, List[Turn]] = defaultdict(list)
        for start in range(0, len(chosen), 500):
            query = sa.select(events.c.sender_id, events.c.type_name, events.c.timestamp, events.c.data) \
                .where(events.c.sender_id.in_(chosen[start:start + 500])).order_by(events.c.id)
            for row in connection.execute(query):
                turn = _turn(row.type_name, row.timestamp, json.loads(row.data or "{}"))
                if turn:
                    turns[row.sender_id].append(turn)
    conversations = [Conversation(cid, t) for cid, t in turns.items() if t]
    return sorted(conversations, key=lambda c: c.last, reverse=True)


def load_conversation(conversation_id: str, url: Optional[str] = None) -> Optional[Conversation]:
    found = load_conversations([conversation_id], url=url)
    return found[0] if found else None


@dataclass
class Filters:
    text: str = ""
    intent: str = ""
    outcome: str = ""
    language: str = ""
    since: Optional[date] = None
    until: Optional[date] = None  # inclusive

    def apply(self, url: Optional[str] = None) -> List[Conversation]:
        since = datetime.combine(self.since, datetime.min.time(), timezone.utc) if self.since else None
        until = (datetime.combine(self.until, datetime.min.time(), timezone.utc) + timedelta(days=1)
                 if self.until else None)
        return [c for c in load_conversations(since=since, until=until, url=url)
                if (not self.intent or self.intent in c.intents)
                and (not self.outcome or c.outcome == self.outcome)
                and (not self.language or c.language == self.language)
                and (not self.text or c.mentions(self.text))]


@dataclass
class Failure:
    text: str
    count: int
    language: str
    guesses: List[Tuple[str, float]]  # the model's intent, and its confidence, per occurrence
    conversations: List[str]
    last_seen: datetime


def failures(url: Optional[str] = None) -> List[Failure]:
    """Messages that went to the fallback or were understood with low
    confidence, grouped by their text (case and spacing ignored), most
    frequent first. Button payloads are not failures."""
    grouped: Dict[str, List[Tuple[Turn, Conversation]]] = defaultdict(list)
    for conversation in load_conversations(url=url):
        for turn in conversation.user_turns:
            if not turn.text or turn.text.startswith("/"):
                continue
            if turn.intent == "nlu_fallback" or (turn.confidence or 0) < LOW_CONFIDENCE:
                grouped[" ".join(turn.text.casefold().split())].append((turn, conversation))
    found = []
    for items in grouped.values():
        turns = [t for t, _ in items]
        found.append(Failure(
            text=turns[-1].text, count=len(items),
            language=Counter(c.language for _, c in items).most_common(1)[0][0],
            guesses=[(t.intent or "", t.confidence or 0.0) for t in turns],
            conversations=sorted({c.id for _, c in items}),
            last_seen=max(t.timestamp for t in turns)))
    return sorted(found, key=lambda f: (-f.count, f.text))


def numbers(days: int = 30, url: Optional[str] = None) -> Dict[str, Any]:
    """The figures of the "numbers" page, per language."""
    since = datetime.now(timezone.utc) - timedelta(days=days)
    conversations = load_conversations(since=since, url=url)
    per_day: Dict[str, Counter] = defaultdict(Counter)
    outcomes: Dict[str, Counter] = defaultdict(Counter)
    messages, fallbacks = Counter(), Counter()
    for c in conversations:
        per_day[c.started.date().isoformat()][c.language] += 1
        outcomes[c.language][c.outcome] += 1
        for turn in c.user_turns:
            if turn.text and not turn.text.startswith("/"):
                messages[c.language] += 1
                fallbacks[c.language] += turn.intent == "nlu_fallback"
    languages = sorted({c.language for c in conversations} | {"en", "zh"})
    return {
        "days": sorted(per_day),
        "per_day": {lang: [per_day[d][lang] for d in sorted(per_day)] for lang in languages},
        "solved_share": {lang: _share(outcomes[lang][SOLVED_BY_BOT], sum(outcomes[lang].values()))
                         for lang in languages},
        "outcomes": {lang: {o: outcomes[lang][o] for o in OUTCOMES} for lang in languages},
        "fallback_rate": {lang: _share(fallbacks[lang], messages[lang]) for lang in languages},
        "conversations": len(conversations),
    }


def _share(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 3) if whole else None


def known_intents() -> List[str]:
    """The intents of the assistant's domain (domain/*.yml)."""
    found = set()
    for path in DOMAIN.glob("*.yml"):
        for intent in (yaml.safe_load(path.read_text()) or {}).get("intents") or []:
            found.add(intent if isinstance(intent, str) else next(iter(intent)))
    return sorted(found)


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
