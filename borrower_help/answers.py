"""Reading a borrower's free-text answers to the bot's own questions: yes or
no ("能登录，密码还记得", "nope"), when a repayment is due ("tmr", "下个月"),
and a 1-5 rating ("4/5", "五星", "非常满意"). Pure functions: the Rasa server
reads answers in the context of the question just asked, the action server
validates them."""
import re
from typing import Optional, Text

YES, NO, UNSURE = "yes", "no", "unsure"

_UNSURE = re.compile(
    r"not sure|unsure|no idea|don'?t know|dunno|\bmaybe\b|not certain|can'?t remember|don'?t remember|"
    r"不确定|不知道|不清楚|也许|说不准|不好说|记不清|忘了是不是|不太清楚", re.I)
# "I think so", "应该能吧 我试试": a yes, said carefully.
_HEDGED_YES = re.compile(
    r"\bi (?:think|guess|believe) so\b|\bprobably\b|\bshould be (?:able|ok|fine)\b|\bi should be able\b|"
    r"应该(?:能|可以|行|是|有|还在|没问题)|估计(?:能|可以|行)|大概(?:能|可以|行)", re.I)
_SAYS_NO_PROBLEM = re.compile(r"没问题|没关系|no problem|not a problem", re.I)
_YES = re.compile(
    r"^\s*((y|ya|yes|yeah|yep|yup|yea|sure|ok|okay|k|correct|right|of course|definitely|absolutely|"
    r"i (?:can|do|have|did|am)|it (?:does|is|did|works))\b|"
    r"是|对|嗯|能|可以|有|行|好|还能|已经|在|收到|拿到|办好|当然|没错)",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^\s*((n|no|nope|nah|not|never|nothing|none)\b|can'?t|cannot|don'?t|doesn'?t|didn'?t|haven'?t|hasn'?t|"
    r"isn'?t|won'?t|wasn'?t|"
    r"不|没|还没|无|否|别)",
    re.IGNORECASE,
)
# A "no" anywhere in a short answer: "用不了了", "旧的卡找不到了", "it's gone".
_NO_INSIDE = re.compile(
    r"\b(?:no|not|never|can'?t|cannot|don'?t|doesn'?t|didn'?t|haven'?t|isn'?t|won'?t|gone|lost|expired|"
    r"cancel+ed|stopped working)\b|不了|不能|不行|不是|不到|不上|不见|不通|没有|没了|没法|无法|找不到|用不|"
    r"停机|注销|丢了|还没|未|失败|不清晰|不成功",
    re.IGNORECASE,
)
_NO_FOR_SURE = re.compile(
    r"\b(?:lost it|it'?s gone|threw (?:it )?away|cancel+ed|no longer (?:have|works?))\b|找不到了|丢了|没了|注销了|停机了|"
    r"用不了了|作废了|扔了", re.I)
_YES_INSIDE = re.compile(
    r"\b(?:yes|yeah|yep|sure|ok|okay|still (?:works|have|working)|got it|done|already|works now|it works)\b|"
    r"还在|能用|可以用|收到|拿到|办好|好了|解决了|搞定|成功了|已经|还能",
    re.IGNORECASE,
)


def parse_answer(text: Optional[Text]) -> Optional[Text]:
    """YES, NO or UNSURE for a free-text answer to a yes/no question, or
    None when the text does not answer one."""
    if not text:
        return None
    if _NO_FOR_SURE.search(text):
        return NO  # "旧的卡找不到了 不知道放哪了": lost, whatever else is unknown
    if _UNSURE.search(text):
        return UNSURE
    if _SAYS_NO_PROBLEM.search(text):
        return YES
    if _HEDGED_YES.search(text) and not _NO.search(text):
        return YES
    if _NO.search(text):
        return NO
    if _YES.search(text):
        return YES
    if _NO_INSIDE.search(text):
        return NO
    if _YES_INSIDE.search(text):
        return YES
    return None


def starts_with_yes_or_no(text: Optional[Text]) -> bool:
    return bool(text) and bool(_YES.search(text or "") or _NO.search(text or ""))


def parse_yes_no(text: Optional[Text]) -> Optional[bool]:
    answer = parse_answer(text)
    return None if answer in (None, UNSURE) else answer == YES


_SOON = re.compile(
    r"today|tonight|tomorrow|tmr|tmrw|day after|in (a|one|two|three|1|2|3) days?|"
    r"overdue|due now|今天|今晚|明天|后天|马上|这两天|[一二两三123]天(内|后|之内)?|已经逾期|到期了",
    re.IGNORECASE,
)
_LATER = re.compile(
    r"next (week|month)|in (\d{2,}|[4-9]|four|five|six|seven|ten) days|weeks?|"
    r"end of (the )?month|下周|下个?月|月底|[四五六七八九十]天|\d{2,}天|[4-9]天|还早|半个?多?月|个多?月|"
    r"还有[^。，,]{0,4}(?:周|星期|礼拜|十)|不急|早着",
    re.IGNORECASE,
)


def parse_due_soon(text: Optional[Text]) -> Optional[bool]:
    """Whether an answer like "tomorrow" or "下个月" means due within 3 days."""
    if not text:
        return None
    if _SOON.search(text):
        return True
    if _LATER.search(text):
        return False
    return parse_yes_no(text)


def as_bool(value) -> Optional[bool]:
    """A slot value as a yes/no: booleans, "true"/"false", YES/NO answers."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", YES):
            return True
        if lowered in ("false", NO):
            return False
    return None


# Checked in this order: the negative phrases contain the positive words.
_WORDS = [
    (1, r"terrible|useless|awful|very bad|waste of time|非常不满意|很不满意|很差|太差|垃圾|没用"),
    (2, r"not (very |really )?(good|helpful)|poor|too slow|不太满意|不满意|不太好|太慢"),
    (5, r"excellent|perfect|amazing|very (good|helpful)|great|非常满意|很满意|太棒|特别好|非常好|超赞"),
    (4, r"\bgood\b|helpful|满意|不错|挺好"),
    (3, r"so-so|average|一般|还行|凑合|马马虎虎"),
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


