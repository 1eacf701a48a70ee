from actions.inspect_message import ActionInspectMessage
from tests.actions.conftest import make_tracker, slot_events


async def test_switches_language_when_the_user_does(dispatcher, domain):
    events = await ActionInspectMessage().run(dispatcher, make_tracker("你好"), domain)
    assert slot_events(events) == {"language": "zh"}
    assert dispatcher.messages == []


async def test_short_answers_keep_the_language(dispatcher, domain):
    events = await ActionInspectMessage().run(dispatcher, make_tracker("ok", slots={"language": "zh"}), domain)
    assert events == []


async def test_warns_in_the_language_of_the_message_that_carried_the_secret(dispatcher, domain):
    tracker = make_tracker("验证码是 482913 你帮我登一下", slots={"language": "en"})
    events = await ActionInspectMessage().run(dispatcher, tracker, domain)
    assert slot_events(events) == {"language": "zh", "sensitive_data_type": "sms_code"}
    [warning] = dispatcher.messages
    zh_text = [v["text"] for v in domain["responses"]["utter_warn_sensitive_data"] if v.get("condition")][0]
    assert warning["text"] == zh_text


async def test_no_warning_for_a_phone_number(dispatcher, domain):
    tracker = make_tracker("my new number is 13812345678", slots={"language": "en"})
    assert await ActionInspectMessage().run(dispatcher, tracker, domain) == []
    assert dispatcher.messages == []
