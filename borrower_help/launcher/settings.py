"""Every port, address and file of a running Borrower Help, set once.

The default shape reads only the environment (names below) and falls back
to defaults for one machine; the production shape also reads
deploy/prod.env.example < deploy/prod.env < the environment. Processes get
what they need through their environment (never their command line), so the
same names reach endpoints.yml, the console and the demo page.
"""
import os
import pathlib
import sys
from dataclasses import dataclass, field, replace
from typing import Dict, List, Mapping, Optional, Tuple
from urllib.parse import quote

from borrower_help import storage
from borrower_help.files import ROOT, VAR
from borrower_help.keys import ACTION_TOKEN, REDIS_PASSWORD

DEPLOY = ROOT / "deploy"
MODEL = ROOT / "models" / "borrower-help.tar.gz"
BIN = pathlib.Path(sys.executable).parent


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"          # BIND_HOST: where every server listens
    rasa_port: int = 5005            # RASA_PORT: the address clients use (nginx's in production)
    action_port: int = 5055          # ACTION_PORT
    console_port: int = 8000         # CONSOLE_PORT
    page_port: int = 8080            # WIDGET_PORT: the demo lender page
    database_url: str = ""           # DATABASE_URL
    model: pathlib.Path = MODEL      # MODEL
    endpoints: pathlib.Path = ROOT / "endpoints.yml"
    credentials: pathlib.Path = ROOT / "credentials.yml"
    cors_origins: Tuple[str, ...] = ()  # CORS_ORIGINS (space separated); default: the demo page
    var_dir: pathlib.Path = VAR      # BORROWER_HELP_VAR: secrets, SQLite, logs
    console_workers: int = 2
    # Production shape only.
    rasa_instances: int = 1          # RASA_INSTANCES
    rasa_first_port: int = 5011      # RASA_FIRST_PORT: the Rasa servers behind nginx
    extra_env: Dict[str, str] = field(default_factory=dict)  # passed on to every process

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/webhook"

    @property
    def page_url(self) -> str:
        return f"http://127.0.0.1:{self.page_port}"

    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.console_port}"

    @property
    def origins(self) -> Tuple[str, ...]:
        return self.cors_origins or (f"http://localhost:{self.page_port}", f"http://127.0.0.1:{self.page_port}")

    @property
    def rasa_ports(self) -> List[int]:
        """The Rasa servers' own ports: the public one, or those behind nginx."""
        if self.rasa_instances <= 1 and self.endpoints.name == "endpoints.yml":
            return [self.rasa_port]
        return [self.rasa_first_port + i for i in range(self.rasa_instances)]

    def log(self, name: str) -> pathlib.Path:
        return self.var_dir / f"{name}.log"

    def process_env(self) -> Dict[str, str]:
        """The environment of every child process: the settings by name, the
        action token for endpoints.yml; other secrets are read from var/ (or
        the environment) by the process that needs them."""
        env = dict(os.environ)
        env.update(self.extra_env)
        env.update({
            "PYTHONPATH": str(ROOT),
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "BORROWER_HELP_VAR": str(self.var_dir),
            storage.ENV_VAR: self.database_url or storage.database_url(),
            "ACTION_SERVER_URL": self.action_url,
            "ACTION_SERVER_TOKEN": ACTION_TOKEN.value(self.var_dir),
            "CORS_ORIGINS": " ".join(self.origins),
            "RASA_URL": self.rasa_url,
        })
        return env

    @classmethod
    def from_environment(cls, environ: Optional[Mapping[str, str]] = None, **overrides) -> "Settings":
        env = os.environ if environ is None else environ
        number = lambda name, default: int(env.get(name) or default)  # noqa: E731
        var_dir = pathlib.Path(env.get("BORROWER_HELP_VAR") or VAR)
        settings = cls(
            host=env.get("BIND_HOST") or cls.host,
            rasa_port=number("RASA_PORT", cls.rasa_port),
            action_port=number("ACTION_PORT", cls.action_port),
            console_port=number("CONSOLE_PORT", cls.console_port),
            page_port=number("WIDGET_PORT", cls.page_port),
            database_url=env.get(storage.ENV_VAR) or f"sqlite:///{var_dir / 'borrower_help.db'}",
            model=pathlib.Path(env.get("MODEL") or MODEL),
            cors_origins=tuple(env.get("CORS_ORIGINS", "").split()),
            var_dir=var_dir,
        )
        return replace(settings, **overrides)


