"""What a chat request must look like before it reaches the model, and how
much one client may ask of a server.

The chat endpoints are public, so every message is checked here: a sender id
that is a sane string, a non-empty message of bounded size without control
characters, small metadata, and bounded rates — per conversation, per client
address (whatever sender ids it invents) and for new conversations per
client — plus a bound on the messages a server works on at once. Each
refusal carries an HTTP status and a sentence a developer can act on.
"""
import ipaddress
import json
import os
import re
import time
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Deque, Dict, FrozenSet, Optional, Tuple

# Sender ids are chosen by clients; keep them printable and short.
_SENDER = re.compile(r"^[A-Za-z0-9_.:@\-]{1,128}$")


class Refused(Exception):
    def __init__(self, status: int, message: str, retry_after: Optional[int] = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limits:
    max_message_chars: int = 2000
    max_metadata_chars: int = 2000        # the metadata object as JSON
    messages_per_window: int = 30         # per conversation
    client_messages_per_window: int = 60  # per client address, all its conversations together
    client_new_conversations_per_window: int = 10
    window_seconds: int = 60
    max_in_flight: int = 64               # messages this server processes at once

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "Limits":
        credentials = credentials or {}
        values = {name: int(credentials.get(name, getattr(cls, name))) for name in cls.__dataclass_fields__}
        limits = cls(**values)
        if min(values.values()) < 1:
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
    if metadata and len(json.dumps(metadata, ensure_ascii=False)) > limits.max_metadata_chars:
        raise Refused(413, f"'metadata' is larger than {limits.max_metadata_chars} characters as JSON.")
    return sender, message, metadata


@dataclass
class SlidingWindow:
    """At most `allowed` hits per key in any `seconds`; idle keys are
    forgotten, so memory follows the keys seen in the last window only."""

    allowed: int
    seconds: int
    clock: Any = time.monotonic
    _hits: Dict[str, Deque[float]] = field(default_factory=dict)
    _pruned_at: float = 0.0

    def _prune(self, now: float) -> None:
        if now - self._pruned_at < self.seconds:
            return
        self._pruned_at = now
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self.seconds]:
            del self._hits[key]

    def retry_after(self, key: str) -> Optional[int]:
        """None when one more hit is allowed now, else the seconds to wait."""
        now = self.clock()
        self._prune(now)
        hits = self._hits.get(key)
        if hits is None:
            return None
        while hits and hits[0] <= now - self.seconds:
            hits.popleft()
        if len(hits) < self.allowed:
            return None
        return int(hits[0] + self.seconds - now) + 1

    def hit(self, key: str) -> None:
        self._hits.setdefault(key, deque()).append(self.clock())

    def __contains__(self, key: str) -> bool:
        hits = self._hits.get(key)
        return hits is not None and len(hits) > 0 and hits[-1] > self.clock() - self.seconds

    def __len__(self) -> int:
        return len(self._hits)


@dataclass
class RateLimiter:
    """The rates of one server process (several servers: each has its own)."""

    limits: Limits
    clock: Any = time.monotonic

    def __post_init__(self) -> None:
        window = self.limits.window_seconds
        self.per_sender = SlidingWindow(self.limits.messages_per_window, window, self.clock)
        self.per_client = SlidingWindow(self.limits.client_messages_per_window, window, self.clock)
        self.new_per_client = SlidingWindow(self.limits.client_new_conversations_per_window, window, self.clock)

    def check(self, sender: str, client: str = "") -> None:
        """Count one message, or refuse it with 429 and when to try again."""
        new_conversation = sender not in self.per_sender
        checks = [(self.per_sender, sender, "this conversation")]
        if client:
            checks.append((self.per_client, client, "your address"))
            if new_conversation:
                checks.append((self.new_per_client, client, "new conversations from your address"))
        for window, key, what in checks:
            wait = window.retry_after(key)
            if wait is not None:
                raise Refused(429, f"Too many messages from {what}; try again in {wait} s.", wait)
        for window, key, _ in checks:
            window.hit(key)


@dataclass
class InFlight:
    """How many messages this server works on right now; beyond the bound a
    message is refused (503, try again) instead of queueing without end."""

    limit: int
    count: int = 0

    def __enter__(self) -> "InFlight":
        if self.count >= self.limit:
            raise Refused(503, "The assistant is busy; please send your message again in a moment.", 2)
        self.count += 1
        return self

    def __exit__(self, *_exc) -> None:
        self.count -= 1


def trusted_proxies() -> FrozenSet[Any]:
    """Addresses or networks of our own proxies ($TRUSTED_PROXIES, space
    separated, e.g. nginx's 127.0.0.1 in the production shape, or a cluster's
    pod range 10.0.0.0/8): only they may name the client."""
    networks = set()
    for item in os.environ.get("TRUSTED_PROXIES", "").split():
        try:
            networks.add(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"TRUSTED_PROXIES: {item!r} is not an address or a network") from None
    return frozenset(networks)


def _is_proxy(peer: str, proxies: FrozenSet[Any]) -> bool:
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in network for network in proxies)


def client_address(peer: Optional[str], forwarded_for: Optional[str], proxies: FrozenSet[Any]) -> str:
    """The client's address: the peer's, unless the peer is one of our
    proxies, then the last address it added to X-Forwarded-For (the entries
    before it are whatever the client claimed)."""
    peer = peer or ""
    if forwarded_for and _is_proxy(peer, proxies):
        candidate = forwarded_for.split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            return peer
    return peer
