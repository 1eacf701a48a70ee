"""Borrowers' data rights in the console: a lead erases a conversation
(confirmed) and nothing of it is left in either database, any export, the
search or any page; the lender's erasure endpoint and its clear errors;
the audit trail records every listed action, no route changes it; legal
holds; canned replies in the conversation's language; hand-over; deadlines
in the queue and on the Numbers page. Rasa is not running here (the running
server's part is tested in tests/http/test_erasure_live.py)."""
import csv
import io
import json
import logging
import pathlib
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rasa.shared.core.events import BotUttered, SlotSet

from borrower_help.keys import ERASURE_TOKEN
from borrower_help.storage import erasure
from borrower_help.storage.schema import audit_log
from borrower_help.storage.tickets import tickets as tickets_table
from support_console.rasa_api import RasaApi
from support_console.web.models import AGENT, LEAD, FailureLabel
from support_console.web.views import erasure_api
from tests.console.conftest import make_user, save_conversation, user
from tests.traces import traces

SECRET = "quokka marmalade 7731 zyx"
TOKEN = "test-erasure-token-" + "x" * 24


class FakeResponse:
    status_code = 200

    def json(self):
        return {}


@pytest.fixture
def rasa_calls(monkeypatch):
    """Rasa's HTTP API as the console calls it, recorded (no server here)."""
    calls = []

    def call(self, method, path, **kwargs):
        calls.append((method, path, kwargs.get("json")))
        return FakeResponse()

    monkeypatch.setattr(RasaApi, "_call", call)
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")  # forgetting: nothing listens, nothing to forget
    return calls


@pytest.fixture
def borrower(stores):
    """A conversation with a distinctive message, a ticket, a failure the
    lead labelled, and someone else's conversation."""
    url, store = stores
    save_conversation(url, "w-erase-me", [user(SECRET, "nlu_fallback", 0.2), BotUttered("Sorry?"),
                                          user("I need a person", "request_human")])
    save_conversation(url, "w-someone-else", [user("how do I repay", "ask_repayment_options"),
                                              BotUttered("Bank transfer")])
    ticket = store.create("w-erase-me", "request_human", "normal", "en", None, {"can_log_in": False},
                          f"Borrower wrote {SECRET}")
    FailureLabel.objects.update_or_create(text=SECRET, defaults={"language": "en", "intent": "greet",
                                                                 "labelled_by": make_user(LEAD)})
    yield url, ticket["reference"]
    FailureLabel.objects.filter(text=SECRET).delete()  # the console's database outlives a test


def console_db() -> str:
    return "sqlite:///" + str(settings.DATABASES["default"]["NAME"])


def exported(client) -> str:
    csv_text = b"".join(client.get(reverse("export_csv")).streaming_content).decode()
    jsonl = b"".join(client.get(reverse("export_jsonl")).streaming_content).decode()
    return csv_text + jsonl


def test_a_lead_erases_a_conversation_and_nothing_is_left_anywhere(borrower, lead_client, rasa_calls):
    url, reference = borrower
    needles = ["w-erase-me", reference, SECRET]
    assert set(traces(url, needles)) == set(needles)
    assert SECRET in exported(lead_client)
    session = lead_client.session
    session[f"draft-{reference}"] = f"draft about {SECRET}"
    session.save()

    confirm = lead_client.get(reverse("erase_confirm") + f"?identifier={reference}").content.decode()
    assert "w-erase-me" in confirm and "Erase permanently" in confirm
    unconfirmed = lead_client.post(reverse("erase_confirm"), {"identifier": reference}, follow=True)
    assert "nothing was erased" in unconfirmed.content.decode() and traces(url, [SECRET])
    done = lead_client.post(reverse("erase_confirm"), {"identifier": reference, "confirm": "yes"}, follow=True)
    assert "Erased:" in done.content.decode() and "assistant not running" in done.content.decode()

    assert traces(url, needles) == {}
    assert traces(console_db(), needles) == {}
    assert not FailureLabel.objects.filter(text=SECRET).exists()
    from django.contrib.sessions.models import Session
    assert all(f"draft-{reference}" not in s.get_decoded() for s in Session.objects.all())
    everything = exported(lead_client)
    assert "w-someone-else" in everything and not any(n in everything for n in needles)
    for page in (reverse("conversations") + "?q=marmalade", reverse("conversations"), reverse("queue"),
                 reverse("review"), reverse("numbers"), reverse("audit"), reverse("erasure")):
        text = lead_client.get(page).content.decode()
        assert not any(n in text for n in needles), page
    assert lead_client.get(reverse("conversation", args=["w-erase-me"])).status_code == 404
    assert lead_client.get(reverse("ticket", args=[reference])).status_code == 404
    # The tombstone says who and when, with digests only.
    assert erasure.digest("w-erase-me") in lead_client.get(reverse("erasure")).content.decode()


