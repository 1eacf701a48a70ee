from actions.wrap_up import ActionCloseSolved, ActionDeclineHuman, prevention_tip
from tests.actions.conftest import make_tracker, responses, slot_events


def test_prevention_tip_per_problem(domain):
    assert prevention_tip("phone_changed", domain["responses"]) == "utter_prevention_phone_changed"
    assert prevention_tip("no_such_problem", domain["responses"]) == "utter_prevention_generic"
    assert prevention_tip(None, domain["responses"]) == "utter_prevention_generic"


async def test_solved_gives_tip_asks_for_a_rating_and_forgets_answers(dispatcher, domain):
    tracker = make_tracker("yes", "affirm", slots={"problem": "id_expired", "has_new_id": True})
    events = await ActionCloseSolved().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_glad_solved", "utter_prevention_id_expired", "utter_ask_rating"]
    slots = slot_events(events)
    assert slots["has_new_id"] is None and slots["next_step"] is None


async def test_declining_a_human_keeps_the_offer_open(dispatcher, domain):
    events = await ActionDeclineHuman().run(dispatcher, make_tracker("no", "deny"), domain)
    assert responses(dispatcher) == ["utter_no_human_then"]
    assert slot_events(events)["next_step"] is None
