"""Judging a played conversation, and how a persona answers, without servers."""
import copy

from evaluation.borrower import parse_persona
from evaluation.conversations import Borrower, BotMessage, Conversation, Turn, judge, markdown, summarise, turn_from

PHONE = {
    "id": "en-judge-phone", "language": "en", "persona": "test", "problems": ["report_phone_changed"],
    "facts": {"repayment_due_soon": False, "can_log_in": True},
    "volunteers": ["repayment_due_soon"],
    "opening": "new number, nothing due",
    "answers": {"utter_ask_phone_changed_form_repayment_due_soon": "no",
                "utter_ask_phone_changed_form_can_repay_now": "yes",
                "utter_ask_phone_changed_form_can_log_in": ["yes I can", "YES"],
                "utter_ask_phone_changed_form_old_number_reachable": "no"},
    "closing": "ok thanks",
    "expect": {"steps": ["utter_phone_steps_change_in_app"]},
}
HUMAN = {"id": "en-judge-human", "language": "en", "persona": "test", "problems": ["request_human"],
         "opening": "a person please", "closing": "ok",
         "expect": {"handoff": {"reason": "request_human", "priority": "normal"}}}
Q_DUE = "utter_ask_phone_changed_form_repayment_due_soon"
Q_LOGIN = "utter_ask_phone_changed_form_can_log_in"


def persona(raw):
    return parse_persona(copy.deepcopy(raw), "test.yml")


def turn(said, *actions, intent="affirm", handoff=None, replies=None):
    bot = [BotMessage(a, f"text of {a}", [{"title": "Yes", "payload": "/affirm"},
                                            {"title": "No", "payload": "/deny"}] if "ask" in a else [])
           for a in actions]
    handoffs = [handoff] if handoff else []
    if replies is None:
        replies = [{"text": m.text} for m in bot] + ([{"custom": {"data": {"handoff": handoff}}}] if handoff else [])
    return Turn(said, intent, bot, replies, handoffs)


def test_a_clean_conversation_is_served_with_nothing_wrong():
    p = persona(PHONE)
    turns = [turn(p.opening, "utter_phone_changed_intro", Q_DUE, intent="report_phone_changed"),
             turn("no", Q_LOGIN, intent="deny"),
             turn("yes I can", "utter_phone_steps_change_in_app", "utter_ask_solved")]
    v = judge(Conversation(p, "s1", turns))
    assert v.served and not v.dead and v.repeated_questions == [] and v.misunderstood_turns == []
    assert v.needless_questions == [Q_DUE]  # it had said nothing is due
    assert "already told" in v.problem


def test_repeats_misunderstandings_silence_and_the_circuit_breaker_are_counted():
    p = persona(PHONE)
    turns = [turn(p.opening, Q_DUE, intent="report_phone_changed"),
             turn("no", Q_LOGIN, intent="deny"),
             turn("yes I can", "utter_please_answer_yes_no", Q_LOGIN, intent="nlu_fallback"),
             turn("YES", "utter_core_fallback", "utter_core_fallback", "utter_core_fallback"),
             turn("hello?", replies=[])]
    v = judge(Conversation(p, "s2", turns), breaker_senders={"s2"})
    assert not v.served and "never reached utter_phone_steps_change_in_app" in v.problem
    assert v.repeated_questions == [Q_LOGIN]
    assert v.misunderstood_turns == [3, 4]
    assert v.dead_turns == [5] and v.circuit_breaker and v.dead and not v.dead_only_while_waiting
    assert 'turn 1: "new number, nothing due"' in v.problem  # the first wrong turn, quoted


def test_ask_solved_after_new_advice_is_not_a_repeat():
    p = persona(PHONE)
    turns = [turn(p.opening, "utter_phone_steps_change_in_app", "utter_ask_solved"),
             turn("and my ID?", "utter_id_update_steps", "utter_ask_solved"),
             turn("what?", "utter_ask_solved")]
    assert judge(Conversation(p, "s", turns)).repeated_questions == ["utter_ask_solved"]


def test_handoffs_must_match_what_is_expected():
    human = persona(HUMAN)
    right = {"ticket_id": "BH-1", "reason": "request_human", "priority": "normal"}
    wrong = {"ticket_id": "BH-2", "reason": "repeated_fallback", "priority": "normal"}
    served = judge(Conversation(human, "a", [turn("a person please", "utter_handoff_created", handoff=right),
                                             turn("ok", replies=[])]))
    assert served.served and served.dead_only_while_waiting
    other = judge(Conversation(human, "b", [turn("a person please", "utter_handoff_created", handoff=wrong)]))
    assert not other.served and "repeated_fallback/normal (expected request_human/normal)" in other.problem
    unexpected = judge(Conversation(persona(PHONE), "c", [
        turn("x", "utter_phone_steps_change_in_app", "utter_handoff_created", handoff=right)]))
    assert not unexpected.served and "unexpected handoff" in unexpected.problem


