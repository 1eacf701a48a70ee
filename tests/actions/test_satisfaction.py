"""Ratings: read from buttons and typed text, stored with the conversation
(and the agent's ticket), comments masked; on SQLite and PostgreSQL."""
import pytest

from actions import ratings, tickets
from actions.ratings import AGENT, BOT, RatingStore, parse_score
from actions.satisfaction import ActionAskRating, ActionStoreRating, ActionThankForRating, ValidateRatingCommentForm
from actions.tickets import TicketStore
from tests.actions.conftest import make_tracker, responses, slot_events, user_event
from tests.actions.test_tickets import postgres_url  # noqa: F401  (a throw-away database)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(tickets, "_store", TicketStore(f"sqlite:///{tmp_path}/bh.db"))
    rating_store = RatingStore()
    monkeypatch.setattr(ratings, "_store", rating_store)
    return rating_store


@pytest.mark.parametrize("text, score", [
    ("5", 5), ("4/5", 4), ("3 stars", 3), ("★★★★", 4), ("⭐⭐", 2), ("五星", 5), ("给4分", 4), ("三颗星吧", 3),
    ("非常满意", 5), ("不太满意，太慢了", 2), ("非常不满意", 1), ("great, very helpful", 5),
    ("not very helpful", 2), ("ok", 3), ("too slow, 2/5", 2),
    ("hello", None), ("I have 12 loans", None), ("", None), (None, None),
])
def test_scores_read_from_what_borrowers_type(text, score):
    assert parse_score(text) == score


async def test_a_button_rating_after_a_solved_flow(store, dispatcher, domain):
    tracker = make_tracker('/rate{"rating_score": "5"}', "rate", slots={"rating_score": "5", "language": "zh"},
                           sender_id="conv-1")
    events = await ActionStoreRating().run(dispatcher, tracker, domain)
    assert slot_events(events)["rating_stored"] is True
    [row] = store.for_conversation("conv-1")
    assert (row["score"], row["source"], row["language"], row["ticket_reference"]) == (5, BOT, "zh", None)

    form = ValidateRatingCommentForm()
    tracker = make_tracker("my card 6222020200001234562 works now", "thank", sender_id="conv-1",
                           slots={"rating_id": slot_events(events)["rating_id"]})
    await form.validate_rating_comment("my card 6222020200001234562 works now", dispatcher, tracker, domain)
    assert store.for_conversation("conv-1")[0]["comment"] == "my card 6222***********4562 works now"


async def test_a_rating_after_an_agent_names_the_ticket(store, dispatcher, domain):
    history = [user_event("talk to a person", "request_human"), {"event": "pause"}, {"event": "resume"}]
    tracker = make_tracker("4 stars", "rate", events=history, slots={"ticket_id": "BH-ABC234"}, sender_id="conv-2")
    await ActionStoreRating().run(dispatcher, tracker, domain)
    [row] = store.for_conversation("conv-2")
    assert (row["score"], row["source"], row["ticket_reference"]) == (4, AGENT, "BH-ABC234")


async def test_an_unreadable_score_is_asked_again_and_nothing_stored(store, dispatcher, domain):
    events = await ActionStoreRating().run(dispatcher, make_tracker("hmm", "rate", sender_id="c3"), domain)
    assert responses(dispatcher) == ["utter_ask_rating_again"]
    assert slot_events(events) == {"rating_stored": False} and store.for_conversation("c3") == []


async def test_asking_and_thanking(store, dispatcher, domain):
    events = await ActionAskRating().run(dispatcher, make_tracker("x"), domain)
    assert responses(dispatcher) == ["utter_ask_rating"] and slot_events(events)["rating_score"] is None
    thanks = await ActionThankForRating().run(dispatcher, make_tracker("no", "deny"), domain)
    assert slot_events(thanks) == {"rating_score": None, "rating_stored": None, "rating_id": None,
                                   "rating_comment": None}


def test_bad_ratings_are_refused(store):
    with pytest.raises(ValueError):
        store.add("c", 6, BOT, "en")
    with pytest.raises(ValueError):
        store.add("c", 3, "robot", "en")


def test_ratings_on_postgresql(postgres_url):  # noqa: F811
    store = RatingStore(postgres_url)
    rating_id = store.add("c-pg", 3, AGENT, "en", "BH-ZZZ222")
    store.add_comment(rating_id, "ok")
    assert store.for_conversation("c-pg")[0]["comment"] == "ok"
    store.engine.dispose()
