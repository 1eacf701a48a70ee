"""The production shape on this machine's real services (PostgreSQL, Redis,
RabbitMQ), started as `make run-prod` starts it, on free loopback ports, with
a database and a queue of its own that are removed afterwards."""
import secrets
import socket
import subprocess

import pytest
import sqlalchemy as sa

from deploy.run_prod import Cluster, postgres_url, settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _reachable(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    env = settings({})  # the defaults of deploy/prod.env.example, not a developer's prod.env
    missing = [name for name, port in (("PostgreSQL", env["POSTGRES_PORT"]), ("Redis", env["REDIS_PORT"]),
                                       ("RabbitMQ", env["RABBITMQ_PORT"]))
               if not _reachable("127.0.0.1", int(port))]
    if missing:
        pytest.skip(f"the production shape needs {', '.join(missing)} on 127.0.0.1 (README 'Production shape')")
    run = "t" + secrets.token_hex(5)
    first = _free_port()
    while _reachable("127.0.0.1", first + 1):  # the second server takes the next port
        first = _free_port()
    env.update({
        "CONSOLE_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('console') / 'console.db'}",
        "POSTGRES_DB": f"bh_test_{run}", "RABBITMQ_QUEUE": f"bh_test_{run}",
        "REDIS_LOCK_DB": "11", "SOCKETIO_REDIS_URL": "redis://127.0.0.1:6379/12",
        "RASA_INSTANCES": "2", "RASA_FIRST_PORT": str(first), "PROD_PORT": str(_free_port()),
        "ACTION_PORT": str(_free_port()), "CONSOLE_PORT": str(_free_port()),
        "SESSION_KEY": secrets.token_urlsafe(24),
        "CORS_ORIGINS": "http://127.0.0.1:9",
    })
    env["ACTION_SERVER_URL"] = f"http://127.0.0.1:{env['ACTION_PORT']}/webhook"
    env["TICKET_STORE_URL"] = postgres_url(env)
    shape = Cluster(env, tmp_path_factory.mktemp("production"), token=secrets.token_urlsafe(24))
    try:
        shape.start()
        shape.start_console()
        yield shape
    finally:
        shape.stop()
        engine = sa.create_engine(postgres_url(env, "postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{env["POSTGRES_DB"]}" WITH (FORCE)'))
        engine.dispose()
        subprocess.run(["rabbitmqctl", "delete_queue", env["RABBITMQ_QUEUE"]], capture_output=True, timeout=60)
