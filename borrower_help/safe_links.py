"""Links in what the widget renders: only http, https, tel and mailto.

The widget renders bot and agent text as Markdown with link checking turned
off (rasa-webchat 1.0.1), and an agent's text is forwarded as typed, so a
`[click](javascript:…)` would run script in the borrower's page. Every link
destination in outgoing text — inline, reference-style, autolink or an HTML
href/src — whose scheme is not allowed is replaced by "#"; the words stay.
"""
import html
import re
import unicodedata
from typing import Optional

ALLOWED_SCHEMES = ("http", "https", "tel", "mailto")

_INLINE = re.compile(r"(\]\(\s*<?)([^)\s>]*)")                      # [text](dest)
_REFERENCE = re.compile(r"(^\s{0,3}\[[^\]]+\]:\s*<?)(\S+?)(>?)(\s|$)", re.M)  # [id]: dest
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\s]*)>")  # <scheme:...>
_ATTRIBUTE = re.compile(r"""((?:href|src|action|formaction|xlink:href)\s*=\s*["']?)([^"'\s>]*)""", re.I)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def scheme_of(destination: str) -> Optional[str]:
    """The scheme a browser would see: entities and control characters,
    spaces and tabs inside the scheme are ignored by browsers too."""
    cleaned = html.unescape(html.unescape(destination))
    cleaned = "".join(c for c in cleaned if not unicodedata.category(c).startswith("C") and not c.isspace())
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def is_safe(destination: str) -> bool:
    scheme = scheme_of(destination)
    return scheme is None or scheme in ALLOWED_SCHEMES


def neutralise_links(text: Optional[str]) -> Optional[str]:
    if not text or (":" not in text and "&" not in text):
        return text

    def destination(match: re.Match) -> str:
        return match.group(1) + (match.group(2) if is_safe(match.group(2)) else "#")

    text = _INLINE.sub(destination, text)
    text = _REFERENCE.sub(lambda m: m.group(1) + (m.group(2) if is_safe(m.group(2)) else "#") + m.group(3)
                          + m.group(4), text)
    text = _AUTOLINK.sub(lambda m: m.group(0) if is_safe(m.group(1)) else "#", text)
    return _ATTRIBUTE.sub(destination, text)
