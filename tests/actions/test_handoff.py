import pytest

from actions.handoff import (
    ActionHandleFallback,
    ActionHandoff,
    build_summary,
    consecutive_fallbacks,
    handoff_reason,
)
from borrower_help.storage.tickets import TicketStore
from tests.actions.conftest import make_tracker, responses, slot_events, user_event


@pytest.fixture
def store(database):
    return TicketStore(database)


@pytest.mark.parametrize(
    "intent, slots, expected",
    [
        ("request_human", {}, ("request_human", "normal")),
        ("report_fraud", {}, ("fraud", "high")),
        ("file_complaint", {}, ("complaint", "high")),
        ("deny", {"next_step": "handoff"}, ("repayment_due", "high")),
        ("affirm", {"problem": "overdue_risk"}, ("overdue_risk", "high")),
        ("affirm", {"problem": "phone_changed", "next_step": "check_solved"}, ("not_solved", "normal")),
    ],
)
def test_reason_and_priority(intent, slots, expected):
    assert handoff_reason(make_tracker("x", intent, slots=slots)) == expected


async def test_handoff_creates_ticket_tells_reference_sends_payload_and_pauses(store, dispatcher, domain):
    history = [user_event("换了手机号 验证码发到旧号 还不了款 身份证 11010519491231002X", "report_phone_changed")]
    tracker = make_tracker(
        "不能", "deny", events=history, sender_id="conv-42",
        slots={"language": "zh", "problem": "phone_changed", "repayment_due_soon": True,
               "can_repay_now": False, "next_step": "handoff"},
    )
    events = await ActionHandoff().run(dispatcher, tracker, domain)

    [ticket] = store.list()
    assert ticket["conversation_id"] == "conv-42"
    assert (ticket["reason"], ticket["priority"], ticket["language"]) == ("repayment_due", "high", "zh")
    assert ticket["slots"] == {"repayment_due_soon": True, "can_repay_now": False}
    assert "11010519491231002X" not in ticket["summary"]
    assert "110***********002X" in ticket["summary"]

    text_message, when_message, payload_message = dispatcher.messages
    assert text_message["response"] == "utter_handoff_created_urgent"
    assert when_message["response"] in ("utter_handoff_agents_online", "utter_handoff_agents_offline")
    assert text_message["ticket_id"] == ticket["reference"]
    assert payload_message["custom"] == {"data": {"handoff": {
        "ticket_id": ticket["reference"], "reason": "repayment_due", "priority": "high"}}}

    assert events[-1]["event"] == "pause"
    slots = slot_events(events)
    assert slots["ticket_id"] == ticket["reference"]
    assert slots["repayment_due_soon"] is None and slots["next_step"] is None
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)


async def test_store_failure_tells_the_user_and_does_not_pause(monkeypatch, dispatcher, domain):
    class BrokenStore:
        def create(self, **kwargs):
            raise OSError("disk full")

    monkeypatch.setattr("actions.handoff.TicketStore", BrokenStore)
    events = await ActionHandoff().run(dispatcher, make_tracker("agent", "request_human"), domain)
    assert responses(dispatcher) == ["utter_handoff_failed"]
    assert events == []


def test_summary_names_answers_and_masks_text():
    summary = build_summary("not_solved", "normal", "en", "phone_changed",
                            {"can_log_in": False}, "my card 4111 1111 1111 1111 fails")
    assert "can still log in: no" in summary
    assert "4111********1111" in summary and "4111 1111 1111 1111" not in summary


def test_consecutive_fallbacks_count_only_the_latest_run():
    tracker = make_tracker("???", "nlu_fallback", events=[
        user_event("asdf", "nlu_fallback"), user_event("hello", "greet"), user_event("qwer", "nlu_fallback")])
    assert consecutive_fallbacks(tracker) == 2
    assert consecutive_fallbacks(make_tracker("hi", "greet")) == 0


def unsure(text, ranking, language="en", events=None):
    tracker = make_tracker(text, "nlu_fallback", slots={"language": language}, events=events)
    tracker.latest_message["intent_ranking"] = [{"name": n, "confidence": c} for n, c in ranking]
    return tracker


RANKING = [("nlu_fallback", 0.4), ("report_login_failed", 0.31), ("report_no_verification_code", 0.22),
           ("greet", 0.2), ("report_phone_changed", 0.12), ("report_fraud", 0.01)]


