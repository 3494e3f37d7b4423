"""A Rasa tokenizer for Vietnamese as students type it.

Splits like Rasa's WhitespaceTokenizer (so entity offsets still point into the
original message), then gives every token its folded form with teencode
spelled out: "Học", "hoc" and "hok"... all become the features of "hoc";
"ko" becomes "khong", "ntn" becomes the three tokens "nhu the nao". The
folding rules live in vntext.folding, shared with the catalog and the actions.
"""

from __future__ import annotations

from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from vntext import folding


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class VietnameseTokenizer(WhitespaceTokenizer):
    @staticmethod
    def not_supported_languages():
        return None

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        tokens: List[Token] = []
        for token in super().tokenize(message, attribute):
            pieces = folding.expand_teencode(token.text).split() or [folding.fold(token.text)]
            for piece in pieces:
                tokens.append(Token(piece, token.start, token.end, lemma=piece))
        return tokens
