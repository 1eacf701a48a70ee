"""The production shape for the load bench, started by the project's launcher
(`start_production` with `production_settings`, as `make run-prod` and
tests/production/conftest.py start it): N Rasa servers behind nginx on this
machine's PostgreSQL and RabbitMQ, with a private Redis.

Every start gets what is its own and is removed afterwards: a PostgreSQL
database, a RabbitMQ queue, free loopback ports, a Redis on a free port, a
var/ folder in the bench's temp dir, secrets in the environment, and a
credentials.yml with the per-client limits lifted (every virtual user is
127.0.0.1).
"""
import dataclasses
import os
import pathlib
import secrets
import shutil
import socket
import subprocess
from dataclasses import dataclass
from typing import Dict, List, Optional

from borrower_help.launcher.throwaway import free_port, reachable

POSTGRES = ("127.0.0.1", 5432)
RABBITMQ = ("127.0.0.1", 5672)
PARTS = ("actions", "rasa")  # no console, demo page or worker: the load is REST only


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def free_ports_in_a_row(count: int) -> int:
    """The first of `count` consecutive free ports (the Rasa servers behind nginx)."""
    while True:
        first = free_port()
        if all(port_free(first + i) for i in range(1, count)):
            return first


def unavailable() -> Optional[str]:
    """Why the production shape cannot run here, or None."""
    missing = []
    if not reachable(*POSTGRES):
        missing.append(f"PostgreSQL at {POSTGRES[0]}:{POSTGRES[1]}")
    if not reachable(*RABBITMQ):
        missing.append(f"RabbitMQ at {RABBITMQ[0]}:{RABBITMQ[1]}")
    if not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")):
        missing.append("nginx")
    if not (shutil.which("redis-server") or os.path.exists("/usr/bin/redis-server")):
        missing.append("redis-server (the shape's private Redis)")
    return "not reachable or not installed: " + ", ".join(missing) if missing else None


@dataclass
class Running:
    """One started production shape and what to remove afterwards."""
    settings: object
    supervisor: object
    database: str
    queue: str
    values: Dict[str, str]

    @property
    def url(self) -> str:
        return self.settings.rasa_url

    def pids(self) -> Dict[str, int]:
        """Process name (rasa-PORT, actions, nginx, redis) -> pid."""
        return {name: process.pid for name, process in self.supervisor.processes.items()}

    def rasa_names(self) -> List[str]:
        return [f"rasa-{port}" for port in self.settings.rasa_ports]

    def stop(self) -> List[str]:
        """Stops every process, drops the database, deletes the queue;
        returns what could not be cleaned up."""
        self.supervisor.stop()
        return [p for p in (drop_database(self.settings.database_url), delete_queue(self.values, self.queue)) if p]


def start(work: pathlib.Path, instances: int, model: Optional[pathlib.Path] = None) -> Running:
    from borrower_help.files import ROOT
    from borrower_help.launcher import Supervisor, production_settings, start_production
    from borrower_help.launcher.shapes import Parts
    from borrower_help.launcher.throwaway import relaxed_credentials

    run = "b" + secrets.token_hex(5)
    work.mkdir(parents=True, exist_ok=True)
    secrets_env = {"RASA_JWT_SECRET": secrets.token_urlsafe(24), "SESSION_KEY": secrets.token_urlsafe(24)}
    environ = {**os.environ, **secrets_env,
               "POSTGRES_HOST": POSTGRES[0], "POSTGRES_PORT": str(POSTGRES[1]),
               "POSTGRES_DB": f"bh_bench_{run}", "RABBITMQ_QUEUE": f"bh_bench_{run}",
               "RABBITMQ_HOST": RABBITMQ[0], "RABBITMQ_PORT": str(RABBITMQ[1]),
               "REDIS_MODE": "private", "REDIS_PORT": str(free_port()),
               "RASA_INSTANCES": str(instances), "RASA_FIRST_PORT": str(free_ports_in_a_row(instances)),
               "PROD_PORT": str(free_port()), "ACTION_PORT": str(free_port()),
               "CONSOLE_PORT": str(free_port()), "WIDGET_PORT": str(free_port()),
               "CORS_ORIGINS": "http://127.0.0.1:9", "BORROWER_HELP_VAR": str(work / "var")}
    for name in ("DATABASE_URL", "REDIS_PASSWORD"):
        environ.pop(name, None)
    if model is not None:
        environ["MODEL"] = str(model)
    settings = production_settings(environ)
    credentials = relaxed_credentials(ROOT / "credentials.yml", work / "credentials.yml")
    settings = dataclasses.replace(settings, credentials=credentials,
                                   extra_env={**settings.extra_env, **secrets_env})
    supervisor = Supervisor()
    running = Running(settings, supervisor, environ["POSTGRES_DB"], environ["RABBITMQ_QUEUE"], environ)
    try:
        start_production(settings, supervisor, Parts(PARTS), run_dir=work / "nginx")
    except BaseException:
        running.stop()
        raise
    return running


def drop_database(url: str) -> Optional[str]:
    import sqlalchemy as sa

    target = sa.engine.make_url(url)
    engine = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        return None
    except Exception as error:  # reported, never hides the figures
        return f"database {target.database} not dropped: {error}"
    finally:
        engine.dispose()


def delete_queue(values: Dict[str, str], queue: str) -> Optional[str]:
    try:
        import pika

        parameters = pika.ConnectionParameters(
            host=values.get("RABBITMQ_HOST", RABBITMQ[0]), port=int(values.get("RABBITMQ_PORT", RABBITMQ[1])),
            credentials=pika.PlainCredentials(values.get("RABBITMQ_USER", "guest"),
                                              values.get("RABBITMQ_PASSWORD", "guest")))
        connection = pika.BlockingConnection(parameters)
        try:
            connection.channel().queue_delete(queue=queue)
        finally:
            connection.close()
        return None
    except Exception as first:
        try:
            done = subprocess.run(["rabbitmqctl", "delete_queue", queue], capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return f"queue {queue} not deleted: {first}"
        return None if done.returncode == 0 else f"queue {queue} not deleted: {first}"
