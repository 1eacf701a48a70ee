"""Seeded, bounded random conversations for the "never silent" property
(SPEC "Conversation rules": every message gets a reply, in every state; a
request for a person works from every state).

    python -m evaluation.random_conversations --seed 7 --count 50        # own servers
    python -m evaluation.random_conversations --replay 7-12 --url ... [--var VAR] --rasa-log ...

A conversation is a list of moves drawn from pools of borrower lines (both
languages, sometimes mixed): problems, yes/no answers and hedges,
acknowledgements, corrections, taps of the buttons the bot just sent,
out-of-scope lines, button titles typed as text, requests for a person and
"start over". Script `S-i` (master seed S, conversation i) is always the same
moves, so a failure can be replayed with `--replay S-i`.
"""
import argparse
import concurrent.futures
import pathlib
import random
import secrets
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

import requests

from evaluation.conversations import Client, circuit_breaker_senders, client_for, handoffs_in

MAX_MESSAGES = 8

POOLS: Dict[str, Dict[str, List[str]]] = {
    "problem": {
        "en": ["I changed my phone number and can't repay", "new sim, the code goes to my old number",
               "my ID card expired and the credit line won't open", "the SMS code never arrives",
               "I can't log in, forgot my password", "face verification keeps failing",
               "my auto-debit failed", "what are the ways to repay?", "my account is frozen",
               "how do I renew my ID card", "how can I raise my limit", "I'm going to be late with my payment",
               "the bank took the money but the app says unpaid", "my payment is due tomorrow and I changed my number",
               "a guy on wechat says he can get me a 20k limit for a 500 yuan fee, he just needs my login code",
               "your collectors keep calling my family"],
        "zh": ["我换了手机号，还不了款", "换号了 旧卡已经注销了 明天要还款", "身份证过期了开不了借呗",
               "收不到验证码", "登录不上，忘记密码了", "人脸识别一直失败", "还款失败了 扣款不成功",
               "有哪些还款方式", "账户被冻结了 额度也降了", "身份证怎么换领", "怎么提额",
               "这个月要逾期了", "银行卡扣了钱 APP显示没还", "有人冒充客服要我的验证码",
               "催收天天打电话骚扰我 我要投诉", "新ID拿到了 APP里实名认证过不了"],
    },
    "yes_no": {
        "en": ["yes", "no", "yeah", "nope", "I think so", "not sure", "probably not", "maybe",
               "yes tomorrow", "no, next month", "I can log in with my password", "the old SIM is gone"],
        "zh": ["是", "不是", "能", "不能", "有", "没有", "应该能吧 我试试", "不确定", "可能吧",
               "明天就到期", "下个月", "登不上啊 密码早忘了", "旧卡还在"],
    },
    "ack": {
        "en": ["yes ok", "ok", "nope that's all", "ok thanks", "thanks", "k", "alright", "cool"],
        "zh": ["嗯嗯", "行", "好的", "好", "谢谢", "知道了", "没有了", "ok"],
    },
    "correction": {
        "en": ["no wait, I do have the new card", "sorry I meant yes", "actually no, I can't log in",
               "wait, the payment is due today", "I mean the old SIM still works"],
        "zh": ["等等 我说错了 能登录", "不对 新证已经拿到了", "说错了 是明天到期", "刚才说反了 旧卡还能用"],
    },
    "out_of_scope": {
        "en": ["what's the weather like", "recommend me a movie", "who won the football", "asdfgh",
               "can you book me a taxi", "🙂", "What is 2+2?"],
        "zh": ["今天天气怎么样", "给我讲个笑话", "你们公司在哪里", "哈哈哈", "帮我订个外卖", "？？？"],
    },
    "title": {
        "en": ["Yes, due soon", "No", "Yes, I can log in", "No, I can't", "No, it's gone", "Yes, I have it",
               "Not yet", "Yes, solved", "No, not yet", "Yes, connect me", "No, thanks", "None of these",
               "I changed my phone number", "Ways to repay"],
        "zh": ["有，快到期了", "没有", "能登录", "登录不了", "用不了了", "已经拿到了", "还没有", "解决了",
               "好，转人工", "不用了", "都不是", "我换了手机号", "有哪些还款方式"],
    },
    "person": {
        "en": ["agent", "talk to a human", "can I speak to a real person", "human please", "get me a person",
               "I want customer service", "is there a human I can talk to?", "Talk to a person",
               "connect me to support staff", "let me talk to someone real"],
        "zh": ["转人工", "人工客服", "你帮我找个真人吧", "我要找客服", "有没有人工", "找个人跟我说",
               "叫你们客服来", "我要人工服务", "转人工客服", "真人在吗"],
    },
    "start_over": {
        "en": ["start over", "let's start again", "restart"],
        "zh": ["重新开始", "从头来", "重来"],
    },
}
# How often each kind of move is drawn (taps have no pool: the bot's buttons).
WEIGHTS = {"problem": 20, "yes_no": 18, "ack": 15, "tap": 15, "correction": 5, "out_of_scope": 6,
           "title": 8, "person": 8, "start_over": 5}
