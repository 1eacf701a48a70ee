"""The problems Borrower Help knows, once: which intent names them, how a
borrower would say them (for "did you mean …?" buttons, never intent names),
which handoffs are urgent, and the order agents take tickets in.

The Rasa domain lists the same intents (Rasa needs them there);
tests/core/test_catalogue.py checks that the two agree.
"""
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Text, Tuple

HIGH, NORMAL = "high", "normal"
# The queue's order: urgent tickets first, then by waiting time.
PRIORITIES: Tuple[Text, ...] = (HIGH, NORMAL)


@dataclass(frozen=True)
class Problem:
    intent: Text
    name: Optional[Text]  # the `problem` slot's value; None: a question, not a problem
    en: Text
    zh: Text

    def described(self, language: Optional[Text]) -> Text:
        return self.zh if language == "zh" else self.en


PROBLEMS: Dict[Text, Problem] = {p.intent: p for p in (
    Problem("report_phone_changed", "phone_changed", "I changed my phone number", "我换了手机号"),
    Problem("report_id_expired", "id_expired", "My ID card expired", "身份证过期了"),
    Problem("report_no_verification_code", "no_verification_code", "The SMS code doesn't arrive", "收不到验证码"),
    Problem("report_login_failed", "login_failed", "I can't log in", "登录不上"),
    Problem("report_face_verification_failed", "face_verification_failed", "Face verification fails",
            "人脸识别失败"),
    Problem("report_repayment_failed", "repayment_failed", "My repayment failed", "还款失败"),
    Problem("ask_repayment_options", None, "Other ways to repay", "还有哪些还款方式"),
    Problem("report_account_restricted", "account_restricted", "My account is frozen or my limit was cut",
            "账户冻结或额度降低"),
    Problem("ask_renew_id", None, "How to renew my ID card", "怎么换领身份证"),
    Problem("ask_improve_credit", None, "How to raise my limit", "怎么提高额度"),
    Problem("report_overdue_risk", "overdue_risk", "I'll be late with a payment", "要逾期了"),
    Problem("report_fraud", "fraud", "Someone asked for my code / my account was stolen", "有人要验证码或账户被盗"),
    Problem("file_complaint", "complaint", "I want to make a complaint", "我要投诉"),
    Problem("request_human", None, "Talk to a person", "转人工客服"),
)}


def problem_for_intent(intent: Optional[Text]) -> Optional[Text]:
    problem = PROBLEMS.get(intent or "")
    return problem.name if problem else None


# Why a conversation goes to a person when the borrower's words say so, and
# how urgently. Other reasons come from the flows (see actions/handoff.py).
HANDOFF_BY_INTENT: Dict[Text, Tuple[Text, Text]] = {
    "request_human": ("request_human", NORMAL),
    "report_fraud": ("fraud", HIGH),
    "file_complaint": ("complaint", HIGH),
    "nlu_fallback": ("repeated_fallback", NORMAL),
}
REASONS: Dict[Text, Text] = {
    "request_human": "asked for a person",
    "fraud": "possible fraud",
    "complaint": "complaint",
    "repeated_fallback": "not understood twice",
    "repayment_due": "repayment due, cannot pay",
    "overdue_risk": "about to be overdue",
    "not_solved": "flow did not solve it",
}

# The answers the guided flows collect, as agents read them in a summary.
FLOW_ANSWERS: Dict[Text, Dict[Text, Text]] = {
    "phone_changed": {
        "repayment_due_soon": "repayment due within 3 days",
        "can_repay_now": "can pay through a channel without SMS code",
        "can_log_in": "can still log in",
        "old_number_reachable": "old number reachable",
    },
    "id_expired": {
        "has_new_id": "has the new ID card",
        "id_updated_in_app": "new ID already uploaded in the app",
    },
}
ANSWER_LABELS: Dict[Text, Text] = {slot: label for answers in FLOW_ANSWERS.values()
                                   for slot, label in answers.items()}
ANSWER_SLOTS: List[Text] = list(ANSWER_LABELS)


def priority_rank(priority: Text) -> int:
    """0 for the most urgent; unknown priorities last."""
    return PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)


def suggestions(ranking: Sequence[Dict], limit: int = 3, min_confidence: float = 0.05) -> List[Text]:
    """The known problems in an intent ranking, best first (noise dropped)."""
    return [r["name"] for r in ranking
            if r.get("name") in PROBLEMS and (r.get("confidence") or 0) >= min_confidence][:limit]
