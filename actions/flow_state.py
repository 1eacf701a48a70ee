"""Slots each guided flow collects, shared by the flows, the end-of-flow
actions and the handoff (which copies them into the ticket)."""
from typing import Dict, List, Text

from rasa_sdk.events import EventType, SlotSet

FLOW_SLOTS: Dict[Text, List[Text]] = {
    "phone_changed": [
        "repayment_due_soon",
        "can_repay_now",
        "can_log_in",
        "old_number_reachable",
    ],
    "id_expired": ["has_new_id", "id_updated_in_app"],
}

ALL_FLOW_SLOTS: List[Text] = [slot for slots in FLOW_SLOTS.values() for slot in slots]


def reset_flow_events() -> List[EventType]:
    """Forget the answers of finished flows so a new flow starts clean."""
    return [SlotSet(slot, None) for slot in ALL_FLOW_SLOTS] + [
        SlotSet("next_step", None)
    ]
