"""Event classes found by name from a dictionary.

Rasa 3.6 finds the class of every stored event by walking all subclasses of
`Event` (`Event.resolve_by_type`), once per event each time a conversation
is read: 5% of the Rasa server's CPU under load here. The answer only
changes when a new Event subclass is imported, so it is looked up in a
dictionary and the walk is redone only for a name not seen yet.
"""
from typing import Dict, Optional, Text, Type

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_BY_NAME: Dict[Text, Type[Event]] = {}


def resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    """What `Event.resolve_by_type` answers, without the walk each time."""
    found = _BY_NAME.get(type_name)
    if found is None:
        for cls in all_subclasses(Event):
            _BY_NAME.setdefault(cls.type_name, cls)  # the first in Rasa's order wins, as in Rasa
        found = _BY_NAME.get(type_name)
    if found is not None:
        return found
    if type_name == "topic":
        return None  # Rasa's own backwards compatibility for old TopicSet events
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")
