"""An agent in the support console and a borrower in the widget, each in
their own browser: the borrower asks for a person, the agent signs in, takes
the ticket, replies (the borrower sees it live, marked as from a person),
resolves it, and the bot is back in the borrower's chat."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import CONSOLE_AGENT
from tests.browser.test_widget import WAIT_MS, bot_says, click_reply, open_widget, type_message


def test_an_agent_takes_over_a_real_conversation_and_gives_it_back(
        browser, context, page_url, console_url, servers, screenshot):
    borrower = context.new_page()
    borrower.goto(f"{page_url}/?lang=zh")
    open_widget(borrower)
    bot_says(borrower, "借款人助手")
    type_message(borrower, "我的账户被冻结了，额度也没了")
    bot_says(borrower, "问题解决了吗")
    click_reply(borrower, "还没有")
    click_reply(borrower, "好，转人工")
    status = borrower.locator(".bh-status")
    expect(status).to_contain_text(re.compile(r"正在等待人工客服 · 工单 BH-[0-9A-Z]{6}"), timeout=WAIT_MS)
    reference = re.search(r"BH-[0-9A-Z]{6}", status.inner_text()).group()

    desk = browser.new_context(viewport={"width": 1300, "height": 900})
    try:
        agent = desk.new_page()
        agent.goto(console_url)
        expect(agent).to_have_url(re.compile(r"/login/"))
        agent.fill("input[name=username]", CONSOLE_AGENT[0])
        agent.fill("input[name=password]", CONSOLE_AGENT[1])
        agent.click("button[type=submit]")
        row = agent.locator("tr", has_text=reference)
        expect(row).to_be_visible()
        screenshot(agent, "1-queue")
        row.get_by_role("button", name="Take").click()
        expect(agent.locator(".flash")).to_contain_text(f"{reference} is yours")
        expect(agent.locator(".transcript")).to_contain_text("我的账户被冻结了")
        agent.fill("#reply-text", "您好，我是客服小梅，正在帮您查看账户冻结的原因。")
        agent.get_by_role("button", name="Send reply").click()
        expect(agent.locator(".flash")).to_contain_text("Reply sent")
        screenshot(agent, "2-replied")

        reply = borrower.locator(".rw-response.bh-agent-message", has_text="客服小梅")
        expect(reply).to_be_visible(timeout=WAIT_MS)
        assert "人工客服" in reply.evaluate("node => getComputedStyle(node, '::before').content")
        expect(status).to_contain_text("人工客服 Mei 正在为您服务")
        screenshot(borrower, "3-borrower-sees-agent")

        agent.get_by_role("button", name=re.compile("Resolve")).click()
        expect(agent.locator(".flash")).to_contain_text("the bot is back")
        expect(agent.locator("tr", has_text=reference)).to_have_count(0)
        screenshot(agent, "4-resolved")
    finally:
        desk.close()

    bot_says(borrower, "接下来由我继续为您服务")
    expect(status).to_be_hidden(timeout=WAIT_MS)
    type_message(borrower, "有哪些还款方式")  # the bot answers again
    bot_says(borrower, "还款")
    screenshot(borrower, "5-bot-back")
    assert context.outside_requests == []
