"""The production shape on this machine's real services (PostgreSQL, Redis,
RabbitMQ), started by the launcher as `make run-prod` starts it, on free
loopback ports, with a database, a Redis (with a password) and a queue of
its own that are removed afterwards."""
import os
import secrets
import subprocess
from dataclasses import dataclass

import pytest
import requests
import sqlalchemy as sa

from borrower_help.api_token import bearer_token
from borrower_help.conversation_ids import for_rest
from borrower_help.launcher import Supervisor, production_settings, start_production
from borrower_help.launcher.settings import Settings
from borrower_help.launcher.throwaway import free_port, reachable, relaxed_credentials
from tests.conftest import ROOT


@dataclass
class Shape:
    settings: Settings
    supervisor: Supervisor
    api_secret: str
    session_key: str
    values: dict

    @property
    def url(self) -> str:
        return self.settings.rasa_url

    @property
    def rasa_ports(self):
        return self.settings.rasa_ports

    def conversation(self, sender: str) -> str:
        return for_rest(sender, self.session_key.encode())

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {bearer_token('tests', 300, secret=self.api_secret)}"}

    def tracker(self, sender: str, port: int = None) -> dict:
        base = f"http://127.0.0.1:{port}" if port else self.url
        response = requests.get(f"{base}/conversations/{self.conversation(sender)}/tracker",
                                headers=self.headers(), timeout=30)
        response.raise_for_status()
        return response.json()

    def kill_rasa(self, port: int) -> None:
        self.supervisor.kill(f"rasa-{port}")

    def logs(self, prefix: str) -> str:
        return "".join(p.read_text(errors="replace") for p in self.settings.var_dir.glob(f"{prefix}*.log"))


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    if not all(reachable("127.0.0.1", port) for port in (5432, 6379, 5672)):
        pytest.skip("the production shape needs PostgreSQL, Redis and RabbitMQ on 127.0.0.1 "
                    "(README 'Production shape')")
    run = "t" + secrets.token_hex(5)
    first = free_port()
    while reachable("127.0.0.1", first + 1):  # the second server takes the next port
        first = free_port()
    work = tmp_path_factory.mktemp("production")
    secrets_env = {"RASA_JWT_SECRET": secrets.token_urlsafe(24), "SESSION_KEY": secrets.token_urlsafe(24)}
    environ = {**os.environ, **secrets_env,
               "POSTGRES_DB": f"bh_test_{run}", "RABBITMQ_QUEUE": f"bh_test_{run}",
               "REDIS_LOCK_DB": "11", "SOCKETIO_REDIS_DB": "12", "REDIS_PORT": str(free_port()),
               "RASA_INSTANCES": "2", "RASA_FIRST_PORT": str(first), "PROD_PORT": str(free_port()),
               "ACTION_PORT": str(free_port()), "CONSOLE_PORT": str(free_port()), "WIDGET_PORT": str(free_port()),
               "CORS_ORIGINS": "http://127.0.0.1:9", "BORROWER_HELP_VAR": str(work / "var"),
               "CONSOLE_DATABASE_URL": f"sqlite:///{work / 'console.db'}"}
    environ.pop("DATABASE_URL", None)
    settings = production_settings(environ)
    credentials = relaxed_credentials(ROOT / "credentials.yml", work / "credentials.yml")
    settings = Settings(**{**settings.__dict__, "credentials": credentials,
                           "extra_env": {**settings.extra_env, **secrets_env}})
    supervisor = Supervisor()
    shape = Shape(settings, supervisor, secrets_env["RASA_JWT_SECRET"], secrets_env["SESSION_KEY"], environ)
    try:
        start_production(settings, supervisor)
        yield shape
    finally:
        supervisor.stop()
        engine = sa.create_engine(sa.engine.make_url(settings.database_url).set(database="postgres"),
                                  isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{environ["POSTGRES_DB"]}" WITH (FORCE)'))
        engine.dispose()
        subprocess.run(["rabbitmqctl", "delete_queue", environ["RABBITMQ_QUEUE"]], capture_output=True, timeout=60)
