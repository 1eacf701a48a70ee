"""Scripted conversations for `make bench-load`.

Each is the list of user messages of one whole conversation. Ours walk the
real flows in both languages (button payloads as a widget sends them); a
conversation that hands over to a human does it on its last message, so the
load never writes to a paused conversation. The stock `rasa init` bot knows
only greet / mood / bot_challenge / goodbye, so it gets its own scripts of the
same length.
"""
from dataclasses import dataclass
from typing import Tuple


@dataclass(frozen=True)
class Conversation:
    name: str
    language: str
    messages: Tuple[str, ...]
    ends_in_handoff: bool = False


OURS = (
    Conversation("en phone changed, can log in, solved", "en", (
        "hi",
        "I changed my phone number and can't repay, the code goes to my old number",
        "/deny",  # repayment not due soon
        "/affirm",  # can still log in -> steps, "solved?"
        "/affirm",  # solved -> prevention tip
        "thanks",
    )),
    Conversation("en ID expired, new card not uploaded, solved", "en", (
        "my ID card expired and my credit line won't open",
        "yes I have the new card",
        "/deny",  # not updated in the app yet -> steps
        "/affirm",
        "what are the ways to repay my loan",
        "bye",
    )),
    Conversation("en repayment options, greet, goodbye", "en", (
        "hello",
        "what are the ways to repay my loan",
        "are you a bot",
        "what other ways can I pay back",
        "thanks",
        "bye",
    )),
    Conversation("en phone changed, locked out, human", "en", (
        "I got a new SIM and the login code goes to my old number",
        "/deny",  # not due soon
        "/deny",  # can't log in
        "/deny",  # old number gone -> identity check steps
        "/deny",  # not solved -> offer a human
        "/affirm",  # accept -> ticket, conversation paused
    ), ends_in_handoff=True),
    Conversation("zh phone changed, can log in, solved", "zh", (
        "你好",
        "换了手机号，验证码发到旧号上了，还不了款",
        "/deny",
        "能登录",
        "/affirm",
        "谢谢",
    )),
    Conversation("zh ID expired, new card not uploaded, solved", "zh", (
        "身份证过期了开不了借呗",
        "/affirm",  # has the new card
        "还没有",  # not updated in the app yet
        "/affirm",
        "有哪些还款方式",
        "再见",
    )),
    Conversation("zh repayment options, greet, goodbye", "zh", (
        "您好",
        "有哪些还款方式",
        "你是机器人吗",
        "还能用什么方式还款",
        "谢谢",
        "再见",
    )),
    Conversation("zh phone changed, locked out, human", "zh", (
        "你好",
        "手机号换了 登不上了",  # "can't log in" stated unasked: that question is skipped
        "/deny",  # not due soon
        "旧卡早就注销了",  # old number gone -> identity check steps
        "/deny",  # not solved -> offer a human
        "/affirm",  # accept -> ticket, conversation paused
    ), ends_in_handoff=True),
)

STOCK = (
    Conversation("stock greet, sad, helped, bot?, great, bye", "en", (
        "hello", "I am sad", "yes", "are you a bot?", "I am great", "bye",
    )),
    Conversation("stock greet, sad, not helped, greet, great, bye", "en", (
        "hi", "very sad", "no", "hey there", "perfect", "goodbye",
    )),
)
