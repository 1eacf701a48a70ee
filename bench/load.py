"""Speed and cost of our assistant next to a stock `rasa init` bot (`make bench-load`).

In one run, on loopback only:
  1. creates a stock bot with `rasa init --no-prompt` in a temp dir (it trains
     its own model; timed) and, unless --no-train, times `rasa train` of our
     project into the temp dir;
  2. starts the stock bot (in-memory tracker store), drives its scripted
     conversations at each concurrency level for a bounded time, stops it;
  3. starts our action server and Rasa server (our model, a throw-away SQLite
     tracker store) and does the same with our scripts, English and Chinese;
  4. where a target is missed, attaches py-spy (if installed) to our servers
     under 10 concurrent conversations and says where the time goes;
  5. prints the tables and rewrites the "Load" section of docs/benchmarks.md.
A virtual user loops: fresh random sender id, one scripted conversation,
each message awaiting its reply (closed loop, no think time).
"""
import argparse
import asyncio
import collections
import datetime
import importlib.metadata
import os
import pathlib
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import profile  # noqa: E402
from bench.conversations import OURS, STOCK, Conversation  # noqa: E402
from bench.procs import BIN, PeakMemory, Server, free_port  # noqa: E402
from bench.report import fmt, fmt_ratio, mib, ratio, ratio_table, summarise, table, write_section  # noqa: E402

REPORT = ROOT / "docs" / "benchmarks.md"
TARGET_P95_RATIO = 2.0
TARGET_RSS = 1.5 * 2**30
PROFILE_LEVEL = 10


# --- the load ------------------------------------------------------------------

@dataclass
class LevelStats:
    latencies: List[float] = field(default_factory=list)
    errors: collections.Counter = field(default_factory=collections.Counter)
    sent: int = 0
    conversations: int = 0
    handoffs: int = 0
    unexpected_handoffs: int = 0
    first_error: str = ""


def has_handoff(replies: Sequence[dict]) -> bool:
    return any(isinstance(m.get("custom"), dict) and "handoff" in m["custom"].get("data", {})
               for m in replies)


async def say(session, url: str, sender: str, text: str):
    """(seconds, outcome, replies); outcome "ok" or the kind of error."""
    import aiohttp

    started = time.monotonic()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.json(content_type=None) if response.status == 200 else None
            outcome = f"HTTP {response.status}" if response.status != 200 else "ok"
    except asyncio.TimeoutError:
        return time.monotonic() - started, "timeout", []
    except (aiohttp.ClientError, ValueError) as error:
        return time.monotonic() - started, type(error).__name__, []
    if outcome == "ok" and not body:
        outcome = "empty reply"  # 200 with [] means an action failed (conversations are never paused here)
    return time.monotonic() - started, outcome, body or []


async def virtual_user(session, url: str, scripts: Sequence[Conversation], first: int,
                       deadline: float, max_messages: int, stats: LevelStats) -> None:
    index = first
    while time.monotonic() < deadline and stats.sent < max_messages:
        script = scripts[index % len(scripts)]
        index += 1
        sender = "bench-" + secrets.token_hex(8)
        for position, text in enumerate(script.messages):
            if time.monotonic() >= deadline or stats.sent >= max_messages:
                return
            stats.sent += 1
            seconds, outcome, replies = await say(session, url, sender, text)
            if outcome != "ok":
                stats.errors[outcome] += 1
                stats.first_error = stats.first_error or f"{outcome} on {text!r} ({script.name})"
                break  # the conversation's state is unknown: start a new one
            stats.latencies.append(seconds)
            if has_handoff(replies):
                stats.handoffs += 1
                if position != len(script.messages) - 1:
                    stats.unexpected_handoffs += 1
                break  # paused from here on: send it nothing more
        else:
            stats.conversations += 1


