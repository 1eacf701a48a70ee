"""Reading one borrower message in the context of the conversation.

The NLU model reads every message alone. Here the same message is read as
the answer to the question the bot just asked, with what the borrower said
before, and with the signals that must not depend on the model:

 1. a scam story is a fraud report, in every state;
 2. a complaint is a complaint; any way of asking for a person reaches one;
 3. a button's title typed as text is that button;
 4. "you misunderstood" starts over; a correction of an answer given earlier
    re-runs that flow with the corrected answer;
 5. the answer to the question just asked is read as one: yes, no, unsure,
    "tomorrow", a rating — and a full sentence that mentions the question's
    subject is still an answer ("no, I can't pay any of those ways");
 6. the cause wins over its symptoms ("换号了 收不到验证码" is the changed number);
 7. money taken but not posted is a failed repayment, told not to pay twice;
 8. a rating is only ever read where the bot asked for one;
 9. a question about a step the bot just gave asks for that step's detail;
and, from every message, the flow answers it states ("旧卡已经注销了",
"明天要还款"), so no question is asked twice.

Pure: the Rasa server's MessageInspector (rasa_extensions/components)
builds the Context from the tracker and applies the Reading.
"""
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Text

from borrower_help import answers, catalogue, signals, step_details
from borrower_help.answers import NO, UNSURE, YES

ANSWER = "answer"  # entity: the answer to a flow's question (True, False, "unsure")

# The questions the bot asks (the response that asks them), by kind.
FORM_QUESTIONS: Dict[Text, Text] = {
    "utter_ask_phone_changed_form_repayment_due_soon": "repayment_due_soon",
    "utter_ask_phone_changed_form_can_repay_now": "can_repay_now",
    "utter_ask_phone_changed_form_can_log_in": "can_log_in",
    "utter_ask_phone_changed_form_old_number_reachable": "old_number_reachable",
    "utter_ask_id_expired_form_has_new_id": "has_new_id",
    "utter_ask_id_expired_form_id_updated_in_app": "id_updated_in_app",
}
YES_NO_QUESTIONS = ("utter_ask_login_has_number", "utter_ask_no_code_number_still_yours", "utter_ask_solved",
                    "utter_offer_human", "utter_offer_human_after_misses", "utter_anything_else")
RATING_QUESTIONS = ("utter_ask_rating", "utter_ask_rating_again")
COMMENT_QUESTION = "utter_ask_rating_comment"
# What the model may make of a comment ("the agent was very patient", "Mei was
# quick and kind") that would leave the comment unsaid and start something new:
# the rating_comment slot's mapping refuses these intents (domain/satisfaction.yml).
NOT_A_COMMENT = ("request_human", "report_fraud", "file_complaint")
DID_YOU_MEAN = "utter_did_you_mean"
FLOW_OF_SLOT = {slot: flow for flow, slots in catalogue.FLOW_ANSWERS.items() for slot in slots}
FLOW_INTENT = {"phone_changed": "report_phone_changed", "id_expired": "report_id_expired"}
# Intents that are always a new topic, never an answer.
ALWAYS_NEW = {"request_human", "report_fraud", "file_complaint", "start_over", "bot_challenge"}


@dataclass
class Context:
    """What the conversation tells about the latest message."""
    last_question: Optional[Text] = None  # the response of the bot's latest message
    recent_responses: List[Text] = field(default_factory=list)  # the bot's latest responses, newest last
    buttons: List[Dict[Text, Any]] = field(default_factory=list)  # of the bot's latest message
    slots: Dict[Text, Any] = field(default_factory=dict)
    active_form: Optional[Text] = None
    requested_slot: Optional[Text] = None


@dataclass
class Reading:
    intent: Optional[Text] = None  # None: the model's intent stands
    entities: Dict[Text, Any] = field(default_factory=dict)
    why: Text = ""

    def entity_list(self) -> List[Dict[Text, Any]]:
        return [{"entity": name, "value": value, "start": 0, "end": 0, "confidence_entity": 1.0,
                 "extractor": "MessageInspector"} for name, value in self.entities.items()]


