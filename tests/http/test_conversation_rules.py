"""SPEC "Conversation rules", against a real server, with the words the
outside evaluation quoted (issue: conversations that never break), in both
languages."""
import re

import pytest

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def texts(replies):
    return [m.get("text") or "" for m in replies]


def actions_of(servers, sender):
    """The responses the bot sent, in order, as the tracker recorded them."""
    return [(e.get("metadata") or {}).get("utter_action") for e in servers.tracker(sender)["events"]
            if e["event"] == "bot"]


def turn(servers, sender, message):
    before = len(actions_of(servers, sender))
    replies = servers.say(sender, message)
    assert replies, f"no reply to {message!r}"
    said = texts(replies)
    assert all(said.count(t) < 2 for t in said if t), f"the same text twice in one reply to {message!r}"
    return replies, actions_of(servers, sender)[before:]


def handoff_of(replies):
    found = [m["custom"]["data"]["handoff"] for m in replies if (m.get("custom") or {}).get("data", {}).get("handoff")]
    return found[0] if found else None


@pytest.mark.parametrize("opening, ack", [
    ("what are the ways to repay?", "yes ok"),
    ("有哪些还款方式", "嗯嗯"),
    ("my auto-debit failed this month", "ok"),
    ("hello", "yes"),
    ("你好", "行"),
])
def test_short_acknowledgements_never_kill_the_chat(servers, sender, opening, ack):
    turn(servers, sender, opening)
    for word in (ack, ack, "nope that's all", "好的"):
        turn(servers, sender, word)
    assert "Circuit breaker" not in servers.rasa_log()
    replies, _ = turn(servers, sender, "agent")  # a person, still reachable
    assert handoff_of(replies)


@pytest.mark.parametrize("thanks, ending", [("ok thanks", "nope that's all"), ("谢谢", "没有了")])
def test_endings_are_polite_and_the_next_message_starts_afresh(servers, sender, thanks, ending):
    turn(servers, sender, "I can't get the verification code" if thanks.isascii() else "收不到验证码")
    turn(servers, sender, "yes same number" if thanks.isascii() else "号码没换")
    turn(servers, sender, "yes it works now" if thanks.isascii() else "收到了，解决了")
    turn(servers, sender, "5")
    turn(servers, sender, "no" if thanks.isascii() else "不用了")
    _, said = turn(servers, sender, thanks)
    assert said and said[-1] in ("utter_you_are_welcome", "utter_take_care")
    _, said = turn(servers, sender, ending)
    assert said and said[-1] in ("utter_take_care", "utter_anything_else", "utter_goodbye")
    _, said = turn(servers, sender, "my ID card expired" if thanks.isascii() else "身份证过期了")
    assert "utter_id_expired_intro" in said


def test_hedged_and_backwards_answers_in_chinese(servers, sender):
    turn(servers, sender, "换了手机号 明天就要还款了")
    replies, said = turn(servers, sender, "应该能吧 我试试")  # can you pay another way? -> yes, carefully
    assert not handoff_of(replies) and "utter_ask_phone_changed_form_can_log_in" in said
    _, said = turn(servers, sender, "登不上")
    assert "utter_ask_phone_changed_form_old_number_reachable" in said
    _, said = turn(servers, sender, "用不了了")  # the button's own title, typed
    assert "utter_phone_steps_identity_check" in said
    _, said = turn(servers, sender, "不行")
    assert said[-1] == "utter_offer_human"
    replies, said = turn(servers, sender, "不用 已经好了")  # no need, it's fixed
    assert not handoff_of(replies) and "action_handoff" not in said


def test_facts_told_up_front_are_never_asked(servers, sender):
    _, said = turn(servers, sender, "换号了 旧卡已经注销了 登不上 下个月才还款")
    form_questions = [a for a in said if a and a.startswith("utter_ask_phone_changed_form_")]
    assert form_questions == [] and "utter_phone_steps_identity_check" in said


def test_a_new_id_already_in_hand_skips_the_renewal_steps(servers, sender):
    _, said = turn(servers, sender, "身份证过期了 开不了借呗 新的身份证前两天去派出所办好了 拿回来了")
    assert "utter_renew_id_steps" not in said and "utter_ask_id_expired_form_has_new_id" not in said
    assert said[-1] == "utter_ask_id_expired_form_id_updated_in_app"
    _, said = turn(servers, sender, "I think so but I'm not sure it went through")
    assert "utter_confirm_unsure" in said  # checked, not taken as a yes


def test_an_answer_can_be_corrected_and_the_advice_follows(servers, sender):
    turn(servers, sender, "my ID card expired and my credit line is closed")
    _, said = turn(servers, sender, "not yet")
    assert "utter_renew_id_steps" in said
    _, said = turn(servers, sender, "no wait, I do have the new card")
    assert "utter_thanks_for_correcting" in said and "utter_ask_id_expired_form_id_updated_in_app" in said


