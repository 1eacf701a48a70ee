"""Erasure in the production shape: two Rasa servers behind nginx on
PostgreSQL with the Redis lock store. The lender's endpoint erases a
conversation that one server paused for an agent; afterwards no table of
the PostgreSQL database holds anything of it, neither server answers from
the old conversation, and the same sender starts afresh on either."""
import pathlib
import secrets
import tempfile

import pytest

from tests.conftest import setup_console

setup_console(pathlib.Path(tempfile.mkdtemp(prefix="console-")) / "console.db")

from django.test import Client  # noqa: E402

from borrower_help.reporting import catch_up  # noqa: E402
from support_console.web.views import erasure_api  # noqa: E402
from tests.production.test_production_shape import say, server_urls, user_texts  # noqa: E402
from tests.traces import traces  # noqa: E402

TOKEN = "production-erasure-token-" + "z" * 24
WORDS = "quokka tamarind 61524"


@pytest.fixture
def lender_api(cluster, monkeypatch):
    monkeypatch.setenv("RASA_URL", cluster.url)  # nginx: either server may be asked to forget
    monkeypatch.setenv("RASA_JWT_SECRET", cluster.api_secret)
    monkeypatch.setenv("DATABASE_URL", cluster.settings.database_url)
    monkeypatch.setenv("ERASURE_API_TOKEN", TOKEN)
    erasure_api._requests.clear()
    return Client()


def test_an_erased_conversation_is_gone_from_postgresql_and_from_every_server(cluster, lender_api):
    first, second = server_urls(cluster)
    sender = "erase-" + secrets.token_hex(8)
    say(first, sender, f"my ID card expired {WORDS}")
    replies = say(second, sender, "I want to talk to a human")
    reference = [m["custom"]["data"]["handoff"]["ticket_id"] for m in replies if m.get("custom")][0]
    say(first, sender, f"are you still there {WORDS}")  # kept for the agent while paused
    assert cluster.tracker(sender)["paused"] is True
    catch_up(cluster.settings.database_url)
    conversation = cluster.conversation(sender)
    needles = [conversation, reference, WORDS]
    assert set(traces(cluster.settings.database_url, needles)) == set(needles)

    answer = lender_api.post("/api/erasures", data={"conversation_id": conversation},
                             content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert answer.status_code == 200, answer.content
    assert traces(cluster.settings.database_url, needles) == {}
    for port in cluster.rasa_ports:
        tracker = cluster.tracker(sender, port=port)
        assert tracker["paused"] is False and user_texts(tracker["events"]) == []

    say(second, sender, "hello")
    assert user_texts(cluster.tracker(sender, port=cluster.rasa_ports[0])["events"]) == ["hello"]
    assert traces(cluster.settings.database_url, [WORDS, reference]) == {}
    assert not any(TOKEN in cluster.logs(kind) for kind in ("rasa", "actions", "console", "worker"))
