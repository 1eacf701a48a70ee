"""The "did you mean …?" buttons: the known problems the model thought most
likely for a message it was unsure about, described in the user's language
(borrower_help.catalogue), never intent names, plus "none of these"."""
from typing import Dict, List, Optional, Text

from borrower_help.catalogue import PROBLEMS


def buttons(intents: List[Text], language: Optional[Text]) -> List[Dict[Text, Text]]:
    none = "都不是" if language == "zh" else "None of these"
    return [{"title": PROBLEMS[i].described(language), "payload": f"/{i}"} for i in intents] + \
        [{"title": none, "payload": "/deny"}]
