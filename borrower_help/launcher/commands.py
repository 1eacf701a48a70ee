"""The command line of each process kind. No secret is ever part of one:
processes read secrets from their environment or from var/."""
import pathlib
import sys
from typing import List

from borrower_help.files import ROOT
from borrower_help.launcher.settings import BIN, Settings

PYTHON = sys.executable


def rasa_server(settings: Settings, port: int) -> List[str]:
    return [PYTHON, "-m", "rasa_extensions.server", "--model", str(settings.model),
            "--interface", settings.host, "--port", str(port),
            "--endpoints", str(settings.endpoints), "--credentials", str(settings.credentials)]


def rasa_shell(settings: Settings) -> List[str]:
    return [str(BIN / "rasa"), "shell", "--model", str(settings.model), "--endpoints", str(settings.endpoints)]


def action_server(settings: Settings) -> List[str]:
    return [PYTHON, "-m", "actions.server", "--host", settings.host, "--port", str(settings.action_port)]


def console(settings: Settings) -> List[str]:
    # --timeout: a request waits at most this long for the Rasa server's
    # answer (support_console/rasa_api.py gives up sooner).
    return [str(BIN / "gunicorn"), "support_console.wsgi", "--bind", f"{settings.host}:{settings.console_port}",
            "--workers", str(settings.console_workers), "--timeout", "60", "--graceful-timeout", "10"]


def console_migrations() -> List[str]:
    return [PYTHON, "-m", "support_console.manage", "migrate", "-v0"]


def demo_page(settings: Settings) -> List[str]:
    return [PYTHON, str(ROOT / "widget" / "serve.py"), "--host", settings.host,
            "--port", str(settings.page_port), "--rasa-url", settings.rasa_url]


def worker(settings: Settings) -> List[str]:
    return [PYTHON, "-m", "borrower_help.worker"]


def redis_server(conf: pathlib.Path) -> List[str]:
    binary = "/usr/bin/redis-server" if pathlib.Path("/usr/bin/redis-server").exists() else "redis-server"
    return [binary, str(conf)]


def nginx(conf: pathlib.Path, run_dir: pathlib.Path) -> List[str]:
    binary = "/usr/sbin/nginx" if pathlib.Path("/usr/sbin/nginx").exists() else "nginx"
    return [binary, "-c", str(conf), "-p", str(run_dir), "-g", "daemon off;"]
