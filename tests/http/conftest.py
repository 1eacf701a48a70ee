"""A real action server and Rasa server on free loopback ports, started by
the project's launcher (as `make run` does), for the whole HTTP test session,
on a throw-away SQLite database and var/ folder."""
import os
import pathlib
import secrets
from dataclasses import dataclass

import pytest
import requests

from borrower_help.launcher import throwaway
from borrower_help.launcher.throwaway import Throwaway
from tests.conftest import ROOT

MODEL = ROOT / "models" / "borrower-help.tar.gz"



@dataclass
class Servers(Throwaway):
    """A throw-away Borrower Help (the launcher's) with the calls tests make."""

    @property
    def db_url(self) -> str:
        return self.settings.database_url

    @property
    def log_dir(self) -> pathlib.Path:
        return self.settings.var_dir

    @property
    def page_origin(self) -> str:
        return self.settings.page_url

    @property
    def action_url(self) -> str:
        return self.settings.action_url

    def say(self, sender: str, message: str, timeout: float = 30):
        response = requests.post(f"{self.url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": message}, timeout=timeout)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict:
        return self.api("GET", f"/conversations/{self.conversation(sender)}/tracker").json()

    def api(self, method: str, path: str, **kwargs):
        """Rasa's HTTP API with a bearer token (never a token in the URL)."""
        headers = {**self.authorization(), **kwargs.pop("headers", {})}
        return requests.request(method, f"{self.url}{path}", headers=headers, timeout=30, **kwargs)

    def rasa_log(self) -> str:  # type: ignore[override]
        return self.settings.log(f"rasa-{self.settings.rasa_port}").read_text(errors="replace")


def start_servers(work: pathlib.Path, parts=("actions", "rasa"), relaxed: bool = True, **extra_env) -> Servers:
    started = throwaway.start(work, parts, relaxed, MODEL, **extra_env)
    return Servers(**started.__dict__)


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    # The launcher prepares var/ and the database from this process: it must
    # see the same lender settings as the servers.
    started = start_servers(tmp_path_factory.mktemp("servers"))
    os.environ.setdefault("LENDER_SETTINGS", str(started.lender_settings))
    try:
        yield started
    finally:
        started.supervisor.stop()


@pytest.fixture
def sender() -> str:
    """An unguessable conversation id, new for every test."""
    return "test-" + secrets.token_hex(12)
