"""The few calls of Rasa's HTTP API that agents' tools need.

Each call carries a short-lived bearer token (borrower_help.api_token) in
the Authorization header: no secret in any URL, so none in proxy or access
logs. Errors are reported without the request's URL or headers
(`RasaUnavailable`), so nothing secret reaches an agent's page or a log.
Conversation ids are quoted as path segments.
"""
import os
from typing import Any, Dict, List, Optional
from urllib.parse import quote

import requests

from borrower_help import agent_messages
from borrower_help.api_token import authorization_header

# Under gunicorn's worker timeout (launcher: 60 s): a call that hangs fails
# here, with the ticket kept open, before the worker is killed.
TIMEOUT_SECONDS = 15


class RasaUnavailable(Exception):
    """The assistant could not do what was asked; the message is safe to show."""


class RasaApi:
    def __init__(self, url: Optional[str] = None, secret: Optional[str] = None) -> None:
        self.url = (url or os.environ.get("RASA_URL") or "http://127.0.0.1:5005").rstrip("/")
        self.secret = secret

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = authorization_header(username="console", seconds=60, secret=self.secret)
        try:
            response = requests.request(method, f"{self.url}{path}", headers=headers,
                                        timeout=TIMEOUT_SECONDS, allow_redirects=False, **kwargs)
        except requests.Timeout:
            raise RasaUnavailable("the assistant did not answer in time") from None
        except requests.RequestException as error:
            raise RasaUnavailable(f"the assistant could not be reached ({type(error).__name__})") from None
        if response.status_code >= 400:
            raise RasaUnavailable(f"the assistant answered {response.status_code} {response.reason}")
        return response

    @staticmethod
    def _conversation(conversation_id: str) -> str:
        return f"/conversations/{quote(conversation_id, safe='')}"

    def tracker(self, conversation_id: str) -> Dict[str, Any]:
        return self._call("GET", f"{self._conversation(conversation_id)}/tracker").json()

    def agent_reply(self, conversation_id: str, text: str, agent: str) -> Dict[str, Any]:
        """An agent's message into the conversation, marked as from a person:
        pushed live to the borrower's widget (socket.io), kept in the tracker
        for REST clients (and replayed to a widget that was closed)."""
        return self._call(
            "POST", f"{self._conversation(conversation_id)}/tracker/events",
            params={"output_channel": "latest", "execute_side_effects": "true"},
            json={"event": "bot", "text": text, "metadata": {"source": "agent", "agent": agent}},
        ).json()

    def agent_joined(self, conversation_id: str, agent: str, language: str) -> Dict[str, Any]:
        """The bot tells the borrower, in their language, that a person has
        joined (pushed live to the widget like a reply; kept in the tracker)."""
        return self._call(
            "POST", f"{self._conversation(conversation_id)}/tracker/events",
            params={"output_channel": "latest", "execute_side_effects": "true"},
            json={"event": "bot", "text": agent_messages.joined(agent, language),
                  "metadata": {"source": "bot", "agent_joined": agent}},
        ).json()

    def resume(self, conversation_id: str) -> List[Dict[str, Any]]:
        """One call: the bot takes the conversation back (action_back_from_agent
        resumes it, says so in the borrower's language and asks for a rating of
        the agent's help). Nothing is half done if it fails."""
        response = self._call("POST", f"{self._conversation(conversation_id)}/execute",
                              params={"output_channel": "latest"}, json={"name": "action_back_from_agent"})
        return response.json().get("messages", [])
