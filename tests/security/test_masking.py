"""Items 7 and 8: every form of personal data is masked in the stores, every
log file, the exports and the helpdesk payload, and the borrower is warned;
exports cannot run formulas."""
import csv
import io
import json
import re
import secrets

import pytest
import sqlalchemy as sa

from borrower_help import helpdesk
from borrower_help.reporting import catchup
from tests.core.test_privacy import FORMS


def contains(haystack: str, secret: str) -> bool:
    """`secret` in `haystack`, a number only when not part of a longer one
    (a 4-digit code may appear inside a float such as 0.42055219)."""
    if secret.isdigit():
        return re.search(rf"(?<![\d.]){secret}(?!\d)", haystack) is not None
    return secret in haystack


def everything_stored(url):
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        for table in sa.inspect(connection).get_table_names():
            for row in connection.execute(sa.text(f'SELECT * FROM "{table}"')):
                yield table, " ".join(str(value) for value in row)
    engine.dispose()


@pytest.fixture(scope="module")
def conversation(servers):
    sender = secrets.token_hex(10)
    replies = {}
    for _, text, secret, kind in FORMS:
        replies[text] = servers.say(sender, text)
    servers.say(sender, "I want to talk to a person")  # a ticket with a summary
    return sender, replies


@pytest.mark.parametrize("name, text, secret, kind", FORMS, ids=[f[0] for f in FORMS])
def test_nothing_typed_is_kept_or_logged(servers, conversation, name, text, secret, kind):
    stored = "\n".join(value for _, value in everything_stored(servers.db_url))
    assert not contains(stored, secret), f"{name} stored"
    assert not contains(stored, json.dumps(secret)[1:-1])
    for log in servers.settings.var_dir.glob("*.log"):
        assert not contains(log.read_text(errors="replace"), secret), f"{name} in {log.name}"


@pytest.mark.parametrize("name, text, secret, kind", [f for f in FORMS if f[3] != "email" and f[3] != "phone"],
                         ids=[f[0] for f in FORMS if f[3] != "email" and f[3] != "phone"])
def test_the_borrower_is_warned_about_secrets(conversation, name, text, secret, kind):
    _, replies = conversation
    warned = " ".join(m.get("text") or "" for m in replies[text])
    assert "don't share" in warned or "不要" in warned, f"{name}: {warned[:120]}"


def test_the_helpdesk_payload_and_the_exports_are_masked(servers, conversation):
    sender, _ = conversation
    conversation_id = servers.conversation(sender)
    from borrower_help.storage.tickets import TicketStore

    ticket = TicketStore(servers.db_url).open_for_conversation(conversation_id)
    payload = helpdesk.payload(ticket)
    for _, _, secret, _ in FORMS:
        assert not contains(payload, secret)


def test_a_formula_typed_by_a_borrower_is_inert_in_the_csv_export(servers, monkeypatch):
    from django.test import Client
    from django.urls import reverse

    from tests.console.conftest import make_user

    sender = secrets.token_hex(10)
    formulas = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]
    for text in formulas:
        servers.say(sender, text)
    monkeypatch.setenv("DATABASE_URL", servers.db_url)
    catchup.catch_up(servers.db_url)  # what the worker does every second: exports list from the reporting model
    client = Client()
    client.force_login(make_user("lead"))
    body = b"".join(client.get(reverse("export_csv")).streaming_content).decode()
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert not [cell for cell in cells if cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))]
    for text in formulas:
        assert "'" + text in cells