def _button_payload(text: Text, buttons: Sequence[Dict[Text, Any]]) -> Optional[Text]:
    wanted = _plain(text)
    for button in buttons:
        if wanted and _plain(str(button.get("title", ""))) == wanted:
            return str(button.get("payload", ""))
    return None


# Below this, a second guess is noise: "非常满意" unasked is not a complaint
# because "不满意" is one.
SECOND_GUESS_AT_LEAST = 0.3


def _plain(text: Text) -> Text:
    return "".join(c for c in text.casefold() if c.isalnum())


def _next_best(ranking: Sequence[Dict[Text, Any]], excluded: Sequence[Text],
               at_least: float = 0.0) -> Optional[Text]:
    for candidate in ranking:
        if candidate.get("name") not in excluded:
            return candidate.get("name") if candidate.get("confidence", 0.0) >= at_least else None
    return None


def read(text: Text, intent: Optional[Text], ranking: Sequence[Dict[Text, Any]], context: Context) -> Reading:
    """The message's intent in context (None: the model's stands) and the
    entities it carries."""
    reading = Reading()
    payload = text.strip().startswith("/")
    id_flow = context.active_form == "id_expired_form" or context.slots.get("problem") == "id_expired"
    facts = {} if payload else signals.stated_facts(text, about_the_id=id_flow)
    reading.entities.update(facts)
    if payload:
        return _payload(intent, context, reading)

    complaint = signals.is_complaint(text)
    fee_dispute = complaint and signals.fee_already_charged(text)
    if signals.is_scam(text) and not fee_dispute:
        return _set(reading, "report_fraud", "a scam story")
    if complaint and (intent != "report_fraud" or fee_dispute):
        return _set(reading, "file_complaint", "a complaint")
    if context.last_question == COMMENT_QUESTION:
        return _comment(text, intent, reading)
    if signals.wants_a_person(text):
        if context.last_question in ("utter_offer_human", "utter_offer_human_after_misses"):
            return _set(reading, "affirm", "yes to the person offered")
        return _set(reading, "request_human", "asks for a person")
    if signals.declines_a_person(text) and _top(intent, ranking) == "request_human":
        return _set(reading, "deny", "declines a person")
    button = _button_payload(text, context.buttons)
    if button:
        return _set(reading, button.lstrip("/").split("{")[0], "a button's title typed")

    phone_flow = context.active_form == "phone_changed_form" or context.slots.get("problem") == "phone_changed"
    if signals.says_misunderstood(text) or (phone_flow and signals.denies_a_number_change(text)):
        reading.entities["misunderstood"] = True
        return _set(reading, "start_over", "the bot misunderstood")
    corrected = _corrected_flow(facts, context)
    if corrected:
        reading.entities["corrected"] = True
        return _set(reading, FLOW_INTENT[corrected], f"a correction of the {corrected} answers")

    answered = _answer(text, intent, facts, context, reading)
    if answered is not None:
        return answered

    if intent == "report_fraud" and signals.fraud_misread(text):
        return _set(reading, "report_account_restricted", "frozen, with no word of fraud")
    if intent in ("report_id_expired", "ask_renew_id") and signals.bank_card_not_id(text):
        return _set(reading, "out_of_scope", "a bank card, not the ID card")
    cause = signals.cause_behind(text, intent) or _cause_from_facts(text, facts, intent)
    if cause is None and (intent in CONVERSATIONAL or intent is None):
        cause = signals.named_cause(text)
    if cause:
        return _set(reading, cause, "the cause, not the symptom")
    if signals.money_taken_not_posted(text):
        reading.entities["money_taken"] = True
        return _set(reading, "report_repayment_failed", "money taken but not posted")
    if intent == "rate":
        # "非常满意" unasked: the model's second guess only if it believed in it.
        return _set(reading, _next_best(ranking, ("rate",), SECOND_GUESS_AT_LEAST) or "nlu_fallback",
                    "no rating was asked for")
    topic = step_details.asked_about(text, context.recent_responses)
    if topic:
        reading.entities["step_topic"] = topic.name
        return _set(reading, "ask_step_detail", f"a question about the step '{topic.name}'")
    return reading


