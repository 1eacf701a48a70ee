"""What a borrower's words say regardless of the model: scams, a wish for a
person, a complaint, the cause behind the symptoms, money taken but not
posted, corrections, and the facts the guided flows ask about.

Pure functions over one message's text, English and Chinese. They are the
part of understanding that must not depend on phrasing the model has seen:
a scam is warned about and a person is reached from every state.
"""
import re
from typing import Dict, Optional, Pattern, Text

I = re.IGNORECASE


def _any(*patterns: Text, flags: int = I) -> Pattern[Text]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


# --------------------------------------------------------------------- scams
# Fee-for-limit offers, anyone asking for a code or password, "safe account"
# transfers, "account cancellation / credit record" calls, screen sharing,
# refunds that need an app or a code, and a borrower about to hand a code over.
# Whole English words: "pin" is also in "opinion" and "topping".
_CODE = r"(?:\b(?:codes?|otps?|verification|sms|passwords?|pins?)\b|密码|验证码|动态码|短信码|校验码)"
_SCAM = _any(
    # someone (not the app) wants the code / password
    rf"(?:\b(?:he|she|they|someone|somebody|a guy|a man|a woman|the caller|caller|customer service|agent|staff)\b|"
    rf"客服|对方|那个人|他|她|有人|工作人员)[^.。!?！？]{{0,40}}(?:ask|want|need|said|told|request|让我|要我|叫我|"
    rf"问我要|要|索要|需要)[^.。!?！？]{{0,30}}{_CODE}",
    rf"(?:give|send|tell|share|forward|read)\s+(?:him|her|them|the caller|the agent|it)?[^.。!?！？]{{0,20}}{_CODE}",
    rf"{_CODE}[^.。!?！？]{{0,15}}(?:给他|给她|给对方|发给|告诉他|告诉她|告诉对方|报给)",
    rf"(?:把|将)[^.。!?！？]{{0,10}}{_CODE}[^.。!?！？]{{0,10}}(?:给|发|告诉|报)",
    # fee / deposit to raise a limit, unlock a loan, or release funds
    r"(?:fee|deposit|pay first|upfront|手续费|保证金|解冻费|激活费|会员费|工本费|刷流水|验资)[^.。!?！？]{0,40}"
    r"(?:limit|loan|额度|放款|提额|下款|解冻)",
    r"(?:limit|额度|提额|下款|放款)[^.。!?！？]{0,40}(?:fee|deposit|手续费|保证金|解冻费|激活费|会员费|刷流水|验资)",
    # "safe account"
    r"safe account|secure account|安全账户|安全帐户|监管账户",
    # account cancellation / credit record scare calls
    r"(?:cancel|close|delete)[^.。!?！？]{0,20}(?:student|campus|old)?[^.。!?！？]{0,10}(?:loan )?account[^.。!?！？]{0,40}"
    r"(?:credit|record|score)",
    r"注销[^.。!?！？]{0,12}(?:校园贷|账户|帐户|账号|学生贷)",
    r"(?:影响|消除|修复|清除)[^.。!?！？]{0,6}征信[^.。!?！？]{0,20}(?:转账|打钱|付款|注销)",
    # screen sharing, remote control, meeting apps
    r"share (?:my |the )?screen|screen ?shar|remote (?:control|access)|anydesk|teamviewer|屏幕共享|共享屏幕|"
    r"开(?:个|一个)?会议|下载[^.。!?！？]{0,8}(?:会议|腾讯会议|zoom)|远程控制",
    # refunds that need an app, a code or a transfer
    r"refund[^.。!?！？]{0,40}(?:code|app|download|transfer|link)",
    r"退款[^.。!?！？]{0,20}(?:验证码|下载|转账|链接|扫码)",
    # the borrower says they are about to hand it over
    rf"(?:going to|gonna|will|about to|shall i|should i|can i)\s+(?:give|send|tell|share)[^.。!?！？]{{0,25}}{_CODE}",
    rf"(?:要不要|能不能|可以|准备|马上|我要|我就)[^.。!?！？]{{0,8}}(?:把|将)?[^.。!?！？]{{0,6}}{_CODE}[^.。!?！？]{{0,8}}"
    rf"(?:给|发|告诉|报)",
)
# Messages about the app's own legitimate code ("I didn't get the code") are
# not scams; only someone else asking for it, or a fee, or the like, is.


def is_scam(text: Text) -> bool:
    return bool(_SCAM.search(text or ""))


