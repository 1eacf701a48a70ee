"""Ratings: read from buttons and typed text, stored with the conversation
(and the agent's ticket), comments masked; on SQLite and PostgreSQL."""
import pytest

from actions.satisfaction import ActionBackFromAgent, ActionStoreRating, ActionThankForRating, ValidateRatingCommentForm
from borrower_help.answers import parse_score
from borrower_help.storage.ratings import AGENT, BOT, RatingStore
from tests.actions.conftest import make_tracker, responses, slot_events


@pytest.fixture
def store(database):
    return RatingStore(database)


@pytest.mark.parametrize("text, score", [
    ("5", 5), ("4/5", 4), ("3 stars", 3), ("★★★★", 4), ("⭐⭐", 2), ("五星", 5), ("给4分", 4), ("三颗星吧", 3),
    ("非常满意", 5), ("不太满意，太慢了", 2), ("非常不满意", 1), ("great, very helpful", 5),
    ("not very helpful", 2), ("so-so", 3), ("ok", None), ("too slow, 2/5", 2),  # "ok" is not a rating
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
                           slots={"rating_stored": True})
    await form.validate_rating_comment("my card 6222020200001234562 works now", dispatcher, tracker, domain)
    assert store.for_conversation("conv-1")[0]["comment"] == "my card 6222***********4562 works now"


async def test_a_rating_after_an_agent_names_the_ticket(store, dispatcher, domain):
    tracker = make_tracker("4 stars", "rate", slots={"ticket_id": "BH-ABC234", "rating_subject": "agent"},
                           sender_id="conv-2")
    await ActionStoreRating().run(dispatcher, tracker, domain)
    [row] = store.for_conversation("conv-2")
    assert (row["score"], row["source"], row["ticket_reference"]) == (4, AGENT, "BH-ABC234")


async def test_an_unreadable_score_is_asked_again_and_nothing_stored(store, dispatcher, domain):
    events = await ActionStoreRating().run(dispatcher, make_tracker("hmm", "rate", sender_id="c3"), domain)
    assert responses(dispatcher) == ["utter_ask_rating_again"]
    assert slot_events(events) == {"rating_stored": False} and store.for_conversation("c3") == []


async def test_back_from_an_agent_in_one_action_resumes_says_so_and_asks_to_rate_the_agent(
        store, dispatcher, domain):
    events = await ActionBackFromAgent().run(dispatcher, make_tracker("x"), domain)
    assert responses(dispatcher) == ["utter_back_with_bot", "utter_ask_rating"]
    assert events[0]["event"] == "resume"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")
    assert slot_events(events)["rating_subject"] == "agent" and slot_events(events)["rating_score"] is None


async def test_asking_and_thanking(store, dispatcher, domain):
    thanks = await ActionThankForRating().run(dispatcher, make_tracker("no", "deny"), domain)
    assert slot_events(thanks) == {"rating_score": None, "rating_stored": None, "rating_comment": None,
                                   "rating_subject": None}


def test_bad_ratings_are_refused(store):
    with pytest.raises(ValueError):
        store.add("c", 6, BOT, "en")
    with pytest.raises(ValueError):
        store.add("c", 3, "robot", "en")


def test_ratings_on_postgresql(postgres_url):
    store = RatingStore(postgres_url)
    store.add("c-pg", 3, AGENT, "en", "BH-ZZZ222")
    assert store.add_comment("c-pg", "ok")
    assert store.for_conversation("c-pg")[0]["comment"] == "ok"


def test_a_comment_goes_only_to_the_conversations_own_rating(store):
    store.add("victim", 5, BOT, "en")
    assert store.add_comment("attacker", "rewritten") is False
    assert store.for_conversation("victim")[0]["comment"] is None
