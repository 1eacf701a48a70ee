import pytest
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from rasa_extensions.event_types import resolve_by_type


def rasa_answer(type_name, default=None):
    for cls in all_subclasses(Event):
        if cls.type_name == type_name:
            return cls
    return None if type_name == "topic" else default


def test_every_event_class_is_found_as_rasa_finds_it():
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert {"user", "action", "slot", "bot", "pause", "resume"} <= names
    for name in names:
        assert resolve_by_type(name) is rasa_answer(name)


def test_unknown_names_behave_as_in_rasa():
    assert resolve_by_type("topic") is None
    assert resolve_by_type("no such event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        resolve_by_type("no such event")


def test_a_subclass_imported_later_is_found():
    class LateEvent(ActionExecuted):
        type_name = "late_event_for_this_test"

    assert resolve_by_type("late_event_for_this_test") is LateEvent


def test_stored_events_come_back_through_the_patch():
    from rasa_extensions import patches

    patches.install()
    event = Event.from_parameters(UserUttered("hi", {"name": "greet", "confidence": 1.0}).as_dict())
    assert isinstance(event, UserUttered) and event.text == "hi"
