"""What one conversation's events mean for the console, as a pure function
of the events (and of the conversation's tickets and ratings): no database,
no Rasa, no Django. The catch-up (catchup.py) feeds it events in id order,
a batch at a time, carrying the state between batches in the
report_conversations row; the transcript page feeds it one conversation's
events at once. Both therefore agree, and a rebuild gives the same rows.

Outcome, from explicit events only (never guessed from other action names):

    handed off     a ticket exists for the conversation, or a `pause` event
                   (ConversationPaused: a person has the conversation), or a
                   bot message carrying the handoff payload
                   ({"custom": {"data": {"handoff": {...}}}})
    solved by bot  the bot ran `action_close_solved` (a flow ended with the
                   borrower saying it was solved), or the borrower rated the
                   bot (a rating of source "bot" is only asked after that)
    abandoned      neither

A handoff wins over solved (the borrower needed a person in the end).

Dialogue failures (the Bot failures page):

    core fallback         the bot answered utter_core_fallback (it lost
                          track) or utter_default (rasa_extensions/turn_guard.py:
                          a turn had no reply; also Rasa's own default fallback)
    repeated answer       the same bot text a third time in one turn
    no reply              a borrower's message followed by their next one with
                          no bot or agent message between (not while paused:
                          the agent has the conversation); a conversation's
                          last message counts once it is NO_REPLY_AFTER old
    stopped after a misunderstanding
                          the last bot message was a fallback, a did-you-mean,
                          a request to rephrase or to answer yes or no, and the
                          borrower wrote nothing after it (counted once the
                          conversation is STOPPED_AFTER quiet)
"""
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from borrower_help.reporting.text import normalised, searchable

SOLVED_BY_BOT, HANDED_OFF, ABANDONED = "solved by bot", "handed off", "abandoned"
OUTCOMES = (SOLVED_BY_BOT, HANDED_OFF, ABANDONED)
# Below this NLU confidence a typed message counts as a possible failure even
# when it was not sent to the fallback (the FallbackClassifier is at 0.4).
LOW_CONFIDENCE = 0.6
FALLBACK_INTENT = "nlu_fallback"
SOLVED_ACTION = "action_close_solved"

CORE_FALLBACK, REPEATED, NO_REPLY, STOPPED = "core fallback", "repeated answer", "no reply", "stopped"
DIALOGUE_FAILURES = (CORE_FALLBACK, REPEATED, NO_REPLY, STOPPED)
CORE_FALLBACK_RESPONSES = ("utter_core_fallback", "utter_default")
MISUNDERSTANDING_RESPONSES = ("utter_core_fallback", "utter_default", "utter_did_you_mean",
                              "utter_ask_rephrase", "utter_please_answer_yes_no")
REPEATS = 3
NO_REPLY_AFTER = 60.0  # seconds
STOPPED_AFTER = 600.0  # seconds

# The events the model reads; the others (featurisation, loops, ...) are
# only bookkeeping. Slot events are read for these slots only.
TYPES = ("user", "bot", "action", "slot", "pause", "resume")
SLOTS = ("language", "problem")
PARSED = ("user", "bot", "slot")  # whose `data` JSON is read (slots: SLOTS only)

# Evidence letters kept in report_conversations.evidence.
E_TICKET, E_PAUSE, E_PAYLOAD, E_CLOSED, E_BOT_RATING = "t", "p", "h", "c", "r"


@dataclass(slots=True)
class Event:
    """A row of `events`, with the few fields of its JSON the model reads
    (event_from() takes them from the parsed JSON)."""
    id: int
    conversation_id: str
    type_name: str
    timestamp: float
    action_name: Optional[str] = None
    text: Optional[str] = None  # user and bot
    intent: Optional[str] = None  # user
    confidence: Optional[float] = None  # user
    channel: Optional[str] = None  # user: input_channel
    response: Optional[str] = None  # bot: metadata.utter_action
    source: Optional[str] = None  # bot: metadata.source ("agent" for an agent's message)
    handoff: bool = False  # bot: data.custom.data.handoff is a non-empty object
    ticket_id: Optional[str] = None  # bot: data.custom.data.handoff.ticket_id
    slot: Optional[str] = None  # slot: name
    value: Optional[str] = None  # slot: value, as text


def _text(value: Any) -> Optional[str]:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value) if isinstance(value, (dict, list, bool)) else str(value)


