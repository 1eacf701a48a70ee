"""The two shapes Borrower Help runs in, started by one supervisor.

default     action server, one Rasa server, the support console, the demo
            page and the worker, on the SQLite file var/borrower_help.db
production  the same with N Rasa servers behind nginx, on PostgreSQL, Redis
            (locks, socket.io) and RabbitMQ (events)

Before any process starts: var/ private, the lender settings checked, the
secrets present, the database schema migrated — so no process creates
tables or secrets as a side effect, and two never race to.
"""
import os
import pathlib
import subprocess
from dataclasses import dataclass
from typing import Iterable, Optional

import sqlalchemy as sa

from borrower_help import keys, lender
from borrower_help.files import ROOT, private_dir
from borrower_help.launcher import commands
from borrower_help.launcher.settings import Settings
from borrower_help.launcher.supervisor import Supervisor
from borrower_help.storage import migrate

ALL_PARTS = ("actions", "rasa", "console", "page", "worker")


@dataclass(frozen=True)
class Parts:
    """Which processes to start (tests start fewer)."""
    names: Iterable[str] = ALL_PARTS

    def __contains__(self, name: str) -> bool:
        return name in tuple(self.names)


def prepare(settings: Settings, parts: Parts = Parts()) -> None:
    os.umask(0o077)
    private_dir(settings.var_dir)
    lender.load()  # stops here with every problem named
    for key in keys.ALL:
        key.value(settings.var_dir)
    env = settings.process_env()
    migrate.upgrade(env["DATABASE_URL"])
    if "console" in parts:
        subprocess.run(commands.console_migrations(), cwd=ROOT, env=env, check=True, timeout=300)


def _start_common(settings: Settings, supervisor: Supervisor, parts: Parts, rasa_ports: Iterable[int]) -> None:
    env = settings.process_env()
    if "actions" in parts:
        supervisor.start("actions", commands.action_server(settings), env, settings.log("actions"), ROOT)
    if "rasa" in parts:
        # Side by side: loading a model takes a while.
        for port in rasa_ports:
            supervisor.start(f"rasa-{port}", commands.rasa_server(settings, port), env,
                             settings.log(f"rasa-{port}"), ROOT)
    if "actions" in parts:
        supervisor.wait_until_up("actions", f"http://127.0.0.1:{settings.action_port}/health")
    if "rasa" in parts:
        for port in rasa_ports:
            supervisor.wait_until_up(f"rasa-{port}", f"http://127.0.0.1:{port}/")


def _start_front(settings: Settings, supervisor: Supervisor, parts: Parts) -> None:
    env = settings.process_env()
    if "console" in parts:
        supervisor.start("console", commands.console(settings), env, settings.log("console"), ROOT)
    if "page" in parts:
        supervisor.start("page", commands.demo_page(settings), env, settings.log("page"), ROOT)
    if "worker" in parts:
        supervisor.start("worker", commands.worker(settings), env, settings.log("worker"), ROOT)
    if "console" in parts:
        supervisor.wait_until_up("console", f"{settings.console_url}/login/")
    if "page" in parts:
        supervisor.wait_until_up("page", f"{settings.page_url}/")


def start_default(settings: Settings, supervisor: Supervisor, parts: Parts = Parts()) -> None:
    prepare(settings, parts)
    _start_common(settings, supervisor, parts, [settings.rasa_port])
    _start_front(settings, supervisor, parts)


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database on first start (through the server's
    `postgres` database)."""
    target = sa.engine.make_url(url)
    engine = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                        {"name": target.database}).scalar()
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    finally:
        engine.dispose()


def render_nginx(settings: Settings, run_dir: pathlib.Path) -> pathlib.Path:
    template = (ROOT / "deploy" / "nginx.conf.template").read_text()
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;"
                        for port in settings.rasa_ports)
    private_dir(run_dir)
    conf = run_dir / "nginx.conf"
    conf.write_text(template.format(run_dir=run_dir, servers=servers,
                                    listen=f"{settings.host}:{settings.rasa_port}"))
    return conf


def start_private_redis(settings: Settings, supervisor: Supervisor) -> None:
    """The production shape's own Redis (REDIS_MODE=private): loopback only,
    a password, nothing kept on disk. The password is in the configuration
    file (owner-only), never on the command line."""
    env = settings.extra_env
    folder = private_dir(settings.var_dir / "redis")
    conf = folder / "redis.conf"
    conf.write_text(f"bind 127.0.0.1\nport {env['REDIS_PORT']}\nprotected-mode yes\n"
                    f"requirepass {env['REDIS_PASSWORD']}\nsave \"\"\nappendonly no\ndir {folder}\n"
                    "rename-command FLUSHALL \"\"\nrename-command CONFIG \"\"\n")
    conf.chmod(0o600)
    supervisor.start("redis", commands.redis_server(conf), settings.process_env(), settings.log("redis"), ROOT)
    supervisor.wait_until_tcp("redis", "127.0.0.1", int(env["REDIS_PORT"]))


def start_production(settings: Settings, supervisor: Supervisor, parts: Parts = Parts(),
                     run_dir: Optional[pathlib.Path] = None) -> None:
    ensure_database(settings.database_url)
    prepare(settings, parts)
    if settings.extra_env.get("REDIS_MODE", "private") == "private":
        start_private_redis(settings, supervisor)
    _start_common(settings, supervisor, parts, settings.rasa_ports)
    run_dir = run_dir or settings.var_dir / "nginx"
    conf = render_nginx(settings, run_dir)
    supervisor.start("nginx", commands.nginx(conf, run_dir), settings.process_env(), settings.log("nginx"), ROOT)
    supervisor.wait_until_up("nginx", f"{settings.rasa_url}/version")
    _start_front(settings, supervisor, parts)
