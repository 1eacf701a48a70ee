"""The helpdesk webhook against a real HTTP server on loopback."""
import json
import logging
import socket
from datetime import datetime, timezone

import pytest
from aiohttp import web

from actions import helpdesk_webhook
from actions.helpdesk_webhook import SIGNATURE_HEADER, WebhookSettings, deliver, signature

TICKET = {
    "reference": "BH-7K3P9Q", "conversation_id": "w-abc", "status": "open", "reason": "fraud",
    "priority": "high", "language": "zh", "problem": "fraud", "slots": {"can_log_in": False},
    "summary": "Handoff: fraud (high priority).", "created_at": datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc),
    "assigned_to": None,
}


@pytest.fixture
async def helpdesk():
    """A helpdesk that answers with the statuses queued in `answers` (then 200)."""
    received, answers = [], []

    async def tickets(request):
        received.append((dict(request.headers), await request.read()))
        return web.Response(status=answers.pop(0) if answers else 200)

    app = web.Application()
    app.router.add_post("/tickets", tickets)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/tickets", received, answers
    await runner.cleanup()


def settings(url, **overrides):
    return WebhookSettings(url=url, first_wait_seconds=0.01, timeout_seconds=2, **overrides)


async def test_the_ticket_arrives_signed(helpdesk):
    url, received, _ = helpdesk
    assert await deliver(TICKET, settings(url, secret="s3cret"))
    [(headers, body)] = received
    sent = json.loads(body)
    assert sent["event"] == "ticket.created"
    assert sent["ticket"]["reference"] == "BH-7K3P9Q" and sent["ticket"]["slots"] == {"can_log_in": False}
    assert sent["ticket"]["created_at"] == "2026-11-24T08:00:00+00:00"
    assert "assigned_to" not in sent["ticket"]
    assert headers[SIGNATURE_HEADER] == signature(body, "s3cret")  # the helpdesk can verify it


async def test_a_busy_helpdesk_is_tried_again(helpdesk):
    url, received, answers = helpdesk
    answers.extend([503, 429])
    assert await deliver(TICKET, settings(url))
    assert len(received) == 3


async def test_a_refusal_is_not_repeated_and_is_logged(helpdesk, caplog):
    url, received, answers = helpdesk
    answers.append(400)
    with caplog.at_level(logging.ERROR):
        assert not await deliver(TICKET, settings(url))
    assert len(received) == 1
    assert "BH-7K3P9Q" in caplog.text and "HTTP 400" in caplog.text


async def test_an_unreachable_helpdesk_is_retried_then_logged(caplog):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    with caplog.at_level(logging.ERROR):
        assert not await deliver(TICKET, settings(f"http://127.0.0.1:{port}/tickets", attempts=3))
    assert "BH-7K3P9Q after 3 attempt(s)" in caplog.text


async def test_nothing_is_sent_without_a_url(monkeypatch):
    monkeypatch.delenv("HELPDESK_WEBHOOK_URL", raising=False)
    assert helpdesk_webhook.post_in_background(TICKET) is None


async def test_bad_settings_are_logged_not_raised(monkeypatch, caplog):
    monkeypatch.setenv("HELPDESK_WEBHOOK_URL", "http://127.0.0.1:9/tickets")
    monkeypatch.setenv("HELPDESK_WEBHOOK_ATTEMPTS", "many")
    with caplog.at_level(logging.ERROR):
        assert helpdesk_webhook.post_in_background(TICKET) is None
    assert "invalid" in caplog.text


async def test_post_in_background_delivers(helpdesk, monkeypatch):
    url, received, _ = helpdesk
    monkeypatch.setenv("HELPDESK_WEBHOOK_URL", url)
    task = helpdesk_webhook.post_in_background(TICKET)
    assert await task is True and len(received) == 1


async def test_a_handoff_posts_its_new_ticket(helpdesk, monkeypatch, tmp_path, dispatcher, domain):
    from actions import tickets
    from actions.handoff import ActionHandoff
    from actions.tickets import TicketStore
    from tests.actions.conftest import make_tracker

    url, received, _ = helpdesk
    monkeypatch.setattr(tickets, "_store", TicketStore(f"sqlite:///{tmp_path}/tickets.db"))
    monkeypatch.setenv("HELPDESK_WEBHOOK_URL", url)
    await ActionHandoff().run(dispatcher, make_tracker("someone asked for my code", "report_fraud",
                                                       sender_id="conv-7"), domain)
    [task] = list(helpdesk_webhook._in_flight)
    assert await task
    sent = json.loads(received[0][1])["ticket"]
    assert sent["conversation_id"] == "conv-7" and sent["reason"] == "fraud" and sent["priority"] == "high"
