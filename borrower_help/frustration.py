"""Signs that a borrower is getting frustrated, so the bot offers a person
before they have to ask: swearing, shouting, repeating themselves, the same
question failing twice, a question answered in a way the bot cannot read
twice. Pure functions over the text and the earlier messages; whether an
offer is then made is decided in borrower_help/offers.py.
"""
import re
import unicodedata
from typing import List, Optional, Sequence, Set, Text

SWEARING = "swearing"
SHOUTING = "shouting"
REPEATING = "repeating"
FAILING_TWICE = "failing_twice"
UNREADABLE_TWICE = "unreadable_answers"

_SWEAR_EN = re.compile(
    r"\b(f+u+c+k+\w*|wtf|shit+\w*|bullshit|crap+y?|damn+(it)?|bloody hell|piss(ed)? off|"
    r"useless piece of|stupid (bot|app|machine)|idiot\w*|screw (you|this))\b", re.I)
# 骗子 ("liar, scammer") is left out: borrowers use it to report fraud.
_SWEAR_ZH = re.compile(r"妈的|他妈|尼玛|卧槽|我靠|操你|傻逼|煞笔|垃圾(机器人|客服|系统|平台|玩意|东西|app|APP)|(真|太|好|什么)垃圾|什么破|破(机器人|玩意|APP|app)|滚蛋|智障|坑爹")
_REPEATED_MARKS = re.compile(r"[!！]{3,}|[?？]{3,}|[!！?？]{4,}")
_ACRONYMS = {"ID", "SMS", "OTP", "APP", "ATM", "PIN", "OK", "QR", "UNIONPAY", "WECHAT", "ALIPAY", "NFC"}
_SIMILAR = 0.85


def swearing(text: Optional[Text]) -> bool:
    return bool(text) and bool(_SWEAR_EN.search(text or "") or _SWEAR_ZH.search(text or ""))


def shouting(text: Optional[Text]) -> bool:
    """Runs of !!!/？？？, or English in capitals (a few words, not acronyms)."""
    if not text:
        return False
    if _REPEATED_MARKS.search(text):
        return True
    words = [w for w in re.findall(r"[A-Za-z]{2,}", text) if w.upper() not in _ACRONYMS]
    capitals = [w for w in words if w.isupper()]
    return len(capitals) >= 3 and len(capitals) >= 0.7 * len(words)


MAX_COMPARED_CHARS = 300  # a message's first characters decide whether it repeats


def _normalised(text: Text) -> Text:
    text = unicodedata.normalize("NFKC", text[: MAX_COMPARED_CHARS * 2]).casefold()
    return re.sub(r"[\W_]+", "", text)[:MAX_COMPARED_CHARS]


def _trigrams(text: Text) -> Set[Text]:
    return {text[i:i + 3] for i in range(max(1, len(text) - 2))}


def repeating(text: Optional[Text], earlier: Sequence[Text]) -> bool:
    """The same message again (nearly), among the user's last three; short
    answers ("yes", "1", buttons) repeat naturally and do not count.
    Linear in the length: sets of character trigrams of the first 300
    characters (Jaccard), never a quadratic alignment of what a client sent."""
    current = _normalised(text or "")
    if len(current) < 6 or (text or "").startswith("/"):
        return False
    mine = _trigrams(current)
    for other in earlier[-3:]:
        if not other or other.startswith("/"):
            continue
        theirs = _trigrams(_normalised(other))
        if len(mine & theirs) >= _SIMILAR * len(mine | theirs):
            return True
    return False


def signals(text: Optional[Text], earlier_texts: Sequence[Text], earlier_intents: Sequence[Optional[Text]],
            intent: Optional[Text], unreadable_again: bool = False) -> List[Text]:
    """Which signs the latest message shows, given the user's earlier
    messages and their intents (oldest first)."""
    found = []
    if swearing(text):
        found.append(SWEARING)
    if shouting(text):
        found.append(SHOUTING)
    if repeating(text, list(earlier_texts)):
        found.append(REPEATING)
    if intent == "nlu_fallback" and earlier_intents and earlier_intents[-1] == "nlu_fallback":
        found.append(FAILING_TWICE)
    if unreadable_again:
        found.append(UNREADABLE_TWICE)
    return found
