"""The few calls of Rasa's HTTP API that agents' tools need (token required)."""
import os
import pathlib
from typing import Any, Dict, List, Optional

import requests

TIMEOUT_SECONDS = 15
_TOKEN_FILE = pathlib.Path(__file__).resolve().parents[1] / "var" / "auth-token"


class RasaApi:
    def __init__(self, url: Optional[str] = None, token: Optional[str] = None) -> None:
        self.url = (url or os.environ.get("RASA_URL", "http://127.0.0.1:5005")).rstrip("/")
        self.token = token or os.environ.get("RASA_AUTH_TOKEN") or _read_token_file()
        if not self.token:
            raise RuntimeError("no Rasa API token: set RASA_AUTH_TOKEN or create var/auth-token")

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        params = {"token": self.token, **kwargs.pop("params", {})}
        response = requests.request(
            method, f"{self.url}{path}", params=params, timeout=TIMEOUT_SECONDS, **kwargs
        )
        response.raise_for_status()
        return response

    def tracker(self, conversation_id: str) -> Dict[str, Any]:
        return self._call("GET", f"/conversations/{conversation_id}/tracker").json()

    def agent_reply(self, conversation_id: str, text: str, agent: str) -> Dict[str, Any]:
        """An agent's message into the conversation, marked as from a person:
        pushed live to the borrower's widget (socket.io), kept in the tracker
        for REST clients. Returns the tracker."""
        return self._call(
            "POST", f"/conversations/{conversation_id}/tracker/events",
            params={"output_channel": "latest", "execute_side_effects": "true"},
            json={"event": "bot", "text": text, "metadata": {"source": "agent", "agent": agent}},
        ).json()

    def resume(self, conversation_id: str) -> List[Dict[str, Any]]:
        """End the pause, let the bot tell the user it is back (in their
        language, pushed to the widget when the user is on socket.io), and ask
        them to rate the agent's help."""
        self._call("POST", f"/conversations/{conversation_id}/tracker/events",
                   json={"event": "resume"})
        messages = []
        for action in ("utter_back_with_bot", "action_ask_rating"):
            response = self._call(
                "POST", f"/conversations/{conversation_id}/execute",
                params={"output_channel": "latest"}, json={"name": action},
            )
            messages += response.json().get("messages", [])
        # /execute does not end the bot's turn: say it now waits for the
        # borrower, as after any turn, so the next message is understood in
        # context (e.g. a rating after the question).
        self._call("POST", f"/conversations/{conversation_id}/tracker/events",
                   json={"event": "action", "name": "action_listen"})
        return messages


def _read_token_file() -> Optional[str]:
    try:
        return _TOKEN_FILE.read_text().strip() or None
    except OSError:
        return None
