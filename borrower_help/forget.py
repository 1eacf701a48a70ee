"""Asking a running Rasa server to forget a conversation before it is
erased: `DELETE /conversations/<id>/tracker` on its HTTP API (added by
rasa_extensions/forget.py), with a short-lived bearer token in the header.

The server deletes the conversation's events while holding the
conversation's lock (in memory, or Redis in the production shape, shared
by every server): a turn in progress finishes first and cannot write the
old tracker back afterwards. Rasa 3.6 keeps no tracker in memory between
messages (each message reads the tracker store), so after this the same
id starts a fresh conversation on every server.
"""
import os
from typing import Optional, Text
from urllib.parse import quote

import requests

from borrower_help.api_token import authorization_header

TIMEOUT_SECONDS = 30  # a turn in progress may hold the lock for a while


class AssistantRefused(Exception):
    """The Rasa server is running but did not forget; safe to show."""


def path(conversation_id: Text) -> Text:
    return f"/conversations/{quote(conversation_id, safe='')}/tracker"


def in_assistant(conversation_id: Text, url: Optional[Text] = None, secret: Optional[Text] = None) -> Text:
    """What the server said, in a few words. No server listening is fine
    (nothing can be in memory); any other failure raises AssistantRefused."""
    base = (url or os.environ.get("RASA_URL") or "http://127.0.0.1:5005").rstrip("/")
    headers = authorization_header(username="erasure", seconds=60, secret=secret)
    try:
        response = requests.delete(base + path(conversation_id), headers=headers, timeout=TIMEOUT_SECONDS,
                                   allow_redirects=False)
    except requests.ConnectionError:
        return "assistant not running"
    except requests.RequestException as error:
        raise AssistantRefused(f"the assistant did not answer ({type(error).__name__})") from None
    if response.status_code >= 400:
        raise AssistantRefused(f"the assistant answered {response.status_code} {response.reason}")
    return "assistant forgot it"
