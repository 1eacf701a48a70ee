import uuid

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_extensions.components.bilingual_tokenizer import BilingualTokenizer
from rasa_extensions.components.linear_intent_classifier import (
    WEIGHTS_FILE,
    BrokenModelFile,
    LinearIntentClassifier,
)

EXAMPLES = {
    "report_id_expired": ["my ID card expired", "id expired and the app blocks me", "身份证过期了",
                          "证件到期 借呗关了"],
    "report_no_verification_code": ["no sms code arrives", "verification code never comes",
                                    "收不到验证码", "短信验证码一直不来"],
    "greet": ["hello", "hi there", "你好", "在吗"],
}


@pytest.fixture
def tokenizer():
    return BilingualTokenizer(BilingualTokenizer.get_default_config(), None, None)


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


@pytest.fixture
def context():
    return ExecutionContext(GraphSchema({}), uuid.uuid4().hex)


def messages(tokenizer, *texts):
    result = [Message(data={"text": text}) for text in texts]
    tokenizer.process(result)
    return result


def trained(tokenizer, storage, context, examples=EXAMPLES):
    data = TrainingData([Message(data={"text": text, "intent": intent})
                         for intent, texts in examples.items() for text in texts])
    tokenizer.process_training_data(data)
    classifier = LinearIntentClassifier.create({}, storage, Resource("linear"), context)
    classifier.train(data)
    return classifier


def test_unseen_phrasings_in_both_languages_get_their_intent(tokenizer, storage, context):
    classifier = trained(tokenizer, storage, context)
    parsed = classifier.process(messages(tokenizer, "my id card has expired", "验证码收不到", "hello!"))
    assert [m.get("intent")["name"] for m in parsed] == [
        "report_id_expired", "report_no_verification_code", "greet"]


def test_ranking_is_sorted_probabilities_with_the_top_one_as_intent(tokenizer, storage, context):
    classifier = trained(tokenizer, storage, context)
    [message] = classifier.process(messages(tokenizer, "身份证过期"))
    ranking = message.get("intent_ranking")
    confidences = [r["confidence"] for r in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) == pytest.approx(1.0)
    assert message.get("intent") == ranking[0]
    assert all(isinstance(c, float) for c in confidences)  # JSON-safe in the parse result


@pytest.mark.parametrize("examples", [EXAMPLES, {k: EXAMPLES[k] for k in ("greet", "report_id_expired")}],
                         ids=["several intents", "two intents"])
def test_a_loaded_model_gives_the_same_probabilities(tokenizer, storage, context, examples):
    classifier = trained(tokenizer, storage, context, examples)
    loaded = LinearIntentClassifier.load({}, storage, Resource("linear"), context)
    before = classifier.process(messages(tokenizer, "code not coming", "在吗 我的证件过期了"))
    after = loaded.process(messages(tokenizer, "code not coming", "在吗 我的证件过期了"))
    assert [m.get("intent_ranking") for m in before] == [m.get("intent_ranking") for m in after]


def test_weights_holding_pickled_objects_are_refused_not_executed(tokenizer, storage, context):
    trained(tokenizer, storage, context)
    with storage.write_to(Resource("linear")) as directory:
        smuggled = np.array([Smuggled()], dtype=object)
        np.savez(directory / WEIGHTS_FILE, words_idf=smuggled, chars_idf=smuggled, coef=smuggled,
                 intercept=smuggled)
    with pytest.raises(BrokenModelFile, match="cannot be read"):
        LinearIntentClassifier.load({}, storage, Resource("linear"), context)


def test_weights_that_do_not_fit_the_vocabulary_are_refused(tokenizer, storage, context):
    trained(tokenizer, storage, context)
    with storage.write_to(Resource("linear")) as directory:
        with np.load(directory / WEIGHTS_FILE) as stored:
            weights = dict(stored)
        weights["coef"] = weights["coef"][:, :-1]
        np.savez(directory / WEIGHTS_FILE, **weights)
    with pytest.raises(BrokenModelFile, match="do not fit"):
        LinearIntentClassifier.load({}, storage, Resource("linear"), context)


def test_without_two_intents_nothing_is_trained_and_messages_pass_unclassified(tokenizer, storage, context):
    classifier = trained(tokenizer, storage, context, {"greet": ["hello", "hi"]})
    [message] = classifier.process(messages(tokenizer, "hello"))
    assert message.get("intent") is None
    loaded = LinearIntentClassifier.load({}, storage, Resource("linear"), context)
    assert loaded.process(messages(tokenizer, "hello"))[0].get("intent") is None


class Smuggled:
    """Stands for any object a tampered model file could ask to build."""

    def __reduce__(self):
        return (print, ("this must never run",))
