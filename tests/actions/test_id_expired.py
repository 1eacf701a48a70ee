import pytest

from actions.id_expired import ActionIdExpiredAdvice, ValidateIdExpiredForm, advice_for, questions_needed
from tests.actions.conftest import make_tracker, responses, slot_events

FORM = "id_expired_form"


def test_questions():
    assert questions_needed({}) == ["has_new_id"]
    assert questions_needed({"has_new_id": False}) == ["has_new_id"]
    assert questions_needed({"has_new_id": True}) == ["has_new_id", "id_updated_in_app"]


@pytest.mark.parametrize(
    "answers, steps",
    [
        ({"has_new_id": False}, ["utter_renew_id_steps", "utter_keep_repaying_meanwhile"]),
        ({"has_new_id": True, "id_updated_in_app": False}, ["utter_id_update_steps"]),
        ({"has_new_id": True, "id_updated_in_app": True}, ["utter_id_review_explained"]),
    ],
)
def test_advice(answers, steps):
    assert advice_for(answers) == steps


async def test_no_new_card_finishes_the_questions(dispatcher, domain):
    tracker = make_tracker("还没拿到新证", "deny", active_loop=FORM,
                           new_slots={"has_new_id": False, "requested_slot": "has_new_id"})
    events = await ValidateIdExpiredForm().run(dispatcher, tracker, domain)
    slots = slot_events(events)
    assert slots["has_new_id"] is False
    assert slots["requested_slot"] is None


async def test_new_card_asks_whether_it_was_uploaded(dispatcher, domain):
    tracker = make_tracker("拿到了", "nlu_fallback", active_loop=FORM,
                           new_slots={"has_new_id": "有 拿到了", "requested_slot": "has_new_id"})
    events = await ValidateIdExpiredForm().run(dispatcher, tracker, domain)
    slots = slot_events(events)
    assert slots["has_new_id"] is True
    # The form goes on (rasa_sdk leaves asking the next listed slot to Rasa).
    assert slots.get("requested_slot", "id_updated_in_app") == "id_updated_in_app"
    assert await ValidateIdExpiredForm().required_slots([], dispatcher, tracker, domain) == [
        "has_new_id", "id_updated_in_app"]


async def test_advice_action_explains_review_when_already_updated(dispatcher, domain):
    tracker = make_tracker("yes", "affirm", slots={"has_new_id": True, "id_updated_in_app": True})
    events = await ActionIdExpiredAdvice().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_id_review_explained"]
    assert slot_events(events) == {"problem": "id_expired", "next_step": "check_solved"}
