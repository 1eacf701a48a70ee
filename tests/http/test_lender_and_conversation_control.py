"""Lender settings, start over, frustration and ratings, over the REST channel
against real servers."""
import re

import yaml

from tests.http.test_rest_channel import chinese, texts


def test_a_changed_settings_file_changes_the_answers_without_retraining(servers, sender):
    greeting = "\n".join(texts(servers.say(sender, "hello")))
    assert "Lumen Credit" in greeting
    settings = yaml.safe_load(servers.lender_settings.read_text(encoding="utf-8"))
    settings["brand"] = {"en": "Harbor Loans", "zh": "港湾贷"}
    settings["repayment_channels"] = ["app", "bank_transfer"]
    servers.lender_settings.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    try:
        other = sender + "-2"
        assert "Harbor Loans" in "\n".join(texts(servers.say(other, "hello")))
        assert "港湾贷" in "\n".join(texts(servers.say(other + "-zh", "你好")))
        options = "\n".join(texts(servers.say(other, "what are the ways to repay")))
        assert "bank transfer" in options.lower() and "Alipay" not in options
    finally:
        settings["brand"] = {"en": "Lumen Credit", "zh": "明灯信贷"}
        settings["repayment_channels"] = ["app", "alipay", "wechat_pay", "unionpay_quickpass", "bank_transfer",
                                          "atm", "bank_counter"]
        servers.lender_settings.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")


def test_start_over_in_the_middle_of_a_flow_in_chinese(servers, sender):
    servers.say(sender, "我换了手机号，还不了款")
    assert servers.tracker(sender)["active_loop"]
    replies = servers.say(sender, "重新开始")
    joined = "\n".join(texts(replies))
    assert "重新开始" in joined and "借款人助手" in joined and chinese(joined)
    tracker = servers.tracker(sender)
    assert not tracker["active_loop"] and tracker["slots"]["problem"] is None
    assert tracker["slots"]["language"] == "zh"


def test_a_shouting_borrower_is_offered_a_person(servers, sender):
    replies = servers.say(sender, "WHY CAN'T I LOG IN TO MY ACCOUNT!!!")
    offer = [m for m in replies if any(b["payload"] == "/request_human" for b in m.get("buttons", []))]
    assert offer and re.search(r"(?i)frustrating", offer[0]["text"])
    assert len(texts(replies)) >= 2  # and the bot still answers the message itself


def test_swearing_in_chinese_gets_the_offer_in_chinese(servers, sender):
    replies = servers.say(sender, "妈的，验证码到底为什么收不到")
    offer = [m for m in replies if any(b["payload"] == "/request_human" for b in m.get("buttons", []))]
    assert offer and chinese(offer[0]["text"]) and "人工" in offer[0]["text"]
