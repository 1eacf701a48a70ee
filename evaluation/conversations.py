"""Play every persona against real servers and judge the conversations
(`make eval-conversations`; writes docs/conversation-evaluation.md).

    python -m evaluation.conversations                 # starts its own servers
    python -m evaluation.conversations --url http://127.0.0.1:5005 [--var var/] \
        [--rasa-log var/rasa.log]                      # servers already running
    python -m evaluation.conversations --only zh-fraud-wechat-fee-for-limit --show

Each persona sends its opening, then reads which question the bot asked
(the `utter_action` of the bot events in the conversation, read through the
HTTP API) and answers it in its own words, up to 10 messages.
"""
import argparse
import concurrent.futures
import datetime
import pathlib
import re
import secrets
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set

import requests

from borrower_help.api_token import bearer_token
from borrower_help.conversation_ids import for_rest
from borrower_help.keys import API_SECRET, SESSION_KEY
from evaluation.borrower import (
    _DEFAULTS,
    CLOSING_QUESTIONS,
    FACT_OF_QUESTION,
    Handoff,
    Persona,
    default_answer,
    load_personas,
    yes_no_payload,
)

ROOT = pathlib.Path(__file__).resolve().parents[1]
REPORT = ROOT / "docs" / "conversation-evaluation.md"
MAX_MESSAGES = 10
GIVE_UP_AFTER = 3  # the same line sent this often: the borrower leaves
TARGETS = {"served": 0.95, "dead": 0, "repeated": 0}
# A bot turn that shows the borrower's line was not understood.
MISUNDERSTOOD = ("utter_please_answer_yes_no", "utter_core_fallback", "utter_out_of_scope",
                 "utter_ask_rephrase", "utter_did_you_mean")
# Advice for one problem: given to a borrower who needs other advice, the bot
# took the wrong road (the first wrong turn, even when nothing else shows it).
ADVICE = ("utter_no_code_steps", "utter_login_reset_steps", "utter_face_verification_steps",
          "utter_account_restricted_steps", "utter_improve_credit_tips", "utter_repayment_failed_steps",
          "utter_repayment_options", "utter_overdue_risk_steps", "utter_renew_id_steps", "utter_id_update_steps",
          "utter_id_review_explained", "utter_phone_steps_change_in_app", "utter_phone_steps_via_old_number",
          "utter_phone_steps_identity_check", "utter_fraud_warning", "utter_complaint_ack",
          "utter_repay_without_sms")
# utter_ask_* that are not questions about the borrower's situation.
NOT_QUESTIONS = ("utter_ask_rephrase", "utter_ask_rating_again")
CIRCUIT_BREAKER = re.compile(r"Circuit breaker tripped\. Stopped predicting more actions for sender '([^']+)'")


# ------------------------------------------------------------------ the HTTP side