def test_agents_cannot_erase_and_held_conversations_are_not_erased(borrower, agent_client, lead_client, rasa_calls):
    url, reference = borrower
    assert agent_client.post(reverse("erase_confirm"), {"identifier": reference, "confirm": "yes"}).status_code == 403
    assert agent_client.post(reverse("hold", args=["w-erase-me"]), {"reason": "x"}).status_code == 403
    page = lead_client.post(reverse("hold", args=["w-erase-me"]), {"reason": "court order 17"}, follow=True)
    assert "On legal hold" in page.content.decode() and "court order 17" in page.content.decode()
    confirm = lead_client.get(reverse("erase_confirm") + "?identifier=w-erase-me").content.decode()
    assert "release the hold first" in confirm and "Erase permanently" not in confirm
    refused = lead_client.post(reverse("erase_confirm"), {"identifier": "w-erase-me", "confirm": "yes"}, follow=True)
    assert "legal hold" in refused.content.decode() and traces(url, [SECRET])
    lead_client.post(reverse("release_hold", args=["w-erase-me"]))
    lead_client.post(reverse("erase_confirm"), {"identifier": "w-erase-me", "confirm": "yes"})
    assert traces(url, [SECRET]) == {}


def test_unknown_ids_are_said_so(stores, lead_client):
    page = lead_client.get(reverse("erase_confirm") + "?identifier=BH-NOPE00", follow=True).content.decode()
    assert "No ticket BH-NOPE00" in page


# ------------------------------------------------------------ the endpoint

@pytest.fixture
def api(monkeypatch, rasa_calls):
    monkeypatch.setenv(ERASURE_TOKEN.env_var, TOKEN)
    erasure_api._requests.clear()
    return Client()


