"""The trained model loaded the fast way (rasa_extensions/model_loading.py,
installed by the Rasa patches) predicts exactly what Rasa's own loading
predicts: the same intents with the same confidences for held-out messages
in both languages, and the same next actions along whole conversations."""
import asyncio
import pathlib

import numpy as np
import pytest
import yaml
from rasa.core.agent import Agent
from rasa.utils.tensorflow.models import RasaModel

from rasa_extensions import model_loading, patches

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "borrower-help.tar.gz"
CONVERSATIONS = [
    ["hi", "I changed my phone number and can't repay", "no", "yes ok", "ok thanks"],
    ["身份证过期了开不了借呗", "还没有", "好的", "谢谢"],
    ["换号了 收不到验证码 登录不了 还款也还不了", "旧卡已经注销了", "转人工"],
]


def _held_out(per_language: int = 40):
    messages = []
    for language in ("en", "zh"):
        data = yaml.safe_load((ROOT / "tests" / "nlu_holdout" / f"{language}.yml").read_text())
        lines = [line[2:].strip() for block in data["nlu"] for line in block["examples"].splitlines()
                 if line.startswith("- ")]
        messages += lines[::max(1, len(lines) // per_language)][:per_language]
    return messages


async def _predictions(agent: Agent, messages):
    parsed = []
    for text in messages:
        result = await agent.parse_message(text)
        parsed.append({r["name"]: r["confidence"] for r in result["intent_ranking"]})
    actions = []
    for number, conversation in enumerate(CONVERSATIONS):
        sender = f"loading-{number}"
        for text in conversation:
            await agent.handle_text(text, sender_id=sender)
            tracker = await agent.tracker_store.retrieve(sender)
            prediction = agent.processor._predict_next_with_tracker(tracker)
            actions.append(np.array(prediction.probabilities))
    return parsed, actions


def _load(monkeypatch, load) -> Agent:
    monkeypatch.setattr(RasaModel, "load", classmethod(load))
    return Agent.load(model_path=str(MODEL))


@pytest.fixture(scope="module")
def both():
    patches.install()  # responses need the lender's settings
    messages = _held_out()
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast = asyncio.run(_predictions(_load(monkeypatch, model_loading.load_for_prediction), messages))
        rasas = asyncio.run(_predictions(_load(monkeypatch, model_loading.rasa_load), messages))
    return messages, fast, rasas


def test_intents_and_confidences_are_the_same(both):
    messages, (fast, _), (rasas, _) = both
    assert len(messages) == 80
    for text, ours, theirs in zip(messages, fast, rasas):
        assert ours.keys() == theirs.keys(), text
        assert max(abs(ours[name] - theirs[name]) for name in ours) < 1e-5, text


def test_next_actions_are_the_same_along_whole_conversations(both):
    _, (_, fast), (_, rasas) = both
    assert len(fast) == sum(len(c) for c in CONVERSATIONS)
    for ours, theirs in zip(fast, rasas):
        assert ours.argmax() == theirs.argmax()
        assert np.abs(ours - theirs).max() < 1e-5


def test_the_patches_install_the_fast_loading():
    patches.install()
    assert RasaModel.load.__func__ is model_loading.load_for_prediction
