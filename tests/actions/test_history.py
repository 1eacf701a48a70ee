from actions.history import turn_before_latest_message
from tests.actions.conftest import make_tracker, user_event


def test_the_turn_between_the_last_two_messages():
    bot = {"event": "bot", "text": "Is a repayment due soon?"}
    tracker = make_tracker("no", "deny", events=[user_event("my number changed", "report_phone_changed"),
                                                 bot, {"event": "resume"}])
    assert turn_before_latest_message(tracker) == [bot, {"event": "resume"}]


def test_the_first_message_has_what_came_before_it():
    tracker = make_tracker("hi", "greet", events=[{"event": "session_started"}])
    assert turn_before_latest_message(tracker) == [{"event": "session_started"}]
