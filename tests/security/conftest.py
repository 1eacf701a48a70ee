"""The outside review's attacks, each performed against running servers of
the default shape (`make run`), started by the launcher on a throw-away
database and var/. The per-client limits are lifted on the shared servers
(every test message comes from 127.0.0.1); test_limits.py attacks servers
of its own with credentials.yml exactly as shipped."""
import pathlib
import tempfile

import pytest

from tests.conftest import setup_console
from tests.http.conftest import start_servers

# The console's Django settings for tests that use its views in-process.
setup_console(pathlib.Path(tempfile.mkdtemp(prefix="console-")) / "console.db")


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    started = start_servers(tmp_path_factory.mktemp("security"), parts=("actions", "rasa", "console", "page"))
    try:
        yield started
    finally:
        started.supervisor.stop()