def call(client, body, token=TOKEN, content_type="application/json", path="/api/erasures", **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(path, data=data, content_type=content_type, **headers, **extra)


def test_the_endpoint_erases_by_ticket_and_by_conversation(borrower, api):
    url, reference = borrower
    answer = call(api, {"ticket": reference, "requested_by": "case 2026-117"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["erased"] is True and body["conversation"] == erasure.digest("w-erase-me")
    assert body["removed"]["events"] >= 3 and body["tombstone"] >= 1
    assert traces(url, ["w-erase-me", reference, SECRET]) == {}
    assert call(api, {"ticket": reference}).status_code == 404  # already gone
    assert call(api, {"conversation_id": "w-someone-else"}).status_code == 200


@pytest.mark.parametrize("body, token, content_type, status, error", [
    ({"ticket": "BH-X"}, None, "application/json", 401, "unauthorized"),
    ({"ticket": "BH-X"}, "wrong-token", "application/json", 403, "forbidden"),
    ({"ticket": "BH-X"}, "", "application/json", 401, "unauthorized"),
    (b"{not json", TOKEN, "application/json", 400, "bad_request"),
    (b"\xff\xfe", TOKEN, "application/json", 400, "bad_request"),
    ([1, 2], TOKEN, "application/json", 400, "bad_request"),
    ({}, TOKEN, "application/json", 400, "bad_request"),
    ({"ticket": "BH-X", "conversation_id": "w-1"}, TOKEN, "application/json", 400, "bad_request"),
    ({"ticket": 5}, TOKEN, "application/json", 400, "bad_request"),
    ({"ticket": "w-1"}, TOKEN, "application/json", 400, "bad_request"),
    ({"conversation_id": "w-1", "colour": "red"}, TOKEN, "application/json", 400, "bad_request"),
    ({"conversation_id": "w-" + "x" * 300}, TOKEN, "application/json", 400, "bad_request"),
    ({"conversation_id": "w-nobody"}, TOKEN, "application/json", 404, "not_found"),
    ({"ticket": "BH-NOPE00"}, TOKEN, "application/json", 404, "not_found"),
    ("conversation_id=w-1", TOKEN, "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ({"conversation_id": "w-1", "pad": "x" * 5000}, TOKEN, "application/json", 413, "too_large"),
])
def test_the_endpoint_answers_bad_requests_clearly(stores, api, body, token, content_type, status, error, caplog):
    with caplog.at_level(logging.DEBUG):
        answer = call(api, body, token=token, content_type=content_type)
    assert answer.status_code == status and answer["Content-Type"] == "application/json"
    assert answer.json()["error"] == error and answer.json()["detail"]
    assert TOKEN not in caplog.text


def test_the_endpoint_refuses_a_token_in_the_url_get_and_floods(borrower, api, caplog):
    with caplog.at_level(logging.DEBUG):
        in_url = call(api, {"ticket": borrower[1]}, path=f"/api/erasures?token={TOKEN}")
        assert in_url.status_code == 400 and in_url.json()["error"] == "token_in_url"
        assert api.get("/api/erasures").status_code == 405
        answers = [call(api, {"conversation_id": "w-nobody"}, token="wrong").status_code for _ in range(40)]
    assert answers.count(403) == erasure_api.REQUESTS_PER_WINDOW - 1 and answers[-1] == 429  # GET: not counted
    limited = call(api, {"conversation_id": "w-nobody"})
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert TOKEN not in caplog.text
    assert traces(borrower[0], [SECRET])  # nothing erased by any of them


def test_the_endpoint_says_when_the_assistant_cannot_confirm(borrower, api, monkeypatch):
    from borrower_help import forget

    def refuses(conversation_id, url=None, secret=None):
        raise forget.AssistantRefused("the assistant answered 502 Bad Gateway")

    monkeypatch.setattr(forget, "in_assistant", refuses)
    answer = call(api, {"ticket": borrower[1]})
    assert answer.status_code == 503 and answer["Retry-After"] == "60"
    assert "Nothing was erased" in answer.json()["detail"] and traces(borrower[0], [SECRET])


def test_the_endpoint_refuses_a_held_conversation(borrower, api):
    erasure.set_hold("w-erase-me", "lan", "court order")
    answer = call(api, {"conversation_id": "w-erase-me"})
    assert answer.status_code == 409 and answer.json()["error"] == "on_legal_hold"


# ------------------------------------------------------------ audit trail

def trail(url):
    with sa.create_engine(url).connect() as connection:
        return [dict(r) for r in connection.execute(sa.select(audit_log).order_by(audit_log.c.id)).mappings()]


def test_every_listed_action_is_recorded_without_content(borrower, rasa_calls):
    url, reference = borrower
    lead = make_user(LEAD, "Lan")
    lead.set_password("a-long-enough-password-1")
    lead.save()
    other = make_user(AGENT, "Li")
    client = Client()
    refused = client.post(reverse("login"), {"username": lead.username, "password": "wrong password 13812345678"})
    assert refused.status_code == 200  # the form again
    assert client.post(reverse("login"), {"username": lead.username,
                                          "password": "a-long-enough-password-1"}).status_code == 302
    client.get(reverse("conversations") + "?q=call me on 13812345678")
    client.get(reverse("conversation", args=["w-erase-me"]))
    client.get(reverse("ticket", args=[reference]))
    client.get(reverse("export_csv") + "?language=en")
    client.get(reverse("export_jsonl"))
    client.post(reverse("label"), {"text": SECRET, "intent": "greet", "language": "en"})
    client.post(reverse("take", args=[reference]))
    client.post(reverse("reply", args=[reference]), {"text": f"About {SECRET}"})
    client.post(reverse("hand_over", args=[reference]), {"to": other.username})
    other_client = Client()
    other_client.force_login(other)
    other_client.post(reverse("hand_over", args=[reference]), {"to": ""})
    client.post(reverse("take", args=[reference]))
    client.post(reverse("resolve", args=[reference]))
    client.post(reverse("hold", args=["w-someone-else"]), {"reason": "order 5"})
    client.post(reverse("release_hold", args=["w-someone-else"]))
    client.get(reverse("audit"))
    client.get(reverse("audit_export"))
    client.post(reverse("erase_confirm"), {"identifier": "w-someone-else", "confirm": "yes"})
    client.post(reverse("logout"))
    rows = trail(url)
    actions = [r["action"] for r in rows]
    for action in ("sign_in_failed", "sign_in", "search", "view_conversation", "view_ticket", "export", "label",
                   "take", "reply", "hand_over", "resolve", "hold", "release_hold", "view_audit", "export_audit",
                   "erase", "sign_out"):
        assert action in actions, action
    assert {r["actor"] for r in rows if r["action"] not in ("sign_in_failed",)} >= {lead.username, other.username}
    search = next(r for r in rows if r["action"] == "search")
    assert "138****5678" in search["detail"] and "13812345678" not in search["detail"]
    everything = json.dumps(rows, default=str)
    assert SECRET not in everything and "13812345678" not in everything and "wrong password" not in everything
    hand = [r for r in rows if r["action"] == "hand_over"]
    assert hand[0]["object_id"] == reference and f"to {other.username}" in hand[0]["detail"]
    assert hand[1]["actor"] == other.username and "to the queue" in hand[1]["detail"]
    # The borrower was told in their language who joined, through Rasa's HTTP API.
    joined = [body for method, path, body in rasa_calls if body and (body.get("metadata") or {}).get("agent_joined")]
    assert [b["metadata"]["agent_joined"] for b in joined] == ["Lan", "Li", "Lan"]
    assert "has joined the chat" in joined[0]["text"]


def test_leads_browse_filter_page_and_export_the_trail(stores, lead_client, agent_client):
    url, _ = stores
    from borrower_help import audit
    for number in range(120):
        audit.record(f"agent-{number % 3}", "view_conversation", "conversation", f"w-{number}")
    page = lead_client.get(reverse("audit") + "?actor=agent-1&action=view_conversation").content.decode()
    assert page.count("<tr><td>") == 40 and "agent-2" not in page.split("<tbody>")[1]
    first = lead_client.get(reverse("audit")).content.decode()
    assert first.count("<tr><td>") == 50 and "older" in first
    one = lead_client.get(reverse("audit") + "?object=w-7").content.decode()
    assert one.count("<tr><td>") == 1
    rows = list(csv.reader(io.StringIO(b"".join(lead_client.get(
        reverse("audit_export") + "?actor=agent-0").streaming_content).decode())))
    assert rows[0] == ["id", "at", "actor", "action", "object_type", "object_id", "detail"]
    assert len(rows) == 41 and {r[2] for r in rows[1:]} == {"agent-0"}
    assert agent_client.get(reverse("audit")).status_code == 403


def test_no_route_changes_or_deletes_audit_rows(borrower, lead_client, rasa_calls):
    url, reference = borrower
    from borrower_help import audit
    audit.record("someone", "view_ticket", "ticket", reference)
    before = trail(url)
    from tests.console.test_permissions import routes
    for name, path in routes():
        if name == "logout":
            continue  # tried last
        for method in ("get", "post", "put", "patch", "delete"):
            getattr(lead_client, method)(path)
    lead_client.post(reverse("logout"))
    after = trail(url)
    kept = {r["id"]: r for r in after}
    assert all(kept[r["id"]] == r for r in before), "an existing audit row changed or disappeared"
    # And in the code: only an erasure or purge touches existing rows (ids -> digests).
    root = pathlib.Path(__file__).resolve().parents[2]
    writers = [str(p.relative_to(root)) for folder in ("support_console", "borrower_help", "actions", "rasa_extensions")
               for p in (root / folder).rglob("*.py")
               if re.search(r"audit_log\.(update|delete)\(|DELETE FROM audit_log|UPDATE audit_log", p.read_text())]
    assert writers == ["borrower_help/storage/erasure.py"]
    for verb in ("put", "patch", "delete"):
        assert getattr(Client(), verb)(reverse("audit")).status_code == 302  # signed out: to the sign-in page
    lead = make_user(LEAD)
    client = Client()
    client.force_login(lead)
    for verb in ("post", "put", "patch", "delete"):
        assert getattr(client, verb)(reverse("audit")).status_code == 405
        assert getattr(client, verb)(reverse("audit_export")).status_code == 405


# ------------------------------------------------------------ agent tools and deadlines

def test_canned_replies_come_in_the_conversations_language(stores, agent_client, rasa_calls):
    url, store = stores
    save_conversation(url, "w-zh", [user("我换了手机号 还不了款", "report_phone_changed"), SlotSet("language", "zh"),
                                    BotUttered("好的")])
    save_conversation(url, "w-en", [user("I changed my phone number", "report_phone_changed"), BotUttered("OK")])
    zh = store.create("w-zh", "request_human", "normal", "zh", "phone_changed",
                      {"can_log_in": False, "repayment_due_soon": True}, "换号")["reference"]
    en = store.create("w-en", "request_human", "normal", "en", None, {}, "Changed number")["reference"]
    for reference in (zh, en):
        agent_client.post(reverse("take", args=[reference]))
    zh_page = agent_client.get(reverse("ticket", args=[zh])).content.decode()
    en_page = agent_client.get(reverse("ticket", args=[en])).content.decode()
    assert "感谢您的耐心等待" in zh_page and "Thank you for waiting" not in zh_page
    assert "Thank you for waiting" in en_page and "感谢您的耐心等待" not in en_page
    assert 'data-canned-for="reply-text"' in en_page and "console/canned.js" in en_page
    # The bot's summary and the answers it collected, labelled, at the top.
    top = zh_page.split("<h2>Conversation</h2>")[0]
    assert "换号" in top and "repayment due within 3 days: <strong>yes</strong>" in top
    assert "can still log in: <strong>no</strong>" in top
    joined = [b for _, _, b in rasa_calls if b and (b.get("metadata") or {}).get("agent_joined")]
    assert "已加入对话" in joined[0]["text"] and "has joined" in joined[1]["text"]


def test_hand_over_to_another_agent_or_back_to_the_queue(stores, rasa_calls):
    url, store = stores
    reference = store.create("w-1", "request_human", "normal", "en", None, {}, "x")["reference"]
    mei, li, outsider = make_user(AGENT, "Mei"), make_user(AGENT, "Li"), make_user(AGENT, "Zhou")
    outsider.groups.clear()
    mine, theirs = Client(), Client()
    mine.force_login(mei)
    theirs.force_login(li)
    assert "Only whoever holds" in mine.post(reverse("hand_over", args=[reference]), {"to": li.username},
                                             follow=True).content.decode()
    mine.post(reverse("take", args=[reference]))
    assert "is not an agent" in mine.post(reverse("hand_over", args=[reference]), {"to": outsider.username},
                                          follow=True).content.decode()
    mine.post(reverse("hand_over", args=[reference]), {"to": li.username})
    assert store.get(reference)["assigned_to"] == li.username and store.get(reference)["status"] == "assigned"
    theirs.post(reverse("hand_over", args=[reference]), {"to": ""})
    assert store.get(reference)["assigned_to"] is None and store.get(reference)["status"] == "open"


def test_the_queue_shows_time_left_and_puts_overdue_first(stores, agent_client):
    url, store = stores
    fresh = store.create("w-1", "fraud", "high", "en", None, {}, "x")["reference"]
    late = store.create("w-2", "request_human", "normal", "en", None, {}, "y")["reference"]
    now = datetime.now(timezone.utc)
    with store.engine.begin() as connection:
        connection.execute(tickets_table.update().where(tickets_table.c.reference == fresh)
                           .values(first_response_due=now + timedelta(minutes=9, seconds=30)))
        connection.execute(tickets_table.update().where(tickets_table.c.reference == late)
                           .values(first_response_due=now - timedelta(minutes=65) + timedelta(seconds=30)))
    page = agent_client.get(reverse("queue")).content.decode()
    assert page.index(late) < page.index(fresh)  # overdue first, even before a more urgent one
    assert "first reply: overdue 1 h 5 min" in page and "first reply: 9 min left" in page
    assert 'class="normal overdue"' in page


def test_the_numbers_page_shows_the_share_of_deadlines_met_per_week(stores, agent_client):
    url, store = stores
    now = datetime.now(timezone.utc)
    for number, replied_after in enumerate((5, 5, 30, None)):
        reference = store.create(f"w-{number}", "request_human", "high", "en", None, {}, "x")["reference"]
        with store.engine.begin() as connection:
            connection.execute(tickets_table.update().where(tickets_table.c.reference == reference).values(
                created_at=now - timedelta(hours=2), first_response_due=now - timedelta(hours=2) + timedelta(minutes=10),
                first_response_at=None if replied_after is None
                else now - timedelta(hours=2) + timedelta(minutes=replied_after)))
    page = agent_client.get(reverse("numbers")).content.decode()
    assert "50% (2 of 4)" in page
