"""The searchable form of a message, and the search string's.

Messages were masked when they were stored (138****5678, 6222***********4562,
******, a***@example.com). The searchable text goes one step further: a
masked value becomes "***", so none of its digits (nor the visible part of an
e-mail address) can be searched for: nobody finds a borrower's conversation
by the last digits of a phone or card number.

Chinese has no spaces; substring search finds it anyway (pg_trgm and FTS5's
trigram tokenizer both work on characters). Both need 3 characters, so for
2-character searches (很多中文词: 借呗, 还款, 换手) each run of Chinese
characters is also kept as its overlapping pairs, space separated
("换手机号" -> " 换手 手机 机号 "), and a 2-character search looks for " 换手 "
there: three characters again.
"""
import re
from typing import Optional, Tuple

# A masked value: stars with the digits, letters and punctuation glued to them.
_MASKED = re.compile(r"[0-9A-Za-z._%+\-@]*\*[0-9A-Za-z._%+\-@*]*")
# CJK ideographs (unified, extension A, compatibility).
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]{{2,}}")
_CJK_PAIR = re.compile(f"^[{_CJK}]{{2}}$")


def normalised(text: str) -> str:
    """Case and spacing ignored (failures are grouped on this)."""
    return " ".join(text.casefold().split())


def searchable(text: str) -> Tuple[str, Optional[str]]:
    """The text to search in, and its Chinese pairs (None without any)."""
    scrubbed = _MASKED.sub("***", text)
    pairs = [run[i:i + 2] for run in _CJK_RUN.findall(scrubbed) for i in range(len(run) - 1)]
    return scrubbed, (" " + " ".join(pairs) + " ") if pairs else None


def query_terms(needle: str) -> Tuple[str, str]:
    """How to search for `needle`: ("text", needle) for 3+ characters,
    ("pairs", " 换手 ") for a 2-character Chinese word, ("scan", needle)
    otherwise (1 character, or 2 Latin ones: no index helps; the search
    scans, newest first, and says so)."""
    needle = " ".join(needle.split())
    if len(needle) >= 3:
        return "text", needle
    if _CJK_PAIR.match(needle):
        return "pairs", f" {needle} "
    return "scan", needle
