"""The tracker store masks numbers before keeping them, and what it reads back
saves again unchanged (no duplicated or re-masked events)."""
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_extensions.stores.masked_tracker_store import MaskedSQLTrackerStore

VALID_ID = "11010519491231002X"
DOMAIN = Domain.from_yaml("""
version: "3.1"
slots:
  requested_answer:
    type: text
    mappings: [{type: custom}]
""")


def store_at(tmp_path, monkeypatch):
    # The store uses the project's database (DATABASE_URL), whatever the
    # endpoints file would say.
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 't.db'}")
    return MaskedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db="ignored.db")


async def test_user_bot_and_slot_text_are_masked_when_saved(tmp_path, monkeypatch):
    store = store_at(tmp_path, monkeypatch)
    tracker = DialogueStateTracker.from_events("b-1", [
        ActionExecuted("action_listen"),
        UserUttered(f"身份证 {VALID_ID}，手机 13812345678",
                    {"name": "report_id_expired", "confidence": 0.9}, metadata={"note": "13812345678"}),
        SlotSet("requested_answer", "my card 6222020200001234562"),
        BotUttered("Agent: I see 13812345678 on file", metadata={"source": "agent"}),
    ], slots=DOMAIN.slots)
    await store.save(tracker)

    kept = await store.retrieve("b-1")
    user = [e for e in kept.events if isinstance(e, UserUttered)][0]
    assert user.text == "身份证 110***********002X，手机 138****5678"
    assert user.parse_data["text"] == user.text
    assert user.intent_name == "report_id_expired"  # understanding kept
    assert kept.get_slot("requested_answer") == "my card 6222***********4562"
    assert [e.text for e in kept.events if isinstance(e, BotUttered)] == ["Agent: I see 138****5678 on file"]

    raw = sa.create_engine(f"sqlite:///{tmp_path / 't.db'}").connect().execute(
        sa.text("SELECT group_concat(data) FROM events")).scalar()
    assert VALID_ID not in raw and "13812345678" not in raw and "6222020200001234562" not in raw


async def test_a_conversation_read_back_and_saved_again_is_not_duplicated(tmp_path, monkeypatch):
    store = store_at(tmp_path, monkeypatch)
    tracker = DialogueStateTracker.from_events("b-2", [
        UserUttered("验证码 483920", {"name": "report_no_verification_code", "confidence": 0.9})])
    await store.save(tracker)
    again = await store.retrieve("b-2")
    again.update(UserUttered("thanks", {"name": "thank", "confidence": 0.9}))
    await store.save(again)
    final = await store.retrieve("b-2")
    assert [e.text for e in final.events if isinstance(e, UserUttered)] == ["验证码 ******", "thanks"]


async def test_the_same_on_postgresql(postgres_url, monkeypatch):
    """The production shape keeps conversations in PostgreSQL: masked there too."""
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    store = MaskedSQLTrackerStore(domain=DOMAIN)
    await store.save(DialogueStateTracker.from_events("b-pg", [
        UserUttered(f"ID {VALID_ID}, +86 138 1234 5678", {"name": "report_id_expired", "confidence": 0.9})]))
    kept = await store.retrieve("b-pg")
    assert [e.text for e in kept.events if isinstance(e, UserUttered)] == ["ID 110***********002X, +86 138****5678"]
    with store.engine.connect() as connection:
        raw = connection.execute(sa.text("SELECT string_agg(data, '') FROM events")).scalar()
    assert VALID_ID not in raw and "12345678" not in raw