@pytest.mark.parametrize("language, titles", [
    ("en", ["I can't log in", "The SMS code doesn't arrive", "I changed my phone number", "None of these"]),
    ("zh", ["登录不上", "收不到验证码", "我换了手机号", "都不是"]),
])
async def test_first_miss_offers_the_likely_problems_in_the_users_language(store, dispatcher, domain, language, titles):
    events = await ActionHandleFallback().run(dispatcher, unsure("app code thing??", RANKING, language), domain)
    [message] = dispatcher.messages
    assert message["response"] == "utter_did_you_mean"
    assert [b["title"] for b in message["buttons"]] == titles  # descriptions, never intent names
    assert [b["payload"] for b in message["buttons"]] == [
        "/report_login_failed", "/report_no_verification_code", "/report_phone_changed", "/deny"]
    assert slot_events(events) == {"fallback_stage": "suggested"} and store.list() == []


async def test_first_miss_without_a_likely_problem_asks_to_rephrase(store, dispatcher, domain):
    events = await ActionHandleFallback().run(dispatcher, unsure("???", [("nlu_fallback", 0.9), ("greet", 0.1)]), domain)
    assert responses(dispatcher) == ["utter_ask_rephrase"]
    assert slot_events(events) == {"fallback_stage": None}


async def test_second_miss_offers_a_person_even_after_none_of_these(store, dispatcher, domain):
    earlier = [user_event("asdf", "nlu_fallback"), user_event("/deny", "deny")]
    events = await ActionHandleFallback().run(dispatcher, unsure("qwer", RANKING, events=earlier), domain)
    assert responses(dispatcher) == ["utter_offer_human_after_misses"]
    assert slot_events(events) == {"fallback_stage": "offered_human"} and store.list() == []


async def test_a_person_accepted_after_two_misses_is_a_repeated_fallback_ticket(store, dispatcher, domain):
    offer = {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_offer_human_after_misses"}}
    tracker = make_tracker("yes", "affirm", slots={"fallback_stage": "offered_human"}, events=[offer])
    events = await ActionHandoff().run(dispatcher, tracker, domain)
    [ticket] = store.list()
    assert ticket["reason"] == "repeated_fallback"
    assert slot_events(events)["fallback_stage"] is None and events[-1]["event"] == "pause"


@pytest.mark.parametrize("now, language, response, detail", [
    # Open: an urgent ticket and an earlier one are ahead of this one.
    ("2026-11-24T10:00:00+08:00", "en", "utter_handoff_agents_online", {"queue_ahead": 2}),
    ("2026-11-24T21:00:00+08:00", "en", "utter_handoff_agents_offline",
     {"opens_at": "tomorrow (Wednesday) at 09:00 Asia/Shanghai time"}),
    ("2026-11-29T12:00:00+08:00", "zh", "utter_handoff_agents_offline",  # Sunday: closed
     {"opens_at": "明天（周一）09:00（北京时间）"}),
])
async def test_the_borrower_hears_when_an_agent_comes(store, dispatcher, domain, monkeypatch,
                                                      now, language, response, detail):
    monkeypatch.setenv("BORROWER_HELP_NOW", now)
    store.create("earlier", "request_human", "normal", "en", None, {}, "s")  # one already waiting
    store.create("urgent", "fraud", "high", "en", None, {}, "s")
    tracker = make_tracker("talk to a person", "request_human", slots={"language": language})
    await ActionHandoff().run(dispatcher, tracker, domain)
    [when] = [m for m in dispatcher.messages if (m.get("response") or "").startswith("utter_handoff_agents")]
    assert when["response"] == response
    assert {k: when[k] for k in detail} == detail


def test_urgent_tickets_wait_only_behind_earlier_urgent_ones(store):
    first = store.create("a", "request_human", "normal", "en", None, {}, "s")
    urgent = store.create("b", "fraud", "high", "en", None, {}, "s")
    later = store.create("c", "request_human", "normal", "en", None, {}, "s")
    assert store.waiting_before(urgent) == 0
    assert store.waiting_before(first) == 1  # the urgent one goes first
    assert store.waiting_before(later) == 2
    store.assign(first["reference"], "mei")  # taken: no longer waiting
    assert store.waiting_before(later) == 1