OTHER_LANGUAGE = 0.1  # a move in the other language (code-switching borrowers)
REQUEST_HUMAN = "/request_human"


@dataclass(frozen=True)
class Move:
    kind: str
    text: Optional[str] = None   # None for a tap: chosen from the buttons at run time
    pick: int = 0                # which button a tap takes (modulo how many there are)


@dataclass(frozen=True)
class Script:
    seed: str                    # "S-i": master seed S, conversation i
    language: str
    moves: List[Move]


def script(seed: str, max_messages: int = MAX_MESSAGES) -> Script:
    """The conversation for one seed: always the same moves."""
    rng = random.Random(seed)
    language = rng.choice(("en", "zh"))
    kinds, weights = zip(*WEIGHTS.items())
    moves = []
    for _ in range(rng.randint(1, max_messages)):
        kind = rng.choices(kinds, weights)[0]
        if kind == "tap":
            moves.append(Move("tap", None, rng.randrange(1000)))
            continue
        lang = language if rng.random() >= OTHER_LANGUAGE else ("zh" if language == "en" else "en")
        moves.append(Move(kind, rng.choice(POOLS[kind][lang])))
    return Script(seed, language, moves)


def generate(seed: int, count: int, max_messages: int = MAX_MESSAGES) -> List[Script]:
    return [script(f"{seed}-{i}", max_messages) for i in range(count)]


# ------------------------------------------------------------------ checking

@dataclass
class Step:
    sent: str
    kind: str
    replies: List[Dict[str, Any]]
    waiting_before: bool = False  # the conversation was already waiting for an agent
    error: Optional[str] = None


@dataclass
class Result:
    script: Script
    sender: str
    steps: List[Step] = field(default_factory=list)
    failures: List[str] = field(default_factory=list)  # "kind: detail"

    @property
    def kinds(self) -> List[str]:
        return sorted({f.split(":", 1)[0] for f in self.failures})


def texts_repeated(replies: Sequence[Dict[str, Any]], times: int = 3) -> List[str]:
    counts = Counter(r.get("text") for r in replies if r.get("text"))
    return [text for text, n in counts.items() if n >= times]


def tap_payload(move: Move, last_replies: Sequence[Dict[str, Any]]) -> Optional[str]:
    buttons = [b for r in last_replies for b in (r.get("buttons") or []) if b.get("payload")]
    return buttons[move.pick % len(buttons)]["payload"] if buttons else None


def asks_for_person(step: Step) -> bool:
    return step.kind == "person" or step.sent == REQUEST_HUMAN


def check(result: Result) -> None:
    """The property, turn by turn (the circuit breaker is checked on the log)."""
    for number, step in enumerate(result.steps, start=1):
        where = f'message {number} "{step.sent}"'
        if step.error:
            result.failures.append(f"error: {where}: {step.error}")
            continue
        if not step.replies:
            # Told apart: the waiting state's own reply is being added separately.
            kind = "no reply while waiting" if step.waiting_before else "no reply"
            result.failures.append(f"{kind}: {where}")
        for text in texts_repeated(step.replies):
            result.failures.append(f"repeated reply: {where}: \"{text[:60]}\" 3+ times in one turn")
        if asks_for_person(step) and not handoffs_in(step.replies) and not step.waiting_before:
            result.failures.append(f"person without ticket: {where}")


