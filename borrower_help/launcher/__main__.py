"""python -m borrower_help.launcher run | run-prod | shell

Starts every process of a shape, prints where everything is, and stops them
all on the first Ctrl-C, SIGTERM or SIGHUP (or when one of them exits).
`shell` starts the action server and chats in the terminal (rasa shell)."""
import argparse
import logging
import os
import shutil
import subprocess
import sys

from borrower_help import log_masking
from borrower_help.files import ROOT
from borrower_help.launcher import commands
from borrower_help.launcher.settings import Settings, production_settings
from borrower_help.launcher.shapes import Parts, start_default, start_production
from borrower_help.launcher.supervisor import StartupFailed, Supervisor
from borrower_help.lender import SettingsError

logger = logging.getLogger("borrower_help.launcher")


def describe(settings: Settings, production: bool) -> str:
    lines = [
        f"Lender demo page with the chat widget: http://localhost:{settings.page_port}/?lang=en (or ?lang=zh)",
        f"Support console: http://localhost:{settings.console_port}/ "
        "(users: make console-user NAME=... ROLE=agent|lead)",
        f"Assistant (REST, socket.io, HTTP API with a bearer token from `make api-token`): {settings.rasa_url}",
    ]
    if production:
        lines.append(f"Rasa servers behind nginx: {settings.rasa_ports}")
    lines.append(f"Logs: {settings.var_dir}/*.log. Ctrl-C stops everything.")
    return "\n".join(lines)


def shell(settings: Settings) -> int:
    """The action server in the background, `rasa shell` in the foreground."""
    with Supervisor() as supervisor:
        start_default(settings, supervisor, Parts(["actions"]))
        return subprocess.call(commands.rasa_shell(settings), cwd=ROOT, env=settings.process_env())


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m borrower_help.launcher", description=__doc__.splitlines()[0])
    parser.add_argument("shape", choices=["run", "run-prod", "shell"])
    args = parser.parse_args()
    log_masking.install()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s launcher: %(message)s", stream=sys.stdout)
    production = args.shape == "run-prod"
    if production and not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")):
        print("nginx is needed for the production shape (Debian: apt-get install nginx-light).", file=sys.stderr)
        return 1
    settings = production_settings() if production else Settings.from_environment()
    if args.shape == "shell":
        return shell(settings)
    supervisor = Supervisor()
    supervisor.stop_on_signals()
    try:
        with supervisor:
            (start_production if production else start_default)(settings, supervisor)
            print(describe(settings, production), flush=True)
            exited = supervisor.watch()
            if exited:
                print(f"{exited.name} stopped (exit {exited.popen.returncode}); see {exited.log}. "
                      "Stopping the rest.", file=sys.stderr)
                return 1
    except KeyboardInterrupt:
        return 0
    except SettingsError as error:
        print(f"Lender settings: {error}", file=sys.stderr)
        return 1
    except StartupFailed as error:
        print(f"Could not start: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