# ---------------------------------------------------------- a person, please
# Asked for in so many words ("can I talk to someone", "转人工"). A bare word
# like "human" or "manager" counts only in a short message: in a long one it
# is usually about something else ("the camera can't detect a real human").
_PERSON_ASKED = _any(
    r"\b(?:talk|speak|chat)\s+(?:to|with)\s+(?:a |an |some|your )?(?:one|body|person|agent|staff|human|someone|"
    r"operator|manager|supervisor|representative)\b",
    r"\b(?:is there|can i get|get me|i want|i need|i'd like|i would like|connect me (?:to|with)|transfer me)"
    r"[^.?!]{0,20}\b(?:someone|somebody|a person|an agent|a human|a real|staff|an operator|a representative)\b",
    r"\b(?:any ?(?:one|body)|any humans?|any real people) (?:there|around|here|real)\b",
    r"\b(?:live (?:agent|person|chat)|customer (?:service|support) (?:agent|rep|representative|person))\b",
    r"\bagent\s*(?:please|pls|plz)?\s*[.!]*$",
    r"转人工|人工客服|人工服务|找人工|客服小姐姐|客服人员|接线员|有没有人|找个人|找人[工帮]|找个?真人|"
    r"转接客服|联系客服|客服电话|打电话给我|让客服|要人工|叫人工|人工[!！吧啊呢]|不要机器人|别用机器人",
)
_PERSON_WORD = _any(
    r"\b(?:human|real person|actual person|somebody real|someone real|representative|supervisor|manager|agent)\b",
    r"真人|活人|人工",
)
# "Are you a real person?" asks what the bot is; "no, I'd rather not talk to
# an agent" and "不需要人工" decline one.
_ASKS_WHAT_THE_BOT_IS = _any(
    r"\b(?:are|r)\s+(?:you|u)\b[^.?!]{0,25}\b(?:human|person|real|bot|robot|machine|ai|automated)\b",
    r"\b(?:you're|youre|you are) (?:not )?(?:a |an )?(?:real|actual|human|bot|robot)\b",
    r"\bis (?:this|it|that)\b[^.?!]{0,15}\b(?:automated|a bot|a robot|a machine|a real|a human|ai)\b",
    r"\bis (?:a|there a) (?:person|human) (?:answering|typing|replying|reading)\b",
    r"\b(?:am i|are we) (?:talking|chatting|speaking|writing) (?:to|with)\b",
    r"你是(?:不是)?(?:个|一个)?(?:机器人|真人|活人|人工|人吗|ai|AI|程序)|是(?:机器人|真人|人工)(?:吗|么|嘛|还是|不)|"
    r"是(?:机器人|真人|人工)(?:在)?(?:回复|回答|打字|聊)的?(?:吗|么|嘛)|"
    r"(?:真人|活人|机器人)(?:吗|么|嘛|不\s*$)",
)
_NO_TALKING_TO = r"\b(?:don'?t|do not|no need to|rather not|won'?t)\s+(?:want to |need to )?(?:talk|chat|speak)\s+(?:to|with)\b"
_NO_PERSON_ZH = r"(?:不需要|不用|不要|别|无需)(?:转)?(?:人工|真人|客服)"
_DECLINES_A_PERSON = _any(
    r"\b(?:don't|dont|do not|no need|rather not|won't|wont|not)\b[^.?!]{0,20}\b(?:agent|human|person|someone|"
    r"anyone|operator|staff)\b",
    _NO_TALKING_TO, _NO_PERSON_ZH,
)


# Firmly, in one clause: "not sure, can someone help" declines nobody.
_DECLINES_A_PERSON_FIRMLY = _any(
    r"\b(?:don'?t|dont|do not|no need|rather not|won'?t|wont)\b[^.?!,，]{0,25}\b(?:agent|human|person|"
    r"operator|staff)\b",
    _NO_TALKING_TO, _NO_PERSON_ZH,
)


def declines_a_person(text: Text) -> bool:
    return bool(_DECLINES_A_PERSON_FIRMLY.search(text or ""))


def asks_for_a_person(text: Text) -> bool:
    """Plainly asks for one ("talk to an agent", "转人工"); unlike
    wants_a_person, a short message that only names an agent is not enough."""
    text = text or ""
    return not _DECLINES_A_PERSON.search(text) and bool(_PERSON_ASKED.search(text))


def wants_a_person(text: Text) -> bool:
    text = text or ""
    if _ASKS_WHAT_THE_BOT_IS.search(text) or _DECLINES_A_PERSON.search(text):
        return False
    if _PERSON_ASKED.search(text):
        return True
    return bool(_PERSON_WORD.search(text)) and len(re.findall(r"\w+", text)) <= 5


