"""The widget as a borrower uses it: a real Chromium on the demo lender page,
talking to real servers over socket.io (with the pinned python-socketio, whose
5.10+ releases are reported to lose replies under Rasa 3.6: Rasa #13027)."""
import re

from playwright.sync_api import expect

from borrower_help.conversation_ids import for_widget as conversation_id
from support_console.rasa_api import RasaApi

WAIT_MS = 45_000  # the widget shows replies with a typing delay; the bot runs on 2 cores


def open_widget(page):
    page.locator(".rw-launcher").click()
    expect(page.locator(".rw-conversation-container")).to_be_visible()


def bot_says(page, pattern):
    expect(page.locator(".rw-response", has_text=re.compile(pattern)).last).to_be_visible(timeout=WAIT_MS)


def click_reply(page, title):
    button = page.locator(".rw-reply", has_text=title).last
    expect(button).to_be_visible(timeout=WAIT_MS)
    button.click()


def type_message(page, text):
    box = page.locator(".rw-new-message")
    box.fill(text)
    box.press("Enter")


def session_token(page):
    return page.evaluate("JSON.parse(localStorage.getItem('chat_session')).session_id")


def test_phone_changed_in_chinese_then_reload_then_a_human_in_english(
        context, page_url, servers, screenshot):
    page = context.new_page()
    page.goto(f"{page_url}/?lang=zh")
    open_widget(page)
    # The page is Chinese: the widget greets in Chinese before the borrower types.
    bot_says(page, "借款人助手")
    expect(page.locator(".rw-header")).to_contain_text("借款人助手")
    screenshot(page, "1-greeting-zh")

    click_reply(page, "我换了手机号")
    bot_says(page, "快到期的还款")
    click_reply(page, "没有")  # repayment not due soon
    bot_says(page, "还能登录APP")
    type_message(page, "能登录，密码还记得")
    bot_says(page, "在APP里更换手机号")
    screenshot(page, "2-steps-zh")
    click_reply(page, "解决了")
    bot_says(page, "备用|自动扣款|及时")  # the prevention tip
    bot_says(page, "点一下打分")  # and a rating, one tap
    click_reply(page, "⭐ 5")
    click_reply(page, "不用了")  # no comment
    bot_says(page, "感谢您的反馈")
    messages_before = page.locator(".rw-message").count()
    screenshot(page, "3-solved-zh")

    # Reload: same conversation, same history, same session token.
    token = session_token(page)
    page.reload()
    # rasa-webchat remembers that the chat was open, along with the messages.
    expect(page.locator(".rw-conversation-container")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator(".rw-client", has_text="能登录，密码还记得")).to_be_visible(timeout=WAIT_MS)
    assert page.locator(".rw-message").count() == messages_before
    assert session_token(page) == token
    conversation = conversation_id(token, servers.session_key.encode())
    tracker = servers.api("GET", f"/conversations/{conversation}/tracker").json()
    assert "能登录，密码还记得" in [e.get("text") for e in tracker["events"] if e["event"] == "user"]
    screenshot(page, "4-after-reload")

    # Now in English, asking for a person: the waiting state, in English.
    type_message(page, "This didn't help, I want to talk to a real person please")
    status = page.locator(".bh-status")
    expect(status).to_contain_text(re.compile(r"Waiting for an agent · ticket BH-[0-9A-Z]{6}"),
                                   timeout=WAIT_MS)
    bot_says(page, r"BH-[0-9A-Z]{6}")
    screenshot(page, "5-waiting-for-agent")

    # An agent answers through the HTTP API: it appears live, marked as a person.
    api = RasaApi(servers.url, servers.api_secret)
    api.agent_reply(conversation, "Hello, this is Mei from the support team. I can see your ticket.", "Mei")
    agent_message = page.locator(".rw-response.bh-agent-message", has_text="this is Mei")
    expect(agent_message).to_be_visible(timeout=WAIT_MS)
    expect(status).to_contain_text("Mei from our support team is with you")
    label = agent_message.evaluate("node => getComputedStyle(node, '::before').content")
    assert "Support agent" in label
    screenshot(page, "6-agent-reply")

    # The ticket is resolved: the bot is back and the waiting state is gone.
    api.resume(conversation)
    bot_says(page, "back to help")
    expect(status).to_be_hidden(timeout=WAIT_MS)
    screenshot(page, "7-bot-back")

    assert context.outside_requests == [], "the page tried to load from the internet"


def test_the_english_page_opens_the_widget_in_english(context, page_url, screenshot):
    page = context.new_page()
    page.goto(f"{page_url}/?lang=en")
    open_widget(page)
    bot_says(page, "Borrower Help")
    click_reply(page, "Ways to repay")
    bot_says(page, "bank transfer|Alipay|WeChat")
    screenshot(page, "ways-to-repay-en")
    page.locator(".bh-start-over").click()
    bot_says(page, "Let's start again")
    expect(page.locator(".rw-client", has_text="Start over")).to_be_visible()
    assert context.outside_requests == []


def test_another_pages_session_token_does_not_open_someone_elses_chat(
        context, browser, page_url, servers):
    """A second browser that sends the first borrower's conversation id (as
    seen by an agent or in a log) as its session token gets a fresh chat."""
    first = context.new_page()
    first.goto(f"{page_url}/?lang=en")
    open_widget(first)
    type_message(first, "how can I repay my loan besides the app")
    bot_says(first, "bank transfer|Alipay|WeChat")
    conversation = conversation_id(session_token(first), servers.session_key.encode())

    other = browser.new_context()
    try:
        intruder = other.new_page()
        intruder.goto(f"{page_url}/?lang=en")
        intruder.evaluate(
            "id => localStorage.setItem('chat_session', JSON.stringify({session_id: id}))", conversation)
        intruder.reload()
        open_widget(intruder)
        bot_says(intruder, "Borrower Help")
        expect(intruder.locator(".rw-client", has_text="how can I repay")).to_have_count(0)
        assert conversation_id(session_token(intruder), servers.session_key.encode()) != conversation
    finally:
        other.close()
