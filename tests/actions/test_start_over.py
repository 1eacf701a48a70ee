from actions.start_over import ActionCoreFallback, ActionStartOver
from tests.actions.conftest import make_tracker, responses


async def test_start_over_forgets_everything_but_the_language(dispatcher, domain):
    tracker = make_tracker("重新开始", "start_over", active_loop="phone_changed_form",
                           slots={"language": "zh", "can_log_in": False, "problem": "phone_changed"})
    events = await ActionStartOver().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_started_over", "utter_greet"]
    assert [e["event"] for e in events] == ["active_loop", "reset_slots", "slot"]
    assert events[0]["name"] is None and (events[2]["name"], events[2]["value"]) == ("language", "zh")


async def test_the_core_fallback_offers_the_main_topics(dispatcher, domain):
    assert await ActionCoreFallback().run(dispatcher, make_tracker("ok"), domain) == []
    assert responses(dispatcher) == ["utter_core_fallback"]
