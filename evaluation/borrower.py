"""Simulated borrowers: persona files, their validation, and how a persona
answers the bot (pure: no HTTP here, so it is unit-tested on its own).

A persona (evaluation/personas/<language>.yml, a list under `personas:`):

    - id: en-phone-old-sim-gone           # unique, [a-z0-9-]
      language: en                        # en | zh
      persona: one line: who this is
      problems: [report_phone_changed]    # SPEC intents this borrower brings
      facts:                              # the true answers (booleans)
        repayment_due_soon: false
        can_log_in: false
        old_number_reachable: false
      volunteers: [old_number_reachable]  # facts already said in the opening (optional)
      opening: "their own first message"
      answers:                            # keyed by the question's response name;
        utter_ask_phone_changed_form_can_log_in: "登不上啊 密码早忘了"
        # a list: the first line the first time, the next when asked again
      rephrase: "what they say when asked to say it again"   # optional, default: the opening
      raises:                             # optional, for borrowers with two problems: how they
        utter_id_update_steps: "my ID expired too"   # bring up the one whose steps are still missing
      closing: "ok thanks"                # optional, said once the bot has done its job
      taps_buttons: false                 # optional: true taps yes/no buttons instead of typing
      expect:
        steps: [utter_phone_steps_identity_check]     # advice that must be reached
        handoff: none                     # or {reason: fraud, priority: high}

`validate` refuses a persona whose answers miss a question its flow can ask,
whose facts miss what decides the advice, or whose `expect` disagrees with
what SPEC.md's guided flows give for those facts.
"""
import pathlib
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
PERSONA_DIR = pathlib.Path(__file__).resolve().parent / "personas"
LANGUAGES = ("en", "zh")

# SPEC "Problem taxonomy": the problem intents a persona may bring.
PROBLEMS = (
    "report_phone_changed", "report_id_expired", "report_no_verification_code",
    "report_login_failed", "report_face_verification_failed", "report_repayment_failed",
    "ask_repayment_options", "report_account_restricted", "ask_renew_id",
    "ask_improve_credit", "report_overdue_risk", "report_fraud", "file_complaint",
    "request_human",
)
# docs/api.md "When the bot hands over to a person".
HANDOFF_REASONS = ("request_human", "fraud", "complaint", "repeated_fallback",
                   "not_solved", "repayment_due", "overdue_risk")
PRIORITIES = ("high", "normal")

PHONE_Q = {slot: f"utter_ask_phone_changed_form_{slot}" for slot in
           ("repayment_due_soon", "can_repay_now", "can_log_in", "old_number_reachable")}
ID_Q = {slot: f"utter_ask_id_expired_form_{slot}" for slot in ("has_new_id", "id_updated_in_app")}
LOGIN_Q = {"uses_registered_number": "utter_ask_login_has_number"}
# Every yes/no question, and the fact that answers it.
FACT_OF_QUESTION = {q: slot for mapping in (PHONE_Q, ID_Q, LOGIN_Q) for slot, q in mapping.items()}
FACTS = tuple(FACT_OF_QUESTION.values())

# Questions at the end of flows and around handoffs: a persona may answer
# them in its own words; otherwise `default_answer` does, from `expect`.
CLOSING_QUESTIONS = ("utter_ask_solved", "utter_offer_human", "utter_offer_human_after_misses",
                     "utter_ask_rating", "utter_ask_rating_comment", "utter_no_human_then",
                     "utter_anything_else")

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")
_KEYS = {"id", "language", "persona", "problems", "facts", "volunteers", "opening", "answers",
         "rephrase", "raises", "closing", "taps_buttons", "expect"}


class PersonaError(ValueError):
    """A persona file that cannot be used, with where and why."""


@dataclass(frozen=True)
class Handoff:
    reason: str
    priority: str


@dataclass
class Persona:
    id: str
    language: str
    persona: str
    problems: List[str]
    facts: Dict[str, bool]
    opening: str
    answers: Dict[str, List[str]]
    expect_steps: List[str]
    expect_handoff: Optional[Handoff]
    volunteers: List[str] = field(default_factory=list)
    rephrase: List[str] = field(default_factory=list)
    raises: Dict[str, str] = field(default_factory=dict)
    closing: Optional[str] = None
    taps_buttons: bool = False
    source: str = ""

    def answer_to(self, question: str, times_asked_before: int) -> Optional[str]:
        """The persona's own line for a question (the next variant when asked
        again), or None when it has none."""
        lines = self.answers.get(question)
        if not lines:
            return None
        return lines[min(times_asked_before, len(lines) - 1)]


