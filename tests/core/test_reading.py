"""A message read in the conversation's context: every case quoted in the
issues, in both languages."""
import pytest

from borrower_help import signals
from borrower_help.reading import Context, read

ASK = {
    "due": "utter_ask_phone_changed_form_repayment_due_soon",
    "repay": "utter_ask_phone_changed_form_can_repay_now",
    "login": "utter_ask_phone_changed_form_can_log_in",
    "old_sim": "utter_ask_phone_changed_form_old_number_reachable",
    "new_id": "utter_ask_id_expired_form_has_new_id",
    "uploaded": "utter_ask_id_expired_form_id_updated_in_app",
}


def reading_of(text, model_intent, **context):
    return read(text, model_intent, [{"name": model_intent, "confidence": 0.9},
                                     {"name": "out_of_scope", "confidence": 0.05}], Context(**context))


@pytest.mark.parametrize("text, model, context, intent, entities", [
    # answers read backwards, and answers that mention the question's subject
    ("应该能吧 我试试", "deny", {"last_question": ASK["repay"]}, "affirm", {"answer": True}),
    ("no, I can't pay any of those ways right now", "ask_repayment_options", {"last_question": ASK["repay"]},
     "deny", {"answer": False}),
    ("yes I can pay by bank transfer", "ask_repayment_options", {"last_question": ASK["repay"]},
     "affirm", {"answer": True}),
    ("能登录，密码还记得", "report_login_failed", {"last_question": ASK["login"]}, "affirm",
     {"answer": True, "can_log_in": True}),
    ("登录不了，密码忘了", "report_login_failed", {"last_question": ASK["login"]}, "deny",
     {"answer": False, "can_log_in": False}),
    ("拿到了", "affirm", {"last_question": ASK["new_id"]}, "affirm", {"answer": True}),
    ("tmr", "nlu_fallback", {"last_question": ASK["due"]}, "affirm", {"answer": True}),
    ("下个月", "nlu_fallback", {"last_question": ASK["due"]}, "deny", {"answer": False}),
    ("I think so but I'm not sure it went through", "affirm", {"last_question": ASK["uploaded"]},
     "nlu_fallback", {"answer": "unsure"}),
    ("I think so but I'm not sure it went through", "report_repayment_failed", {"last_question": ASK["uploaded"]},
     "nlu_fallback", {"answer": "unsure"}),
    ("不用 已经好了", "request_human", {"last_question": "utter_offer_human"}, "deny", {}),
    ("传了好几次都说照片不清晰", "report_face_verification_failed", {"last_question": "utter_ask_solved"},
     "deny", {"id_updated_in_app": True, "has_new_id": True}),
    # a different problem named after "solved?" is a new topic
    ("手机号的知道了 那身份证过期了怎么办 新证还没拿到", "deny",
     {"last_question": "utter_ask_solved", "slots": {"problem": "phone_changed"}}, "report_id_expired",
     {"has_new_id": False}),
    ("got a new sim card, now the codes don't come to me", "deny", {}, "report_phone_changed", {}),
    # a flow's facts told as an answer stay an answer, even with no question asked
    ("yes I've uploaded it already", "affirm", {}, None, {"id_updated_in_app": True, "has_new_id": True}),
    ("no, my old sim is dead", "deny", {}, None, {"old_number_reachable": False}),
    ("传好了", "nlu_fallback", {}, None, {"id_updated_in_app": True, "has_new_id": True}),
    # declining a person is a no, however sure the model is that a person was named
    ("不用转人工了", "request_human", {}, "deny", {}),
    ("no I don't want to chat with a human", "request_human", {}, "deny", {}),
    ("I'm not sure what to do, can someone help me", "request_human", {}, None, {}),
    ("新身份证在APP里传过了 多久能恢复额度", "report_account_restricted", {}, "report_id_expired",
     {"id_updated_in_app": True, "has_new_id": True}),
    ("the verification code never arrives. same number, haven't changed anything", "report_no_verification_code",
     {}, None, {"same_number": True}),
    ("same number", "affirm", {"last_question": "utter_ask_no_code_number_still_yours"}, "affirm",
     {"same_number": True}),
    ("等等 旧卡在我老婆手机里插着呢 还能用", "affirm",
     {"last_question": "utter_ask_solved", "slots": {"old_number_reachable": False, "problem": "phone_changed"}},
     "report_phone_changed", {"old_number_reachable": True, "corrected": True}),
    ("好像是25号还 还有半个多月", "affirm", {"last_question": ASK["due"]}, "deny", {"answer": False}),
    # a button's own title typed
    ("用不了了", "nlu_fallback", {"last_question": ASK["old_sim"], "buttons": [
        {"title": "能用/能补办", "payload": "/affirm"}, {"title": "用不了了", "payload": "/deny"}]},
     "deny", {}),
    # a new problem told in full is not an answer
    ("my repayment failed too, the card was declined", "report_repayment_failed", {"last_question": ASK["login"]},
     None, {}),
    # facts stated unasked fill the flow
    ("新的身份证前两天去派出所办好了 拿回来了", "report_id_expired", {}, None, {"has_new_id": True}),
    ("旧卡已经注销了", "deny", {"last_question": ASK["old_sim"]}, "deny",
     {"old_number_reachable": False, "answer": False}),
    # corrections
    ("我没换号啊 你理解错了", "deny", {"last_question": ASK["due"], "active_form": "phone_changed_form"},
     "start_over", {"misunderstood": True, "same_number": True}),
    ("no wait, I do have the new card", "deny", {"last_question": "utter_ask_solved",
                                                 "slots": {"has_new_id": False, "problem": "id_expired"}},
     "report_id_expired", {"has_new_id": True, "corrected": True}),
    # scams, in every state, and their opposite
    ("a guy on wechat says he can get me a 20k limit for a 500 yuan fee, he just needs my login code. legit?",
     "out_of_scope", {}, "report_fraud", {}),
    ("ok he's waiting, I'm going to give him the code now", "affirm", {"last_question": ASK["login"]},
     "report_fraud", {}),
    ("我的帐户被冻节了", "report_fraud", {}, "report_account_restricted", {}),
    # a person, asked for in any words
    ("你帮我找个真人吧", "nlu_fallback", {}, "request_human", {}),
    ("Is there someone I could speak with?", "report_account_restricted", {}, "request_human", {}),
    ("any humans around?", "out_of_scope", {}, "request_human", {}),
    # ... but not asking what the bot is, declining one, or a word used otherwise
    ("are you a real human", "bot_challenge", {}, None, {}),
    ("你是机器人还是真人啊", "bot_challenge", {}, None, {}),
    ("这边是真人在回复的吗", "bot_challenge", {}, None, {}),
    ("no I'd rather not talk to an agent", "deny", {}, None, {}),
    ("不需要人工", "deny", {}, None, {}),
    ("the operator gave my former number to a stranger, so the codes go to him", "report_phone_changed", {},
     None, {}),
    ("the camera check says it can't detect a real human", "report_face_verification_failed", {}, None, {}),
    # complaints
    ("这笔费用我有异议", "affirm", {}, "file_complaint", {}),
    ("催收天天打电话给我家人 骚扰我", "report_overdue_risk", {}, "file_complaint", {}),
    ("催收的打电话给我单位领导", "request_human", {}, "file_complaint", {}),
    ("there are hidden fees in my loan I never agreed to", "report_fraud", {}, "file_complaint", {}),
    ("someone took out a loan in my name I never agreed to", "report_fraud", {}, None, {}),
    ("they say I must pay a deposit fee to unlock my loan, never agreed to that", "file_complaint", {},
     "report_fraud", {}),
    ("借款合同里藏了服务费 我没同意过 多扣了三百", "report_fraud", {}, "file_complaint", {}),
    # the cause, not the symptom
    ("我手机号码变了，明天要还款，短信验证码收不到", "report_no_verification_code", {}, "report_phone_changed",
     {"repayment_due_soon": True}),
    ("换号了 收不到验证码 登录不了 还款也还不了", "report_no_verification_code", {}, "report_phone_changed",
     {"can_log_in": False}),
    # money taken, not posted
    ("银行卡钱都扣了 app里还显示没还", "report_overdue_risk", {}, "report_repayment_failed", {"money_taken": True}),
    # ratings only where asked for
    ("5", "rate", {"last_question": "utter_ask_rating"}, "rate", {"rating_score": "5"}),
    ("will I be charged a penalty if I'm late", "rate", {}, "nlu_fallback", {}),  # second guess 0.05
    # the comment after a rating is a comment, whatever the model makes of it
    ("Mei was quick and kind", "report_fraud", {"last_question": "utter_ask_rating_comment"}, "thank", {}),
    ("the agent was very patient", "request_human", {"last_question": "utter_ask_rating_comment"}, "thank", {}),
    ("客服很耐心", "request_human", {"last_question": "utter_ask_rating_comment"}, "thank", {}),
    ("没有了", "deny", {"last_question": "utter_ask_rating_comment"}, None, {}),
    ("actually can I talk to an agent about my loan", "out_of_scope",
     {"last_question": "utter_ask_rating_comment"}, "request_human", {}),
    ("催收天天打电话给我家人 骚扰我", "thank", {"last_question": "utter_ask_rating_comment"}, "file_complaint", {}),
    # near misses
    ("my card expired", "report_id_expired", {}, "out_of_scope", {}),
    # a step, one level deeper
    ("how do I bind another card?", "out_of_scope", {"recent_responses": ["utter_repayment_options"]},
     "ask_step_detail", {"step_topic": "bind_card"}),
    ("how do I bind another card?", "out_of_scope", {}, None, {}),
    ("支付宝怎么弄 具体点", "ask_repayment_options", {"recent_responses": ["utter_repayment_options"]},
     "ask_step_detail", {"step_topic": "alipay"}),
])
def test_read_in_context(text, model, context, intent, entities):
    reading = reading_of(text, model, **context)
    assert reading.intent == intent, reading.why
    assert reading.entities == entities