# ---------------------------------------------------------------- complaints
_COMPLAINT = _any(
    r"\bcomplain(?:t|ts|ing|ed)?\b|\bescalat(?:e|ed|ing|ion)\b|\bfile a (?:formal )?report\b|\bregulator\b|"
    r"\b(?:random|unfair|illegal|bogus|wrong) (?:fees?|charges?)\b|\bnever agreed to\b|"
    r"\bcollectors?\b[^.?!]{0,30}\b(?:called|calling|call|phoned|contacted|texted|messag\w*)\b[^.?!]{0,20}"
    r"\b(?:boss|work|family|parents|wife|husband|friends|contacts|colleagues|relatives)\b|"
    r"\bombudsman\b|\blawyer\b|\bsue (?:you|them)\b|\blegal action\b|\bharass(?:ing|ment|ed)?\b|"
    r"\bdispute (?:this|the|a)\b|\bi dispute\b|\bunfair (?:fee|charge|interest)\b|\bhidden (?:fee|charge)s?\b|"
    r"\bloan shark\b|\busur(?:y|ious)\b|\bthreaten(?:ing|ed)?\b",
    r"投诉|举报|维权|12378|12315|银保监|金融监管|监管局|消协|消保|315|黑猫|律师|起诉|法院|"
    r"催收[^.。!?！？]{0,10}(?:骚扰|威胁|辱骂|爆|打电话给我家|打给我的|通讯录)|暴力催收|爆通讯录|骚扰我|"
    r"催收[^.。!?！？]{0,6}(?:打电话|打到|打给|找到?)[^.。!?！？]{0,6}"
    r"(?:家里|家人|单位|公司|领导|老板|同事|父母|爸妈|老婆|老公|朋友|亲戚)|"
    r"乱收费|砍头息|高利贷|利息太高|费用[^.。!?！？]{0,6}异议|有异议|不合理收费|乱扣|多扣|霸王条款",
)


def is_complaint(text: Text) -> bool:
    return bool(_COMPLAINT.search(text or ""))


# A fee already charged and disputed ("hidden fees in my loan I never agreed
# to") is a complaint, although its words also fit the fee-for-a-loan scam and
# fraud; being asked to pay first (deposit, unlock, transfer) stays a scam.
_DISPUTED_FEE = _any(
    r"\b(?:fees?|charges?|interest|penalty|premium|membership)\b",
    r"(?:服务|手续|会员|保险|违约|逾期|管理|担保)费|利息|罚息|砍头息",
)
_ALREADY_CHARGED = _any(
    r"\bhidden\b|\bnever agreed\b|\bcharged me\b|\bon my (?:statement|bill)\b|\bin my loan\b|\btook\b|\bdeducted\b",
    r"多扣|乱收费|乱扣|扣了|账单里|没同意|不认",
)
_ASKED_TO_PAY_FIRST = _any(
    r"\bpay (?:it )?first\b|\bdeposit\b|\bupfront\b|\bunlock\b|\btransfer\b|\brelease\b",
    r"保证金|解冻|先交|先付|转账|打钱|激活费|工本费|验资|刷流水",
)


def fee_already_charged(text: Text) -> bool:
    """Names a fee already charged, not one to be paid first; the caller
    knows whether the message is a complaint (is_complaint)."""
    text = text or ""
    return (bool(_DISPUTED_FEE.search(text)) and bool(_ALREADY_CHARGED.search(text))
            and not _ASKED_TO_PAY_FIRST.search(text))


