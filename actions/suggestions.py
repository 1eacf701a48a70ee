"""Readable descriptions of the problems the bot knows, for "did you mean …?"
buttons: the model's best guesses for a message it was unsure about, in the
user's language, never intent names."""
from typing import Any, Dict, List, Optional, Text, Tuple

# intent: (English, Chinese)
PROBLEMS: Dict[Text, Tuple[Text, Text]] = {
    "report_phone_changed": ("I changed my phone number", "我换了手机号"),
    "report_id_expired": ("My ID card expired", "身份证过期了"),
    "report_no_verification_code": ("The SMS code doesn't arrive", "收不到验证码"),
    "report_login_failed": ("I can't log in", "登录不上"),
    "report_face_verification_failed": ("Face verification fails", "人脸识别失败"),
    "report_repayment_failed": ("My repayment failed", "还款失败"),
    "ask_repayment_options": ("Other ways to repay", "还有哪些还款方式"),
    "report_account_restricted": ("My account is frozen or my limit was cut", "账户冻结或额度降低"),
    "ask_renew_id": ("How to renew my ID card", "怎么换领身份证"),
    "ask_improve_credit": ("How to raise my limit", "怎么提高额度"),
    "report_overdue_risk": ("I'll be late with a payment", "要逾期了"),
    "report_fraud": ("Someone asked for my code / my account was stolen", "有人要验证码或账户被盗"),
    "file_complaint": ("I want to make a complaint", "我要投诉"),
    "request_human": ("Talk to a person", "转人工客服"),
}
MAX_SUGGESTIONS = 3
# Guesses below this are noise, not worth a button.
MIN_CONFIDENCE = 0.05


def candidates(latest_message: Dict[Text, Any]) -> List[Text]:
    """The known problems the model thought most likely, best first."""
    ranking = latest_message.get("intent_ranking") or []
    picked = [r["name"] for r in ranking
              if r.get("name") in PROBLEMS and (r.get("confidence") or 0) >= MIN_CONFIDENCE]
    return picked[:MAX_SUGGESTIONS]


def buttons(intents: List[Text], language: Optional[Text]) -> List[Dict[Text, Text]]:
    index = 1 if language == "zh" else 0
    none = ("None of these", "都不是")[index]
    return [{"title": PROBLEMS[i][index], "payload": f"/{i}"} for i in intents] + \
        [{"title": none, "payload": "/deny"}]
