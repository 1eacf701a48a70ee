"""The helpdesk outbox and webhook, against a real HTTP server on loopback."""
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from borrower_help import helpdesk
from borrower_help.helpdesk import SIGNATURE_HEADER, WebhookSettings, deliver_due, signature
from borrower_help.storage import outbox
from borrower_help.storage.migrate import upgrade
from borrower_help.storage.tickets import TicketStore


@pytest.fixture
def receiver():
    """A helpdesk answering with the statuses queued in `answers` (then 200)."""
    received, answers = [], []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(answers.pop(0) if answers else 200)
            self.end_headers()

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/tickets", received, answers
    server.shutdown()


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path}/bh.db"
    upgrade(url)
    return url


def _ticket(db, monkeypatch, url):
    monkeypatch.setenv("HELPDESK_WEBHOOK_URL", url)
    return TicketStore(db).create("w-abc", "fraud", "high", "zh", "fraud", {"can_log_in": False},
                                  "Handoff: fraud (high priority).")


def test_a_new_ticket_is_queued_with_it_and_arrives_signed(db, receiver, monkeypatch):
    url, received, _ = receiver
    ticket = _ticket(db, monkeypatch, url)
    [queued] = outbox.undelivered(db)
    assert queued["ticket_reference"] == ticket["reference"] and queued["status"] == outbox.PENDING
    assert deliver_due(WebhookSettings(url, secret="s3cret"), url=db) == 1
    [(headers, body)] = received
    sent = json.loads(body)
    assert sent["event"] == "ticket.created"
    assert sent["ticket"]["reference"] == ticket["reference"] and sent["ticket"]["slots"] == {"can_log_in": False}
    assert "assigned_to" not in sent["ticket"]
    assert headers[SIGNATURE_HEADER] == signature(body, "s3cret")  # the helpdesk can verify it
    assert outbox.undelivered(db) == []
    assert deliver_due(WebhookSettings(url), url=db) == 0  # delivered once, never again


def test_no_helpdesk_configured_nothing_is_queued(db, monkeypatch):
    monkeypatch.delenv("HELPDESK_WEBHOOK_URL", raising=False)
    TicketStore(db).create("w-abc", "fraud", "high", "zh", "fraud", {}, "s")
    assert outbox.undelivered(db) == []


def test_a_busy_helpdesk_is_tried_again_later_and_a_restart_loses_nothing(db, receiver, monkeypatch):
    url, received, answers = receiver
    _ticket(db, monkeypatch, url)
    answers.extend([503, 429])
    settings = WebhookSettings(url)
    assert deliver_due(settings, url=db) == 0
    [row] = outbox.undelivered(db)
    assert row["attempts"] == 1 and row["last_error"] == "retry: HTTP 503"
    assert deliver_due(settings, url=db) == 0  # not due yet: nothing posted
    assert len(received) == 1
    later = row["next_attempt_at"] + timedelta(seconds=1)
    assert deliver_due(settings, url=db, now=later) == 0  # 429
    assert deliver_due(settings, url=db, now=later + timedelta(minutes=1)) == 1
    assert len(received) == 3 and outbox.undelivered(db) == []


def test_a_refusal_is_given_up_at_once_and_shown(db, receiver, monkeypatch):
    url, received, answers = receiver
    _ticket(db, monkeypatch, url)
    answers.append(400)
    deliver_due(WebhookSettings(url), url=db)
    [row] = outbox.undelivered(db)
    assert row["status"] == outbox.GIVEN_UP and row["last_error"] == "refused: HTTP 400"


def test_an_unreachable_helpdesk_is_given_up_after_the_stated_time(db, monkeypatch):
    dead = "http://127.0.0.1:9/tickets"  # discard port: connection refused
    _ticket(db, monkeypatch, dead)
    settings = WebhookSettings(dead, timeout_seconds=1, give_up_after=timedelta(hours=1))
    deliver_due(settings, url=db)
    [row] = outbox.undelivered(db)
    assert row["status"] == outbox.PENDING and row["last_error"].startswith("retry: ")
    deliver_due(settings, url=db, now=row["created_at"] + timedelta(hours=2))
    [row] = outbox.undelivered(db)
    assert row["status"] == outbox.GIVEN_UP


def test_two_workers_never_claim_the_same_ticket(db, monkeypatch):
    _ticket(db, monkeypatch, "http://127.0.0.1:9/x")
    assert len(outbox.claim_due(url=db)) == 1
    assert outbox.claim_due(url=db) == []


def test_the_payload_is_the_ticket_without_agent_fields():
    body = json.loads(helpdesk.payload({"reference": "BH-1", "assigned_to": "mei", "slots": {}}))
    assert body["ticket"]["reference"] == "BH-1" and "assigned_to" not in body["ticket"]
