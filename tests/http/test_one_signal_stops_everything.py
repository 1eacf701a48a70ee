"""One signal stops every process of `make run`, every time: Ctrl-C in a
terminal (SIGINT to the whole process group of `make run`), a SIGTERM to the
launcher alone, and the launcher killed outright (its children follow it)."""
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest

from borrower_help.launcher.throwaway import free_port, reachable
from tests.conftest import ROOT


def listening(port: int) -> bool:
    return reachable("127.0.0.1", port, timeout=1)


def children_of(pid: int):
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (pathlib.Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def spawn(tmp_path, command):
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "CONSOLE_PORT": free_port(),
             "WIDGET_PORT": free_port()}
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}, "PYTHONPATH": str(ROOT),
           "BORROWER_HELP_VAR": str(tmp_path / "var"), "DATABASE_URL": f"sqlite:///{tmp_path / 'bh.db'}",
           "CONSOLE_DATABASE_URL": f"sqlite:///{tmp_path / 'console.db'}"}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=(tmp_path / "out.log").open("w"),
                               stderr=subprocess.STDOUT, start_new_session=True)  # its own group, as a terminal's
    return process, ports, tmp_path / "out.log"


def wait_listening(process, ports, log):
    deadline = time.monotonic() + 300
    while not all(listening(p) for p in ports.values()):
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"did not start: {log.read_text()[-2000:]}")
        time.sleep(1)


def everything_stopped(process, ports, pids, seconds=40):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(listening(p) for p in ports.values()) and not any(alive(pid) for pid in pids):
            return True
        time.sleep(0.5)
    return False


def launcher_pids(process):
    """The launcher and every process it started (and theirs)."""
    pids, todo = [process.pid], [process.pid]
    while todo:
        for child in children_of(todo.pop()):
            pids.append(child)
            todo.append(child)
    return pids


LAUNCHER = [sys.executable, "-m", "borrower_help.launcher", "run"]
COMMANDS = {"ctrl-c to make run's group": ["make", "--no-print-directory", "run"],
            "sigterm to the launcher": LAUNCHER,
            "sigkill of the launcher": LAUNCHER}


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    """Every case started at once (each Rasa server loads its model on its
    own core time; one after another they would take three times as long)."""
    started = {how: spawn(tmp_path_factory.mktemp("signal"), command) for how, command in COMMANDS.items()}
    yield started
    for process, _, _ in started.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.mark.parametrize("how", list(COMMANDS))
def test_one_signal_stops_make_run_or_the_launcher_and_everything_started(running, how):
    process, ports, log = running[how]
    wait_listening(process, ports, log)
    pids = launcher_pids(process)
    assert len(pids) >= 5  # launcher, Rasa, actions, console (+ workers), page, worker
    if how == "ctrl-c to make run's group":
        os.killpg(process.pid, signal.SIGINT)
    elif how == "sigterm to the launcher":
        process.send_signal(signal.SIGTERM)
    else:
        process.kill()
    assert everything_stopped(process, ports, pids), f"left running after {how}"
    process.wait(timeout=30)