def read_env_file(path: pathlib.Path) -> Dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def prod_values(environ: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """deploy/prod.env.example < deploy/prod.env < the environment."""
    values = read_env_file(DEPLOY / "prod.env.example")
    if (DEPLOY / "prod.env").exists():
        values.update(read_env_file(DEPLOY / "prod.env"))
    env = os.environ if environ is None else environ
    values.update({k: v for k, v in env.items() if k in values or k in PROD_OPTIONAL})
    return values


# Read from the environment in the production shape but not listed with a
# default in prod.env.example (secrets, or derived from other settings).
PROD_OPTIONAL = ("DATABASE_URL", "CONSOLE_DATABASE_URL", "CORS_ORIGINS", "SESSION_KEY", "RASA_JWT_SECRET",
                 "ACTION_SERVER_TOKEN", "CONSOLE_SECRET_KEY", "BORROWER_HELP_VAR", "MODEL")


def postgres_url(values: Mapping[str, str], database: Optional[str] = None) -> str:
    password = f":{quote(values['POSTGRES_PASSWORD'], safe='')}" if values.get("POSTGRES_PASSWORD") else ""
    return (f"postgresql://{quote(values['POSTGRES_USER'], safe='')}{password}@{values['POSTGRES_HOST']}:"
            f"{values['POSTGRES_PORT']}/{database or values['POSTGRES_DB']}")


def redis_url(values: Mapping[str, str], db: str) -> str:
    password = f":{quote(values['REDIS_PASSWORD'], safe='')}@" if values.get("REDIS_PASSWORD") else ""
    return f"redis://{password}{values['REDIS_HOST']}:{values['REDIS_PORT']}/{db}"


def production_settings(environ: Optional[Mapping[str, str]] = None, **overrides) -> Settings:
    values = prod_values(environ)
    var_dir = pathlib.Path(values.get("BORROWER_HELP_VAR") or VAR)
    if values.get("REDIS_MODE", "private") == "private":
        # The shape's own Redis (launcher/shapes.py), with a generated password.
        values["REDIS_HOST"] = "127.0.0.1"
        values["REDIS_PASSWORD"] = REDIS_PASSWORD.value(var_dir)
    elif not values.get("REDIS_PASSWORD"):
        raise ValueError("REDIS_MODE=external needs REDIS_PASSWORD: the lock store and socket.io's "
                         "pub/sub trust whatever is in Redis (docs/security.md)")
    passed_on = {k: v for k, v in values.items() if k.startswith(("REDIS_", "RABBITMQ_"))}
    passed_on["SOCKETIO_REDIS_URL"] = redis_url(values, values["SOCKETIO_REDIS_DB"])
    passed_on["TRUSTED_PROXIES"] = "127.0.0.1"  # nginx, in front of every Rasa server
    if values.get("CONSOLE_DATABASE_URL"):
        passed_on["CONSOLE_DATABASE_URL"] = values["CONSOLE_DATABASE_URL"]
    settings = Settings(
        host="127.0.0.1",
        rasa_port=int(values["PROD_PORT"]),
        action_port=int(values["ACTION_PORT"]),
        console_port=int(values["CONSOLE_PORT"]),
        page_port=int(values.get("WIDGET_PORT") or Settings.page_port),
        database_url=values.get("DATABASE_URL") or postgres_url(values),
        model=pathlib.Path(values.get("MODEL") or MODEL),
        endpoints=DEPLOY / "endpoints.prod.yml",
        cors_origins=tuple(values.get("CORS_ORIGINS", "").split()),
        var_dir=var_dir,
        rasa_instances=int(values["RASA_INSTANCES"]),
        rasa_first_port=int(values["RASA_FIRST_PORT"]),
        extra_env=passed_on,
    )
    return replace(settings, **overrides)