def test_the_borrower_answers_the_question_asked_and_closes_when_served():
    b = Borrower(persona(PHONE))
    assert b.next_message(turn("", "utter_phone_changed_intro", Q_DUE)) == "no"
    assert b.next_message(turn("", Q_LOGIN)) == "yes I can"
    assert b.next_message(turn("", "utter_please_answer_yes_no", Q_LOGIN)) == "YES"  # asked again: the next line
    assert b.next_message(turn("", "utter_phone_steps_change_in_app", "utter_ask_solved")) == "yes that worked"
    assert b.next_message(turn("", "utter_glad_solved")) == "ok thanks"
    assert b.next_message(turn("", "utter_you_are_welcome")) is None


def test_the_borrower_rephrases_when_not_understood_and_gives_up_on_silence():
    b = Borrower(persona(PHONE))
    assert b.next_message(turn("", "utter_out_of_scope")) == "new number, nothing due"
    assert b.next_message(turn("", replies=[])) == "hello? are you there?"
    assert b.next_message(turn("", replies=[])) is None


def test_a_tapping_borrower_taps_the_button_that_matches_its_facts():
    raw = dict(copy.deepcopy(PHONE), taps_buttons=True)
    b = Borrower(persona(raw))
    assert b.next_message(turn("", Q_DUE)) == "/deny"
    assert b.next_message(turn("", Q_LOGIN)) == "/affirm"


def test_a_borrower_with_two_problems_raises_the_second():
    raw = {"id": "en-judge-two", "language": "en", "persona": "t",
           "problems": ["report_phone_changed", "report_id_expired"],
           "facts": {"repayment_due_soon": False, "can_log_in": True, "has_new_id": False},
           "opening": "both", "answers": {**PHONE["answers"], "utter_ask_id_expired_form_has_new_id": "no",
                                          "utter_ask_id_expired_form_id_updated_in_app": "no"},
           "raises": {"utter_renew_id_steps": "and my ID expired"},
           "expect": {"steps": ["utter_phone_steps_change_in_app", "utter_renew_id_steps"]}}
    b = Borrower(persona(raw))
    assert b.next_message(turn("", "utter_phone_steps_change_in_app", "utter_ask_solved")) == "and my ID expired"


def test_a_turn_is_read_from_the_events_after_the_last_user_event():
    events = [{"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}}},
              {"event": "bot", "text": "old", "metadata": {"utter_action": "utter_greet"}},
              {"event": "user", "text": "no", "parse_data": {"intent": {"name": "deny"}}},
              {"event": "action", "name": "phone_changed_form"},
              {"event": "bot", "text": "Can you log in?", "metadata": {"utter_action": Q_LOGIN},
               "data": {"buttons": [{"title": "Yes", "payload": "/affirm"}]}},
              {"event": "bot", "text": None, "data": {"custom": {"data": {"handoff": {"reason": "x"}}}}}]
    replies = [{"text": "Can you log in?"}, {"custom": {"data": {"handoff": {"reason": "x", "priority": "high"}}}}]
    t = turn_from("no", replies, events)
    assert t.intent == "deny" and t.actions == [Q_LOGIN] and t.bot[0].buttons[0]["payload"] == "/affirm"
    assert t.handoffs == [{"reason": "x", "priority": "high"}]


def test_the_report_states_the_targets_and_each_persona():
    p = persona(PHONE)
    v = judge(Conversation(p, "s", [turn(p.opening, "utter_out_of_scope", intent="out_of_scope")]))
    s = summarise([v])
    assert s.served == 0 and s.misunderstood == 1
    text = markdown([v])
    assert "≥ 95 %" in text and "**not met**" in text and "`en-judge-phone`" in text


def test_advice_for_another_problem_is_the_first_wrong_turn_and_an_odd_question_confuses():
    p = persona(PHONE)
    v = judge(Conversation(p, "s", [turn(p.opening, "utter_no_code_steps", "utter_ask_solved",
                                         intent="report_no_verification_code")]))
    assert not v.served and "gave utter_no_code_steps, not this borrower's fix" in v.problem
    b = Borrower(p)
    assert b.next_message(turn("", "utter_ask_id_expired_form_has_new_id")) == "what? that's not my problem"
