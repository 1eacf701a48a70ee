"""Start an action server and a Rasa server on free loopback ports, on a
throw-away SQLite file, and stop them again (mirrors tests/http/conftest.py).

Kept to one function on purpose: it is to be replaced by the project's own
launcher. Everything else in evaluation/ only needs the `Running` it yields.
"""
import contextlib
import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from typing import Iterator, Optional

import yaml

from deploy.run_prod import wait_until_up

ROOT = pathlib.Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "borrower-help.tar.gz"
BIN = pathlib.Path(sys.executable).parent
# Simulated borrowers send far more than a person would: lift every
# per-sender / per-client limit of the chat channels in our own copy.
GENEROUS_LIMIT = 1_000_000


@dataclass
class Running:
    url: str                               # the Rasa server
    token: str                             # its HTTP API token
    rasa_log: Optional[pathlib.Path]       # None when the servers are not ours


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def start_servers(work: Optional[pathlib.Path] = None, model: pathlib.Path = MODEL) -> Iterator[Running]:
    """Action server + Rasa server (REST channel, HTTP API) until the block ends;
    both run in their own process groups, which are terminated at the end."""
    if not model.exists():
        raise FileNotFoundError(f"no trained model at {model}: run `make train` first")
    owned = work is None
    work = pathlib.Path(tempfile.mkdtemp(prefix="convo-eval-")) if owned else work
    work.mkdir(parents=True, exist_ok=True)
    db_path = work / "borrower_help.db"
    rasa_port, action_port = _free_port(), _free_port()
    token = secrets.token_urlsafe(24)
    endpoints = work / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        f'tracker_store:\n  type: stores.masked_tracker_store.MaskedSQLTrackerStore\n'
        f'  dialect: "sqlite"\n  db: "{db_path}"\n')
    channels = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8")) or {}
    for settings in channels.values():
        for key, value in (settings or {}).items():
            if "per_" in key and isinstance(value, int):  # messages_per_window, a per-client limit...
                settings[key] = GENEROUS_LIMIT
    credentials = work / "credentials.yml"
    credentials.write_text(yaml.safe_dump(channels, allow_unicode=True), encoding="utf-8")
    lender_settings = work / "lender.yml"
    shutil.copy(ROOT / "lender.yml", lender_settings)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LENDER_SETTINGS": str(lender_settings),
           "TICKET_STORE_URL": f"sqlite:///{db_path}", "SESSION_KEY": secrets.token_urlsafe(24),
           "RASA_TELEMETRY_ENABLED": "false", "PYTHONUNBUFFERED": "1"}
    action_log, rasa_log = work / "actions.log", work / "rasa.log"
    processes = []
    try:
        processes.append(subprocess.Popen(
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(action_port)],
            cwd=ROOT, env=env, stdout=action_log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True))
        processes.append(subprocess.Popen(
            [str(BIN / "rasa"), "run", "--model", str(model), "--interface", "127.0.0.1",
             "--port", str(rasa_port), "--enable-api", f"--auth-token={token}",
             "--endpoints", str(endpoints), "--credentials", str(credentials)],
            cwd=ROOT, env=env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True))
        wait_until_up(f"http://127.0.0.1:{action_port}/health", processes[0], action_log)
        wait_until_up(f"http://127.0.0.1:{rasa_port}/", processes[1], rasa_log)
        yield Running(f"http://127.0.0.1:{rasa_port}", token, rasa_log)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        if owned:
            shutil.rmtree(work, ignore_errors=True)
