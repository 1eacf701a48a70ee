"""Whole conversations over the REST channel against a running server."""
import re

import requests
import sqlalchemy as sa

from borrower_help.api_token import bearer_token

HAN = re.compile(r"[\u4e00-\u9fff]")


def texts(messages):
    return [m["text"] for m in messages if m.get("text")]


def chinese(text: str) -> bool:
    return len(HAN.findall(text)) >= 4


def english(text: str) -> bool:
    return not HAN.search(text) and len(re.findall(r"[A-Za-z]{3,}", text)) >= 3


def test_hello_gets_an_english_answer(servers, sender):
    replies = servers.say(sender, "hello")
    assert replies, "empty reply: an action failed, see the server log"
    assert all(english(t) for t in texts(replies))
    assert any(m.get("buttons") for m in replies)


def test_nihao_gets_a_chinese_answer(servers, sender):
    replies = servers.say(sender, "你好")
    assert replies and all(chinese(t) for t in texts(replies))
    assert all(chinese(b["title"]) or len(b["title"]) <= 6
               for m in replies for b in m.get("buttons", []))


def test_language_follows_the_user_mid_conversation(servers, sender):
    assert all(english(t) for t in texts(servers.say(sender, "hi there")))
    switched = servers.say(sender, "有哪些还款方式")
    assert switched and all(chinese(t) for t in texts(switched))
    back = servers.say(sender, "what are the ways to repay")
    assert back and all(english(t) for t in texts(back))


def _buttons(replies):
    return [b["payload"] for m in replies for b in m.get("buttons", [])]


def test_phone_changed_flow_in_chinese_to_identity_check_and_handoff(servers, sender):
    first = servers.say(sender, "换了手机号 验证码发到旧号上 还不了款")
    assert all(chinese(t) for t in texts(first))
    assert {"/affirm", "/deny"} <= set(_buttons(first))  # due soon?

    assert _buttons(servers.say(sender, "/deny"))  # can log in?
    assert _buttons(servers.say(sender, "登录不了"))  # old number reachable?
    steps = servers.say(sender, "旧卡早就注销了")
    joined = "\n".join(texts(steps))
    assert chinese(joined) and "人脸" in joined  # identity check instead of SMS
    assert {"/affirm", "/deny"} <= set(_buttons(steps))  # solved?

    assert _buttons(servers.say(sender, "/deny"))  # offer a human
    handoff = servers.say(sender, "/affirm")
    reference = re.search(r"BH-[0-9A-Z]{6}", "\n".join(texts(handoff))).group()
    [payload] = [m["custom"] for m in handoff if m.get("custom")]
    assert payload["data"]["handoff"] == {
        "ticket_id": reference, "reason": "not_solved", "priority": "normal"}

    tracker = servers.tracker(sender)
    assert tracker["paused"] is True

    engine = sa.create_engine(servers.db_url)
    with engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT * FROM tickets WHERE reference = :r"), {"r": reference}).mappings().one()
    assert row["conversation_id"] == servers.conversation(sender) and row["language"] == "zh"
    assert row["problem"] == "phone_changed"
    assert '"can_log_in": false' in row["slots"] and '"old_number_reachable": false' in row["slots"]

    # Paused: the bot only says the message went to the agent, in Chinese;
    # the message is kept for the agent.
    [waiting] = servers.say(sender, "还在吗")
    assert reference in waiting["text"] and "人工客服" in waiting["text"]
    tracker = servers.tracker(sender)
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"][-1] == "还在吗"


def test_id_expired_flow_in_english_solved_with_prevention_tip(servers, sender):
    servers.say(sender, "my ID card expired and my credit line won't open")
    servers.say(sender, "yes I have the new card")
    steps = servers.say(sender, "/deny")  # not uploaded yet
    joined = "\n".join(texts(steps))
    assert english(joined) and re.search(r"real-name|verification", joined, re.I)
    closing = servers.say(sender, "/affirm")
    assert len(texts(closing)) >= 2
    tracker = servers.tracker(sender)
    assert tracker["paused"] is False
    assert tracker["slots"]["has_new_id"] is None  # answers forgotten after the flow


def test_due_today_and_cannot_pay_goes_straight_to_an_urgent_ticket(servers, sender):
    servers.say(sender, "I changed my phone number, can't get the code to repay")
    channels = servers.say(sender, "today")
    assert re.search(r"transfer|ATM|counter", "\n".join(texts(channels)), re.I)
    handoff = servers.say(sender, "/deny")
    [payload] = [m["custom"] for m in handoff if m.get("custom")]
    assert payload["data"]["handoff"]["reason"] == "repayment_due"
    assert payload["data"]["handoff"]["priority"] == "high"


def test_secret_gets_a_warning_in_the_users_language(servers, sender):
    replies = servers.say(sender, "my password is hunter2, I can't log in")
    assert re.search(r"password", texts(replies)[0], re.I)
    replies = servers.say(sender, "验证码是 482913 你帮我登录一下")
    assert chinese(texts(replies)[0]) and "验证码" in texts(replies)[0]


def test_resolving_the_ticket_resumes_the_bot(servers, sender, monkeypatch):
    from support_console import cli

    handoff = servers.say(sender, "I want to talk to a human")
    reference = [m["custom"] for m in handoff if m.get("custom")][0]["data"]["handoff"]["ticket_id"]
    [waiting] = servers.say(sender, "hello?")  # the bot stays out of it, but says where the message went
    assert reference in waiting["text"] and "passed" in waiting["text"]

    monkeypatch.setenv("DATABASE_URL", servers.db_url)
    monkeypatch.setenv("RASA_URL", servers.url)
    monkeypatch.setenv("RASA_JWT_SECRET", servers.api_secret)
    assert cli.main(["resolve", reference]) == 0

    tracker = servers.tracker(sender)
    assert tracker["paused"] is False
    assert servers.say(sender, "hello")  # the bot answers again


def test_http_api_refuses_missing_or_wrong_token(servers, sender):
    url = f"{servers.url}/conversations/{servers.conversation(sender)}/tracker"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, params={"token": "wrong"}, timeout=10).status_code == 401
    wrong = bearer_token("x", 60, secret="not-the-secret")
    assert requests.get(url, headers={"Authorization": f"Bearer {wrong}"}, timeout=10).status_code == 401
    expired = bearer_token("x", -600, secret=servers.api_secret)  # beyond the 3 minutes of leeway
    assert requests.get(url, headers={"Authorization": f"Bearer {expired}"}, timeout=10).status_code == 401
    assert servers.api("GET", f"/conversations/{servers.conversation(sender)}/tracker").status_code == 200
