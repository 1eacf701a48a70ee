"""Slots each guided flow collects, shared by the flows, the end-of-flow
actions and the handoff (which copies them into the ticket)."""
from typing import Dict, List, Text

from rasa_sdk.events import EventType, SlotSet

from borrower_help.catalogue import ANSWER_SLOTS, FLOW_ANSWERS

FLOW_SLOTS: Dict[Text, List[Text]] = {flow: list(answers) for flow, answers in FLOW_ANSWERS.items()}

ALL_FLOW_SLOTS: List[Text] = ANSWER_SLOTS


def reset_flow_events() -> List[EventType]:
    """Forget the answers of finished flows so a new flow starts clean."""
    return [SlotSet(slot, None) for slot in ALL_FLOW_SLOTS] + [
        SlotSet("next_step", None)
    ]
