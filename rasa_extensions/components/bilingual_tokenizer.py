"""Jieba tokenisation for English, Chinese and the two mixed.

Rasa's JiebaTokenizer keeps every space of an English sentence as a token
(" "), so on English text half the tokens carry nothing and dilute the word
features. This subclass drops them; Chinese text is unchanged.
"""
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class BilingualTokenizer(JiebaTokenizer):
    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        tokens = super().tokenize(message, attribute)
        kept = [token for token in tokens if token.text.strip()]
        # Never hand an empty token list to the featurizers (Rasa #10504).
        return kept or tokens
