"""Conversations written the ways Rasa writes them (our masked store, Rasa's
stock SQLTrackerStore), and the reporting tables read back whole."""
import asyncio
import os
from typing import Dict, List

import pytest
import sqlalchemy as sa

from borrower_help import storage
from borrower_help.storage import schema

REPORT_TABLES = ("report_conversations", "report_intents", "report_messages", "report_nlu_failures",
                 "report_failure_groups", "report_dialogue_failures", "report_daily")


def _with_database(url: str, store_class, sender: str, events) -> None:
    from rasa.shared.core.trackers import DialogueStateTracker

    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        store = store_class()
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL")
        else:
            os.environ["DATABASE_URL"] = previous


def save_masked(url: str, sender: str, events, started: float = None) -> None:
    """As the assistant stores them (numbers masked)."""
    from rasa.shared.core.domain import Domain

    from rasa_extensions.stores.masked_tracker_store import MaskedSQLTrackerStore

    _timed(events, started)
    _with_database(url, lambda: MaskedSQLTrackerStore(domain=Domain.empty()), sender, events)


def save_stock(url: str, sender: str, events, started: float = None) -> None:
    """As Rasa's own SQLTrackerStore stores them (another deployment's Rasa)."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    parsed = sa.engine.make_url(url)
    _timed(events, started)
    _with_database(url, lambda: SQLTrackerStore(
        domain=Domain.empty(), dialect=parsed.drivername, host=parsed.host, port=parsed.port,
        db=parsed.database, username=parsed.username, password=parsed.password), sender, events)


def _timed(events, started):
    if started is not None:
        for offset, event in enumerate(events):
            event.timestamp = started + offset


def report(url: str) -> Dict[str, List[tuple]]:
    """Every reporting row, sorted: what two ways of building must agree on."""
    found = {}
    with storage.engine(url).connect() as connection:
        for name in REPORT_TABLES:
            table = schema.metadata.tables[name]
            rows = connection.execute(sa.select(table)).all()
            found[name] = sorted(tuple(r) for r in rows)
    return found


def user(text, intent, confidence=0.95, channel="rest"):
    from rasa.shared.core.events import UserUttered

    return UserUttered(text, {"name": intent, "confidence": confidence}, input_channel=channel)


def bot(text, response=None, **data):
    from rasa.shared.core.events import BotUttered

    return BotUttered(text, data=data, metadata={"utter_action": response} if response else {})


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request):
    """Each test on the SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("database")
    url = request.getfixturevalue("postgres_url")
    request.getfixturevalue("monkeypatch").setenv("DATABASE_URL", url)
    return url
