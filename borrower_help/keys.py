"""Secrets of the running assistant, from the environment or from private
files under var/ generated on first use. Never from a command line (any local
user can read those with `ps`), never in a URL.

    API_SECRET     signs the bearer tokens (JWT) of Rasa's HTTP API
    SESSION_KEY    turns a widget's session token / a REST sender into a
                   conversation id (HMAC), the same on every Rasa server
    ACTION_TOKEN   Rasa server → action server: required on every call
    CONSOLE_KEY    the support console's Django SECRET_KEY
    ERASURE_TOKEN  the lender's systems → the console's erasure endpoint
    REDIS_PASSWORD the production shape's own Redis (REDIS_MODE=private)
"""
import os
import pathlib
import secrets
from dataclasses import dataclass
from typing import Optional

from borrower_help.files import VAR, create_private


@dataclass(frozen=True)
class Key:
    file_name: str
    env_var: str

    def value(self, folder: Optional[pathlib.Path] = None) -> str:
        """The environment's value, else the file's in `folder` (default
        var/), created on first use."""
        from_env = os.environ.get(self.env_var, "").strip()
        if from_env:
            return from_env
        path = (folder or VAR) / self.file_name
        create_private(path, secrets.token_urlsafe(32))
        return path.read_text().strip()


API_SECRET = Key("api-secret", "RASA_JWT_SECRET")
SESSION_KEY = Key("session-key", "SESSION_KEY")
ACTION_TOKEN = Key("action-token", "ACTION_SERVER_TOKEN")
CONSOLE_KEY = Key("console-secret-key", "CONSOLE_SECRET_KEY")
ERASURE_TOKEN = Key("erasure-token", "ERASURE_API_TOKEN")
# The production shape's own Redis (launcher, REDIS_MODE=private).
REDIS_PASSWORD = Key("redis-password", "REDIS_PASSWORD")
ALL = (API_SECRET, SESSION_KEY, ACTION_TOKEN, CONSOLE_KEY, ERASURE_TOKEN)

# The header the Rasa server sends to the action server (endpoints.yml).
ACTION_TOKEN_HEADER = "X-Borrower-Help-Action-Token"
