"""Where Borrower Help keeps its data: ONE database, named by DATABASE_URL
(default: the SQLite file var/borrower_help.db), for

    events            the conversations: Rasa's tracker store (masked)
    tickets, ratings  written by the action server, worked by the console
    helpdesk_outbox   tickets waiting to be posted to the lender's helpdesk

Our tables are defined once (schema.py) and created or changed only by
Alembic migrations (`python -m borrower_help.storage migrate`, run by the
launcher before any process starts); no process creates tables as a side
effect. Rasa creates and owns `events`.
"""
import os
import pathlib
import threading
from typing import Dict, Optional

import sqlalchemy as sa

from borrower_help.files import VAR, private_dir

ENV_VAR = "DATABASE_URL"
_engines: Dict[str, sa.engine.Engine] = {}
_lock = threading.Lock()


def database_url() -> str:
    return os.environ.get(ENV_VAR) or f"sqlite:///{VAR / 'borrower_help.db'}"


def _sqlite_pragmas(connection, _record) -> None:
    # Readers never wait for the writer (WAL), writers wait a while for each
    # other instead of failing at once: several processes share the file.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str) -> sa.engine.Engine:
    """A new engine for `url`: pre-pinged connections; SQLite in WAL mode,
    its file in a private folder."""
    parsed = sa.engine.make_url(url)
    if parsed.drivername.startswith("sqlite"):
        if parsed.database and parsed.database != ":memory:":
            folder = os.path.dirname(os.path.abspath(parsed.database))
            private_dir(pathlib.Path(folder))
            # Pooled: SQLAlchemy 1.4 opens and closes a file database's
            # connection for every session by default (NullPool), which cost
            # 5.8 ms a transaction here against 0.2 ms pooled, on the event
            # loop of the Rasa server, twice a message.
            engine = sa.create_engine(url, future=True, poolclass=sa.pool.QueuePool, pool_size=5, max_overflow=10,
                                      connect_args={"timeout": 10, "check_same_thread": False})
        else:
            engine = sa.create_engine(url, future=True, connect_args={"timeout": 10})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, future=True, pool_pre_ping=True, pool_size=5, max_overflow=10)


def engine(url: Optional[str] = None) -> sa.engine.Engine:
    """The process-wide engine of `url` (default: database_url())."""
    url = url or database_url()
    with _lock:
        if url not in _engines:
            _engines[url] = create_engine(url)
        return _engines[url]


def dispose_all() -> None:
    with _lock:
        for created in _engines.values():
            created.dispose()
        _engines.clear()