def run_script(s: Script, client: Client) -> Result:
    result = Result(s, f"never-silent-{secrets.token_hex(8)}")
    last: List[Dict[str, Any]] = []
    waiting = False
    for move in s.moves:
        if move.kind == "tap":
            payload = tap_payload(move, last)
            if payload is None:
                continue  # nothing to tap: the borrower does not send anything
            step = Step(payload, "tap", [])
        else:
            step = Step(move.text, move.kind, [])
        if asks_for_person(step):
            try:  # the conversation's own word on it
                waiting = bool(client.tracker(result.sender).get("paused"))
            except requests.RequestException:
                pass
        step.waiting_before = waiting
        try:
            step.replies = client.say(result.sender, step.sent)
        except requests.RequestException as error:
            step.error = str(error)[:200]
        result.steps.append(step)
        waiting = waiting or bool(handoffs_in(step.replies))
        last = step.replies
    return result


def run(scripts: Sequence[Script], client: Client, rasa_log=None, workers: int = 2) -> List[Result]:
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda s: run_script(s, client), scripts))
    time.sleep(0.5)  # let the log catch up
    breakers = circuit_breaker_senders(rasa_log)
    for result in results:
        check(result)
        if result.sender in breakers:
            result.failures.append("circuit breaker: Rasa's circuit breaker tripped (server log)")
    return results


def transcript(result: Result) -> str:
    lines = [f"seed {result.script.seed} ({result.script.language}), sender {result.sender}; replay: "
             f"python -m evaluation.random_conversations --replay {result.script.seed}"]
    for number, step in enumerate(result.steps, start=1):
        lines.append(f"  {number}. borrower [{step.kind}]: {step.sent}")
        if step.error:
            lines.append(f"     ERROR {step.error}")
        for reply in step.replies:
            if reply.get("text"):
                lines.append(f"     bot: {' '.join(reply['text'].split())[:90]}")
            if reply.get("custom"):
                lines.append(f"     bot (custom): {reply['custom']}")
        if not step.replies and not step.error:
            lines.append("     (no reply)")
    lines += [f"  FAIL {f}" for f in result.failures]
    return "\n".join(lines)


def summary(results: Sequence[Result]) -> str:
    messages = sum(len(r.steps) for r in results)
    failed = [r for r in results if r.failures]
    by_kind = Counter(k for r in failed for k in r.kinds)
    only_waiting = sum(r.kinds == ["no reply while waiting"] for r in failed)
    lines = [f"{len(results)} conversations, {messages} messages; {len(failed)} conversations failed"
             + (f" ({only_waiting} of them only by silence while waiting for an agent)" if only_waiting else "")]
    for kind, n in by_kind.most_common():
        example = next(r for r in failed if kind in r.kinds)
        lines.append(f"  {kind}: {n} conversations, e.g. --replay {example.script.seed}")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--max-messages", type=int, default=MAX_MESSAGES)
    parser.add_argument("--replay", action="append", help="a script seed S-i to run again (repeatable)")
    parser.add_argument("--url")
    parser.add_argument("--var", type=pathlib.Path, help="the servers' var/ (with --url)")
    parser.add_argument("--rasa-log")
    parser.add_argument("--show", action="store_true",
                        help="print every conversation (default: one failing example per kind)")
    args = parser.parse_args(argv)
    scripts = ([script(s, args.max_messages) for s in args.replay] if args.replay
               else generate(args.seed, args.count, args.max_messages))

    def go(client: Client, log) -> List[Result]:
        results = run(scripts, client, log)
        shown = set()
        for result in results:
            first_of_kind = result.failures and not set(result.kinds) <= shown
            if args.show or args.replay or first_of_kind:
                print(transcript(result))
                shown |= set(result.kinds)
        print(summary(results))
        return results

    if args.url:

        results = go(client_for(args.url, args.var), pathlib.Path(args.rasa_log) if args.rasa_log else None)
    else:
        from evaluation.servers import start_servers

        with start_servers() as running:
            results = go(Client(running.url, running.api_secret, running.session_key), running.rasa_log)
    return 1 if any(r.failures for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
