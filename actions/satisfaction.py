"""Asking for a rating, keeping it, and an optional comment (the rating
question follows a flow that ended solved, and an agent's resolved ticket)."""
import asyncio
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.history import turn_before_latest_message
from actions.ratings import AGENT, BOT, get_rating_store, parse_score

logger = logging.getLogger(__name__)


SCORE_BUTTONS = [{"title": f"⭐ {score}", "payload": f'/rate{{"rating_score": "{score}"}}'}
                 for score in range(1, 6)]


def ask_for_rating(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    dispatcher.utter_message(response="utter_ask_rating", buttons=SCORE_BUTTONS)
    return [SlotSet("rating_score", None), SlotSet("rating_stored", None), SlotSet("rating_id", None)]


class ActionAskRating(Action):
    """Run by the console after an agent resolved the ticket (RasaApi.resume)."""

    def name(self) -> Text:
        return "action_ask_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return ask_for_rating(dispatcher, tracker)


class ActionStoreRating(Action):
    def name(self) -> Text:
        return "action_store_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        score = parse_score(tracker.get_slot("rating_score")) or parse_score(
            tracker.latest_message.get("text"))
        if score is None:
            dispatcher.utter_message(response="utter_ask_rating_again")
            return [SlotSet("rating_stored", False)]
        source = rating_source_before_this_turn(tracker)
        try:
            rating_id = await asyncio.to_thread(
                get_rating_store().add, tracker.sender_id, score, source,
                tracker.get_slot("language") or "en",
                tracker.get_slot("ticket_id") if source == AGENT else None)
        except Exception:  # the borrower is not to be bothered with our storage trouble
            logger.exception("Could not store the rating of %s", tracker.sender_id)
            dispatcher.utter_message(response="utter_thanks_for_rating")
            return [SlotSet("rating_stored", False)]
        return [SlotSet("rating_stored", True), SlotSet("rating_id", float(rating_id))]


def rating_source_before_this_turn(tracker: Tracker) -> Text:
    """"agent" when the rating question followed the end of an agent's takeover."""
    resumed = any(e.get("event") == "resume" for e in turn_before_latest_message(tracker))
    return AGENT if resumed else BOT


class ValidateRatingCommentForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_rating_comment_form"

    async def validate_rating_comment(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        comment = (value or "").strip() if isinstance(value, str) else ""
        rating_id: Optional[float] = tracker.get_slot("rating_id")
        if comment and rating_id is not None:
            try:
                await asyncio.to_thread(get_rating_store().add_comment, int(rating_id), comment)
            except Exception:
                logger.exception("Could not store the comment of %s", tracker.sender_id)
        return {"rating_comment": comment}


class ActionThankForRating(Action):
    def name(self) -> Text:
        return "action_thank_for_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_thanks_for_rating")
        return [SlotSet(name, None) for name in ("rating_score", "rating_stored", "rating_id", "rating_comment")]
