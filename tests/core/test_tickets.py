from borrower_help.storage.tickets import ASSIGNED, OPEN, RESOLVED, TicketStore


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


def test_sqlite_store(database):
    _create_and_read(TicketStore(database))


def test_references_are_unique(database):
    store = TicketStore(database)
    refs = {
        store.create("c", "request_human", "normal", "en", None, {}, "s")["reference"]
        for _ in range(50)
    }
    assert len(refs) == 50


def test_postgres_store(postgres_url):
    store = TicketStore(postgres_url)
    _create_and_read(store)