# --------------------------------------------------------- cause over symptom
# "换号了 收不到验证码 登录不了" is about the changed number; "身份证过期了 额度
# 没了" about the ID. A bank card that expired is not an ID that expired.
_PHONE_CHANGED = _any(
    r"\b(?:chang(?:ed|ing)|switch(?:ed)?|new|got a new|lost my old|replaced?)\s+(?:my\s+)?(?:phone\s+)?"
    r"(?:number|sim|mobile(?: number)?|phone number)\b",
    r"\b(?:old|previous) (?:number|sim|phone number)\b[^.?!]{0,30}\b(?:gone|cancel+ed|stopped|no longer|not in use|"
    r"deactivated|lost)\b",
    r"换(?:了)?(?:手机)?号|换了?手机号码|手机号(?:码)?(?:换了|变了|改了)|号码(?:换了|变了|改了)|新号码|新手机号|"
    r"旧号(?:码)?(?:停了|注销|不用了|没了|丢了)|旧(?:手机)?卡(?:注销|停了|丢了|没了|不用了)|原来的号(?:码)?(?:不用|停|注销|没)",
)
_ID_EXPIRED = _any(
    r"\b(?:id|identity card|id card|national id|resident id)\b[^.?!]{0,20}\bexpir",
    r"\bexpired\b[^.?!]{0,15}\b(?:id|identity card|id card)\b",
    r"身份证[^.。!?！？，,]{0,8}(?:过期|到期|失效|快过期)|证件[^.。!?！？，,]{0,6}(?:过期|到期|失效)",
)
SYMPTOMS_OF = {
    "report_phone_changed": {"report_no_verification_code", "report_login_failed", "report_repayment_failed",
                             "report_overdue_risk", "report_account_restricted", "report_face_verification_failed"},
    "report_id_expired": {"report_account_restricted", "report_login_failed", "report_face_verification_failed",
                          "report_repayment_failed", "ask_renew_id", "ask_improve_credit"},
}


def cause_behind(text: Text, intent: Optional[Text]) -> Optional[Text]:
    """The cause's intent when `text` names it and the model took a symptom."""
    text = text or ""
    for cause, pattern in (("report_phone_changed", _PHONE_CHANGED), ("report_id_expired", _ID_EXPIRED)):
        if intent in SYMPTOMS_OF[cause] and pattern.search(text):
            return cause
    return None


def names_phone_change(text: Text) -> bool:
    return bool(_PHONE_CHANGED.search(text or ""))


# ------------------------------------------------------ money taken, not posted
_MONEY_TAKEN = _any(
    r"\b(?:bank|card|money|account)\b[^.?!]{0,30}\b(?:debited|deducted|taken|took|charged|left)\b[^.?!]{0,60}"
    r"\b(?:unpaid|not paid|still (?:shows|says|owe)|overdue|not (?:show|posted|received|updated)|outstanding)",
    r"\bpaid\b[^.?!]{0,40}\b(?:still (?:shows|says)|shows? (?:as )?(?:unpaid|overdue)|not (?:posted|updated|received))",
    r"(?:钱|款|银行卡|卡里|余额|银行)[^.。!?！？]{0,10}(?:扣了|扣掉|被扣|已扣|扣走|划走|扣款成功|扣钱|扣款了|扣除|转走)"
    r"[^.。!?！？]{0,30}(?:没还|未还|没到账|未到账|显示逾期|还显示|没显示|待还|没有还上|没更新|逾期)",
    r"(?:已经还了|还过了|转过去了|付过了|已还款)[^.。!?！？]{0,20}(?:显示没还|显示未还|显示逾期|没到账|未到账|还是待还|还显示)",
)


def money_taken_not_posted(text: Text) -> bool:
    return bool(_MONEY_TAKEN.search(text or ""))


# ------------------------------------------------------------- corrections
_MISUNDERSTOOD = _any(
    r"\byou (?:misunderstood|got (?:it|me) wrong|misread)\b|\bthat'?s not what i (?:said|meant)\b|"
    r"\bi (?:never|didn'?t|did not) (?:say|said)\b|\bwrong (?:topic|problem)\b",
    r"理解错了|你搞错了|不是这个(?:意思|问题)|我没(?:说|这么说)|答非所问|我不是(?:这个|要问)",
)
_I_DID_NOT_CHANGE_NUMBER = _any(
    r"\bi (?:didn'?t|did not|haven'?t|have not|never) (?:change|changed|switch(?:ed)?)\b[^.?!]{0,20}\b(?:number|sim|phone)",
    r"(?:我)?(?:没|没有|并没有|从没)换(?:过)?(?:手机)?号|号码没(?:换|变)|没换手机号",
)
_CORRECTION_CUE = _any(
    r"\b(?:wait|sorry|actually|correction|i meant|my mistake|oops|scratch that|no no)\b",
    r"等等|等一下|不对|说错了|搞错了|其实|更正|刚才说错|我是说",
)


def says_misunderstood(text: Text) -> bool:
    return bool(_MISUNDERSTOOD.search(text or ""))


def denies_a_number_change(text: Text) -> bool:
    """"我没换号啊": a correction only where the bot took the number as changed."""
    return bool(_I_DID_NOT_CHANGE_NUMBER.search(text or ""))


def sounds_like_a_correction(text: Text) -> bool:
    return bool(_CORRECTION_CUE.search(text or ""))


