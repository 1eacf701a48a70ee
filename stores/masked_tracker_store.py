"""The tracker store of Borrower Help: numbers masked before anything is kept.

Rasa Open Source stores the raw text of every message (`events.data`), so an
ID or card number a borrower types would sit in the database, in the event
stream and in every export. Here, when a conversation is saved, every event
of it is masked in place first (actions/privacy.py: resident ID numbers by
GB 11643 check digit, mobile numbers, Luhn-valid card numbers, codes after
code words, passwords): user text and parse data, bot text (an agent may
type a number too), and text slot values (a form's free-text answer).

Understanding is not affected: the model, the policies and the actions have
already seen the message when the tracker is saved at the end of the turn.
Masking is idempotent, so events read back and saved again stay as they are.
"""
from typing import Any

from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.privacy import mask
from stores.durable_tracker_store import DurableSQLTrackerStore


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


def mask_events(tracker: DialogueStateTracker) -> None:
    for event in tracker.events:
        if isinstance(event, UserUttered):
            event.text = mask(event.text)
            mask_in_place(event.parse_data)
            mask_in_place(event.entities)
            mask_in_place(event.metadata)
        elif isinstance(event, BotUttered):
            event.text = mask(event.text)
            mask_in_place(event.data)
        elif isinstance(event, SlotSet):
            event.value = mask_in_place(event.value)


class MaskedSQLTrackerStore(DurableSQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        mask_events(tracker)
        # Slots hold the same values as their SlotSet events.
        for slot in tracker.slots.values():
            if isinstance(slot.value, (str, dict, list)):
                slot.value = mask_in_place(slot.value)
        await super().save(tracker)