def event_from(event_id: int, conversation_id: str, type_name: str, timestamp: Optional[float],
               action_name: Optional[str], data: Optional[Dict[str, Any]]) -> Event:
    """An Event from a row whose `data` JSON was parsed."""
    event = Event(event_id, conversation_id, type_name, timestamp or 0.0, action_name)
    if not isinstance(data, dict):
        return event
    if type_name == "user":
        intent = (data.get("parse_data") or {}).get("intent") or {}
        event.text = _text(data.get("text"))
        event.intent = _text(intent.get("name"))
        confidence = intent.get("confidence")
        event.confidence = float(confidence) if isinstance(confidence, (int, float)) else None
        event.channel = _text(data.get("input_channel"))
    elif type_name == "bot":
        metadata = data.get("metadata") or {}
        custom = (data.get("data") or {}).get("custom")
        handoff = (custom.get("data") or {}).get("handoff") if isinstance(custom, dict) and \
            isinstance(custom.get("data"), dict) else None
        event.text = _text(data.get("text"))
        event.response = _text(metadata.get("utter_action")) if isinstance(metadata, dict) else None
        event.source = _text(metadata.get("source")) if isinstance(metadata, dict) else None
        if isinstance(handoff, dict) and handoff:
            event.handoff = True
            event.ticket_id = _text(handoff.get("ticket_id"))
    elif type_name == "slot":
        event.slot = _text(data.get("name"))
        event.value = _text(data.get("value"))
    return event


@dataclass
class Message:
    event_id: int
    conversation_id: str
    timestamp: float
    speaker: str
    text: str
    pairs: Optional[str]


@dataclass
class NluFailure:
    event_id: int
    key: str
    conversation_id: str
    timestamp: float
    language: str
    intent: Optional[str]
    confidence: Optional[float]
    text: str


@dataclass
class DialogueFailure:
    event_id: int
    kind: str
    conversation_id: str
    timestamp: float
    language: str
    response: Optional[str]
    text: str


@dataclass
class Summary:
    """The report_conversations row of a conversation, plus its state."""
    conversation_id: str
    started: float = 0.0
    last_activity: float = 0.0
    channel: Optional[str] = None
    language: str = "en"
    problem: Optional[str] = None
    intents: Set[str] = field(default_factory=set)
    user_turns: int = 0
    messages: int = 0
    fallbacks: int = 0
    low_confidence: int = 0
    first_message: str = ""
    ticket: Optional[str] = None
    ticket_problem: Optional[str] = None
    rating: Optional[int] = None
    evidence: Set[str] = field(default_factory=set)
    paused: bool = False
    open_turn_event: Optional[int] = None
    open_turn_at: Optional[float] = None
    turn_replies: List[str] = field(default_factory=list)
    stopped_on: Optional[str] = None
    last_event_id: int = 0

    @property
    def outcome(self) -> str:
        if self.evidence & {E_TICKET, E_PAUSE, E_PAYLOAD}:
            return HANDED_OFF
        if self.evidence & {E_CLOSED, E_BOT_RATING}:
            return SOLVED_BY_BOT
        return ABANDONED

    @property
    def started_at(self) -> datetime:
        return datetime.fromtimestamp(self.started, tz=timezone.utc)

    @property
    def day(self) -> str:
        return self.started_at.date().isoformat()

    def row(self) -> Dict[str, Any]:
        return {
            "conversation_id": self.conversation_id, "channel": self.channel, "language": self.language,
            "started": self.started, "last_activity": self.last_activity, "outcome": self.outcome,
            "problem": self.problem or self.ticket_problem, "intents": ",".join(sorted(self.intents)),
            "user_turns": self.user_turns, "messages": self.messages, "fallbacks": self.fallbacks,
            "low_confidence": self.low_confidence, "first_message": self.first_message,
            "ticket": self.ticket, "rating": self.rating, "evidence": "".join(sorted(self.evidence)),
            "paused": self.paused, "open_turn_event": self.open_turn_event, "open_turn_at": self.open_turn_at,
            "turn_replies": json.dumps(self.turn_replies, ensure_ascii=False), "stopped_on": self.stopped_on,
            "last_event_id": self.last_event_id,
        }

    @classmethod
    def from_row(cls, row: Dict[str, Any]) -> "Summary":
        summary = cls(conversation_id=row["conversation_id"])
        for name in ("started", "last_activity", "channel", "language", "user_turns", "messages", "fallbacks",
                     "low_confidence", "first_message", "ticket", "rating", "paused", "open_turn_event",
                     "open_turn_at", "stopped_on", "last_event_id"):
            setattr(summary, name, row[name])
        summary.paused = bool(summary.paused)
        summary.intents = set(filter(None, (row["intents"] or "").split(",")))
        summary.evidence = set(row["evidence"] or "")
        summary.turn_replies = json.loads(row["turn_replies"] or "[]")
        # `problem` holds the slot's value, else the ticket's: keep it as the slot's.
        summary.problem = row["problem"]
        return summary

    def contribution(self) -> Optional[Tuple[Tuple[str, str], Dict[str, int]]]:
        """What this conversation adds to report_daily (None before its first event)."""
        if not self.last_event_id:
            return None
        outcome = self.outcome
        return (self.day, self.language), {
            "conversations": 1, "solved": int(outcome == SOLVED_BY_BOT),
            "handed_off": int(outcome == HANDED_OFF), "abandoned": int(outcome == ABANDONED),
            "messages": self.messages, "fallbacks": self.fallbacks}


@dataclass
class Findings:
    """What a batch of events adds besides the conversations' rows."""
    messages: List[Message] = field(default_factory=list)
    nlu_failures: List[NluFailure] = field(default_factory=list)
    dialogue_failures: List[DialogueFailure] = field(default_factory=list)
    intents: Set[Tuple[str, str]] = field(default_factory=set)


