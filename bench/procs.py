"""Processes for the load bench, and what they cost, read from /proc.

Our servers are started by the project's launcher (borrower_help/launcher),
whose Supervisor keeps them in the caller's process group; so memory and CPU
are read per process: a pid and its descendants, never a process group.
`Server` is only for what is not ours: the stock `rasa init` bot, timed
`rasa train` runs and py-spy — each in its own session, killed on exit.
"""
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import Dict, Iterable, List, Mapping, Optional, Set

BIN = pathlib.Path(sys.executable).parent  # the venv running the bench
STARTUP_SECONDS = 300
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Server:
    """One command (not ours) in its own session, so killpg takes its children too."""

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


# --- reading /proc --------------------------------------------------------------

def stat_fields(text: str) -> List[str]:
    """The fields of /proc/<pid>/stat after the command name (which may hold
    spaces and parentheses): [state, ppid, pgrp, ...]; field N of proc(5) is
    at index N - 3."""
    return text.rsplit(")", 1)[1].split()


def stat_cpu_ticks(text: str) -> int:
    """utime + stime of one process (all its threads), in clock ticks."""
    fields = stat_fields(text)
    return int(fields[11]) + int(fields[12])  # proc(5) fields 14 and 15


def descendants(parents: Mapping[int, int], root: int) -> Set[int]:
    """`root` and every process below it, from a pid -> ppid map."""
    children: Dict[int, List[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _read(path: str) -> Optional[str]:
    try:
        with open(path) as file:
            return file.read()
    except OSError:
        return None  # the process ended while we looked


def process_parents() -> Dict[int, int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            text = _read(f"/proc/{entry}/stat")
            if text:
                parents[int(entry)] = int(stat_fields(text)[1])
    return parents


def pids_whose_command_has(text: str) -> List[int]:
    """Processes whose command line (as they show it: PostgreSQL backends
    name their database there) contains `text`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and text in (_read(f"/proc/{entry}/cmdline") or "").replace("\0", " "):
            found.append(int(entry))
    return found


def rss(pid: int) -> int:
    """Resident memory of one process, in bytes (0 when it is gone)."""
    for line in (_read(f"/proc/{pid}/status") or "").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def tree_rss(pid: int, parents: Optional[Mapping[int, int]] = None) -> int:
    """Resident memory, in bytes, of a process and its descendants."""
    parents = process_parents() if parents is None else parents
    return sum(rss(p) for p in descendants(parents, pid))


def cpu_seconds(pid: int) -> Optional[float]:
    """CPU time (user + system, all threads) a process has used so far."""
    text = _read(f"/proc/{pid}/stat")
    return stat_cpu_ticks(text) / CLOCK_TICKS if text else None


class CpuMeter:
    """CPU used by some processes between `start()` and `stop()`: seconds and
    percent of one core over the wall-clock time."""

    def __init__(self, pids: Mapping[str, int]):
        self.pids = dict(pids)
        self.before: Dict[str, Optional[float]] = {}
        self.started = 0.0

    def start(self) -> "CpuMeter":
        self.before = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        self.started = time.monotonic()
        return self

    def stop(self) -> Dict[str, Dict[str, float]]:
        elapsed = time.monotonic() - self.started
        result = {}
        for name, pid in self.pids.items():
            after, before = cpu_seconds(pid), self.before.get(name)
            if after is None or before is None:
                continue
            used = after - before
            result[name] = {"cpu_s": used, "cpu_pct": 100 * used / elapsed if elapsed > 0 else float("nan")}
        return result


class PeakMemory(threading.Thread):
    """Samples the RSS of some processes (each with its descendants) every
    `interval` seconds and keeps the peak of each, overall and since the last
    `reset_window()`."""

    def __init__(self, interval: float = 0.25):
        super().__init__(daemon=True)
        self.interval = interval
        self.pids: Dict[str, int] = {}
        self.peak: Dict[str, int] = {}
        self.window: Dict[str, int] = {}
        self._halt = threading.Event()
        self._lock = threading.Lock()

    def watch(self, name: str, pid: int) -> None:
        with self._lock:
            self.pids[name] = pid

    def unwatch(self, names: Iterable[str]) -> None:
        with self._lock:
            for name in names:
                self.pids.pop(name, None)

    def reset_window(self) -> None:
        with self._lock:
            self.window = {}

    def window_peak(self, name: str) -> Optional[int]:
        with self._lock:
            return self.window.get(name)

    def sample(self) -> None:
        with self._lock:
            pids = dict(self.pids)
        if not pids:
            return
        parents = process_parents()
        for name, pid in pids.items():
            value = tree_rss(pid, parents)
            with self._lock:
                self.peak[name] = max(self.peak.get(name, 0), value)
                self.window[name] = max(self.window.get(name, 0), value)

    def run(self) -> None:
        while not self._halt.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._halt.set()
