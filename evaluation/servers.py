"""Servers for the evaluations: a throw-away Borrower Help started by the
project's launcher (borrower_help/launcher/throwaway.py), stopped at the end."""
import contextlib
import pathlib
import shutil
import tempfile
from typing import Iterator, Optional

from borrower_help.launcher.throwaway import Throwaway, start


@contextlib.contextmanager
def start_servers(work: Optional[pathlib.Path] = None) -> Iterator[Throwaway]:
    """Action server + Rasa server (REST channel, HTTP API), rate limits
    lifted (simulated borrowers send far more than a person would)."""
    owned = work is None
    work = pathlib.Path(tempfile.mkdtemp(prefix="convo-eval-")) if work is None else work
    running = start(work)
    try:
        yield running
    finally:
        running.stop()
        if owned:
            shutil.rmtree(work, ignore_errors=True)
