"""A throw-away Borrower Help for tests, evaluations and benchmarks: the
processes of the default shape on free loopback ports, a temporary SQLite
database and var/ folder, secrets of its own — started by the same launcher
as `make run`."""
import pathlib
import secrets
import shutil
import socket
from dataclasses import dataclass
from typing import Iterable, Optional

import yaml

from borrower_help.api_token import bearer_token
from borrower_help.conversation_ids import for_rest
from borrower_help.files import ROOT
from borrower_help.launcher.settings import MODEL, Settings
from borrower_help.launcher.shapes import Parts, start_default
from borrower_help.launcher.supervisor import Supervisor

# Every message of a test comes from 127.0.0.1: the per-client limits would
# stop a test suite (the tests of those limits start servers without this).
RELAXED = {"client_messages_per_window": 1_000_000, "client_new_conversations_per_window": 1_000_000}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reachable(host: str, port: int, timeout: float = 2) -> bool:
    """Whether something accepts connections at host:port now."""
    try:
        socket.create_connection((host, port), timeout=timeout).close()
        return True
    except OSError:
        return False


def relaxed_credentials(source: pathlib.Path, target: pathlib.Path) -> pathlib.Path:
    channels = yaml.safe_load(source.read_text(encoding="utf-8"))
    for channel in channels.values():
        channel.update(RELAXED)
    target.write_text(yaml.safe_dump(channels, allow_unicode=True), encoding="utf-8")
    return target


@dataclass
class Throwaway:
    settings: Settings
    supervisor: Supervisor
    api_secret: str
    session_key: str
    lender_settings: pathlib.Path

    @property
    def url(self) -> str:
        return self.settings.rasa_url

    @property
    def rasa_log(self) -> pathlib.Path:
        return self.settings.log(f"rasa-{self.settings.rasa_port}")

    def conversation(self, sender: str) -> str:
        """The conversation id the REST channel derives from a sender."""
        return for_rest(sender, self.session_key.encode())

    def authorization(self) -> dict:
        return {"Authorization": f"Bearer {bearer_token('tests', 300, secret=self.api_secret)}"}

    def stop(self) -> None:
        self.supervisor.stop()


def start(work: pathlib.Path, parts: Iterable[str] = ("actions", "rasa"), relaxed: bool = True,
          model: pathlib.Path = MODEL, **extra_env: str) -> Throwaway:
    if not model.exists():
        raise FileNotFoundError(f"no trained model at {model}: run `make train` first")
    work.mkdir(parents=True, exist_ok=True)
    page_port = free_port()
    api_secret, session_key = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    lender_settings = work / "lender.yml"
    shutil.copy(ROOT / "lender.yml", lender_settings)
    credentials = work / "credentials.yml"
    if relaxed:
        relaxed_credentials(ROOT / "credentials.yml", credentials)
    else:
        shutil.copy(ROOT / "credentials.yml", credentials)
    settings = Settings(
        rasa_port=free_port(), action_port=free_port(), console_port=free_port(), page_port=page_port,
        database_url=f"sqlite:///{work / 'borrower_help.db'}", model=model, credentials=credentials,
        cors_origins=(f"http://127.0.0.1:{page_port}",), var_dir=work / "var",
        extra_env={"RASA_JWT_SECRET": api_secret, "SESSION_KEY": session_key,
                   "LENDER_SETTINGS": str(lender_settings), **extra_env})
    supervisor = Supervisor()
    try:
        start_default(settings, supervisor, Parts(tuple(parts)))
    except BaseException:
        supervisor.stop()
        raise
    return Throwaway(settings, supervisor, api_secret, session_key, lender_settings)


def stopped_when_done(throwaway: Optional[Throwaway]) -> None:
    if throwaway is not None:
        throwaway.stop()