async def run_level(base_url: str, scripts: Sequence[Conversation], users: int, seconds: float,
                    timeout: float) -> Dict[str, object]:
    import aiohttp

    stats = LevelStats()
    url = f"{base_url}/webhooks/rest/webhook"
    connector = aiohttp.TCPConnector(limit=users)
    async with aiohttp.ClientSession(connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        started = time.monotonic()
        # Bounded twice: by time, and by a message count no server here can reach.
        await asyncio.gather(*(virtual_user(session, url, scripts, i, started + seconds,
                                            max_messages=int(seconds * 1000), stats=stats)
                               for i in range(users)))
        elapsed = time.monotonic() - started
    result = summarise(stats.latencies, sum(stats.errors.values()), elapsed)
    result.update(seconds=elapsed, conversations=stats.conversations, handoffs=stats.handoffs,
                  unexpected_handoffs=stats.unexpected_handoffs, error_kinds=dict(stats.errors),
                  first_error=stats.first_error)
    return result


async def check_scripts(base_url: str, scripts: Sequence[Conversation], timeout: float) -> List[str]:
    """Warms the server up and walks every script once; returns what went
    off-script (empty replies, errors, handoffs in the wrong place)."""
    import aiohttp

    problems = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout * 4)) as session:
        for script in scripts:
            sender = "bench-check-" + secrets.token_hex(6)
            for position, text in enumerate(script.messages):
                _, outcome, replies = await say(session, f"{base_url}/webhooks/rest/webhook", sender, text)
                last = position == len(script.messages) - 1
                if outcome != "ok":
                    problems.append(f"{script.name}: {outcome} on {text!r}")
                    break
                if has_handoff(replies) != (last and script.ends_in_handoff):
                    problems.append(f"{script.name}: handoff {'on' if has_handoff(replies) else 'missing at'} "
                                    f"message {position + 1} {text!r}")
                    if has_handoff(replies):
                        break
    return problems


# --- the two bots --------------------------------------------------------------

