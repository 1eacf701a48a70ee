"""ID card expired, credit line won't open (SPEC "ID expired" flow)."""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.flow_state import FLOW_SLOTS
from actions.yes_no import YesNoFormValidation

SLOTS = FLOW_SLOTS["id_expired"]


def questions_needed(answers: Dict[Text, Optional[bool]]) -> List[Text]:
    needed = ["has_new_id"]
    if answers.get("has_new_id"):
        needed.append("id_updated_in_app")
    return needed


def advice_for(answers: Dict[Text, Optional[bool]]) -> List[Text]:
    """Responses with the steps that fit the answers, in order."""
    if not answers.get("has_new_id"):
        return ["utter_renew_id_steps", "utter_keep_repaying_meanwhile"]
    if not answers.get("id_updated_in_app"):
        return ["utter_id_update_steps"]
    return ["utter_id_review_explained"]


class ValidateIdExpiredForm(YesNoFormValidation):
    def name(self) -> Text:
        return "validate_id_expired_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        return questions_needed(self.answers(tracker, SLOTS))

    def validate_has_new_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self.read_answer("has_new_id", value, dispatcher, tracker=tracker)

    def validate_id_updated_in_app(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self.read_answer("id_updated_in_app", value, dispatcher, tracker=tracker)


class ActionIdExpiredAdvice(Action):
    def name(self) -> Text:
        return "action_id_expired_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        for response in advice_for(ValidateIdExpiredForm.answers(tracker, SLOTS)):
            dispatcher.utter_message(response=response)
        return [SlotSet("problem", "id_expired"), SlotSet("next_step", "check_solved")]
