"""Conversation ids are names, never keys.

A conversation id is shown to agents, exported, logged and posted to the
lender's helpdesk, so knowing one must not let anybody write into the
conversation or read it. Each public channel therefore derives the id from
the client's own secret with an HMAC under the session key
(keys.SESSION_KEY), with a prefix per channel:

    w-<32 hex>   the website widget: from its random session token
    r-<32 hex>   the REST channel: from the `sender` the client sends

A REST client that sends a widget conversation's id as its sender gets a
conversation of its own (r-…), never the widget's: a conversation belongs
to the channel that opened it, and only its own client reaches it.
"""
import hashlib
import hmac

WIDGET, REST = "w", "r"


def derive(channel: str, client_secret: str, key: bytes) -> str:
    message = client_secret.encode() if channel == WIDGET else f"{channel}:{client_secret}".encode()
    return f"{channel}-" + hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def for_widget(session_token: str, key: bytes) -> str:
    return derive(WIDGET, session_token, key)


def for_rest(sender: str, key: bytes) -> str:
    return derive(REST, sender, key)
