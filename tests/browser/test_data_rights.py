"""Borrowers' data rights and agents' tools in real browsers: a lead erases a
conversation in the console and the borrower's reloaded widget starts
afresh; the "Talk to a person" button opens the handoff (in the widget's
language) and hides while waiting; an agent takes the ticket (the borrower
is told a person joined), inserts a canned reply, edits it, and the
borrower sees it."""
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from borrower_help.conversation_ids import for_widget
from tests.browser.conftest import CONSOLE_AGENT
from tests.browser.test_widget import WAIT_MS, bot_says, open_widget, session_token, type_message
from tests.conftest import ROOT

CONSOLE_LEAD = ("lan", "another-long-passphrase")
WORDS = "wombat tangerine 55102"


@pytest.fixture(scope="session")
def lead_console(servers, console_url):
    manage = [sys.executable, "-m", "support_console.manage"]
    subprocess.run([*manage, "createuser", CONSOLE_LEAD[0], "--role", "lead", "--name", "Lan",
                    "--password-stdin"], input=CONSOLE_LEAD[1] + "\n", text=True,
                   env=servers.settings.process_env(), cwd=ROOT, check=True, timeout=60, capture_output=True)
    return console_url


def sign_in(page, url, who):
    page.goto(url)
    page.fill("input[name=username]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("button[type=submit]")
    expect(page.locator("header nav")).to_be_visible()


def test_a_lead_erases_a_conversation_and_the_reloaded_widget_starts_fresh(
        browser, context, page_url, lead_console, servers, screenshot):
    borrower = context.new_page()
    borrower.goto(f"{page_url}/?lang=en")
    open_widget(borrower)
    bot_says(borrower, "Privacy notice")  # the first message says how long it is kept, and where the notice is
    type_message(borrower, f"my number changed {WORDS}")
    bot_says(borrower, "repayment")
    token = session_token(borrower)
    conversation = for_widget(token, servers.session_key.encode())
    screenshot(borrower, "1-before")

    desk = browser.new_context(viewport={"width": 1300, "height": 900})
    try:
        lead = desk.new_page()
        sign_in(lead, lead_console, CONSOLE_LEAD)
        lead.get_by_role("link", name="Erasure").click()
        lead.fill("#identifier", conversation)
        lead.get_by_role("button", name="Find…").click()
        expect(lead.locator("h1")).to_contain_text(conversation)
        lead.get_by_label("I confirm the borrower's data is to be erased").check()
        lead.get_by_role("button", name="Erase permanently").click()
        expect(lead.locator(".flash")).to_contain_text("Erased:")
        screenshot(lead, "2-erased")
        lead.goto(f"{lead_console}/conversations/?q=wombat")
        expect(lead.locator("body")).not_to_contain_text(WORDS)
        assert lead.goto(f"{lead_console}/conversations/{conversation}/").status == 404
    finally:
        desk.close()

    borrower.reload()
    # The widget learns the conversation is gone, drops its copy and starts again.
    expect(borrower.locator(".rw-launcher")).to_be_visible(timeout=WAIT_MS)
    borrower.wait_for_function(
        f"() => {{ const s = localStorage.getItem('chat_session'); return s && JSON.parse(s).session_id "
        f"&& JSON.parse(s).session_id !== '{token}'; }}", timeout=WAIT_MS)
    if not borrower.locator(".rw-conversation-container").is_visible():
        open_widget(borrower)
    bot_says(borrower, "Privacy notice")
    expect(borrower.locator(".rw-conversation-container")).not_to_contain_text(WORDS)
    screenshot(borrower, "3-fresh")
    assert context.outside_requests == []


@pytest.mark.parametrize("lang, person, waiting", [("zh", "转人工", "正在等待人工客服"),
                                                   ("en", "Talk to a person", "Waiting for an agent")])
def test_the_person_button_opens_the_handoff_in_the_widgets_language(context, page_url, lang, person, waiting,
                                                                      screenshot):
    borrower = context.new_page()
    borrower.goto(f"{page_url}/?lang={lang}")
    open_widget(borrower)
    button = borrower.locator(".bh-person")
    expect(button).to_have_text(person)
    expect(button).to_be_visible()
    button.click()
    status = borrower.locator(".bh-status")
    expect(status).to_contain_text(re.compile(waiting + r".*BH-[0-9A-Z]{6}"), timeout=WAIT_MS)
    expect(button).to_be_hidden()  # already waiting: no second request
    screenshot(borrower, f"person-{lang}")


def test_an_agent_inserts_a_canned_reply_and_the_borrower_sees_it(
        browser, context, page_url, console_url, servers, screenshot):
    borrower = context.new_page()
    borrower.goto(f"{page_url}/?lang=en")
    open_widget(borrower)
    bot_says(borrower, "Privacy notice")
    borrower.locator(".bh-person").click()
    status = borrower.locator(".bh-status")
    expect(status).to_contain_text(re.compile(r"BH-[0-9A-Z]{6}"), timeout=WAIT_MS)
    reference = re.search(r"BH-[0-9A-Z]{6}", status.inner_text()).group()

    desk = browser.new_context(viewport={"width": 1300, "height": 900})
    try:
        agent = desk.new_page()
        sign_in(agent, console_url, CONSOLE_AGENT)
        agent.goto(f"{console_url}/tickets/{reference}/")
        agent.get_by_role("button", name="Take this ticket").click()
        expect(agent.locator(".flash").first).to_contain_text(f"{reference} is yours")
        bot_says(borrower, "Mei from our support team has joined the chat")
        expect(status).to_contain_text("Mei from our support team is with you")

        agent.select_option("#canned", label="Looking into it")
        box = agent.locator("#reply-text")
        expect(box).to_have_value(re.compile("^Thank you for waiting"))
        box.fill(box.input_value() + " — Mei")  # edited before sending
        screenshot(agent, "canned-inserted")
        agent.get_by_role("button", name="Send reply").click()
        expect(agent.locator(".flash").first).to_contain_text("Reply sent")
    finally:
        desk.close()

    reply = borrower.locator(".rw-response.bh-agent-message", has_text="Thank you for waiting")
    expect(reply).to_be_visible(timeout=WAIT_MS)
    expect(reply).to_contain_text("— Mei")
    screenshot(borrower, "canned-seen")
    assert context.outside_requests == []
