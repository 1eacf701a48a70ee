"""Reading a borrower's free-text answers to the bot's own questions: yes or
no ("能登录，密码还记得", "nope"), when a repayment is due ("tmr", "下个月"),
and a 1-5 rating ("4/5", "五星", "非常满意"). Pure functions: the Rasa server
reads answers in the context of the question just asked, the action server
validates them."""
import re
from typing import Optional, Text

_UNSURE = re.compile(r"not sure|no idea|don't know|dunno|maybe|不确定|不知道|不清楚|也许", re.I)
_YES = re.compile(
    r"^\s*((y|ya|yes|yeah|yep|yup|sure|ok|okay|correct|right|of course)\b|"
    r"是|对|嗯|能|可以|有|行|好|还能|已经)",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^\s*((n|no|nope|nah|not|never)\b|can'?t|cannot|don'?t|haven'?t|"
    r"不|没|还没|无|否)",
    re.IGNORECASE,
)
_SOON = re.compile(
    r"today|tonight|tomorrow|tmr|tmrw|day after|in (a|one|two|three|1|2|3) days?|"
    r"overdue|due now|今天|今晚|明天|后天|马上|这两天|[一二两三123]天(内|后|之内)?|已经逾期|到期了",
    re.IGNORECASE,
)
_LATER = re.compile(
    r"next (week|month)|in (\d{2,}|[4-9]|four|five|six|seven|ten) days|weeks?|"
    r"end of (the )?month|下周|下个?月|月底|[四五六七八九十]天|\d{2,}天|[4-9]天|还早",
    re.IGNORECASE,
)


def parse_yes_no(text: Optional[Text]) -> Optional[bool]:
    if not text or _UNSURE.search(text):
        return None
    if _NO.search(text):
        return False
    if _YES.search(text):
        return True
    return None


def parse_due_soon(text: Optional[Text]) -> Optional[bool]:
    """Whether an answer like "tomorrow" or "下个月" means due within 3 days."""
    if not text:
        return None
    if _SOON.search(text):
        return True
    if _LATER.search(text):
        return False
    return parse_yes_no(text)


# Checked in this order: the negative phrases contain the positive words.
_WORDS = [
    (1, r"terrible|useless|awful|very bad|waste of time|非常不满意|很不满意|很差|太差|垃圾|没用"),
    (2, r"not (very |really )?(good|helpful)|poor|too slow|不太满意|不满意|不太好|太慢"),
    (5, r"excellent|perfect|amazing|very (good|helpful)|great|非常满意|很满意|太棒|特别好|非常好|超赞"),
    (4, r"\bgood\b|helpful|满意|不错|挺好"),
    (3, r"\bok(ay)?\b|so-so|average|一般|还行|凑合"),
]
_NUMBER = re.compile(r"(?<![\d.])([1-5])(?:\s*(?:/\s*5|out of 5|stars?|分|星|颗星))?(?![\d.])", re.I)
_STARS = re.compile(r"[⭐★]{1,5}")


def parse_score(text: Optional[Text]) -> Optional[int]:
    """1-5 from "5", "4/5", "3 stars", "★★★★", "五星", "非常满意", "terrible"..."""
    if not text:
        return None
    stars = _STARS.search(text)
    if stars:
        return len(stars.group())
    chinese = re.search(r"([一二三四五])\s*(?:星|颗星|分)", text)
    if chinese:
        return "一二三四五".index(chinese.group(1)) + 1
    number = _NUMBER.search(text)
    if number:
        return int(number.group(1))
    lowered = text.lower()
    for score, words in _WORDS:
        if re.search(words, lowered):
            return score
    return None


