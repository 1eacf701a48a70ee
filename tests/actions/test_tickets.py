import os
import uuid

import pytest
import sqlalchemy as sa

from actions.tickets import ASSIGNED, OPEN, RESOLVED, TicketStore

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _create_and_read(store: TicketStore):
    ticket = store.create(
        conversation_id="conv-1", reason="fraud", priority="high", language="zh",
        problem="fraud", slots={"can_log_in": False}, summary="Handoff: fraud",
    )
    assert ticket["reference"].startswith("BH-") and len(ticket["reference"]) == 9
    assert ticket["status"] == OPEN
    assert ticket["slots"] == {"can_log_in": False}
    assert store.get(ticket["reference"])["summary"] == "Handoff: fraud"
    assert store.open_for_conversation("conv-1")["reference"] == ticket["reference"]
    assert [t["reference"] for t in store.list(status=OPEN)] == [ticket["reference"]]

    # Two agents take it at once: one gets it, the other sees who has it.
    assert store.assign(ticket["reference"], "mei") is True
    assert store.assign(ticket["reference"], "li") is False
    taken = store.get(ticket["reference"])
    assert taken["status"] == ASSIGNED and taken["assigned_to"] == "mei"

    resolved = store.resolve(ticket["reference"])
    assert resolved["status"] == RESOLVED and resolved["resolved_at"] is not None
    assert store.open_for_conversation("conv-1") is None
    assert store.get("BH-NOPE00") is None


def test_sqlite_store(tmp_path):
    _create_and_read(TicketStore(f"sqlite:///{tmp_path}/sub/tickets.db"))


def test_references_are_unique(tmp_path):
    store = TicketStore(f"sqlite:///{tmp_path}/tickets.db")
    refs = {
        store.create("c", "request_human", "normal", "en", None, {}, "s")["reference"]
        for _ in range(50)
    }
    assert len(refs) == 50


@pytest.fixture
def postgres_url():
    """A throw-away database on the local PostgreSQL server."""
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        connection = admin.connect()
    except sa.exc.OperationalError as error:
        pytest.skip(f"no PostgreSQL at {POSTGRES_ADMIN_URL}: {error.orig}")
    name = f"bh_test_{uuid.uuid4().hex[:8]}"
    connection.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        connection.execute(sa.text(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
        connection.execute(sa.text(f"DROP DATABASE {name}"))
        connection.close()


def test_postgres_store(postgres_url):
    store = TicketStore(postgres_url)
    _create_and_read(store)
    store.engine.dispose()
