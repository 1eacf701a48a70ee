"""Which language a user message is written in, and responses in that language.

Borrowers write Simplified Chinese, English, or Chinese with English words
mixed in ("我的APP登不上", "ID过期了"). A message decides the language only
when its script says so clearly; "ok", "1", emoji or a button payload keep
the language the conversation already has.
"""
import re
from typing import Optional, Text

SUPPORTED_LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def detect_language(text: Optional[Text]) -> Optional[Text]:
    """Return "zh", "en", or None when the text does not decide."""
    if not text or text.lstrip().startswith("/"):
        # "/affirm" and friends are button payloads, not something the user wrote.
        return None
    han_chars = len(_HAN.findall(text))
    latin_words = len(_LATIN_WORD.findall(text))
    if han_chars == 0:
        # One English word ("ok", "yes") is too little to leave Chinese.
        return "en" if latin_words >= 2 else None
    # A Chinese character carries roughly half an English word, so a couple of
    # product names (花呗, 借呗) inside an English sentence keep it English.
    return "zh" if han_chars >= latin_words * 2 or latin_words <= 1 else "en"

