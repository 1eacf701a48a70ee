"""The tracker store of Borrower Help: numbers masked before anything is kept.

Rasa Open Source stores the raw text of every message (`events.data`), so an
ID or card number a borrower types would sit in the database, in the event
stream and in every export. Here each NEW event of a conversation is masked
in place when the conversation is saved (borrower_help.privacy: resident ID
numbers, mobile numbers, card and account numbers, codes, passwords,
e-mail addresses): user text and parse data, bot text (an agent may type a
number too), and text slot values (a form's free-text answer). Events
already stored were masked when they were written and are not touched again.

Understanding is not affected: the model, the policies and the actions have
already seen the message when the tracker is saved at the end of the turn.

The saved tracker stays in this server's memory for the conversation's next
turn while the database holds the same events (recent_trackers.py).

The same save publishes the new events to the event broker, when there is
one, without reading the whole conversation back to compare (Rasa's
SQLTrackerStore does, on every save).
"""

import json
from typing import Any, List

from rasa.shared.core.events import BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from borrower_help.privacy import mask
from rasa_extensions.stores.recent_trackers import CachedSQLTrackerStore


def mask_in_place(value: Any) -> Any:
    """Strings masked; dicts and lists walked; anything else unchanged."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = mask_in_place(item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = mask_in_place(item)
    return value


def mask_event(event: Event) -> None:
    if isinstance(event, UserUttered):
        event.text = mask(event.text)
        mask_in_place(event.parse_data)
        mask_in_place(event.entities)
        mask_in_place(event.metadata)
    elif isinstance(event, BotUttered):
        event.text = mask(event.text)
        mask_in_place(event.data)
        mask_in_place(event.metadata)
    elif isinstance(event, SlotSet):
        event.value = mask_in_place(event.value)


class MaskedSQLTrackerStore(CachedSQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._with_retries(f"save conversation {tracker.sender_id}",
                                 lambda: self._save_new_events(tracker))

    async def _save_new_events(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            new_events: List[Event] = list(self._additional_events(session, tracker))
            rows = []
            for event in new_events:
                mask_event(event)
                data = event.as_dict()
                rows.append({"sender_id": tracker.sender_id, "type_name": event.type_name,
                             "timestamp": data.get("timestamp"),
                             "intent_name": (data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
                             "action_name": data.get("name"), "data": json.dumps(data)})
            if rows:  # one statement for the turn's events, not an ORM object each
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()
            # Slots hold the same values as their SlotSet events.
            for slot in tracker.slots.values():
                if isinstance(slot.value, (str, dict, list)):
                    slot.value = mask_in_place(slot.value)
            self.remember_saved(session, tracker)
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
