import pytest
from rasa.shared.nlu.training_data.message import Message

from rasa_extensions.components.bilingual_tokenizer import BilingualTokenizer


@pytest.fixture
def tokenizer():
    return BilingualTokenizer(BilingualTokenizer.get_default_config(), None, None)


def words(tokenizer, text):
    return [t.text for t in tokenizer.tokenize(Message(data={"text": text}), "text")]


def test_english_has_no_whitespace_tokens(tokenizer):
    assert words(tokenizer, "I changed my  phone number") == ["I", "changed", "my", "phone", "number"]


def test_mixed_text_keeps_offsets(tokenizer):
    message = Message(data={"text": "我的APP 登不上"})
    tokens = tokenizer.tokenize(message, "text")
    assert "APP" in [t.text for t in tokens]
    assert all(message.get("text")[t.start:t.end] == t.text for t in tokens)


def test_whitespace_only_text_still_has_a_token(tokenizer):
    # Featurizers and DIET must never see an empty token list (Rasa #10504).
    assert words(tokenizer, "   ") != []
