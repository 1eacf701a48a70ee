"""A real action server and Rasa server on free loopback ports, for the
whole HTTP test session, on a throw-away SQLite file."""
import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass

import pytest
import requests

from deploy.run_prod import wait_until_up
from tests.conftest import ROOT

MODEL = ROOT / "models" / "borrower-help.tar.gz"
BIN = pathlib.Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Servers:
    url: str
    action_url: str
    token: str
    db_url: str
    log_dir: pathlib.Path
    session_key: str
    page_origin: str  # the only origin allowed to talk to the servers from a browser
    lender_settings: pathlib.Path  # a copy of lender.yml the action server reads

    def say(self, sender: str, message: str, timeout: float = 30):
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=timeout,
        )
        response.raise_for_status()
        return response.json()

    def api(self, method: str, path: str, **kwargs):
        return requests.request(
            method, f"{self.url}{path}", params={"token": self.token, **kwargs.pop("params", {})},
            timeout=30, **kwargs,
        )


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    work = tmp_path_factory.mktemp("servers")
    db_path = work / "borrower_help.db"
    db_url = f"sqlite:///{db_path}"
    rasa_port, action_port, page_port = _free_port(), _free_port(), _free_port()
    page_origin = f"http://127.0.0.1:{page_port}"
    token = secrets.token_urlsafe(24)
    session_key = secrets.token_urlsafe(24)
    endpoints = work / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        f'tracker_store:\n  type: stores.masked_tracker_store.MaskedSQLTrackerStore\n'
        f'  dialect: "sqlite"\n  db: "{db_path}"\n'
    )
    lender_settings = work / "lender.yml"
    shutil.copy(ROOT / "lender.yml", lender_settings)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LENDER_SETTINGS": str(lender_settings),
           "TICKET_STORE_URL": db_url, "SESSION_KEY": session_key,
           "RASA_TELEMETRY_ENABLED": "false", "CORS_ORIGINS": page_origin}
    action_log, rasa_log = work / "actions.log", work / "rasa.log"
    processes = []
    try:
        processes.append(subprocess.Popen(
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(action_port)],
            cwd=ROOT, env=env, stdout=action_log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True))
        processes.append(subprocess.Popen(
            [str(BIN / "rasa"), "run", "--model", str(MODEL), "--interface", "127.0.0.1",
             "--port", str(rasa_port), "--enable-api", f"--auth-token={token}",  # "=": a token may start with "-"
             "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml"),
             "--cors", page_origin],
            cwd=ROOT, env=env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True))
        wait_until_up(f"http://127.0.0.1:{action_port}/health", processes[0], action_log)
        wait_until_up(f"http://127.0.0.1:{rasa_port}/", processes[1], rasa_log)
        yield Servers(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}",
                      token, db_url, work, session_key, page_origin, lender_settings)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def sender() -> str:
    """An unguessable conversation id, new for every test."""
    return "test-" + secrets.token_hex(12)
