"""Asking for a rating, keeping it, and an optional comment (the rating
question follows a flow that ended solved, and an agent's resolved ticket)."""
import asyncio
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecuted, ConversationResumed, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from borrower_help.answers import parse_score
from borrower_help.storage.ratings import AGENT, BOT, RatingStore

logger = logging.getLogger(__name__)


SCORE_BUTTONS = [{"title": f"⭐ {score}", "payload": f'/rate{{"rating_score": "{score}"}}'}
                 for score in range(1, 6)]


def ask_for_rating(dispatcher: CollectingDispatcher, subject: Text = BOT) -> List[EventType]:
    """Ask for a 1-5 rating of the bot's help or, after a ticket, the agent's.
    What is rated is kept in a slot only actions set (rating_subject)."""
    dispatcher.utter_message(response="utter_ask_rating", buttons=SCORE_BUTTONS)
    return [SlotSet("rating_score", None), SlotSet("rating_stored", None), SlotSet("rating_subject", subject)]


class ActionBackFromAgent(Action):
    """The console's one call when an agent resolves a ticket (RasaApi.resume):
    the conversation is resumed, the bot says it is back in the borrower's
    language (ending the widget's waiting state) and asks for a rating of
    the agent's help; then it listens, so the next message is read as the
    answer. One action: nothing is left half done."""

    def name(self) -> Text:
        return "action_back_from_agent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_back_with_bot")
        return [ConversationResumed(), *ask_for_rating(dispatcher, AGENT), ActionExecuted("action_listen")]


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
        source = AGENT if tracker.get_slot("rating_subject") == AGENT else BOT
        try:
            await asyncio.to_thread(
                RatingStore().add, tracker.sender_id, score, source,
                tracker.get_slot("language") or "en",
                tracker.get_slot("ticket_id") if source == AGENT else None)
        except Exception:  # the borrower is not to be bothered with our storage trouble
            logger.exception("Could not store the rating of %s", tracker.sender_id)
            dispatcher.utter_message(response="utter_thanks_for_rating")
            return [SlotSet("rating_stored", False)]
        return [SlotSet("rating_stored", True)]


class ValidateRatingCommentForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_rating_comment_form"

    async def validate_rating_comment(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        comment = (value or "").strip() if isinstance(value, str) else ""
        if comment and tracker.get_slot("rating_stored"):
            try:
                # The comment goes to this conversation's latest rating, found
                # by the store: no id is taken from a slot a message could set.
                await asyncio.to_thread(RatingStore().add_comment, tracker.sender_id, comment)
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
        return [SlotSet(name, None) for name in ("rating_score", "rating_stored", "rating_comment", "rating_subject")]
