import pytest

from actions.phone_changed import (
    ActionPhoneChangedAdvice,
    ValidatePhoneChangedForm,
    advice_for,
    questions_needed,
)
from tests.actions.conftest import make_tracker, responses, slot_events

FORM = "phone_changed_form"


@pytest.mark.parametrize(
    "answers, questions",
    [
        ({}, ["repayment_due_soon", "can_log_in"]),
        ({"repayment_due_soon": True}, ["repayment_due_soon", "can_repay_now", "can_log_in"]),
        ({"repayment_due_soon": True, "can_repay_now": False}, ["repayment_due_soon", "can_repay_now"]),
        ({"repayment_due_soon": False, "can_log_in": False},
         ["repayment_due_soon", "can_log_in", "old_number_reachable"]),
        ({"repayment_due_soon": False, "can_log_in": True}, ["repayment_due_soon", "can_log_in"]),
    ],
)
def test_only_questions_that_change_the_advice_are_asked(answers, questions):
    assert questions_needed(answers) == questions


@pytest.mark.parametrize(
    "answers, response",
    [
        ({"repayment_due_soon": False, "can_log_in": True}, "utter_phone_steps_change_in_app"),
        ({"repayment_due_soon": True, "can_repay_now": True, "can_log_in": True},
         "utter_phone_steps_change_in_app"),
        ({"repayment_due_soon": False, "can_log_in": False, "old_number_reachable": True},
         "utter_phone_steps_via_old_number"),
        ({"repayment_due_soon": False, "can_log_in": False, "old_number_reachable": False},
         "utter_phone_steps_identity_check"),
        ({"repayment_due_soon": True, "can_repay_now": False}, None),
    ],
)
def test_advice_fits_the_answers(answers, response):
    assert advice_for(answers) == response


async def test_due_soon_in_free_text_gives_channels_without_sms_then_asks_if_they_can_pay(dispatcher, domain):
    tracker = make_tracker("tmr", "nlu_fallback", active_loop=FORM,
                           new_slots={"repayment_due_soon": "tmr", "requested_slot": "repayment_due_soon"})
    events = await ValidatePhoneChangedForm().run(dispatcher, tracker, domain)
    slots = slot_events(events)
    assert slots["repayment_due_soon"] is True
    assert slots["requested_slot"] == "can_repay_now"
    assert responses(dispatcher) == ["utter_repay_without_sms"]


async def test_unreadable_answer_is_asked_again(dispatcher, domain):
    tracker = make_tracker("purple", "nlu_fallback", active_loop=FORM,
                           new_slots={"repayment_due_soon": "purple", "requested_slot": "repayment_due_soon"})
    events = await ValidatePhoneChangedForm().run(dispatcher, tracker, domain)
    slots = slot_events(events)
    assert slots["repayment_due_soon"] is None
    assert slots["requested_slot"] == "repayment_due_soon"
    assert responses(dispatcher) == ["utter_please_answer_yes_no"]


async def test_cannot_pay_in_time_ends_the_questions(dispatcher, domain):
    tracker = make_tracker("no", "deny", active_loop=FORM,
                           slots={"repayment_due_soon": True},
                           new_slots={"can_repay_now": False, "requested_slot": "can_repay_now"})
    events = await ValidatePhoneChangedForm().run(dispatcher, tracker, domain)
    assert slot_events(events)["requested_slot"] is None


async def test_locked_out_asks_about_the_old_number(dispatcher, domain):
    tracker = make_tracker("no I can't", "deny", active_loop=FORM,
                           slots={"repayment_due_soon": False},
                           new_slots={"can_log_in": False, "requested_slot": "can_log_in"})
    events = await ValidatePhoneChangedForm().run(dispatcher, tracker, domain)
    assert slot_events(events)["requested_slot"] == "old_number_reachable"


async def test_advice_action_hands_off_when_payment_cannot_be_made(dispatcher, domain):
    tracker = make_tracker("no", "deny", slots={"repayment_due_soon": True, "can_repay_now": False})
    events = await ActionPhoneChangedAdvice().run(dispatcher, tracker, domain)
    assert slot_events(events) == {"problem": "phone_changed", "next_step": "handoff"}
    assert dispatcher.messages == []


async def test_advice_action_gives_identity_check_when_locked_out_and_old_number_gone(dispatcher, domain):
    # "登录不了" on the way relabelled the problem as a login failure.
    tracker = make_tracker("no", "deny", slots={
        "problem": "login_failed",
        "repayment_due_soon": False, "can_log_in": False, "old_number_reachable": False})
    events = await ActionPhoneChangedAdvice().run(dispatcher, tracker, domain)
    assert slot_events(events) == {"problem": "phone_changed", "next_step": "check_solved"}
    assert responses(dispatcher) == ["utter_phone_steps_identity_check"]