# ---------------------------------------------------------------- the facts
# What the guided flows ask, as borrowers state it unasked. Each entry: the
# slot, the value, the patterns. Checked in order; negations first.
_FACTS = [
    ("old_number_reachable", False, _any(
        r"\bold (?:sim|number|phone number|card)\b[^.?!]{0,30}\b(?:gone|cancel+ed|deactivated|stopped|lost|"
        r"no longer|doesn'?t work|not working|dead|expired|recycled|taken)\b",
        r"\b(?:lost|cancel+ed|closed|deactivated|threw away)\b[^.?!]{0,15}\bold (?:sim|number|phone)\b",
        r"旧(?:手机)?(?:卡|号|号码)[^.。!?！？]{0,8}(?:注销|停机|停了|丢了|没了|不用了|用不了|作废|找不到|回收|被别人)",
        r"(?:原来的|以前的)(?:号|号码|卡)[^.。!?！？]{0,6}(?:注销|停|没了|不用了|用不了)",
    )),
    ("old_number_reachable", True, _any(
        r"\bold (?:sim|number|phone)\b[^.?!]{0,25}\b(?:still (?:works|working|have|active)|i still have)\b",
        r"\bi still have (?:the |my )?old (?:sim|number|phone)\b",
        r"\bstill ha(?:s|ve)\b[^.?!]{0,20}\bold (?:sim|number|phone)\b|\bold (?:sim|number)\b[^.?!]{0,40}\b(?:works|"
        r"still in|in (?:his|her|my \w+'s) phone)\b",
        r"旧(?:手机)?(?:卡|号|号码)[^.。!?！？]{0,16}(?:还在|还能用|还可以用|能用|没注销|还有|插着)",
    )),
    ("can_log_in", False, _any(
        r"\b(?:can'?t|cannot|can not|unable to|couldn'?t|won'?t let me)\s+(?:log ?in|sign ?in|get in|access)\b|"
        r"\blocked out\b|\blog ?in (?:fails|failed|doesn'?t work)\b",
        r"登(?:录|陆)?不(?:上|了|进去)|无法登(?:录|陆)|登(?:录|陆)失败|进不去|登不进",
    )),
    ("can_log_in", True, _any(
        r"\b(?:i )?can (?:still )?(?:log ?in|sign ?in|get in)\b",
        r"(?:能|可以|还能)(?:正常)?登(?:录|陆)|登(?:录|陆)(?:得上|没问题|正常)",
    )),
    ("has_new_id", False, _any(
        r"\b(?:haven'?t|have not|didn'?t|not yet|still waiting)\b[^.?!]{0,25}\bnew (?:id|card|identity card)\b",
        r"新(?:的)?(?:身份证|证件|证|ID|id)[^.。!?！？]{0,6}(?:还没|没有|未|没)(?:办|拿|领|下来|到)|"
        r"(?:还没|没)(?:办|拿到|领到|去办|办好)[^.。!?！？]{0,4}新(?:的)?(?:身份证|证|ID)|还在等新(?:的)?(?:身份证|证)",
    )),
    ("has_new_id", True, _any(
        r"\b(?:got|have|received|picked up|collected)\b[^.?!]{0,12}\bnew (?:id|id card|identity card)\b|"
        r"\bnew (?:id|id card) (?:is )?(?:ready|here|in hand)\b|\bdo have (?:the|a|my) new (?:card|id)\b|"
        r"\brenewed (?:my |the )?(?:id|identity card)\b",
        r"新(?:的)?(?:身份证|证件|证|ID|id)[^.。!?！？]{0,12}(?:办好|拿到|领到|拿回来|下来了|已经有了|到手|换好|有了)|"
        r"(?:拿到|领到|办好|换好|换了)了?新(?:的)?(?:身份证|证|ID)|身份证[^.。!?！？]{0,6}(?:已经)?换(?:了|好了)新的",
    )),
    ("id_updated_in_app", True, _any(
        r"\b(?:uploaded|updated|submitted|re-?verified)\b[^.?!]{0,30}\b(?:id|photos?|app|card|it)\b",
        r"(?:已经|也|都)?(?:上传|更新|提交|传)(?:过|了|好了)|(?:在|往)\s*(?:APP|app|App)[^.。!?！？]{0,6}(?:传|上传|更新)",
    )),
    ("repayment_due_soon", True, _any(
        r"\bdue\b[^.?!]{0,15}\b(?:today|tonight|tomorrow|tmr|in (?:a|one|two|three|1|2|3) days?)\b|"
        r"\b(?:today|tonight|tomorrow|tmr)\b[^.?!]{0,25}\b(?:due|repay|payment|deadline)\b|\boverdue\b",
        r"(?:今天|今晚|明天|后天|这两天|三天内|马上)[^.。!?！？]{0,8}(?:要还|还款|到期|还钱|扣款|截止)|"
        r"(?:还款日|到期日)[^.。!?！？]{0,4}(?:是)?(?:今天|明天|后天)|已经逾期|逾期了",
    )),
    ("repayment_due_soon", False, _any(
        r"\b(?:not due|due) (?:until|next) (?:week|month)\b|\bnothing (?:is )?due\b",
        r"(?:下周|下个?月|月底)[^.。!?！？]{0,6}(?:才)?(?:还|到期)|还(?:没|不)到(?:还款日|期)|最近没有(?:要还|还款)",
    )),
]


