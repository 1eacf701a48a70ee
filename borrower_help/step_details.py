"""The steps the bot gives, explainable one level deeper.

Each topic is something the bot's own answers tell a borrower to do ("bind
another card", "allow camera access", "repay with Alipay"). A question about
it right after the bot said it ("how do I bind another card?", "支付宝怎么弄
具体点") gets that topic's detail (the response utter_detail_<topic>);
the same words with nothing of ours before them are a question about the
bank or the phone, not ours to answer.
"""
import re
from dataclasses import dataclass
from typing import Iterable, Optional, Pattern, Sequence, Text, Tuple

# "how", "what does … mean", "where", "具体", "怎么弄" ...
_ASKS = re.compile(
    r"\bhow\b|\bwhat (?:does|is|do you mean|'s)\b|\bwhere\b|\bwhich\b|\bexplain\b|\bmore detail|\bstep by step\b|"
    r"怎么|如何|哪里|在哪|什么意思|啥意思|具体|详细|一步步|咋|怎样|是指", re.I)


@dataclass(frozen=True)
class Topic:
    name: Text
    cue: Pattern[Text]
    said_in: Tuple[Text, ...]  # responses whose steps mention it

    @property
    def response(self) -> Text:
        return f"utter_detail_{self.name}"


def _cue(pattern: Text) -> Pattern[Text]:
    return re.compile(pattern, re.I)


_REPAYING = ("utter_repayment_options", "utter_repay_without_sms", "utter_repayment_failed_steps",
             "utter_payment_not_posted_steps", "utter_overdue_risk_steps", "utter_keep_repaying_meanwhile",
             "utter_repay_first_then_fix")
TOPICS: Tuple[Topic, ...] = (
    Topic("bind_card", _cue(r"\b(?:bind|link|add|change|switch)\b[^.?!]{0,20}\bcard\b|绑卡|换绑|绑定[^。？?]{0,6}卡|换[一张个]?卡|"
                            r"另一张卡|新卡"), _REPAYING),
    Topic("camera_access", _cue(r"camera|permission|摄像头|相机|权限"),
          ("utter_face_verification_steps", "utter_id_update_steps", "utter_phone_steps_identity_check")),
    Topic("alipay", _cue(r"alipay|支付宝"), _REPAYING),
    Topic("wechat_pay", _cue(r"wechat|微信"), _REPAYING),
    Topic("bank_transfer", _cue(r"transfer|reference|contract number|转账|附言|合同编号|还款账户|对公"), _REPAYING),
    Topic("auto_debit", _cue(r"auto[- ]?debit|automatic(?:ally)? (?:pay|deduct)|自动扣款|代扣|自动还款"),
          _REPAYING + ("utter_prevention_phone_changed", "utter_prevention_repayment_failed")),
    Topic("real_name", _cue(r"real[- ]?name|verify (?:my )?identity|实名|认证"),
          ("utter_id_update_steps", "utter_id_review_explained", "utter_phone_steps_identity_check")),
    Topic("sim_reissue", _cue(r"reissue|carrier|replacement sim|same number|补卡|补办|营业厅|运营商"),
          ("utter_phone_steps_via_old_number", "utter_ask_phone_changed_form_old_number_reachable")),
    Topic("voice_code", _cue(r"voice code|voice call|语音验证码|语音"), ("utter_no_code_steps",)),
    Topic("sms_filter", _cue(r"spam|blocked|filter|blacklist|拦截|垃圾短信|骚扰拦截"), ("utter_no_code_steps",)),
)


def asked_about(text: Text, recent_responses: Sequence[Text]) -> Optional[Topic]:
    """The topic `text` asks about, if one of the bot's recent answers
    (newest last) mentioned it."""
    if not text or not _ASKS.search(text):
        return None
    recent = set(recent_responses)
    for topic in TOPICS:
        if topic.cue.search(text) and recent.intersection(topic.said_in):
            return topic
    return None


def latest_topic(recent_responses: Iterable[Text]) -> Optional[Topic]:
    """For "how do I do that?": the first topic of the bot's latest steps."""
    for response in reversed(list(recent_responses)):
        for topic in TOPICS:
            if response in topic.said_in:
                return topic
    return None