# Intents that say nothing about a problem: a message that names a cause is
# about that cause ("got a new sim card, now the codes don't come" read as deny).
CONVERSATIONAL = {"affirm", "deny", "nlu_fallback", "out_of_scope", "thank", "goodbye", "greet", "bot_challenge"}
FLOW_FACTS = {"phone_changed": {"old_number_reachable"}, "id_expired": {"has_new_id", "id_updated_in_app"}}


def _cause_from_facts(text: Text, facts: Dict[Text, bool], intent: Optional[Text]) -> Optional[Text]:
    """"新身份证在APP里传过了 多久能恢复额度": the ID flow's facts, told with
    one of its symptoms, make it the ID flow. Told alone as an answer ("yes
    I've updated it already", "传过了"), they stay the answer."""
    if intent in CONVERSATIONAL and _answer_shaped(text):
        return None
    for flow, slots in FLOW_FACTS.items():
        cause = FLOW_INTENT[flow]
        if slots & set(facts) and intent in signals.SYMPTOMS_OF[cause] | CONVERSATIONAL:
            return cause
    return None


def _top(intent: Optional[Text], ranking: Sequence[Dict[Text, Any]]) -> Optional[Text]:
    """The model's intent, or its best guess under the fallback threshold."""
    if intent == "nlu_fallback":
        return _next_best(ranking, ("nlu_fallback",))
    return intent


def _set(reading: Reading, intent: Text, why: Text) -> Reading:
    reading.intent, reading.why = intent, why
    return reading


def _comment(text: Text, intent: Optional[Text], reading: Reading) -> Reading:
    """Free text after "anything to add?" is the comment. Scams and complaints
    were read before; a person is asked for only in plain words."""
    if signals.asks_for_a_person(text):
        return _set(reading, "request_human", "asks for a person")
    if intent in NOT_A_COMMENT:
        return _set(reading, "thank", "the rating's comment")
    return reading


def _payload(intent: Optional[Text], context: Context, reading: Reading) -> Reading:
    """A button (or a client's payload): the answer to a form's question."""
    question_slot = FORM_QUESTIONS.get(context.last_question or "")
    if question_slot and intent in ("affirm", "deny"):
        reading.entities[ANSWER] = intent == "affirm"
    return reading


def _corrected_flow(facts: Dict[Text, bool], context: Context) -> Optional[Text]:
    """The flow whose earlier answer `facts` contradicts, when that flow has
    already given its advice (inside the form the slot simply changes)."""
    for slot, value in facts.items():
        given = answers.as_bool(context.slots.get(slot))
        flow = FLOW_OF_SLOT.get(slot)
        if given is not None and given != value and flow and not context.active_form \
                and context.slots.get("problem") == flow:
            return flow
    return None


