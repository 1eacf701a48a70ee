from rasa_sdk.executor import CollectingDispatcher

from actions.inspect_message import ActionInspectMessage, ValidateSlotMappings, lender_slots
from borrower_help.lender import current
from tests.actions.conftest import make_tracker, responses, slot_events, user_event


def own(events):
    """The slots this test is about: everything but the lender's settings."""
    return {k: v for k, v in slot_events(events).items() if not k.startswith("lender_")}


async def test_switches_language_when_the_user_does(dispatcher, domain):
    events = await ActionInspectMessage().run(dispatcher, make_tracker("你好"), domain)
    assert own(events) == {"language": "zh"}
    assert dispatcher.messages == []


async def test_short_answers_keep_the_language(dispatcher, domain):
    events = await ActionInspectMessage().run(dispatcher, make_tracker("ok", slots={"language": "zh"}), domain)
    assert own(events) == {}


async def test_flags_every_message_with_a_secret_and_clears_after(dispatcher, domain):
    tracker = make_tracker("验证码是 482913 你帮我登一下", slots={"sensitive_data_type": "sms_code"})
    events = await ActionInspectMessage().run(dispatcher, tracker, domain)
    # Same kind as before: still set again, so the warning repeats.
    assert own(events) == {"language": "zh", "sensitive_data_type": "sms_code"}
    tracker = make_tracker("thanks a lot", slots={"sensitive_data_type": "sms_code"})
    assert own(await ActionInspectMessage().run(dispatcher, tracker, domain)) == {
        "sensitive_data_type": None}


async def test_no_flag_for_a_phone_number(dispatcher, domain):
    tracker = make_tracker("my new number is 13812345678", slots={"language": "en"})
    assert own(await ActionInspectMessage().run(dispatcher, tracker, domain)) == {}


async def test_validation_warns_when_a_secret_was_flagged(dispatcher, domain):
    tracker = make_tracker("my password is hunter2", new_slots={"sensitive_data_type": "password"})
    events = await ValidateSlotMappings().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_warn_sensitive_data"]
    assert own(events) == {"sensitive_data_type": "password"}


async def test_validation_is_quiet_without_a_secret(dispatcher, domain):
    tracker = make_tracker("hello", new_slots={"language": "en"})
    await ValidateSlotMappings().run(dispatcher, tracker, domain)
    assert dispatcher.messages == []


def _widget_tracker(text, page_language, earlier=(), slots=None):
    """The widget's messages carry the page's customData as metadata."""
    tracker = make_tracker(text, events=[user_event(t, "greet") for t in earlier], slots=slots)
    tracker.events[-1]["metadata"] = {"language": page_language}
    return tracker


async def test_the_widget_opens_in_the_language_of_the_page(dispatcher, domain):
    events = await ActionInspectMessage().run(dispatcher, _widget_tracker("/greet", "zh"), domain)
    assert own(events) == {"language": "zh"}


async def test_the_borrowers_own_words_beat_the_page_language(dispatcher, domain):
    tracker = _widget_tracker("I changed my phone number", "zh")
    events = await ActionInspectMessage().run(dispatcher, tracker, domain)
    assert own(events) == {}  # stays English


async def test_after_the_borrower_has_written_the_page_no_longer_decides(dispatcher, domain):
    tracker = _widget_tracker("/affirm", "en", earlier=["你好，我换了手机号"], slots={"language": "zh"})
    events = await ActionInspectMessage().run(dispatcher, tracker, domain)
    assert own(events) == {}  # a button press on an English page keeps Chinese


async def test_an_unknown_page_language_is_ignored(dispatcher, domain):
    events = await ActionInspectMessage().run(dispatcher, _widget_tracker("/greet", "fr"), domain)
    assert own(events) == {}


async def test_the_lenders_settings_come_in_the_conversations_language(dispatcher, domain):
    events = await ActionInspectMessage().run(dispatcher, make_tracker("你好，我换了手机号"), domain)
    filled = {k: v for k, v in slot_events(events).items() if k.startswith("lender_")}
    assert filled == lender_slots(current(), "zh")
    assert filled["lender_brand"] == "明灯信贷"
    assert filled["lender_repayment_channels_without_sms"].startswith("1. 支付宝")
    # Already filled and the language unchanged: nothing set again.
    tracker = make_tracker("还有别的办法吗", slots={"language": "zh", **filled})
    assert await ActionInspectMessage().run(dispatcher, tracker, domain) == []


async def test_a_frustrated_borrower_is_offered_a_person_once(dispatcher, domain):
    events = await ActionInspectMessage().run(dispatcher, make_tracker("妈的 又登不上"), domain)
    assert own(events)["frustration"] == "swearing"
    ValidateSlotMappings().validate_frustration("swearing", dispatcher, make_tracker("妈的 又登不上"), domain)
    assert responses(dispatcher) == ["utter_offer_human_frustrated"]
    offered = [{"event": "bot", "text": "...", "metadata": {"utter_action": "utter_offer_human_frustrated"}}]
    again = CollectingDispatcher()
    ValidateSlotMappings().validate_frustration(
        "shouting", again, make_tracker("WHY IS THIS SO HARD", events=offered), domain)
    assert again.messages == []  # offered a moment ago: not again


async def test_two_unreadable_answers_in_a_row_bring_the_offer(dispatcher, domain):
    from actions.phone_changed import ValidatePhoneChangedForm

    asked_again = [user_event("hmm", "nlu_fallback"),
                   {"event": "bot", "text": "yes or no?", "metadata": {"utter_action": "utter_please_answer_yes_no"}}]
    tracker = make_tracker("whatever", "nlu_fallback", events=asked_again, active_loop="phone_changed_form",
                           new_slots={"repayment_due_soon": "whatever", "requested_slot": "repayment_due_soon"})
    await ValidatePhoneChangedForm().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_please_answer_yes_no", "utter_offer_human_frustrated"]
