"""The lender's settings in every answer, without copying them into every
conversation: the {lender_*} placeholders of the responses are filled from
lender.yml (borrower_help.lender, read again when the file changes) in the
conversation's language, when the response is rendered. Installed by
patches.py on Rasa's TemplatedNaturalLanguageGenerator."""
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.shared.core.events import BotUttered
from rasa.shared.core.trackers import DialogueStateTracker

from borrower_help import lender
from borrower_help.language import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

logger = logging.getLogger(__name__)
Generate = Callable[..., Awaitable[Optional[Dict[Text, Any]]]]


def with_lender_settings(generate: Generate) -> Generate:
    async def run(nlg, utter_action: Text, tracker: DialogueStateTracker, output_channel: Text,
                  **kwargs: Any) -> Optional[Dict[Text, Any]]:
        language = tracker.get_slot("language")
        language = language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE
        settings = None
        try:
            settings = lender.current()
            values = lender.answer_values(settings, language, due_soon=tracker.get_slot("repayment_due_soon") is True)
        except lender.SettingsError as error:  # a bad edit of lender.yml: keep answering
            logger.error("Lender settings not usable, answers keep their placeholders: %s", error)
            values = {}
        rendered = await generate(nlg, utter_action, tracker, output_channel, **{**values, **kwargs})
        if settings is not None and rendered and rendered.get("text") and _first_bot_message(tracker):
            rendered = {**rendered, "text": f"{rendered['text']}\n{lender.privacy_line(settings, language)}"}
        return rendered

    return run


def _first_bot_message(tracker: DialogueStateTracker) -> bool:
    """No bot message yet in this session, and none rendered earlier in this
    turn (an action's several messages are rendered before any is logged)."""
    if getattr(tracker, "_bh_privacy_line_said", False) or any(isinstance(e, BotUttered) for e in tracker.events):
        return False
    tracker._bh_privacy_line_said = True
    return True
