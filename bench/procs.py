"""Servers for the load bench: started in their own process groups on free
127.0.0.1 ports (as tests/http/conftest.py does), watched for memory through
/proc, and always killed at the end."""
import os
import pathlib
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import Dict, List, Optional

BIN = pathlib.Path(sys.executable).parent  # the venv running the bench
STARTUP_SECONDS = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One command in its own session, so killpg takes its children too."""

    running: List["Server"] = []  # everything started, for cleanup on exit

    def __init__(self, name: str, argv: List[str], cwd: pathlib.Path, env: Dict[str, str],
                 log: pathlib.Path):
        self.name, self.log = name, log
        self.process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=log.open("w"),
                                        stderr=subprocess.STDOUT, start_new_session=True)
        Server.running.append(self)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_until_up(self, url: str, seconds: float = STARTUP_SECONDS) -> float:
        """Polls `url` until it answers; returns the seconds it took."""
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early, see {self.log}:\n"
                                   f"{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status < 500:
                        return time.monotonic() - started
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} at {url} not up after {seconds:.0f}s, see {self.log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        if self in Server.running:
            Server.running.remove(self)

    @classmethod
    def stop_all(cls) -> None:
        for server in list(cls.running):
            server.stop()


def group_rss(pgid: int) -> int:
    """Resident memory, in bytes, of every process in the process group
    (the server and anything it forked)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = pathlib.Path(f"/proc/{entry}/stat").read_text()
            # Fields after the command name, which may hold spaces: state ppid pgrp ...
            if int(stat.rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            for line in pathlib.Path(f"/proc/{entry}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
    return total


class PeakMemory(threading.Thread):
    """Samples the RSS of some process groups every `interval` seconds and
    keeps the peak of each, overall and since the last `reset_window()`."""

    def __init__(self, interval: float = 0.25):
        super().__init__(daemon=True)
        self.interval = interval
        self.groups: Dict[str, int] = {}
        self.peak: Dict[str, int] = {}
        self.window: Dict[str, int] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def watch(self, name: str, pgid: int) -> None:
        with self._lock:
            self.groups[name] = pgid

    def unwatch(self, name: str) -> None:
        with self._lock:
            self.groups.pop(name, None)

    def reset_window(self) -> None:
        with self._lock:
            self.window = {}

    def window_peak(self, name: str) -> Optional[int]:
        with self._lock:
            return self.window.get(name)

    def run(self) -> None:
        while not self._stop.wait(self.interval):
            with self._lock:
                groups = dict(self.groups)
            for name, pgid in groups.items():
                rss = group_rss(pgid)
                with self._lock:
                    self.peak[name] = max(self.peak.get(name, 0), rss)
                    self.window[name] = max(self.window.get(name, 0), rss)

    def stop(self) -> None:
        self._stop.set()
