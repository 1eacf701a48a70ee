"""The console on throw-away databases: its own (users, labels) and a tracker
store filled with real Rasa events by Rasa's own SQL tracker store."""
import os
import pathlib
import secrets
import tempfile

import pytest

from tests.conftest import setup_console

# Before the test modules are collected: they read the URLconf.
setup_console(pathlib.Path(tempfile.mkdtemp(prefix="console-")) / "console.db")

from django.contrib.auth.models import Group, User  # noqa: E402
from django.test import Client  # noqa: E402

from borrower_help.storage.tickets import TicketStore  # noqa: E402
from support_console.web.models import AGENT, LEAD  # noqa: E402


@pytest.fixture
def stores(database):
    """Conversations, tickets and ratings in one SQLite file, as `make run` has them."""
    return database, TicketStore(database)


def make_user(role: str, name: str = "") -> User:
    # Signed in with force_login: no password to hash (PBKDF2 costs ~0.3 s a user).
    user = User.objects.create_user(f"{role}-{secrets.token_hex(3)}", password=None, first_name=name)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def agent_client(database) -> Client:  # signing in is audited, in the test's database
    client = Client()
    client.force_login(make_user(AGENT, "Mei"))
    return client


@pytest.fixture
def lead_client(database) -> Client:
    client = Client()
    client.force_login(make_user(LEAD, "Lan"))
    return client


def caught_up(url: str) -> None:
    """What the worker does every second: bring the console's reporting
    tables up to date with the events stored so far."""
    from borrower_help.reporting import catch_up

    catch_up(url)


def save_conversation(url: str, sender: str, events, started: float = None, catch_up: bool = True) -> None:
    """Store a conversation with the assistant's own tracker store (and, unless
    told not to, let the reporting catch-up read it, as the worker would)."""
    import asyncio

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    from rasa_extensions.stores.masked_tracker_store import MaskedSQLTrackerStore

    if started is not None:
        for offset, event in enumerate(events):
            event.timestamp = started + offset
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url  # the store uses the project's database
    try:
        store = MaskedSQLTrackerStore(domain=Domain.empty())
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL")
        else:
            os.environ["DATABASE_URL"] = previous
    if catch_up:
        caught_up(url)


def user(text, intent, confidence=0.95):
    from rasa.shared.core.events import UserUttered

    return UserUttered(text, {"name": intent, "confidence": confidence})
