"""Phone number changed, can't log in or repay (SPEC "Phone changed" flow)."""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.flow_state import FLOW_SLOTS
from actions.yes_no import YesNoFormValidation
from borrower_help.answers import parse_due_soon

SLOTS = FLOW_SLOTS["phone_changed"]


def questions_needed(answers: Dict[Text, Optional[bool]]) -> List[Text]:
    """The questions that change the advice, given the answers so far."""
    needed = ["repayment_due_soon"]
    if answers.get("repayment_due_soon"):
        needed.append("can_repay_now")
        if answers.get("can_repay_now") is False:
            # Can't pay in time: a human takes over before anything else.
            return needed
    needed.append("can_log_in")
    if answers.get("can_log_in") is False:
        needed.append("old_number_reachable")
    return needed


def advice_for(answers: Dict[Text, Optional[bool]]) -> Optional[Text]:
    """The response with the steps that fit, or None when a human must help."""
    if answers.get("repayment_due_soon") and answers.get("can_repay_now") is False:
        return None
    if answers.get("can_log_in"):
        return "utter_phone_steps_change_in_app"
    if answers.get("old_number_reachable"):
        return "utter_phone_steps_via_old_number"
    return "utter_phone_steps_identity_check"


class ValidatePhoneChangedForm(YesNoFormValidation):
    def name(self) -> Text:
        return "validate_phone_changed_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        return questions_needed(self.answers(tracker, SLOTS))

    def validate_repayment_due_soon(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        result = self.read_answer("repayment_due_soon", value, dispatcher, parse_due_soon, tracker=tracker)
        if result["repayment_due_soon"]:
            # First keep the borrower from going overdue.
            dispatcher.utter_message(response="utter_repay_without_sms")
        return result

    def validate_can_repay_now(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        result = self.read_answer("can_repay_now", value, dispatcher, tracker=tracker)
        if result["can_repay_now"]:
            dispatcher.utter_message(response="utter_repay_first_then_fix")
        return result

    def validate_can_log_in(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self.read_answer("can_log_in", value, dispatcher, tracker=tracker)

    def validate_old_number_reachable(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self.read_answer("old_number_reachable", value, dispatcher, tracker=tracker)


class ActionPhoneChangedAdvice(Action):
    def name(self) -> Text:
        return "action_phone_changed_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        response = advice_for(ValidatePhoneChangedForm.answers(tracker, SLOTS))
        # Answers like "登录不了" are read as other problems on the way; the
        # flow that gave the advice names the problem for tips and tickets.
        problem = SlotSet("problem", "phone_changed")
        if response is None:
            return [problem, SlotSet("next_step", "handoff")]
        dispatcher.utter_message(response=response)
        return [problem, SlotSet("next_step", "check_solved")]
