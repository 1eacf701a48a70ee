"""Recognise secrets and personal data in free text, and mask them.

What counts, after normalisation (full-width digits, Chinese numerals in
runs, separators between digits — spaces, tabs, dots, dashes, slashes,
underscores, brackets):
- resident ID numbers: 18 characters with a plausible birth date, whatever
  the check digit (a typo is still somebody's ID), and 15-digit
  first-generation numbers with a real date;
- mobile numbers (with or without +86) and landline numbers with an area code;
- card and account numbers: 12-19 digits, Luhn-valid or not;
- codes: 4-8 digits anywhere in a clause that mentions a code (验证码, OTP,
  SMS, PIN, "the code they sent me this morning is ...");
- passwords after 密码 / 支付密码 / "password (is)(:)";
- e-mail addresses.
Secret kinds (ID, card or account, code, password) make the bot warn the
borrower; every kind is masked before anything is stored or logged.
"""
import re
from dataclasses import dataclass
from datetime import date
from typing import List, Optional, Text, overload

# Kinds the bot warns about: the user should never have typed them.
SECRET_KINDS = ("id_number", "bank_card", "account_number", "sms_code", "password")

_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ－　．／＿（）", "0123456789xX- ./_()")
_CHINESE_DIGITS = str.maketrans("零〇一幺二两三四五六七八九", "0011223456789")
# 7+ Chinese numerals in a row (phone and ID numbers read out digit by digit).
_CHINESE_NUMERAL_RUN = re.compile(r"[零〇一幺二两三四五六七八九](?:[ \-]?[零〇一幺二两三四五六七八九]){6,}")
_SEP = r"[ \t.\-/_()\[\]·]"
# A run of digits with up to two separator characters between them; ID
# numbers may end in X. Not glued to other digits, nor to the stars of a
# masked number, so masking what is already masked changes nothing.
_NUMBER_RUN = re.compile(rf"(?<![\d*])\d(?:{_SEP}{{0,2}}\d){{3,22}}(?:{_SEP}?[xX])?(?![\dA-Za-z*])")
_CODE_WORDS = re.compile(
    r"(验证码|校验码|动态码|短信码|确认码|激活码|安全码|口令|短信|验证|code|otp|pin|passcode|sms|tac)",
    re.IGNORECASE)
_CLAUSE_END = re.compile(r"[。！？!?\n;；]|\.\s")
_PASSWORD = re.compile(
    r"(password|passwd|pwd|passcode|密码|口令)\s*(?:is|was|=|是|为|:|：)?\s*[:：=]?\s*([\x21-\x7e]+)",
    re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9._%+-]{1,64})@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24})")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_WORDS_THAT_ARE_NOT_PASSWORDS = {"wrong", "incorrect", "forgotten", "forgot", "reset", "expired", "locked",
                                 "changed", "right", "correct", "again", "too", "not", "and", "but"}


@dataclass(frozen=True)
class Finding:
    kind: Text  # id_number, phone, bank_card, account_number, sms_code, password, email
    start: int
    end: int
    value: Text  # normalised: digits only (and X); the secret itself for passwords


def normalise(text: Text) -> Text:
    """Full-width characters and runs of Chinese numerals to ASCII digits;
    same length as the input, so positions carry over."""
    text = text.translate(_FULL_WIDTH)
    return _CHINESE_NUMERAL_RUN.sub(lambda m: m.group().translate(_CHINESE_DIGITS), text)


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def is_valid_resident_id(number: Text) -> bool:
    """GB 11643-1999: 17 digits, a check character, a real birth date."""
    number = number.upper()
    if not looks_like_resident_id(number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK_CHARS[total % 11] == number[17]


def looks_like_resident_id(number: Text) -> bool:
    """Shaped like an 18-character ID with a real birth date (check digit not
    required: a mistyped ID number is still somebody's)."""
    number = number.upper()
    return (bool(re.fullmatch(r"[1-9]\d{16}[\dX]", number))
            and _real_date(int(number[6:10]), int(number[10:12]), int(number[12:14])))


def _first_generation_id(number: Text) -> bool:
    """15-digit IDs (issued before 1999): region, YYMMDD, sequence."""
    return (bool(re.fullmatch(r"[1-9]\d{14}", number))
            and _real_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12])))


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


def _mentions_a_code(before: Text) -> bool:
    """A code word earlier in the same clause (up to 60 characters back)."""
    clause = _CLAUSE_END.split(before[-60:])[-1]
    return bool(_CODE_WORDS.search(clause))


def _classify(value: Text, text_before: Text) -> Optional[Text]:
    if len(value) == 18 and looks_like_resident_id(value):
        return "id_number"
    if not value.isdigit():
        return None
    if re.fullmatch(r"(?:0?86)?1[3-9]\d{9}", value):  # with or without +86
        return "phone"
    if len(value) == 15 and _first_generation_id(value):
        return "id_number"
    if 12 <= len(value) <= 19:
        return "bank_card" if passes_luhn(value) else "account_number"
    if re.fullmatch(r"0[1-9]\d{1,2}[2-9]\d{6,7}", value):  # area code + local number
        return "phone"
    if 4 <= len(value) <= 8 and _mentions_a_code(text_before):
        return "sms_code"
    return None


def find_sensitive(text: Optional[Text]) -> List[Finding]:
    """Every secret or personal datum in `text`, in order of appearance."""
    if not text:
        return []
    normalised = normalise(text)
    findings: List[Finding] = []
    for match in _NUMBER_RUN.finditer(normalised):
        value = re.sub(_SEP, "", match.group()).upper()
        kind = _classify(value, normalised[: match.start()])
        if kind:
            findings.append(Finding(kind, match.start(), match.end(), value))
    taken = lambda start: any(f.start <= start < f.end for f in findings)  # noqa: E731
    for match in _PASSWORD.finditer(normalised):
        secret = match.group(2)
        if secret.lower().strip(".,!?") in _WORDS_THAT_ARE_NOT_PASSWORDS or taken(match.start(2)):
            continue
        # "my password is wrong" names no password; a real one has a digit or
        # a symbol, or is long.
        if re.search(r"[\d\W_]", secret) or len(secret) >= 8:
            findings.append(Finding("password", match.start(2), match.end(2), secret))
    for match in _EMAIL.finditer(normalised):
        if not taken(match.start()):
            findings.append(Finding("email", match.start(), match.end(), match.group()))
    return sorted(findings, key=lambda f: f.start)


def secret_kinds(text: Optional[Text]) -> List[Text]:
    """Kinds of secrets in `text` the user should be warned about."""
    return sorted({f.kind for f in find_sensitive(text) if f.kind in SECRET_KINDS})


def _mask_value(finding: Finding) -> Text:
    value = finding.value
    if finding.kind == "id_number":
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if finding.kind == "phone":
        if value.startswith("0"):  # landline: area code kept
            return value[:3] + "*" * (len(value) - 5) + value[-2:]
        country = "86 " if len(value) > 11 else ""  # +86 stays readable
        return country + value[-11:-8] + "****" + value[-4:]
    if finding.kind in ("bank_card", "account_number"):
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    if finding.kind == "email":
        local, domain = value.split("@", 1)
        return f"{local[:1]}***@{domain}"
    return "*" * 6


@overload
def mask(text: Text) -> Text: ...


@overload
def mask(text: None) -> None: ...


def mask(text: Optional[Text]) -> Optional[Text]:
    """`text` with every finding replaced by its masked form."""
    if not text:
        return text
    masked = text
    for finding in reversed(find_sensitive(text)):
        masked = masked[: finding.start] + _mask_value(finding) + masked[finding.end :]
    return masked
