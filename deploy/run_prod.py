"""Starts the production shape on this machine (`make run-prod`):

    nginx :PROD_PORT ─┬─ rasa run :5011 ─┐   PostgreSQL (tracker + tickets)
                      ├─ rasa run :5012 ─┼── Redis (lock store, socket.io pub/sub)
                      └─ ...             ┘   RabbitMQ (events)
                         action server :ACTION_PORT

Settings: the environment, else deploy/prod.env, else deploy/prod.env.example.
The tests (tests/production/) start the same cluster through `Cluster`.
"""
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional
from urllib.parse import quote

import requests

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
BIN = pathlib.Path(sys.executable).parent
STARTUP_SECONDS = 300


def read_env_file(path: pathlib.Path) -> Dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def settings(environ: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """prod.env.example < prod.env < the environment."""
    merged = read_env_file(DEPLOY / "prod.env.example")
    if (DEPLOY / "prod.env").exists():
        merged.update(read_env_file(DEPLOY / "prod.env"))
    merged.update({k: v for k, v in (environ or os.environ).items() if k in merged or k in (
        "RASA_AUTH_TOKEN", "SESSION_KEY", "CORS_ORIGINS", "TICKET_STORE_URL", "CONSOLE_DATABASE_URL",
        "CONSOLE_SECRET_KEY")})
    merged.setdefault("TICKET_STORE_URL", postgres_url(merged))
    return merged


def postgres_url(env: Dict[str, str], database: Optional[str] = None) -> str:
    password = f":{quote(env['POSTGRES_PASSWORD'], safe='')}" if env.get("POSTGRES_PASSWORD") else ""
    return (f"postgresql://{quote(env['POSTGRES_USER'], safe='')}{password}@{env['POSTGRES_HOST']}:"
            f"{env['POSTGRES_PORT']}/{database or env['POSTGRES_DB']}")


def ensure_database(env: Dict[str, str]) -> None:
    """Create the database on first start (the server's `postgres` database
    is used only for that)."""
    import sqlalchemy as sa

    engine = sa.create_engine(postgres_url(env, "postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": env["POSTGRES_DB"]}
        ).scalar()
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{env["POSTGRES_DB"]}"'))
    engine.dispose()


def render_nginx(env: Dict[str, str], ports: List[int], run_dir: pathlib.Path) -> pathlib.Path:
    template = (DEPLOY / "nginx.conf.template").read_text()
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in ports)
    conf = run_dir / "nginx.conf"
    conf.write_text(template.format(
        run_dir=run_dir, servers=servers, listen=f"127.0.0.1:{env['PROD_PORT']}"))
    return conf