_SAME_NUMBER = _any(
    r"\bsame (?:phone )?number\b|\b(?:haven'?t|have not|didn'?t|did not|never) changed? (?:my |the )?(?:phone )?"
    r"(?:number|sim)\b|\bnumber (?:hasn'?t|has not|didn'?t) change",
    r"号码没(?:换|变)|没(?:有)?换(?:过)?(?:手机)?号|手机号(?:没变|没换|还是原来的|一直没换)|还是原来的号",
)


# "my new card" is the ID card only in a conversation about the ID; anywhere
# else it is as likely a bank card ("I'm still waiting for my new card").
_NAMES_THE_ID = _any(r"(?<![a-z])id(?![a-z])|\bidentity\b|身份证|证件|[新的]证")


def stated_facts(text: Text, about_the_id: bool = False) -> Dict[Text, bool]:
    """The flow answers `text` states, e.g. {"can_log_in": False}, and
    `same_number` when the registered number is said to be unchanged.
    `about_the_id`: the conversation is already about the ID card."""
    found: Dict[Text, bool] = {}
    for slot, value, pattern in _FACTS:
        if slot not in found and pattern.search(text or ""):
            found[slot] = value
    if "has_new_id" in found and not about_the_id and not _NAMES_THE_ID.search(text or ""):
        del found["has_new_id"]
    if found.get("id_updated_in_app"):
        found.setdefault("has_new_id", True)  # nobody uploads an ID they do not have
    if _SAME_NUMBER.search(text or ""):
        found["same_number"] = True
    return found


def named_cause(text: Text) -> Optional[Text]:
    """The flow a message names by its cause (the number changed, the ID
    expired), whatever else it says."""
    if _I_DID_NOT_CHANGE_NUMBER.search(text or "") or _SAME_NUMBER.search(text or ""):
        return None
    if _PHONE_CHANGED.search(text or ""):
        return "report_phone_changed"
    if _ID_EXPIRED.search(text or "") and not bank_card_not_id(text):
        return "report_id_expired"
    return None


# ------------------------------------------------- near misses of the flows
_FRAUD_WORDS = _any(
    r"\b(?:stolen|hack(?:ed|er)?|scam(?:mer)?|fraud|impersonat|pretend|fake|not me|didn'?t (?:take|borrow|apply)|"
    r"never (?:took|borrowed|applied)|someone else|unauthori[sz]ed)\b",
    r"盗|骗|冒充|假冒|诈骗|不是我|没借过|没有借|陌生|别人|被人|异地登录|可疑",
)
_FROZEN = _any(r"\b(?:frozen|freez|locked|suspend|restrict|limit (?:cut|reduced|lowered|gone))", r"冻|封|限制|额度(?:降|没|少|低)")
_BANK_CARD = _any(r"\b(?:bank|debit|credit|atm|visa|master|unionpay) ?card\b|\bmy card\b|\bcard (?:has |is )?expir",
                  r"银行卡|信用卡|储蓄卡|借记卡|卡(?:片)?过期|卡到期")
_ID_WORDS = _any(r"\b(?:id|identity|passport)\b", r"身份证|证件")


def fraud_misread(text: Text) -> bool:
    """Read as fraud by the model, but it is a frozen or limited account with
    no word of fraud ("我的帐户被冻节了")."""
    return bool(_FROZEN.search(text or "")) and not _FRAUD_WORDS.search(text or "") and not is_scam(text)


def bank_card_not_id(text: Text) -> bool:
    """About a bank card (expired, lost), not the ID card."""
    return bool(_BANK_CARD.search(text or "")) and not _ID_WORDS.search(text or "")
