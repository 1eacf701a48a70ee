"""One Ctrl-C stops every process of `make run-prod` (nginx, the Rasa
servers, the private Redis, the action server, the console, the worker,
the page), every time."""
import os
import secrets
import signal
import subprocess
import sys

import sqlalchemy as sa

from borrower_help.launcher.throwaway import free_port
from tests.conftest import ROOT
from tests.http.test_one_signal_stops_everything import everything_stopped, launcher_pids, listening


def test_ctrl_c_stops_the_whole_production_shape(tmp_path):
    run = "s" + secrets.token_hex(4)
    first = free_port()
    while listening(first + 1):
        first = free_port()
    ports = {"PROD_PORT": free_port(), "ACTION_PORT": free_port(), "CONSOLE_PORT": free_port(),
             "WIDGET_PORT": free_port(), "REDIS_PORT": free_port(), "RASA_FIRST_PORT": first}
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}, "PYTHONPATH": str(ROOT),
           "RASA_INSTANCES": "2", "POSTGRES_DB": f"bh_test_{run}", "RABBITMQ_QUEUE": f"bh_test_{run}",
           "BORROWER_HELP_VAR": str(tmp_path / "var"), "CONSOLE_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "borrower_help.launcher", "run-prod"], cwd=ROOT, env=env,
                               stdout=(tmp_path / "out.log").open("w"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    watched = {**ports, "second Rasa server": first + 1}
    try:
        import time
        deadline = time.monotonic() + 400
        while not all(listening(p) for p in watched.values()):
            assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "out.log").read_text()[-2000:]
            time.sleep(1)
        pids = launcher_pids(process)
        os.killpg(process.pid, signal.SIGINT)
        assert everything_stopped(process, watched, pids, seconds=60), "run-prod left processes running"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        engine = sa.create_engine("postgresql://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "bh_test_{run}" WITH (FORCE)'))
        engine.dispose()
        subprocess.run(["rabbitmqctl", "delete_queue", f"bh_test_{run}"], capture_output=True, timeout=60)
