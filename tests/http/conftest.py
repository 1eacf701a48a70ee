"""A real action server and Rasa server on free loopback ports, started by
the project's launcher (as `make run` does), for the whole HTTP test session,
on a throw-away SQLite database and var/ folder."""
import os
import pathlib
import secrets
import shutil
import socket
from dataclasses import dataclass

import pytest
import requests
import yaml

from borrower_help.api_token import bearer_token
from borrower_help.conversation_ids import for_rest
from borrower_help.launcher import Settings, Supervisor
from borrower_help.launcher.shapes import Parts, start_default
from tests.conftest import ROOT

MODEL = ROOT / "models" / "borrower-help.tar.gz"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Servers:
    url: str
    action_url: str
    api_secret: str
    db_url: str
    log_dir: pathlib.Path
    session_key: str
    page_origin: str  # the only origin allowed to talk to the servers from a browser
    lender_settings: pathlib.Path  # a copy of lender.yml the servers read
    settings: Settings
    supervisor: Supervisor

    def say(self, sender: str, message: str, timeout: float = 30):
        response = requests.post(f"{self.url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": message}, timeout=timeout)
        response.raise_for_status()
        return response.json()

    def conversation(self, sender: str) -> str:
        """The conversation id the REST channel derives from a sender."""
        return for_rest(sender, self.session_key.encode())

    def tracker(self, sender: str) -> dict:
        return self.api("GET", f"/conversations/{self.conversation(sender)}/tracker").json()

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {bearer_token('tests', 300, secret=self.api_secret)}"}

    def api(self, method: str, path: str, **kwargs):
        """Rasa's HTTP API with a bearer token (never a token in the URL)."""
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        return requests.request(method, f"{self.url}{path}", headers=headers, timeout=30, **kwargs)

    def rasa_log(self) -> str:
        return self.settings.log(f"rasa-{self.settings.rasa_port}").read_text(errors="replace")


def relaxed_credentials(source: pathlib.Path, target: pathlib.Path) -> pathlib.Path:
    """credentials.yml with the per-client limits out of the way: every test
    message comes from 127.0.0.1 (tests/security checks those limits on
    servers of their own)."""
    channels = yaml.safe_load(source.read_text())
    for settings in channels.values():
        settings.update({"client_messages_per_window": 100_000, "client_new_conversations_per_window": 100_000})
    target.write_text(yaml.safe_dump(channels))
    return target


def start_servers(work: pathlib.Path, parts=("actions", "rasa"), relaxed: bool = True, **extra_env) -> Servers:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    page_port = free_port()
    page_origin = f"http://127.0.0.1:{page_port}"
    secrets_env = {"RASA_JWT_SECRET": secrets.token_urlsafe(24), "SESSION_KEY": secrets.token_urlsafe(24)}
    lender_settings = work / "lender.yml"
    shutil.copy(ROOT / "lender.yml", lender_settings)
    credentials = work / "credentials.yml"
    if relaxed:
        relaxed_credentials(ROOT / "credentials.yml", credentials)
    else:
        shutil.copy(ROOT / "credentials.yml", credentials)
    settings = Settings(
        rasa_port=free_port(), action_port=free_port(), console_port=free_port(), page_port=page_port,
        database_url=f"sqlite:///{work / 'borrower_help.db'}", model=MODEL, credentials=credentials,
        cors_origins=(page_origin,), var_dir=work / "var",
        extra_env={**secrets_env, "LENDER_SETTINGS": str(lender_settings), **extra_env})
    supervisor = Supervisor()
    try:
        start_default(settings, supervisor, Parts(parts))
    except BaseException:
        supervisor.stop()
        raise
    return Servers(settings.rasa_url, settings.action_url, secrets_env["RASA_JWT_SECRET"], settings.database_url,
                   settings.var_dir, secrets_env["SESSION_KEY"], page_origin, lender_settings, settings, supervisor)


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