def _answer(text: Text, intent: Optional[Text], facts: Dict[Text, bool], context: Context,
            reading: Reading) -> Optional[Reading]:
    """The message read as the answer to the bot's latest question, or None."""
    question = context.last_question or ""
    if intent in ALWAYS_NEW and not answers.starts_with_yes_or_no(text):
        return None  # the model's new topic, unless the words plainly answer
    if question in RATING_QUESTIONS:
        score = answers.parse_score(text)
        if score is not None:
            reading.entities["rating_score"] = str(score)
            return _set(reading, "rate", "a rating, asked for")
        return None
    slot = FORM_QUESTIONS.get(question)
    if slot:
        value = _form_answer(text, slot, facts, intent)
        if value is None:
            return None
        reading.entities[ANSWER] = value
        if value == UNSURE:
            return _set(reading, "nlu_fallback", f"not sure about {slot}")
        return _set(reading, "affirm" if value else "deny", f"answers {slot}")
    if question == DID_YOU_MEAN:
        answer = answers.parse_answer(text)
        if answer == YES and context.buttons:
            first = str(context.buttons[0].get("payload", "")).lstrip("/")
            return _set(reading, first, "yes to the first suggestion")
        if answer == NO:
            return _set(reading, "deny", "none of the suggestions")
        return None
    if question in YES_NO_QUESTIONS:
        named = signals.named_cause(text)
        if named and catalogue.problem_for_intent(named) != context.slots.get("problem"):
            return None  # another problem, named: a new topic, not an answer
        if question in ("utter_ask_no_code_number_still_yours", "utter_ask_login_has_number") and \
                facts.get("same_number"):
            return _set(reading, "affirm", "the number has not changed")
        answer = answers.parse_answer(text)
        problem = catalogue.problem_for_intent(intent) is not None or intent in catalogue.PROBLEMS
        if problem and question != "utter_ask_solved" and not answers.starts_with_yes_or_no(text):
            return None  # a new problem, told in full
        if question == "utter_ask_solved" and (answer in (NO, UNSURE) or (answer is None and problem)):
            return _set(reading, "deny", "not solved")
        if answer == YES and not (problem and question in ("utter_anything_else",)):
            return _set(reading, "affirm", f"yes to {question}")
        if answer == NO:
            return _set(reading, "deny", f"no to {question}")
    return None


# What each flow question is about: an answer that mentions it is an answer
# ("no, I can't pay any of those ways right now"), whatever else it says.
SUBJECTS = {
    "repayment_due_soon": re.compile(r"due|pay|repay|deadline|today|tomorrow|week|month|还|到期|期|天|周|月|号", re.I),
    "can_repay_now": re.compile(r"pay|transfer|alipay|wechat|bank|card|还|付|转账|支付宝|微信|银行|卡", re.I),
    "can_log_in": re.compile(r"log|sign|password|app|account|登|密码|账号|进", re.I),
    "old_number_reachable": re.compile(r"old|sim|number|phone|carrier|旧|卡|号|运营商|营业厅", re.I),
    "has_new_id": re.compile(r"\bid\b|card|identity|new one|身份证|证|新的", re.I),
    "id_updated_in_app": re.compile(r"upload|update|app|photo|submit|上传|更新|照片|提交|认证", re.I),
}
_ANSWER_LIKE_INTENTS = {"affirm", "deny", "nlu_fallback", "out_of_scope", "thank", "rate", None}


def _answer_shaped(text: Text) -> bool:
    """Short, or led by a yes or a no."""
    short = len(text.split()) <= 4 if text.isascii() else len(text) <= 10
    return short or answers.starts_with_yes_or_no(text)


def _looks_like_an_answer(text: Text, slot: Text, intent: Optional[Text]) -> bool:
    """Short, or a plain yes/no, or about the question's subject — not a new
    problem told in full."""
    return _answer_shaped(text) or intent in _ANSWER_LIKE_INTENTS or bool(SUBJECTS[slot].search(text))


def _form_answer(text: Text, slot: Text, facts: Dict[Text, bool], intent: Optional[Text] = None) -> Any:
    """True, False, UNSURE or None for the form question about `slot`."""
    if slot in facts:
        return facts[slot]
    if not _looks_like_an_answer(text, slot, intent):
        return None
    if slot == "repayment_due_soon":
        value = answers.parse_due_soon(text)
        if value is not None:
            return value
    answer = answers.parse_answer(text)
    if answer == UNSURE:
        return UNSURE
    if answer in (YES, NO):
        return answer == YES
    return None
