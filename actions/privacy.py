"""Recognise secrets and personal numbers in free text, and mask them.

Numbers are matched after normalisation (full-width digits, spaces and dashes
between digits), so "１１０ １０５-..." is found as well as "110105...".
Resident ID numbers count only with a valid GB 11643 check digit and a real
birth date; card numbers only with a valid Luhn checksum.
"""
import re
from dataclasses import dataclass
from datetime import date
from typing import List, Optional, Text

# Kinds the bot warns about: the user should never have typed them.
SECRET_KINDS = ("id_number", "bank_card", "sms_code", "password")

_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９ｘＸ－　", "0123456789xX- "
)
# A run of digits, optionally split by single spaces or dashes, ID numbers may
# end in X. Not glued to other digits, nor to the stars of a masked number, so
# masking what is already masked changes nothing.
_NUMBER_RUN = re.compile(r"(?<![\d*])\d(?:[ \-]?\d){3,22}(?:[ \-]?[xX])?(?![\dA-Za-z*])")
_CODE_WORDS = re.compile(
    r"(验证码|校验码|动态码|短信码|确认码|code|otp|pin|passcode)\D{0,12}$",
    re.IGNORECASE,
)
_PASSWORD = re.compile(
    r"(password|passwd|pwd|密码)\s*(?:is|was|是|为|:|：|=)\s*(\S+)", re.IGNORECASE
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"


@dataclass(frozen=True)
class Finding:
    kind: Text  # id_number, phone, bank_card, sms_code, password
    start: int
    end: int
    value: Text  # normalised: digits only (and X)


def normalise(text: Text) -> Text:
    """Full-width digits and separators to ASCII; same length as the input."""
    return text.translate(_FULL_WIDTH)


def is_valid_resident_id(number: Text) -> bool:
    """GB 11643-1999: 17 digits, a check character, a real birth date."""
    number = number.upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not date(1900, 1, 1) <= born <= date.today():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK_CHARS[total % 11] == number[17]


def passes_luhn(number: Text) -> bool:
    if not number.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _classify(value: Text, text_before: Text) -> Optional[Text]:
    if len(value) == 18 and is_valid_resident_id(value):
        return "id_number"
    if not value.isdigit():
        return None
    if re.fullmatch(r"(?:86)?1[3-9]\d{9}", value):  # with or without +86
        return "phone"
    if 13 <= len(value) <= 19 and passes_luhn(value):
        return "bank_card"
    if 4 <= len(value) <= 8 and _CODE_WORDS.search(text_before):
        return "sms_code"
    return None


def find_sensitive(text: Optional[Text]) -> List[Finding]:
    """Every secret or personal number in `text`, in order of appearance."""
    if not text:
        return []
    normalised = normalise(text)
    findings: List[Finding] = []
    for match in _NUMBER_RUN.finditer(normalised):
        value = re.sub(r"[ \-]", "", match.group()).upper()
        kind = _classify(value, normalised[max(0, match.start() - 24) : match.start()])
        if kind:
            findings.append(Finding(kind, match.start(), match.end(), value))
    for match in _PASSWORD.finditer(normalised):
        secret = match.group(2)
        # "my password is wrong" names no password; a real one has a digit or symbol.
        if re.search(r"[\d\W_]", secret):
            start = match.start(2)
            if not any(f.start <= start < f.end for f in findings):
                findings.append(Finding("password", start, match.end(2), secret))
    return sorted(findings, key=lambda f: f.start)


def secret_kinds(text: Optional[Text]) -> List[Text]:
    """Kinds of secrets in `text` the user should be warned about."""
    return sorted({f.kind for f in find_sensitive(text) if f.kind in SECRET_KINDS})


def _mask_value(finding: Finding) -> Text:
    value = finding.value
    if finding.kind == "id_number":
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if finding.kind == "phone":
        country = "86 " if len(value) == 13 else ""  # +86 stays readable
        return country + value[-11:-8] + "****" + value[-4:]
    if finding.kind == "bank_card":
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    return "*" * 6


def mask(text: Optional[Text]) -> Optional[Text]:
    """`text` with every finding replaced by its masked form."""
    if not text:
        return text
    masked = text
    for finding in reversed(find_sensitive(text)):
        masked = masked[: finding.start] + _mask_value(finding) + masked[finding.end :]
    return masked