def test_you_misunderstood_starts_again(servers, sender):
    turn(servers, sender, "验证码收不到 换了新号码")
    replies, said = turn(servers, sender, "我没换号啊 你理解错了")
    assert said == ["utter_sorry_misunderstood"] and CHINESE.search(texts(replies)[0])


@pytest.mark.parametrize("story, follow_up", [
    ("a guy on wechat says he can get me a 20k limit for a 500 yuan fee, he just needs my login code. legit?",
     "ok he's waiting, I'm going to give him the code now"),
    ("有人说交500块保证金就能给我提额到2万 让我把验证码发给他", "他在等我 我马上把验证码发给他"),
])
def test_a_scam_is_warned_about_at_once_and_never_helped_along(servers, sender, story, follow_up):
    replies, said = turn(servers, sender, story)
    assert "utter_fraud_warning" in said
    assert handoff_of(replies)["reason"] == "fraud" and handoff_of(replies)["priority"] == "high"
    _, said = turn(servers, sender, follow_up)
    assert "utter_no_code_steps" not in said


def test_a_misspelt_frozen_account_is_not_a_fraud_report(servers, sender):
    replies, said = turn(servers, sender, "我的帐户被冻节了")
    assert "utter_fraud_warning" not in said and not handoff_of(replies)


@pytest.mark.parametrize("message", ["银行卡钱都扣了 app里还显示没还",
                                     "the bank took the money but the app still says my payment is unpaid"])
def test_money_taken_but_not_posted_gets_dont_pay_twice(servers, sender, message):
    _, said = turn(servers, sender, message)
    assert "utter_payment_not_posted_steps" in said and "utter_overdue_risk_steps" not in said


@pytest.mark.parametrize("first, question, detail", [
    ("what are the ways to repay?", "how do I bind another card?", "utter_detail_bind_card"),
    ("有哪些还款方式", "支付宝怎么弄 具体点", "utter_detail_alipay"),
    ("face verification keeps failing", "what does allow camera access mean?", "utter_detail_camera_access"),
])
def test_steps_can_be_asked_about_one_level_deeper(servers, sender, first, question, detail):
    turn(servers, sender, first)
    _, said = turn(servers, sender, question)
    assert said == [detail]


def test_due_today_leads_with_the_fastest_way(servers, sender):
    replies, _ = turn(servers, sender, "my payment is due today, how can I pay it?")
    answer = "\n".join(texts(replies))
    assert "due very soon" in answer
    assert answer.index("Alipay") < answer.index("Bank transfer")


@pytest.mark.parametrize("ask", ["你帮我找个真人吧", "Is there someone I could speak with?"])
def test_a_person_asked_for_indirectly_is_reached(servers, sender, ask):
    replies, _ = turn(servers, sender, ask)
    assert handoff_of(replies)["reason"] == "request_human"


def test_the_person_button_works_inside_a_flow(servers, sender):
    turn(servers, sender, "I changed my phone number")
    replies, _ = turn(servers, sender, "/request_human")
    assert handoff_of(replies)
    waiting, said = turn(servers, sender, "hello?")
    assert said == ["utter_passed_to_agent"]


def test_a_rating_only_where_one_was_asked(servers, sender):
    _, said = turn(servers, sender, "5 stars")
    assert "action_store_rating" not in said and "utter_ask_rating_comment" not in said


@pytest.mark.parametrize("complaint", [
    "I dispute this charge on my statement",
    "you guys are charging random fees, this is unfair",
    "your collectors keep harassing my family",
    "I want this escalated",
    "I'm going to report you to the regulator",
    "这笔费用我有异议",
    "你们乱收费",
    "借一万到手只有八千 这不是砍头息吗",
    "催收天天打电话骚扰我家里人",
    "再不处理我就打12378",
])
def test_every_form_of_complaint_opens_a_complaint_ticket(servers, sender, complaint):
    replies, said = turn(servers, sender, complaint)
    assert handoff_of(replies)["reason"] == "complaint", said
    assert handoff_of(replies)["ticket_id"].startswith("BH-")
    assert bool(CHINESE.search(texts(replies)[0])) == bool(CHINESE.search(complaint))


@pytest.mark.parametrize("flow, rating, stored", [
    (["my ID card expired", "yes I have it", "yes I uploaded it", "yes"], "4 out of 5", "4"),
    (["身份证过期了", "有了", "传过了", "好了"], "给5分", "5"),
])
def test_a_rating_typed_when_asked_is_kept_and_the_same_words_elsewhere_are_not(
        servers, sender, flow, rating, stored):
    for message in flow:
        _, said = turn(servers, sender, message)
    assert "utter_ask_rating" in said, said
    _, said = turn(servers, sender, rating)
    assert "utter_ask_rating_comment" in said  # kept, and a comment asked for
    assert servers.tracker(sender)["slots"]["rating_score"] == stored
    other = sender + "-elsewhere"
    turn(servers, other, flow[0])
    _, said = turn(servers, other, rating)  # the same words in the middle of a flow
    assert "utter_ask_rating_comment" not in said and not servers.tracker(other)["slots"].get("rating_stored")
