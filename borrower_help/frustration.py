"""Signs that a borrower is getting frustrated, so the bot offers a person
before they have to ask: swearing, shouting, repeating themselves, the same
question failing twice, a question answered in a way the bot cannot read
twice. Pure functions over the text and the tracker's events.
"""
import re
import unicodedata
from difflib import SequenceMatcher
from typing import Any, Dict, List, Optional, Text

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


def _normalised(text: Text) -> Text:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", "", text)


def repeating(text: Optional[Text], earlier: List[Text]) -> bool:
    """The same message again (nearly), among the user's last three; short
    answers ("yes", "1", buttons) repeat naturally and do not count."""
    current = _normalised(text or "")
    if len(current) < 6 or (text or "").startswith("/"):
        return False
    return any(SequenceMatcher(None, current, _normalised(e)).ratio() >= _SIMILAR
               for e in earlier[-3:] if e and not e.startswith("/"))


def _user_events(events: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    return [e for e in events if e.get("event") == "user"]


def _intent(event: Dict[Text, Any]) -> Optional[Text]:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def failing_twice(events: List[Dict[Text, Any]]) -> bool:
    """The latest two messages both went unrecognised."""
    users = _user_events(events)
    return len(users) >= 2 and all(_intent(e) == "nlu_fallback" for e in users[-2:])


def signals(events: List[Dict[Text, Any]]) -> List[Text]:
    """Which signs the latest user message shows, given the conversation."""
    users = _user_events(events)
    if not users:
        return []
    text = users[-1].get("text") or ""
    earlier = [e.get("text") or "" for e in users[:-1]]
    found = []
    if swearing(text):
        found.append(SWEARING)
    if shouting(text):
        found.append(SHOUTING)
    if repeating(text, earlier):
        found.append(REPEATING)
    if failing_twice(events):
        found.append(FAILING_TWICE)
    return found