def loadavg() -> str:
    try:
        return " ".join(pathlib.Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def timed(name: str, argv: List[str], cwd: pathlib.Path, env: Dict[str, str], log: pathlib.Path,
          limit: float) -> float:
    """Runs a command to the end (in its own process group, killed on exit) and
    returns its seconds."""
    started = time.monotonic()
    job = Server(name, argv, cwd, env, log)
    try:
        code = job.process.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{name} took over {limit:.0f}s, see {log}")
    finally:
        job.stop()
    if code != 0:
        raise RuntimeError(f"{name} failed ({code}), see {log}:\n{log.read_text()[-3000:]}")
    return time.monotonic() - started


def start_stock(stock_dir: pathlib.Path, work: pathlib.Path, env: Dict[str, str]):
    port = free_port()
    [model] = sorted((stock_dir / "models").glob("*.tar.gz"))
    server = Server("stock rasa server", [
        str(BIN / "rasa"), "run", "--model", str(model), "--interface", "127.0.0.1",
        "--port", str(port), "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"],
        stock_dir, env, work / "stock-rasa.log")
    return f"http://127.0.0.1:{port}", server, []


# Experiment only, never part of the product: jsonschema.validate without the
# per-call check of the (constant, Rasa-supplied) schema against its meta-schema,
# loaded into the Rasa server through a sitecustomize module.
JSONSCHEMA_SHIM = """\
import jsonschema, jsonschema.exceptions, jsonschema.validators


def validate(instance, schema, cls=None, *args, **kwargs):
    cls = cls or jsonschema.validators.validator_for(schema)
    error = jsonschema.exceptions.best_match(cls(schema, *args, **kwargs).iter_errors(instance))
    if error is not None:
        raise error


jsonschema.validate = validate
"""


def start_ours(project: pathlib.Path, model: pathlib.Path, work: pathlib.Path, env: Dict[str, str],
               shim: bool = False):
    tag = "-shim" if shim else ""
    rasa_port, action_port = free_port(), free_port()
    db = work / f"bench{tag}.db"
    endpoints = work / f"endpoints{tag}.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{db}"\n')
    env = {**env, "PYTHONPATH": str(project), "TICKET_STORE_URL": f"sqlite:///{db}"}
    actions = Server("action server", [
        str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(action_port)],
        project, env, work / f"actions{tag}.log")
    rasa_env = dict(env)
    if shim:
        (work / "shim").mkdir(exist_ok=True)
        (work / "shim" / "sitecustomize.py").write_text(JSONSCHEMA_SHIM)
        rasa_env["PYTHONPATH"] = f"{work / 'shim'}{os.pathsep}{project}"
    server = Server("our rasa server", [
        str(BIN / "rasa"), "run", "--model", str(model), "--interface", "127.0.0.1",
        "--port", str(rasa_port), "--endpoints", str(endpoints),
        "--credentials", str(project / "credentials.yml")],
        project, rasa_env, work / f"rasa{tag}.log")
    actions.wait_until_up(f"http://127.0.0.1:{action_port}/health")
    return f"http://127.0.0.1:{rasa_port}", server, [actions]


@dataclass
class BotResult:
    levels: Dict[int, Dict[str, object]] = field(default_factory=dict)
    startup_seconds: float = 0.0
    script_problems: List[str] = field(default_factory=list)
    peak_rss: Dict[str, int] = field(default_factory=dict)
    load: Dict[int, str] = field(default_factory=dict)


def bench_bot(label: str, url: str, server: Server, helpers: List[Server], scripts, levels,
              seconds: float, timeout: float, memory: PeakMemory) -> BotResult:
    result = BotResult()
    memory.watch(f"{label} rasa", server.pid)
    for helper in helpers:
        memory.watch(f"{label} actions", helper.pid)
    result.startup_seconds = server.wait_until_up(f"{url}/")
    result.script_problems = asyncio.run(check_scripts(url, scripts, timeout))
    for users in levels:
        memory.reset_window()
        result.load[users] = loadavg()
        print(f"  {label}: {users} concurrent conversations for {seconds:.0f}s "
              f"(load average before: {result.load[users]})", flush=True)
        level = asyncio.run(run_level(url, scripts, users, seconds, timeout))
        level["rss"] = memory.window_peak(f"{label} rasa")
        level["actions_rss"] = memory.window_peak(f"{label} actions")
        result.levels[users] = level
        print(f"    {level['messages']} msgs, {level['msgs_per_s']:.1f}/s, p95 {level['p95_ms']:.0f} ms, "
              f"errors {level['errors']} {level['error_kinds'] or ''}", flush=True)
    result.peak_rss = {k.split(" ", 1)[1]: v for k, v in memory.peak.items() if k.startswith(label)}
    return result


# --- report ---------------------------------------------------------------------

def jsonschema_call_ms(repeat: int = 30) -> Dict[str, float]:
    """CPU per validation of a typical action-server response: as Rasa 3.6
    does it, and without re-checking the schema itself."""
    import jsonschema
    import jsonschema.validators
    from rasa.core.actions.action import RemoteAction

    response = {"events": [{"event": "slot", "timestamp": None, "name": "language", "value": "zh"}],
                "responses": [{"text": "…", "buttons": [{"title": "Yes", "payload": "/affirm"}]}]}
    spec = RemoteAction.action_response_format_spec
    ways = {"rasa": lambda: jsonschema.validate(response, spec()),
            "no_check": lambda: jsonschema.validators.validator_for(spec())(spec()).validate(response)}
    result = {}
    for name, call in ways.items():
        call()
        started = time.perf_counter()
        for _ in range(repeat):
            call()
        result[name] = (time.perf_counter() - started) / repeat * 1000
    return result


def known_costs(project: pathlib.Path) -> List[str]:
    import yaml

    policies = [p["name"] for p in yaml.safe_load((project / "config.yml").read_text()).get("policies", [])]
    requirement = next((r for r in importlib.metadata.requires("rasa") or [] if r.startswith("jsonschema")), "?")
    workers = os.environ.get("SANIC_WORKERS")
    cost = jsonschema_call_ms()
    return [
        f"- **jsonschema (Rasa #11717).** Installed: jsonschema "
        f"{importlib.metadata.version('jsonschema')} (Rasa {importlib.metadata.version('rasa')} "
        f"requires `{requirement}`). #11717 reports Rasa 3.2/3.3 answering ~70–80 % slower than 3.1, "
        "fixed for the reporter by downgrading to jsonschema 3.2.0. In 3.6 jsonschema runs on the "
        "message path in `RemoteAction` (`rasa/core/actions/action.py`: `jsonschema.validate` of every "
        "action-server response, which first checks Rasa's own schema against the meta-schema, every "
        f"call): measured here {cost['rasa']:.1f} ms of CPU per call, {cost['no_check']:.1f} ms without "
        "that schema check. Our bot calls the action server at least once per message "
        "(`action_inspect_message` fills `language` as a custom slot mapping), more inside forms "
        "(validation, form, advice actions); the stock bot never does. Its share of our server's "
        "time is in the profile below when one was taken.",
        f"- **Policies.** Ours (`{project.name}/config.yml`): {', '.join(policies) or 'none'} — "
        f"{'has' if 'UnexpecTEDIntentPolicy' in policies else 'no'} `UnexpecTEDIntentPolicy`, "
        "none unused. The stock bot trains the recipe default, which includes UnexpecTEDIntentPolicy "
        "(an extra TF model run on every user turn).",
        f"- **Sanic workers.** `SANIC_WORKERS` is {workers or 'unset'}: one worker, one process, one "
        "event loop per Rasa server (Rasa refuses more with the in-memory lock store). Model "
        "inference runs on that loop, so concurrent conversations queue behind each other; more "
        "throughput means more processes behind a load balancer with the Redis lock store.",
    ]


def render(args, meta: Dict[str, object], stock: BotResult, ours: BotResult,
           profiles: List[str], shimmed: Optional[BotResult] = None) -> str:
    levels = sorted(ours.levels)
    lines = [
        "## Load",
        "",
        f"Made by `make bench-load` (`python bench/load.py {meta['args']}`) on {meta['when']}; "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, Rasa "
        f"{importlib.metadata.version('rasa')}. Each level ran {args.duration:.0f} s of closed-loop "
        f"virtual users over the REST channel on 127.0.0.1 (fresh sender per conversation, no think "
        f"time, {args.timeout:.0f} s request timeout). Ours: `{meta['model']}`, action server, SQLite "
        "tracker store in a temp file; scripts in `bench/conversations.py` (4 English + 4 Chinese "
        "conversations of 6 messages; 1 in 4 ends in a handoff). Stock: a `rasa init --no-prompt` "
        "bot, in-memory tracker store, its own 6-message scripts. Stock first, then ours, never both "
        "at once. Latency counts only answered messages; errors are non-200, timeouts, connection "
        "errors and empty replies.",
        "",
        ratio_table({l: ours.levels[l] for l in levels}, {l: stock.levels.get(l, {}) for l in levels}),
        "",
        table(["concurrent", "conversations done ours / stock", "handoffs (unexpected)",
               "peak RSS rasa ours / stock", "peak RSS actions", "load avg before ours / stock"],
              [[l, f"{ours.levels[l]['conversations']} / {stock.levels.get(l, {}).get('conversations', 'n/a')}",
                f"{ours.levels[l]['handoffs']} ({ours.levels[l]['unexpected_handoffs']})",
                f"{mib(ours.levels[l]['rss'])} / {mib(stock.levels.get(l, {}).get('rss'))}",
                mib(ours.levels[l]["actions_rss"]), f"{ours.load[l]} / {stock.load.get(l, 'n/a')}"]
               for l in levels]),
    ]
    errors = [f"{who} at {l}: {r['error_kinds']} — first: {r['first_error']}"
              for who, res in (("ours", ours), ("stock", stock)) for l, r in res.levels.items() if r["errors"]]
    if errors:
        lines += ["", "Errors: " + "; ".join(errors) + "."]
    problems = ours.script_problems + stock.script_problems
    lines += ["", "Script check before the load (every script walked once): "
              + ("; ".join(problems) if problems else "all scripts answered on every message, "
                 "handoffs exactly where scripted.")]

    lines += ["", "### Targets", ""]
    p95 = ratio(ours.levels.get(PROFILE_LEVEL, {}).get("p95_ms"), stock.levels.get(PROFILE_LEVEL, {}).get("p95_ms"))
    top = max(levels)
    rss = ours.peak_rss.get("rasa", 0)
    lines.append(table(["target", "measured", "met"], [
        [f"p95 at {PROFILE_LEVEL} concurrent ≤ {TARGET_P95_RATIO:.0f}× stock", fmt_ratio(p95),
         "yes" if p95 <= TARGET_P95_RATIO else "**no**"],
        [f"no errors at {top}", str(ours.levels[top]["errors"]),
         "yes" if ours.levels[top]["errors"] == 0 else "**no**"],
        ["peak RSS of one Rasa server < 1.5 GB", mib(rss), "yes" if rss < TARGET_RSS else "**no**"],
    ], "lrl"))

    lines += ["", "### Training time and model size", ""]
    rows = [["stock `rasa init --no-prompt` (copies the project, trains)", fmt(meta["stock_train"], 0),
             mib(meta["stock_size"])]]
    if meta.get("our_train") is not None:
        rows.append([f"ours, `rasa train` of `{meta['project']}` in this run", fmt(meta["our_train"], 0),
                     mib(meta["our_trained_size"])])
    rows.append([f"ours, the served `{meta['model']}`", "–", mib(meta["model_size"])])
    lines.append(table(["model", "seconds", "size"], rows, "lrr"))
    if meta.get("our_train") is not None:
        lines.append(f"\nOurs / stock: training {fmt_ratio(ratio(meta['our_train'], meta['stock_train']))}, "
                     f"size {fmt_ratio(ratio(meta['our_trained_size'], meta['stock_size']))}.")
    lines.append(f"\nServer start (until `/` answers): ours {ours.startup_seconds:.0f} s, "
                 f"stock {stock.startup_seconds:.0f} s.")

    lines += ["", "### Known costs checked", ""] + known_costs(meta["project_path"])
    if profiles:
        lines += ["", "### Where the time goes (py-spy)", ""] + profiles
    if shimmed:
        lines += ["", f"### Experiment: jsonschema without the per-call schema check ({PROFILE_LEVEL} concurrent)",
                  "", "Our servers restarted with a `sitecustomize` shim in the Rasa server only "
                  "(`JSONSCHEMA_SHIM` in `bench/load.py`): `jsonschema.validate` still validates every "
                  "action-server response, but no longer re-validates Rasa's constant schema against the "
                  "JSON-Schema meta-schema on each call. Not part of the product.", ""]
        rows = []
        for label, result in (("stock", stock), ("ours", ours), ("ours + shim", shimmed)):
            level = result.levels.get(PROFILE_LEVEL)
            if level:
                rows.append([label, fmt(level["msgs_per_s"], 1), fmt(level["p50_ms"]), fmt(level["p95_ms"]),
                             fmt_ratio(ratio(level["p95_ms"], stock.levels[PROFILE_LEVEL]["p95_ms"])),
                             level["errors"]])
        lines.append(table(["server", "msgs/s", "p50 ms", "p95 ms", "p95 / stock", "errors"], rows))
        if shimmed.script_problems:
            lines.append("\nScript check with the shim: " + "; ".join(shimmed.script_problems))
    return "\n".join(lines) + "\n"


def targets_missed(stock: BotResult, ours: BotResult) -> bool:
    p95 = ratio(ours.levels.get(PROFILE_LEVEL, {}).get("p95_ms"), stock.levels.get(PROFILE_LEVEL, {}).get("p95_ms"))
    top = max(ours.levels)
    return (not p95 <= TARGET_P95_RATIO or ours.levels[top]["errors"] > 0
            or ours.peak_rss.get("rasa", 0) >= TARGET_RSS)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=pathlib.Path, default=ROOT)
    parser.add_argument("--model", type=pathlib.Path,
                        help="our model (default: PROJECT/models/borrower-help.tar.gz)")
    parser.add_argument("--levels", default=os.environ.get("BENCH_LEVELS", "1,10,50"),
                        help="concurrent conversations, comma separated (env BENCH_LEVELS)")
    parser.add_argument("--duration", type=float, default=float(os.environ.get("BENCH_DURATION", 30)),
                        help="seconds per level (env BENCH_DURATION)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per request")
    parser.add_argument("--no-train", action="store_true", help="skip timing `rasa train` of our project")
    parser.add_argument("--profile", choices=("auto", "always", "never"), default="auto",
                        help="py-spy our servers at 10 concurrent: when a target is missed (auto)")
    parser.add_argument("--profile-seconds", type=float, default=20)
    parser.add_argument("--report", type=pathlib.Path, default=REPORT)
    args = parser.parse_args(argv)
    levels = sorted(int(n) for n in args.levels.split(","))
    project = args.project.resolve()
    model = (args.model or project / "models" / "borrower-help.tar.gz").resolve()
    if not model.exists():
        print(f"no model at {model}: run `make train` first", file=sys.stderr)
        return 1
    # SIGTERM (e.g. from make or a CI timeout) unwinds like Ctrl-C, so the finally below runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # A session key of our own, so the socket.io channel does not create var/session-key.
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
           "SESSION_KEY": os.environ.get("SESSION_KEY") or secrets.token_hex(32)}
    work = pathlib.Path(tempfile.mkdtemp(prefix="bench-load-"))
    memory = PeakMemory()
    memory.start()
    rel = lambda p: str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)  # noqa: E731
    meta = {"args": " ".join(argv if argv is not None else sys.argv[1:]),
            "when": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "model": rel(model),
            "project": rel(project) if project != ROOT else ".", "project_path": project,
            "model_size": model.stat().st_size}
    try:
        print("stock bot: rasa init --no-prompt (trains its model)...", flush=True)
        stock_dir = work / "stock"
        stock_dir.mkdir()
        meta["stock_train"] = timed("rasa init", [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir",
                                                  str(stock_dir)], work, env, work / "stock-init.log", 900)
        meta["stock_size"] = next((stock_dir / "models").glob("*.tar.gz")).stat().st_size
        if not args.no_train:
            print("ours: rasa train (timed)...", flush=True)
            meta["our_train"] = timed("rasa train", [
                str(BIN / "rasa"), "train", "--domain", "domain", "--out", str(work / "trained"),
                "--fixed-model-name", "borrower-help"], project,
                # An empty cache: otherwise Rasa reuses trained components and
                # the figure is the time of a no-op.
                {**env, "PYTHONPATH": str(project), "RASA_CACHE_DIRECTORY": str(work / "train-cache")},
                work / "train.log", 1800)
            meta["our_trained_size"] = (work / "trained" / "borrower-help.tar.gz").stat().st_size

        print("stock bot under load...", flush=True)
        url, server, helpers = start_stock(stock_dir, work, env)
        stock = bench_bot("stock", url, server, helpers, STOCK, levels, args.duration, args.timeout, memory)
        server.stop()

        print("ours under load...", flush=True)
        url, server, helpers = start_ours(project, model, work, env)
        ours = bench_bot("ours", url, server, helpers, OURS, levels, args.duration, args.timeout, memory)
        profiles: List[str] = []
        shimmed: Optional[BotResult] = None
        dig = args.profile == "always" or (args.profile == "auto" and targets_missed(stock, ours))
        if dig:
            profiles = profile.profile_under_load(
                {"Rasa server": server.pid, "action server": helpers[0].pid}, work,
                lambda: asyncio.run(run_level(url, OURS, PROFILE_LEVEL, args.profile_seconds, args.timeout)),
                args.profile_seconds, PROFILE_LEVEL)
        for s in [server] + helpers:
            s.stop()
        if dig:
            print("ours again, with the jsonschema experiment...", flush=True)
            url, server, helpers = start_ours(project, model, work, env, shim=True)
            shimmed = bench_bot("shim", url, server, helpers, OURS, [PROFILE_LEVEL], args.duration,
                                args.timeout, memory)
            for s in [server] + helpers:
                s.stop()
    finally:
        memory.stop()
        Server.stop_all()

    body = render(args, meta, stock, ours, profiles, shimmed)
    print(body)
    write_section(args.report, "bench-load", body)
    print(f"written to {args.report}; logs in {work}")
    shutil.rmtree(work / "stock", ignore_errors=True)  # models are big; logs stay
    shutil.rmtree(work / "trained", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