def failure_key(text: str) -> str:
    """Messages count as the same failure whatever their case and spacing."""
    return hashlib.sha1(normalised(text).encode("utf-8")).hexdigest()


def is_payload(text: Optional[str]) -> bool:
    return bool(text) and text.startswith("/")  # type: ignore[union-attr]


def apply(summary: Summary, event: Event, found: Findings) -> None:
    """Advance `summary` by one event (events of a conversation in id order)."""
    kind = event.type_name
    if kind not in TYPES:
        return
    if not summary.last_event_id:
        summary.started = summary.last_activity = event.timestamp
    if event.timestamp < summary.started:
        summary.started = event.timestamp
    if event.timestamp > summary.last_activity:
        summary.last_activity = event.timestamp
    if event.id > summary.last_event_id:
        summary.last_event_id = event.id
    if kind == "user":
        _user(summary, event, found)
    elif kind == "bot":
        _bot(summary, event, found)
    elif kind == "action":
        if event.action_name == SOLVED_ACTION:
            summary.evidence.add(E_CLOSED)
    elif kind == "slot":
        name = event.slot or event.action_name
        if name == "language" and event.value:
            summary.language = event.value[:8]
        elif name == "problem" and event.value:
            summary.problem = event.value[:64]
    elif kind == "pause":
        summary.paused = True
        summary.evidence.add(E_PAUSE)
        summary.open_turn_event = summary.open_turn_at = None
    elif kind == "resume":
        summary.paused = False


def _user(summary: Summary, event: Event, found: Findings) -> None:
    text, name, confidence = event.text, event.intent, event.confidence
    summary.user_turns += 1
    summary.channel = summary.channel or event.channel
    summary.stopped_on = None
    if name:
        summary.intents.add(name)
        found.intents.add((summary.conversation_id, name))
    if summary.open_turn_event is not None:
        found.dialogue_failures.append(DialogueFailure(
            summary.open_turn_event, NO_REPLY, summary.conversation_id, summary.open_turn_at or event.timestamp,
            summary.language, None, ""))
    summary.open_turn_event = summary.open_turn_at = None
    summary.turn_replies = []
    if text is None:
        return
    if not summary.paused:
        summary.open_turn_event, summary.open_turn_at = event.id, event.timestamp
    if text.strip():
        found.messages.append(_message(event, "user", text))
    if is_payload(text):
        return
    if not summary.first_message:
        summary.first_message = text
    summary.messages += 1
    understood = name != FALLBACK_INTENT and (confidence or 0) >= LOW_CONFIDENCE
    if name == FALLBACK_INTENT:
        summary.fallbacks += 1
    elif not understood:
        summary.low_confidence += 1
    if not understood:
        found.nlu_failures.append(NluFailure(
            event.id, failure_key(text), summary.conversation_id, event.timestamp, summary.language,
            name, confidence, text))


def _bot(summary: Summary, event: Event, found: Findings) -> None:
    text = event.text or ""
    if event.handoff:
        summary.evidence.add(E_PAYLOAD)
        if event.ticket_id:
            summary.ticket = event.ticket_id[:16]
    summary.open_turn_event = summary.open_turn_at = None
    if event.source == "agent":
        if text.strip():
            found.messages.append(_message(event, "agent", text))
        return
    response = event.response
    summary.stopped_on = response if response in MISUNDERSTANDING_RESPONSES else None
    if response in CORE_FALLBACK_RESPONSES:
        found.dialogue_failures.append(DialogueFailure(
            event.id, CORE_FALLBACK, summary.conversation_id, event.timestamp, summary.language, response, text))
    if text:
        summary.turn_replies.append(text)
        if summary.turn_replies.count(text) == REPEATS:
            found.dialogue_failures.append(DialogueFailure(
                event.id, REPEATED, summary.conversation_id, event.timestamp, summary.language, response, text))


def _message(event: Event, speaker: str, text: str) -> Message:
    shown, pairs = searchable(text)
    return Message(event.id, event.conversation_id, event.timestamp, speaker, shown, pairs)


def apply_ticket(summary: Summary, reference: str, problem: Optional[str]) -> None:
    summary.evidence.add(E_TICKET)
    summary.ticket = reference
    summary.ticket_problem = summary.ticket_problem or problem


def apply_rating(summary: Summary, score: int, source: str) -> None:
    summary.rating = score
    if source == "bot":
        summary.evidence.add(E_BOT_RATING)


def summarise(conversation_id: str, events: Iterable[Event],
              tickets: Iterable[Tuple[str, Optional[str]]] = (),
              ratings: Iterable[Tuple[int, str]] = ()) -> Tuple[Summary, Findings]:
    """One whole conversation at once (the transcript page)."""
    summary, found = Summary(conversation_id), Findings()
    for event in events:
        apply(summary, event, found)
    for reference, problem in tickets:
        apply_ticket(summary, reference, problem)
    for score, source in ratings:
        apply_rating(summary, score, source)
    return summary, found