def test_a_rating_unasked_takes_the_second_guess_only_when_the_model_believed_it():
    ranking = [{"name": "rate", "confidence": 0.9}, {"name": "file_complaint", "confidence": 0.05}]
    assert read("非常满意", "rate", ranking, Context()).intent == "nlu_fallback"
    ranking = [{"name": "rate", "confidence": 0.55}, {"name": "report_overdue_risk", "confidence": 0.4}]
    assert read("will a late payment hurt my rating", "rate", ranking, Context()).intent == "report_overdue_risk"


def test_a_button_tapped_answers_the_form_question():
    reading = reading_of("/deny", "deny", last_question=ASK["login"])
    assert reading.intent is None and reading.entities == {"answer": False}


@pytest.mark.parametrize("text", [
    "I didn't get the verification code", "验证码一直收不到", "the app asked for my SMS code, is that normal?",
    "how do I change my password", "I want to raise my limit", "还款日是几号",
    "Tell me your opinion on the exchange rate.", "Please tell me the limit to topping-up.",  # "pin" inside words
])
def test_ordinary_questions_are_not_scams(text):
    assert not signals.is_scam(text)


@pytest.mark.parametrize("text", [
    "someone called saying they are from your company and asked for my verification code",
    "有人冒充客服让我把验证码发给他", "对方说交500保证金就能提额到2万", "they told me to move my money to a safe account",
    "客服说要注销我的校园贷账户不然影响征信", "he wants me to share my screen on zoom", "退款要我下载一个APP",
])
def test_scams_in_borrowers_words(text):
    assert signals.is_scam(text)


def test_a_new_card_is_the_id_only_in_a_conversation_about_the_id():
    assert signals.stated_facts("I'm still waiting for my new card") == {}
    assert signals.stated_facts("I'm still waiting for my new card", about_the_id=True) == {"has_new_id": False}
    assert signals.stated_facts("新ID拿到了 但是APP里实名认证还是过不了") == {"has_new_id": True}
    assert reading_of("I haven't gotten my new card.", "report_id_expired", slots={}).intent is None
    assert reading_of("not yet, still waiting for the new card", "deny",
                      last_question=ASK["new_id"], active_form="id_expired_form",
                      slots={"problem": "id_expired"}).entities == {"has_new_id": False, "answer": False}
