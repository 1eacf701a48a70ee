"""Message inspection inside the Rasa server: the last NLU component.

Rasa gives a component's `process` the conversation's tracker when it asks
for one. With it, each message is read in context (borrower_help.reading:
the answer to the question just asked, scams, a person asked for, the cause
behind the symptoms, facts stated unasked, corrections...), and the signals
every message needs are decided here, in-process, as entities that fill
slots through `from_entity` mappings (domain/) or that the turn guard acts
on (rasa_extensions/turn_guard.py):

    language              en / zh, from the script (or the page's language)
    problem               the catalogue's name for the problem intent
    sensitive_data_type   secrets typed (the turn guard warns)
    frustration           signs of frustration (the turn guard may offer a person)
    answer, <flow slot>   flow answers, in context and stated anywhere
    fallback_stage        "understood" once a message is understood again

So a plain message needs no action-server call to be inspected. Without a
tracker (`rasa test nlu`, /model/parse) the context-free readings still apply.
"""
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from borrower_help import catalogue, frustration, privacy, reading
from borrower_help.language import SUPPORTED_LANGUAGES, detect_language

# Bot messages that are not the question a borrower is answering.
NOT_QUESTIONS = {"utter_warn_sensitive_data", "utter_offer_human_frustrated", "utter_passed_to_agent",
                 "utter_please_answer_yes_no", "utter_confirm_unsure"}
RECENT = 8
INSPECTION = "inspection"  # parse data key: what was read in context, and why


def context_from(tracker: Optional[DialogueStateTracker]) -> reading.Context:
    if tracker is None:
        return reading.Context()
    bots = [e for e in tracker.events if isinstance(e, BotUttered)]
    responses = [(e.metadata or {}).get("utter_action") for e in bots]
    asked = next((e for e in reversed(bots) if (e.metadata or {}).get("utter_action") not in NOT_QUESTIONS), None)
    return reading.Context(
        last_question=(asked.metadata or {}).get("utter_action") if asked else None,
        recent_responses=[r for r in responses[-RECENT:] if r],
        buttons=list((asked.data or {}).get("buttons") or []) if asked else [],
        slots=tracker.current_slot_values(),
        active_form=tracker.active_loop_name,
        requested_slot=tracker.get_slot("requested_slot"),
    )


def asked_again(tracker: Optional[DialogueStateTracker]) -> bool:
    """The bot's last turn had to ask for a yes or no again."""
    if tracker is None:
        return False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and (event.metadata or {}).get("utter_action") == "utter_please_answer_yes_no":
            return True
    return False


def page_language(tracker: Optional[DialogueStateTracker], metadata: Optional[Dict[Text, Any]]) -> Optional[Text]:
    """The web page's language (widget customData.language), until the
    borrower has written something that decides the language."""
    language = (metadata or {}).get("language")
    if language not in SUPPORTED_LANGUAGES:
        return None
    if tracker is not None and any(detect_language(e.text) for e in tracker.events if isinstance(e, UserUttered)):
        return None
    return language


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class MessageInspector(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "MessageInspector":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message], tracker: Optional[DialogueStateTracker] = None) -> List[Message]:
        for message in messages:
            self.inspect(message, tracker)
        return messages

    def inspect(self, message: Message, tracker: Optional[DialogueStateTracker]) -> None:
        text = message.get(TEXT) or ""
        intent = (message.get(INTENT) or {}).get("name")
        ranking = message.get(INTENT_RANKING_KEY) or []
        context = context_from(tracker)
        read = reading.read(text, intent, ranking, context)
        if read.intent and read.intent != intent:
            self._set_intent(message, read.intent, ranking)
        final_intent = read.intent or intent
        entities = dict(read.entities)

        language = detect_language(text) or page_language(tracker, message.get("metadata"))
        if language:
            entities["language"] = language
        problem = catalogue.problem_for_intent(final_intent)
        if problem:
            entities["problem"] = problem
        secrets = privacy.secret_kinds(text)
        if secrets:
            entities["sensitive_data_type"] = ",".join(secrets)
        earlier = [e for e in tracker.events if isinstance(e, UserUttered)] if tracker is not None else []
        unreadable_again = asked_again(tracker) and read.entities.get(reading.ANSWER) in (None, "unsure")
        signs = frustration.signals(text, [e.text or "" for e in earlier], [e.intent_name for e in earlier],
                                    final_intent, unreadable_again=unreadable_again and bool(context.active_form))
        if signs:
            entities["frustration"] = ",".join(signs)
        if context.slots.get("fallback_stage") not in (None, "understood") and \
                final_intent not in ("nlu_fallback", "deny", "affirm"):
            entities["fallback_stage"] = "understood"

        found = [e for e in message.get(ENTITIES) or [] if e.get("entity") not in entities]
        message.set(ENTITIES, found + reading.Reading(entities=entities).entity_list(), add_to_output=True)
        if read.why:
            message.set(INSPECTION, {"read_as": read.intent, "model_intent": intent, "why": read.why},
                        add_to_output=True)

    @staticmethod
    def _set_intent(message: Message, intent: Text, ranking: List[Dict[Text, Any]]) -> None:
        message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
        rest = [r for r in ranking if r.get("name") != intent]
        message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 1.0}, *rest], add_to_output=True)