def _domain_responses() -> Set[str]:
    names: Set[str] = set()
    for path in sorted((ROOT / "domain").glob("*.yml")):
        names |= set((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {})
    return names


def flow_questions(problems: Iterable[str], facts: Dict[str, bool]) -> List[str]:
    """Every yes/no question the flows of these problems can ask (whatever the
    bot makes of the answers), so a persona must have an answer to each."""
    questions: List[str] = []
    problems = list(problems)
    login_to_phone = "report_login_failed" in problems and facts.get("uses_registered_number") is False
    if "report_login_failed" in problems:
        questions.append(LOGIN_Q["uses_registered_number"])
    if "report_phone_changed" in problems or login_to_phone:
        questions += list(PHONE_Q.values())
    if "report_id_expired" in problems:
        questions += list(ID_Q.values())
    return questions


def decisive_facts(problems: Iterable[str], facts: Dict[str, bool]) -> List[str]:
    """The facts that decide the advice (SPEC "Guided flows")."""
    needed: List[str] = []
    problems = list(problems)
    if "report_login_failed" in problems:
        needed.append("uses_registered_number")
    if "report_phone_changed" in problems or (
            "report_login_failed" in problems and facts.get("uses_registered_number") is False):
        needed += ["repayment_due_soon"]
        if facts.get("repayment_due_soon"):
            needed.append("can_repay_now")
        if not (facts.get("repayment_due_soon") and facts.get("can_repay_now") is False):
            needed.append("can_log_in")
            if facts.get("can_log_in") is False:
                needed.append("old_number_reachable")
    if "report_id_expired" in problems:
        needed.append("has_new_id")
        if facts.get("has_new_id"):
            needed.append("id_updated_in_app")
    return needed


def spec_steps(problems: Iterable[str], facts: Dict[str, bool]) -> Tuple[List[str], Optional[Handoff]]:
    """What SPEC.md's guided flows give for the phone, ID and login facts: the
    advice responses that must be reached, and a handoff the facts force."""
    problems = list(problems)
    steps: List[str] = []
    handoff = None
    if "report_phone_changed" in problems or (
            "report_login_failed" in problems and facts.get("uses_registered_number") is False):
        if facts.get("repayment_due_soon"):
            steps.append("utter_repay_without_sms")
        if facts.get("repayment_due_soon") and facts.get("can_repay_now") is False:
            handoff = Handoff("repayment_due", "high")
        elif facts.get("can_log_in"):
            steps.append("utter_phone_steps_change_in_app")
        elif facts.get("old_number_reachable"):
            steps.append("utter_phone_steps_via_old_number")
        else:
            steps.append("utter_phone_steps_identity_check")
    if "report_login_failed" in problems and facts.get("uses_registered_number"):
        steps.append("utter_login_reset_steps")
    if "report_id_expired" in problems:
        if not facts.get("has_new_id"):
            steps.append("utter_renew_id_steps")
        elif not facts.get("id_updated_in_app"):
            steps.append("utter_id_update_steps")
        else:
            steps.append("utter_id_review_explained")
    if "report_fraud" in problems:
        steps.append("utter_fraud_warning")
        handoff = Handoff("fraud", "high")
    if "file_complaint" in problems:
        handoff = handoff or Handoff("complaint", "high")
    return steps, handoff


def _lines(value: Any, where: str) -> List[str]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise PersonaError(f"{where}: a non-empty line or a list of non-empty lines is needed")
    return [v.strip() for v in values]


def parse_persona(raw: Any, source: str = "", responses: Optional[Set[str]] = None) -> Persona:
    """One persona from its YAML mapping, validated; PersonaError says what is wrong."""
    where = f"{source}: persona {raw.get('id', '?') if isinstance(raw, dict) else '?'}"
    if not isinstance(raw, dict):
        raise PersonaError(f"{where}: a mapping is needed, got {type(raw).__name__}")
    unknown = set(raw) - _KEYS
    if unknown:
        raise PersonaError(f"{where}: unknown keys {sorted(unknown)} (allowed: {sorted(_KEYS)})")
    for key in ("id", "language", "persona", "problems", "opening", "expect"):
        if key not in raw:
            raise PersonaError(f"{where}: '{key}' is missing")
    pid = raw["id"]
    if not isinstance(pid, str) or not _ID.match(pid):
        raise PersonaError(f"{where}: id must be 3-64 characters of a-z, 0-9 and '-'")
    if raw["language"] not in LANGUAGES:
        raise PersonaError(f"{where}: language must be one of {LANGUAGES}, got {raw['language']!r}")
    if not isinstance(raw["persona"], str) or "\n" in raw["persona"].strip() or not raw["persona"].strip():
        raise PersonaError(f"{where}: 'persona' is one line describing who this is")
    problems = raw["problems"] if isinstance(raw["problems"], list) else [raw["problems"]]
    bad = [p for p in problems if p not in PROBLEMS]
    if not problems or bad:
        raise PersonaError(f"{where}: problems {bad or problems} are not SPEC problem intents {PROBLEMS}")
    facts = raw.get("facts") or {}
    if not isinstance(facts, dict):
        raise PersonaError(f"{where}: 'facts' must be a mapping of fact: true/false")
    for name, value in facts.items():
        if name not in FACTS:
            raise PersonaError(f"{where}: unknown fact {name!r} (known: {FACTS})")
        if not isinstance(value, bool):
            raise PersonaError(f"{where}: fact {name} must be true or false, got {value!r}")
    missing = [f for f in decisive_facts(problems, facts) if f not in facts]
    if missing:
        raise PersonaError(f"{where}: facts {missing} decide the advice for {problems} and are missing")
    volunteers = raw.get("volunteers") or []
    if not isinstance(volunteers, list) or any(v not in facts for v in volunteers):
        raise PersonaError(f"{where}: 'volunteers' lists facts given in 'facts', got {volunteers!r}")
    opening = _lines(raw["opening"], f"{where}: opening")
    if len(opening) != 1:
        raise PersonaError(f"{where}: opening is one message")
    answers_raw = raw.get("answers") or {}
    if not isinstance(answers_raw, dict):
        raise PersonaError(f"{where}: 'answers' must map question response names to lines")
    responses = responses if responses is not None else _domain_responses()
    answers = {}
    for question, value in answers_raw.items():
        if question not in responses:
            raise PersonaError(f"{where}: answers: {question!r} is not a response in domain/")
        answers[question] = _lines(value, f"{where}: answers.{question}")
    missing = [q for q in flow_questions(problems, facts) if q not in answers]
    if missing:
        raise PersonaError(f"{where}: no answer to {missing}, which the flow can ask")
    expect = raw["expect"]
    if not isinstance(expect, dict) or not set(expect) <= {"steps", "handoff"} or not expect:
        raise PersonaError(f"{where}: expect is a mapping with 'steps' and/or 'handoff'")
    steps = expect.get("steps") or []
    if not isinstance(steps, list) or any(s not in responses for s in steps):
        raise PersonaError(f"{where}: expect.steps must be response names from domain/, got {steps!r}")
    handoff_raw = expect.get("handoff", "none")
    if handoff_raw in ("none", "no handoff", None, False):
        handoff = None
    elif isinstance(handoff_raw, dict) and set(handoff_raw) == {"reason", "priority"}:
        if handoff_raw["reason"] not in HANDOFF_REASONS or handoff_raw["priority"] not in PRIORITIES:
            raise PersonaError(f"{where}: expect.handoff reason must be one of {HANDOFF_REASONS} "
                               f"and priority one of {PRIORITIES}, got {handoff_raw}")
        handoff = Handoff(handoff_raw["reason"], handoff_raw["priority"])
    else:
        raise PersonaError(f"{where}: expect.handoff is 'none' or {{reason: ..., priority: ...}}")
    if not steps and handoff is None:
        raise PersonaError(f"{where}: expect names no steps and no handoff: nothing to judge")
    want_steps, forced = spec_steps(problems, facts)
    lacking = [s for s in want_steps if s not in steps]
    if lacking:
        raise PersonaError(f"{where}: expect.steps lacks {lacking}, which SPEC's flows give for these facts")
    if forced and handoff is None:
        raise PersonaError(f"{where}: these facts call for a handoff ({forced.reason}) and expect says none")
    taps = raw.get("taps_buttons", False)
    if not isinstance(taps, bool):
        raise PersonaError(f"{where}: taps_buttons is true or false")
    closing = raw.get("closing")
    if closing is not None:
        closing = _lines(closing, f"{where}: closing")[0]
    rephrase = _lines(raw["rephrase"], f"{where}: rephrase") if raw.get("rephrase") else []
    raises_raw = raw.get("raises") or {}
    if not isinstance(raises_raw, dict) or any(step not in steps for step in raises_raw):
        raise PersonaError(f"{where}: 'raises' maps steps named in expect.steps to a line, got {raises_raw!r}")
    raises = {step: _lines(line, f"{where}: raises.{step}")[0] for step, line in raises_raw.items()}
    if len(problems) > 1 and not raises:
        raise PersonaError(f"{where}: a borrower with {len(problems)} problems needs 'raises': how they "
                           f"bring up the one the bot has not answered yet")
    return Persona(id=pid, language=raw["language"], persona=raw["persona"].strip(), problems=problems,
                   facts=facts, opening=opening[0], answers=answers, expect_steps=steps,
                   expect_handoff=handoff, volunteers=volunteers, rephrase=rephrase, raises=raises, closing=closing,
                   taps_buttons=taps, source=source)


def load_personas(paths: Optional[Sequence[pathlib.Path]] = None) -> List[Persona]:
    """Every persona in the files (default: evaluation/personas/*.yml), validated."""
    paths = list(paths) if paths else sorted(PERSONA_DIR.glob("*.yml"))
    if not paths:
        raise PersonaError(f"no persona files in {PERSONA_DIR}")
    responses = _domain_responses()
    personas: List[Persona] = []
    seen: Dict[str, str] = {}
    for path in paths:
        try:
            document = yaml.safe_load(pathlib.Path(path).read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise PersonaError(f"{path}: not valid YAML: {error}") from None
        if not isinstance(document, dict) or not isinstance(document.get("personas"), list):
            raise PersonaError(f"{path}: a mapping with a 'personas' list is needed")
        for raw in document["personas"]:
            persona = parse_persona(raw, str(path), responses)
            if persona.id in seen:
                raise PersonaError(f"{path}: persona id {persona.id!r} also in {seen[persona.id]}")
            seen[persona.id] = str(path)
            personas.append(persona)
    return personas


# ---------------------------------------------------------------- answering

_DEFAULTS = {
    "en": {"yes": "yes", "no": "no", "solved": "yes that worked", "not_solved": "no, still not working",
           "person_yes": "yes please", "person_no": "no thanks", "rating": "5", "no_comment": "no",
           "nothing_else": "no that's all", "again": "hello? are you there?",
           "confused": "what? that's not my problem"},
    "zh": {"yes": "是的", "no": "不是", "solved": "解决了", "not_solved": "还是不行",
           "person_yes": "好的 转人工吧", "person_no": "不用了", "rating": "5", "no_comment": "没有了",
           "nothing_else": "没有了", "again": "在吗？", "confused": "啊？我问的不是这个"},
}


def default_answer(persona: Persona, question: str, goals_met: bool) -> Optional[str]:
    """What the persona says to an end-of-flow question it has no own line
    for. A borrower whose problem the bot has not solved says so, and takes
    the person offered; one who got what they came for declines."""
    words = _DEFAULTS[persona.language]
    wants_person = persona.expect_handoff is not None and persona.expect_handoff.reason in (
        "not_solved", "overdue_risk", "repeated_fallback", "request_human")
    if question == "utter_ask_solved":
        return words["not_solved"] if wants_person or not goals_met else words["solved"]
    if question in ("utter_offer_human", "utter_offer_human_after_misses"):
        return words["person_yes"] if persona.expect_handoff is not None or not goals_met else words["person_no"]
    if question == "utter_ask_rating":
        return words["rating"]
    if question == "utter_ask_rating_comment":
        return words["no_comment"]
    if question in ("utter_no_human_then", "utter_anything_else") and goals_met:
        return persona.closing or words["nothing_else"]
    if question in FACT_OF_QUESTION:
        return words["confused"]  # a question about a problem this borrower does not have
    return None  # e.g. "anything else?" with the problem still open: they say it again


def yes_no_payload(persona: Persona, question: str, goals_met: bool) -> Optional[str]:
    """The button a tapping persona presses: /affirm or /deny, or None."""
    if question in FACT_OF_QUESTION and FACT_OF_QUESTION[question] in persona.facts:
        return "/affirm" if persona.facts[FACT_OF_QUESTION[question]] else "/deny"
    answer = default_answer(persona, question, goals_met)
    words = _DEFAULTS[persona.language]
    if answer in (words["solved"], words["person_yes"]):
        return "/affirm"
    if answer in (words["not_solved"], words["person_no"], words["no_comment"]):
        return "/deny"
    return None