class Client:
    """The REST channel and the HTTP API of one Rasa server."""

    def __init__(self, url: str, api_secret: Optional[str] = None, session_key: Optional[str] = None,
                 timeout: float = 60):
        """`api_secret` and `session_key`: the servers' (default: this
        machine's var/, as `make run` keeps them)."""
        self.url, self.timeout = url.rstrip("/"), timeout
        self.api_secret = api_secret or API_SECRET.value()
        self.session_key = session_key or SESSION_KEY.value()
        self._local = threading.local()  # a session per thread

    @property
    def http(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def say(self, sender: str, message: str) -> List[Dict[str, Any]]:
        response = self.http.post(f"{self.url}/webhooks/rest/webhook",
                                  json={"sender": sender, "message": message}, timeout=self.timeout)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> Dict[str, Any]:
        """The whole conversation (the REST channel derives its id from the
        sender). The ONE place that authenticates to the HTTP API."""
        conversation = for_rest(sender, self.session_key.encode())
        headers = {"Authorization": f"Bearer {bearer_token('evaluation', 300, secret=self.api_secret)}"}
        response = self.http.get(f"{self.url}/conversations/{conversation}/tracker",
                                 headers=headers, timeout=self.timeout)
        response.raise_for_status()
        return response.json()


def client_for(url: str, var: Optional[pathlib.Path]) -> Client:
    """A client of servers someone else started, with the secrets in `var`."""
    if var is None:
        return Client(url)
    return Client(url, API_SECRET.value(var), SESSION_KEY.value(var))


def handoffs_in(replies: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The `custom.data.handoff` payloads among REST replies."""
    found = []
    for reply in replies:
        handoff = ((reply.get("custom") or {}).get("data") or {}).get("handoff")
        if isinstance(handoff, dict):
            found.append(handoff)
    return found


def circuit_breaker_senders(log: Optional[pathlib.Path]) -> Set[str]:
    if log is None or not log.exists():
        return set()
    return set(CIRCUIT_BREAKER.findall(log.read_text(errors="replace")))


# ------------------------------------------------------------------ a conversation

@dataclass
class BotMessage:
    action: Optional[str]          # metadata.utter_action (None for custom payloads)
    text: str
    buttons: List[Dict[str, str]]


@dataclass
class Turn:
    said: str                      # the borrower's message
    intent: Optional[str]          # what the model made of it
    bot: List[BotMessage]          # the bot's messages in answer, in order
    replies: List[Dict[str, Any]]  # the REST answer as received
    handoffs: List[Dict[str, Any]]

    @property
    def actions(self) -> List[str]:
        return [m.action for m in self.bot if m.action]


def turn_from(said: str, replies: List[Dict[str, Any]], events: List[Dict[str, Any]]) -> Turn:
    """The latest turn of a conversation: the events after the last user event."""
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    intent = None
    if last_user >= 0:
        intent = ((events[last_user].get("parse_data") or {}).get("intent") or {}).get("name")
    bot = [BotMessage((e.get("metadata") or {}).get("utter_action"), e.get("text") or "",
                      list((e.get("data") or {}).get("buttons") or []))
           for e in events[last_user + 1:] if e.get("event") == "bot"]
    return Turn(said, intent, bot, replies, handoffs_in(replies))


def is_question(action: Optional[str]) -> bool:
    return bool(action) and (action in FACT_OF_QUESTION or action in CLOSING_QUESTIONS or (
        action.startswith("utter_ask_") and action not in NOT_QUESTIONS))


@dataclass
class Borrower:
    """A persona in a conversation: what it has said and been asked so far."""
    persona: Persona
    asked: Counter = field(default_factory=Counter)
    reached: Set[str] = field(default_factory=set)
    handed_off: bool = False
    closing_sent: bool = False
    rephrased: int = 0
    raised: Counter = field(default_factory=Counter)
    silent_turns_in_a_row: int = 0

    def goals_met(self) -> bool:
        steps = all(step in self.reached for step in self.persona.expect_steps)
        return steps and (self.handed_off or self.persona.expect_handoff is None)

    def next_message(self, turn: Turn) -> Optional[str]:
        """What the persona says after the bot's turn, or None to leave."""
        persona = self.persona
        self.reached |= set(turn.actions)
        self.handed_off = self.handed_off or bool(turn.handoffs)
        questions = [m for m in turn.bot if is_question(m.action)]
        question = questions[-1] if questions else None
        for q in questions:
            self.asked[q.action] += 1
        if not turn.replies:
            self.silent_turns_in_a_row += 1
            if self.silent_turns_in_a_row >= 2:
                return None  # nobody there: a person gives up
            return _DEFAULTS[persona.language]["again"]
        self.silent_turns_in_a_row = 0
        if self.handed_off:
            return self._close()
        open_problem = next((line for step, line in persona.raises.items() if step not in self.reached), None)
        wrap_up = question is None or question.action in ("utter_ask_solved", "utter_no_human_then",
                                                          "utter_anything_else", "utter_ask_rating")
        if open_problem and wrap_up and self.raised[open_problem] < 2:
            # One problem dealt with, the other not yet: bring it up.
            self.raised[open_problem] += 1
            return open_problem
        if question is not None:
            if persona.taps_buttons:
                payload = yes_no_payload(persona, question.action, self.goals_met())
                if payload and any(b.get("payload") == payload for b in question.buttons):
                    return payload
            own = persona.answer_to(question.action, self.asked[question.action] - 1)
            if own is not None:
                return own
            default = default_answer(persona, question.action, self.goals_met())
            if default is not None:
                return default
        if self.goals_met():
            return self._close()
        # Not understood, lost track, or the bot stopped short of the problem:
        # say it again in other words (or the opening again).
        lines = persona.rephrase or [persona.opening]
        line = lines[self.rephrased % len(lines)]
        self.rephrased += 1
        return line

    def _close(self) -> Optional[str]:
        if self.persona.closing and not self.closing_sent:
            self.closing_sent = True
            return self.persona.closing
        return None


def play(persona: Persona, client: Client, sender: Optional[str] = None,
         max_messages: int = MAX_MESSAGES) -> "Conversation":
    sender = sender or f"eval-{persona.id[:40]}-{secrets.token_hex(6)}"
    borrower = Borrower(persona)
    turns: List[Turn] = []
    sent: Counter = Counter()
    message: Optional[str] = persona.opening
    while message is not None and len(turns) < max_messages:
        if sent[message] >= GIVE_UP_AFTER:
            break  # said three times and still not getting anywhere: a person gives up
        sent[message] += 1
        replies = client.say(sender, message)
        turn = turn_from(message, replies, client.tracker(sender).get("events") or [])
        turns.append(turn)
        message = borrower.next_message(turn)
    return Conversation(persona, sender, turns)


# ------------------------------------------------------------------ judging

@dataclass
class Conversation:
    persona: Persona
    sender: str
    turns: List[Turn]


@dataclass
class Verdict:
    persona: Persona
    served: bool
    dead_turns: List[int]                 # 1-based turn numbers without a reply
    circuit_breaker: bool
    repeated_questions: List[str]         # utter_ask_* asked more than once
    misunderstood_turns: List[int]
    needless_questions: List[str]         # asked about a fact the borrower had already given
    messages: int
    problem: str                          # why not served / the first wrong turn, quoted
    handoff: Optional[Handoff]
    handoff_turn: Optional[int] = None    # 1-based turn of the first handoff

    @property
    def dead(self) -> bool:
        return bool(self.dead_turns) or self.circuit_breaker

    @property
    def dead_only_while_waiting(self) -> bool:
        """Silent only after the handoff (waiting for an agent), no circuit breaker."""
        return (self.dead and not self.circuit_breaker and self.handoff_turn is not None
                and all(t > self.handoff_turn for t in self.dead_turns))


def _quote(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def describe_turn(number: int, turn: Turn) -> str:
    if not turn.replies:
        return f'turn {number}: "{_quote(turn.said, 60)}" → no reply'
    shown = [m for m in turn.bot if m.action] or turn.bot
    names = ", ".join(dict.fromkeys(m.action or "custom" for m in shown))
    first_text = next((m.text for m in turn.bot if m.text), "")
    return f'turn {number}: "{_quote(turn.said, 60)}" ({turn.intent}) → {names}: "{_quote(first_text, 60)}"'


def judge(conversation: Conversation, breaker_senders: Set[str] = frozenset()) -> Verdict:
    persona, turns = conversation.persona, conversation.turns
    reached: Set[str] = set()
    handoffs: List[Dict[str, Any]] = []
    asked: Counter = Counter()
    dead_turns, misunderstood, repeated, needless = [], [], [], []
    wrong: Optional[str] = None
    last_said: Optional[str] = None
    volunteered = {q for q, fact in FACT_OF_QUESTION.items() if fact in persona.volunteers}
    for number, turn in enumerate(turns, start=1):
        reason = None
        if not turn.replies:
            dead_turns.append(number)
            reason = "no reply"
        if turn.intent == "nlu_fallback" or any(a in MISUNDERSTOOD for a in turn.actions):
            misunderstood.append(number)
            reason = reason or "misunderstood"
        for action in turn.actions:
            if not is_question(action):
                if action not in MISUNDERSTOOD:
                    last_said = action
                continue
            # "Did that solve your problem?" after new advice is a new question.
            key = (action, last_said) if action == "utter_ask_solved" else action
            asked[key] += 1
            if asked[key] == 2:
                repeated.append(action)
                reason = reason or f"asked {action} again"
            if action in volunteered and asked[key] == 1:
                needless.append(action)
                reason = reason or f"asked {action} though already told"
        other_advice = [a for a in turn.actions if a in ADVICE and a not in persona.expect_steps]
        if other_advice:
            reason = reason or f"gave {other_advice[0]}, not this borrower's fix"
        if any(turn.actions.count(a) >= 3 for a in set(turn.actions)):
            reason = reason or "the same message three times"
        for handoff in turn.handoffs:
            got = Handoff(handoff.get("reason"), handoff.get("priority"))
            if persona.expect_handoff is None:
                reason = reason or f"unexpected handoff ({got.reason}/{got.priority})"
            elif got != persona.expect_handoff:
                reason = reason or f"handoff {got.reason}/{got.priority}, expected " \
                                   f"{persona.expect_handoff.reason}/{persona.expect_handoff.priority}"
        handoffs += turn.handoffs
        reached |= set(turn.actions)
        if reason and wrong is None:
            wrong = f"{reason}: {describe_turn(number, turn)}"
    got_handoff = Handoff(handoffs[0].get("reason"), handoffs[0].get("priority")) if handoffs else None
    handoff_turn = next((n for n, t in enumerate(turns, start=1) if t.handoffs), None)
    missing = [s for s in persona.expect_steps if s not in reached]
    handoff_right = (got_handoff is None) if persona.expect_handoff is None else (
        any(Handoff(h.get("reason"), h.get("priority")) == persona.expect_handoff for h in handoffs))
    served = not missing and handoff_right
    breaker = conversation.sender in breaker_senders
    if served and wrong is None and not breaker:
        problem = ""
    else:
        parts = []
        if missing:
            parts.append(f"never reached {', '.join(missing)}")
        if persona.expect_handoff is not None and got_handoff is None:
            parts.append(f"no handoff (expected {persona.expect_handoff.reason})")
        elif not handoff_right and got_handoff is not None:
            expected = (f"{persona.expect_handoff.reason}/{persona.expect_handoff.priority}"
                        if persona.expect_handoff else "none")
            parts.append(f"handoff {got_handoff.reason}/{got_handoff.priority} (expected {expected})")
        if breaker:
            parts.append("Rasa's circuit breaker tripped")
        if wrong:
            parts.append(f"first wrong {wrong}")
        problem = "; ".join(parts)
    return Verdict(persona, served, dead_turns, breaker, repeated, misunderstood, needless,
                   len(turns), problem, got_handoff, handoff_turn)


# ------------------------------------------------------------------ the report

@dataclass
class Summary:
    personas: int
    served: int
    dead: int
    dead_waiting: int             # of which silent only while waiting for an agent
    repeated: int                 # conversations with a question asked twice
    repeated_questions: int       # questions asked twice, all conversations
    misunderstood: int            # turns, all conversations
    messages: int
    needless: int

    @property
    def served_share(self) -> float:
        return self.served / self.personas if self.personas else 0.0


def summarise(verdicts: Sequence[Verdict]) -> Summary:
    return Summary(
        personas=len(verdicts),
        served=sum(v.served for v in verdicts),
        dead=sum(v.dead for v in verdicts),
        dead_waiting=sum(v.dead_only_while_waiting for v in verdicts),
        repeated=sum(bool(v.repeated_questions) for v in verdicts),
        repeated_questions=sum(len(v.repeated_questions) for v in verdicts),
        misunderstood=sum(len(v.misunderstood_turns) for v in verdicts),
        messages=sum(v.messages for v in verdicts),
        needless=sum(len(v.needless_questions) for v in verdicts),
    )


def _summary_rows(verdicts: Sequence[Verdict]) -> List[List[str]]:
    rows = []
    for label, group in (("all", verdicts), ("en", [v for v in verdicts if v.persona.language == "en"]),
                         ("zh", [v for v in verdicts if v.persona.language == "zh"])):
        s = summarise(group)
        rows.append([label, str(s.personas), f"{s.served_share:.0%} ({s.served})",
                     f"{s.dead} ({s.dead_waiting} waiting)" if s.dead_waiting else str(s.dead),
                     f"{s.repeated_questions} in {s.repeated}", f"{s.misunderstood} of {s.messages}",
                     str(s.needless)])
    return rows


SUMMARY_HEADER = ["", "personas", "served", "dead chats", "repeated questions",
                  "misunderstood turns", "asked what was already said"]


def table(verdicts: Sequence[Verdict]) -> str:
    """The terminal table."""
    lines = []
    for v in verdicts:
        mark = "served" if v.served else "NOT   "
        flags = []
        if v.dead:
            flags.append("dead")
        if v.repeated_questions:
            flags.append(f"rep×{len(v.repeated_questions)}")
        if v.misunderstood_turns:
            flags.append(f"mis×{len(v.misunderstood_turns)}")
        lines.append(f"{mark} {v.persona.id:<44} {v.messages:>2} msgs {' '.join(flags):<22} {v.problem}")
    widths = [max(len(r[i]) for r in [SUMMARY_HEADER] + _summary_rows(verdicts)) for i in range(len(SUMMARY_HEADER))]
    lines.append("")
    for row in [SUMMARY_HEADER] + _summary_rows(verdicts):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))
    return "\n".join(lines)


def markdown(verdicts: Sequence[Verdict], note: str = "") -> str:
    s = summarise(verdicts)
    met = lambda ok: "met" if ok else "**not met**"  # noqa: E731
    out = [
        "# Conversation evaluation",
        "",
        "Written by `make eval-conversations` (`python -m evaluation.conversations`); do not edit by hand.",
        f"Run {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')} against "
        f"`models/borrower-help.tar.gz`. {note}".rstrip(),
        "",
        f"{s.personas} borrower personas (`evaluation/personas/*.yml`: "
        f"{sum(v.persona.language == 'en' for v in verdicts)} English, "
        f"{sum(v.persona.language == 'zh' for v in verdicts)} Chinese) each talk to the real action "
        "server and Rasa server over the REST channel, in free text (buttons only where a persona "
        f"is marked `taps_buttons`), up to {MAX_MESSAGES} messages. After every bot turn the persona "
        "reads which question was asked (`metadata.utter_action` of the bot events in the "
        "conversation) and answers it in its own words, consistent with its facts.",
        "",
        "## Targets",
        "",
        "| | target | measured | |",
        "|---|---:|---:|---|",
        f"| served | ≥ 95 % | {s.served_share:.0%} ({s.served} of {s.personas}) | {met(s.served_share >= TARGETS['served'])} |",
        f"| dead chats | 0 | {s.dead} ({s.dead_waiting} of them silent only while waiting for an agent) | "
        f"{met(s.dead == 0)} |",
        f"| repeated questions | 0 | {s.repeated_questions} (in {s.repeated} conversations) | "
        f"{met(s.repeated_questions == 0)} |",
        f"| misunderstood turns | (fewer is better) | {s.misunderstood} of {s.messages} borrower messages | |",
        "",
        "- **served**: every advice response the persona needs was given, and a handoff happened "
        "exactly when expected (same reason and priority), none otherwise, within "
        f"{MAX_MESSAGES} messages.",
        "- **dead chat**: a borrower message that got no reply at all, or Rasa's circuit breaker "
        "tripped for the conversation (server log). \"Waiting\": the only silence came after the "
        "handoff, while the conversation waits for an agent (the short \"passed to the agent\" reply "
        "of the waiting state is being added); the rest went silent in the middle of the bot's own work.",
        "- **repeated question**: the same `utter_ask_*` question twice in one conversation.",
        "- **misunderstood turn**: a persona line answered with `nlu_fallback`, "
        + ", ".join(f"`{a}`" for a in MISUNDERSTOOD[:-1]) + " or `utter_did_you_mean`.",
        "- **asked what was already said** (not a target): a question about a fact the persona "
        "stated in its opening (`volunteers`), against SPEC \"never ask what the borrower already said\".",
        "",
        "## Figures",
        "",
        "| " + " | ".join(SUMMARY_HEADER[1:]) + " | language |",
        "|" + "---:|" * (len(SUMMARY_HEADER) - 1) + "---|",
    ]
    for row in _summary_rows(verdicts):
        out.append("| " + " | ".join(row[1:]) + f" | {row[0]} |")
    out += ["", "## Per persona", "",
            "First wrong turn: the first borrower message answered with no reply, a misunderstanding, "
            "a question asked again or already answered, advice for a problem this borrower does not have, "
            "or an unexpected handoff; quoted as "
            "`\"borrower\" (intent) → bot responses: \"bot text\"`.", ""]
    out_tail = [
        "", "## Running it", "",
        "- `make eval-conversations` starts an action server and a Rasa server for the run "
        "(`evaluation/servers.py`) and rewrites this page; `python -m evaluation.conversations --url URL "
        "[--var VAR] --rasa-log LOG` uses servers already running; `--only ID --show` prints one "
        "persona's conversation turn by turn.",
        "- Personas: `evaluation/personas/en.yml`, `zh.yml` (format and validation in "
        "`evaluation/borrower.py`; `tests/evaluation/` checks that every one loads and that they "
        "cover every problem intent and every branch of both headline flows in both languages).",
        "- The \"never silent\" property test (random conversations, every state) is "
        "`tests/http/test_never_silent.py`, run by `make test-http`; `make bench-never-silent` runs it "
        "at 1000 conversations.",
    ]
    for v in verdicts:
        status = "served" if v.served else "**not served**"
        extra = []
        if v.dead:
            extra.append("dead chat")
        if v.repeated_questions:
            extra.append("asked twice: " + ", ".join(f"`{q}`" for q in v.repeated_questions))
        if v.misunderstood_turns:
            extra.append(f"{len(v.misunderstood_turns)} misunderstood")
        detail = "; ".join(extra + ([v.problem] if v.problem else []))
        out.append(f"- `{v.persona.id}` ({v.persona.persona}): {status} in {v.messages} messages"
                   + (f" — {detail}" if detail else ""))
    return "\n".join(out + out_tail) + "\n"


# ------------------------------------------------------------------ running

def evaluate(personas: Sequence[Persona], client: Client, rasa_log: Optional[pathlib.Path],
             workers: int = 2) -> List[Verdict]:
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        conversations = list(pool.map(lambda p: play(p, client), personas))
    time.sleep(0.5)  # let the server's log catch up
    breakers = circuit_breaker_senders(rasa_log)
    return [judge(c, breakers) for c in conversations]


def show(conversation: Conversation) -> str:
    lines = [f"== {conversation.persona.id} ({conversation.sender})"]
    for number, turn in enumerate(conversation.turns, start=1):
        lines.append(f"{number:>2} borrower: {turn.said}   [{turn.intent}]")
        for m in turn.bot:
            lines.append(f"     bot {m.action or 'custom'}: {_quote(m.text, 100)}")
        if not turn.replies:
            lines.append("     (no reply)")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running Rasa server (default: start our own)")
    parser.add_argument("--var", type=pathlib.Path, help="its var/ folder with the API secret and session key "
                        "(with --url; default: this checkout's var/)")
    parser.add_argument("--rasa-log", type=pathlib.Path, help="its log, for the circuit breaker (with --url)")
    parser.add_argument("--only", action="append", help="persona id (repeatable)")
    parser.add_argument("--show", action="store_true", help="print every conversation")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=pathlib.Path, default=REPORT,
                        help="the report (default docs/conversation-evaluation.md; not written with --only)")
    args = parser.parse_args(argv)
    personas = load_personas()
    if args.only:
        personas = [p for p in personas if p.id in set(args.only)]
        if not personas:
            parser.error(f"no persona {args.only}")

    def run(client: Client, rasa_log: Optional[pathlib.Path], note: str) -> List[Verdict]:
        if args.show:
            conversations = [play(p, client) for p in personas]
            for c in conversations:
                print(show(c))
            breakers = circuit_breaker_senders(rasa_log)
            return [judge(c, breakers) for c in conversations]
        return evaluate(personas, client, rasa_log, args.workers)

    if args.url:
        note = "" if args.rasa_log else "(circuit breaker not checked: no --rasa-log)"
        verdicts = run(client_for(args.url, args.var), args.rasa_log, note)
    else:
        from evaluation.servers import start_servers

        note = ""
        print("Starting an action server and a Rasa server...", file=sys.stderr)
        with start_servers() as running:
            verdicts = run(Client(running.url, running.api_secret, running.session_key), running.rasa_log, note)
    print(table(verdicts))
    if not args.only:
        args.out.write_text(markdown(verdicts, note), encoding="utf-8")
        print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
