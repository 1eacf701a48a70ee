"""What a chat request must look like before it reaches the model.

The chat endpoints are public, so every message is checked here: a sender id
that is a sane string, a non-empty message of bounded size without control
characters, and a bounded rate per sender. Each refusal carries an HTTP status
and a sentence a developer can act on.
"""
import re
import time
import unicodedata
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any, Deque, Dict, Optional, Tuple

# Sender ids are chosen by clients; keep them printable and short.
_SENDER = re.compile(r"^[A-Za-z0-9_.:@\-]{1,128}$")


class Refused(Exception):
    def __init__(self, status: int, message: str, retry_after: Optional[int] = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


@dataclass
class Limits:
    max_message_chars: int = 2000
    messages_per_window: int = 30
    window_seconds: int = 60

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "Limits":
        credentials = credentials or {}
        limits = cls(
            max_message_chars=int(credentials.get("max_message_chars", cls.max_message_chars)),
            messages_per_window=int(credentials.get("messages_per_window", cls.messages_per_window)),
            window_seconds=int(credentials.get("window_seconds", cls.window_seconds)),
        )
        if min(limits.max_message_chars, limits.messages_per_window, limits.window_seconds) < 1:
            raise ValueError(f"channel limits must be positive: {limits}")
        return limits


def clean_text(text: str) -> str:
    """Drop control and format characters (keep newlines and tabs), NFC-normalise."""
    kept = "".join(
        c for c in text
        if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co")
    )
    return unicodedata.normalize("NFC", kept)


def check_request(body: Any, limits: Limits) -> Tuple[str, str, Optional[Dict[str, Any]]]:
    """(sender, cleaned message, metadata) of a valid request, else Refused."""
    if not isinstance(body, dict):
        raise Refused(400, "The body must be a JSON object with 'sender' and 'message'.")
    sender = body.get("sender")
    if not isinstance(sender, str) or not _SENDER.match(sender):
        raise Refused(400, "'sender' is required: 1-128 characters of letters, digits, '_', '-', '.', ':' or '@'.")
    message = body.get("message")
    if not isinstance(message, str):
        raise Refused(400, "'message' is required and must be a string.")
    if len(message) > limits.max_message_chars:
        raise Refused(413, f"'message' is longer than {limits.max_message_chars} characters.")
    message = clean_text(message)
    if not message.strip():
        raise Refused(400, "'message' is empty.")
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise Refused(400, "'metadata' must be a JSON object when given.")
    return sender, message, metadata


@dataclass
class RateLimiter:
    """Sliding window per sender, in this process's memory."""

    limits: Limits
    clock: Any = time.monotonic
    _seen: Dict[str, Deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def check(self, sender: str) -> None:
        now = self.clock()
        window = self._seen[sender]
        while window and window[0] <= now - self.limits.window_seconds:
            window.popleft()
        if len(window) >= self.limits.messages_per_window:
            retry_after = int(window[0] + self.limits.window_seconds - now) + 1
            raise Refused(429, f"Too many messages from this sender; try again in {retry_after} s.",
                          retry_after)
        window.append(now)
        if len(self._seen) > 100_000:  # forget idle senders, bound the memory
            for idle in [s for s, w in self._seen.items() if not w or w[-1] <= now - self.limits.window_seconds]:
                del self._seen[idle]