def wait_until_up(url: str, process: subprocess.Popen, log: pathlib.Path) -> None:
    """Until `url` answers (any status below 500); fails early if the process dies."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"{url}: process exited ({process.returncode}), see {log}:\n{tail}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} not up after {STARTUP_SECONDS}s, see {log}")


@dataclass
class Cluster:
    env: Dict[str, str]
    run_dir: pathlib.Path
    model: pathlib.Path = ROOT / "models" / "borrower-help.tar.gz"
    token: str = ""
    rasa: Dict[int, subprocess.Popen] = field(default_factory=dict)
    others: List[subprocess.Popen] = field(default_factory=list)

    @property
    def rasa_ports(self) -> List[int]:
        first = int(self.env["RASA_FIRST_PORT"])
        return [first + i for i in range(int(self.env["RASA_INSTANCES"]))]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['PROD_PORT']}"

    def process_env(self) -> Dict[str, str]:
        return {**os.environ, **self.env, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"}

    def _spawn(self, name: str, command: List[str]) -> subprocess.Popen:
        log = (self.run_dir / f"{name}.log").open("a")
        return subprocess.Popen(command, cwd=ROOT, env=self.process_env(), stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)

    def start_actions(self) -> None:
        port = self.env["ACTION_PORT"]
        process = self._spawn("actions", [str(BIN / "rasa"), "run", "actions", "--actions", "actions",
                                          "--port", port])
        self.others.append(process)
        wait_until_up(f"http://127.0.0.1:{port}/health", process, self.run_dir / "actions.log")

    def start_rasa(self, port: int, wait: bool = True) -> subprocess.Popen:
        cors = self.env.get("CORS_ORIGINS", "").split() or ["http://localhost:8080"]
        process = self._spawn(f"rasa-{port}", [
            str(BIN / "rasa"), "run", "--model", str(self.model), "--interface", "127.0.0.1",
            "--port", str(port), "--enable-api", f"--auth-token={self.token}",  # "=": it may start with "-"
            "--endpoints", str(DEPLOY / "endpoints.prod.yml"),
            "--credentials", str(ROOT / "credentials.yml"), "--cors", *cors])
        self.rasa[port] = process
        if wait:
            wait_until_up(f"http://127.0.0.1:{port}/", process, self.run_dir / f"rasa-{port}.log")
        return process

    def start_console(self) -> None:
        """The support console, reading PostgreSQL directly and talking to Rasa
        through nginx, so it keeps working while a Rasa server is down."""
        port = self.env["CONSOLE_PORT"]
        env_for_console = {"TRACKER_STORE_URL": self.env["TICKET_STORE_URL"], "RASA_URL": self.url,
                           "RASA_AUTH_TOKEN": self.token}
        manage = [sys.executable, "-m", "support_console.manage", "migrate", "-v0"]
        subprocess.run(manage, cwd=ROOT, env={**self.process_env(), **env_for_console}, check=True, timeout=300)
        log = (self.run_dir / "console.log").open("a")
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "support_console.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            cwd=ROOT, env={**self.process_env(), **env_for_console}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.others.append(process)
        wait_until_up(f"http://127.0.0.1:{port}/login/", process, self.run_dir / "console.log")

    def start_nginx(self) -> None:
        conf = render_nginx(self.env, self.rasa_ports, self.run_dir)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        process = self._spawn("nginx", [nginx, "-c", str(conf), "-p", str(self.run_dir),
                                        "-g", "daemon off;"])
        self.others.append(process)
        wait_until_up(f"{self.url}/version", process, self.run_dir / "nginx-error.log")

    def start(self) -> "Cluster":
        self.run_dir.mkdir(parents=True, exist_ok=True)
        ensure_database(self.env)
        self.start_actions()
        # Start the Rasa servers side by side: loading a model takes a while.
        for port in self.rasa_ports:
            self.start_rasa(port, wait=False)
        for port, process in self.rasa.items():
            wait_until_up(f"http://127.0.0.1:{port}/", process, self.run_dir / f"rasa-{port}.log")
        self.start_nginx()
        return self

    def kill_rasa(self, port: int) -> None:
        process = self.rasa.pop(port)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self) -> None:
        for process in [*self.rasa.values(), *self.others]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*self.rasa.values(), *self.others]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def main() -> None:
    env = settings()
    token = os.environ.get("RASA_AUTH_TOKEN") or (ROOT / "var" / "auth-token").read_text().strip()
    if not shutil.which("nginx") and not pathlib.Path("/usr/sbin/nginx").exists():
        sys.exit("nginx is needed for the production shape (Debian: apt-get install nginx-light).")
    cluster = Cluster(env, ROOT / "var" / "prod", token=token)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        cluster.start()
        cluster.start_console()
        print(f"Production shape up: {cluster.url} -> Rasa servers on {cluster.rasa_ports}; support console "
              f"on http://127.0.0.1:{env['CONSOLE_PORT']}/; logs in {cluster.run_dir}. Ctrl-C stops it.", flush=True)
        while all(p.poll() is None for p in [*cluster.rasa.values(), *cluster.others]):
            time.sleep(2)
        print("A server stopped; see the logs in var/prod/. Stopping the rest.", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
