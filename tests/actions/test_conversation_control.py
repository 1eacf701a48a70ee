"""Starting over, acknowledgements with no question pending, the core
fallback, and steps explained one level deeper."""
import pytest

from actions.acknowledge import ActionAcknowledge, ActionCoreFallback, acknowledgement
from actions.start_over import ActionStartOver
from actions.step_details import ActionExplainStep
from tests.actions.conftest import make_tracker, responses


def bot(response):
    return {"event": "bot", "text": "...", "metadata": {"utter_action": response}}


async def test_start_over_forgets_everything_but_the_language(dispatcher, domain):
    tracker = make_tracker("重新开始", "start_over", active_loop="phone_changed_form",
                           slots={"language": "zh", "can_log_in": False, "problem": "phone_changed"})
    events = await ActionStartOver().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_started_over", "utter_greet"]
    assert [e["event"] for e in events] == ["active_loop", "reset_slots", "slot"]
    assert events[0]["name"] is None and (events[2]["name"], events[2]["value"]) == ("language", "zh")


async def test_you_misunderstood_apologises_and_asks_again(dispatcher, domain):
    tracker = make_tracker("我没换号啊 你理解错了", "start_over", active_loop="phone_changed_form")
    tracker.latest_message["entities"] = [{"entity": "misunderstood", "value": True}]
    await ActionStartOver().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_sorry_misunderstood"]


@pytest.mark.parametrize("intent, last, expected", [
    ("deny", "utter_anything_else", "utter_take_care"),         # "nope that's all"
    ("affirm", "utter_anything_else", "utter_ask_what_else"),   # "yes"
    ("affirm", "utter_repayment_options", "utter_glad_to_help"),  # "yes ok" after the list
    ("deny", "utter_repayment_options", "utter_anything_else"),
    ("affirm", "utter_greet", "utter_ask_what_else"),           # "yes" right after the greeting
    ("affirm", None, "utter_ask_what_else"),
    ("affirm", "utter_thanks_for_rating", "utter_take_care"),   # 好的 after a rating
    ("thank", "utter_no_code_steps", "utter_you_are_welcome"),  # "ok thanks"
    ("thank", "utter_you_are_welcome", "utter_take_care"),      # never the same text twice
    ("deny", "utter_take_care", "utter_ask_what_else"),
])
def test_short_words_mean_what_was_said_before(intent, last, expected):
    assert acknowledgement(intent, last) == [expected]


async def test_a_polite_ending_forgets_the_flow(dispatcher, domain):
    tracker = make_tracker("nope that's all", "deny", events=[bot("utter_anything_else")],
                           slots={"can_log_in": False})
    events = await ActionAcknowledge().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_take_care"]
    assert {"event": "slot", "name": "can_log_in", "value": None} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events if e["event"] == "slot"]


async def test_the_core_fallback_ends_the_turn_and_never_repeats_itself(dispatcher, domain):
    events = await ActionCoreFallback().run(dispatcher, make_tracker("hmm what", "out_of_scope"), domain)
    assert responses(dispatcher) == ["utter_core_fallback"]
    assert events == [{"event": "followup", "name": "action_listen", "timestamp": events[0]["timestamp"]}]
    dispatcher.messages.clear()
    await ActionCoreFallback().run(dispatcher, make_tracker("what", "out_of_scope",
                                                            events=[bot("utter_core_fallback")]), domain)
    assert responses(dispatcher) == ["utter_default"]


async def test_the_core_fallback_acknowledges_a_yes(dispatcher, domain):
    await ActionCoreFallback().run(dispatcher, make_tracker("yes ok", "affirm",
                                                            events=[bot("utter_repayment_options")]), domain)
    assert responses(dispatcher) == ["utter_glad_to_help"]


async def test_a_step_explained_by_the_topic_the_inspector_found(dispatcher, domain):
    tracker = make_tracker("how do I bind another card?", "ask_step_detail")
    tracker.latest_message["entities"] = [{"entity": "step_topic", "value": "bind_card"}]
    await ActionExplainStep().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_detail_bind_card"]


async def test_a_step_explained_from_the_latest_steps(dispatcher, domain):
    tracker = make_tracker("具体怎么弄", "ask_step_detail", events=[bot("utter_no_code_steps")])
    await ActionExplainStep().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_detail_voice_code"]
    dispatcher.messages.clear()
    await ActionExplainStep().run(dispatcher, make_tracker("how?", "ask_step_detail"), domain)
    assert responses(dispatcher) == ["utter_ask_which_step"]


def test_every_step_topic_has_its_response(domain):
    from borrower_help.step_details import TOPICS

    missing = [t.response for t in TOPICS if t.response not in domain["responses"]]
    assert missing == []
    unknown = [r for t in TOPICS for r in t.said_in if r not in domain["responses"]]
    assert unknown == []
