"""Starting, watching and stopping the processes of one running shape.

Children stay in the launcher's process group, so Ctrl-C in a terminal (or
`kill -- -PGID`) reaches every one of them at once, and each is told by the
kernel to stop when the launcher itself dies (PR_SET_PDEATHSIG), so no
server is ever left holding a port. `stop()` runs once, however many
signals arrive while it works: polite SIGTERM, then SIGKILL after a grace
period.
"""
import ctypes
import logging
import os
import pathlib
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from borrower_help.files import open_private_log

logger = logging.getLogger(__name__)
STARTUP_SECONDS = 300
STOP_GRACE_SECONDS = 20
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child, between fork and exec
    os.umask(0o077)
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass  # not Linux: the launcher's own stop() still covers normal exits


class StartupFailed(RuntimeError):
    pass


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: pathlib.Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


@dataclass
class Supervisor:
    processes: Dict[str, Process] = field(default_factory=dict)
    _stopping: bool = False

    def start(self, name: str, argv: List[str], env: Dict[str, str], log: pathlib.Path,
              cwd: Optional[pathlib.Path] = None) -> Process:
        output = open_private_log(log)
        try:
            popen = subprocess.Popen(argv, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        finally:
            output.close()
        process = Process(name, popen, log)
        self.processes[name] = process
        logger.info("started %s (pid %d), log %s", name, popen.pid, log)
        return process

    def wait_until_up(self, name: str, url: str, seconds: float = STARTUP_SECONDS) -> float:
        """Until `url` answers below 500; fails early when the process dies."""
        process, started = self.processes[name], time.monotonic()
        while time.monotonic() - started < seconds:
            if not process.alive():
                raise StartupFailed(f"{name} exited ({process.popen.returncode}); {process.log}:\n{process.tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status < 500:
                        return time.monotonic() - started
            except urllib.error.HTTPError as error:
                if error.code < 500:
                    return time.monotonic() - started
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise StartupFailed(f"{name} not up at {url} after {seconds:.0f} s; see {process.log}")

    def wait_until_tcp(self, name: str, host: str, port: int, seconds: float = 60) -> None:
        """Until something accepts connections at host:port."""
        process, started = self.processes[name], time.monotonic()
        while time.monotonic() - started < seconds:
            if not process.alive():
                raise StartupFailed(f"{name} exited ({process.popen.returncode}); {process.log}:\n{process.tail()}")
            try:
                socket.create_connection((host, port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise StartupFailed(f"{name} not listening on {host}:{port} after {seconds:.0f} s")

    def first_exited(self) -> Optional[Process]:
        return next((p for p in self.processes.values() if not p.alive()), None)

    def watch(self, interval: float = 1.0) -> Optional[Process]:
        """Block until one process exits (or a signal stops everything)."""
        while True:
            exited = self.first_exited()
            if exited or self._stopping:
                return exited
            time.sleep(interval)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """One process only (tests: a server dying under load)."""
        process = self.processes.pop(name)
        if process.alive():
            os.kill(process.pid, sig)
        process.popen.wait(timeout=30)

    def stop(self) -> None:
        if self._stopping:
            return
        self._stopping = True
        running = [p for p in self.processes.values() if p.alive()]
        for process in running:
            try:
                process.popen.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for process in running:
            try:
                process.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("%s did not stop in %d s: killed", process.name, STOP_GRACE_SECONDS)
                process.popen.kill()
                process.popen.wait(timeout=10)
        logger.info("stopped: %s", ", ".join(self.processes) or "nothing was running")

    def stop_on_signals(self) -> None:
        """SIGINT, SIGTERM and SIGHUP all mean: stop everything, once (the
        command-line launcher; tests keep their own handlers)."""
        def first_signal(signum, _frame):
            # Signals that arrive while stopping must not cut the stop short.
            for sig in STOP_SIGNALS:
                signal.signal(sig, signal.SIG_IGN)
            logger.info("signal %s: stopping", signal.Signals(signum).name)
            raise KeyboardInterrupt

        for sig in STOP_SIGNALS:
            signal.signal(sig, first_signal)

    def __enter__(self) -> "Supervisor":
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
