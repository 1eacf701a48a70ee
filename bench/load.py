"""Speed and cost of our assistant next to a stock `rasa init` bot (`make bench-load`).

In one run, on loopback only:
  1. creates a stock bot with `rasa init --no-prompt` in a temp dir (it trains
     its own model; timed) and, unless --no-train, times `rasa train` of our
     project with an empty Rasa cache;
  2. starts the stock bot (`rasa run`, in-memory tracker store; not ours),
     drives its scripted conversations at each concurrency level for a
     bounded time, stops it;
  3. starts our default shape through the launcher (throwaway.start: action
     server + Rasa server on a throw-away SQLite database) and does the same
     with our scripts, English and Chinese;
  4. unless told not to (or PostgreSQL/RabbitMQ/nginx are missing), starts
     the production shape through the launcher (start_production) with 1 and
     with 2 Rasa servers behind nginx, each on a database and queue of its
     own, --repeat times, under 30 concurrent conversations;
  5. where a target is missed, attaches py-spy (if found) to the launcher's
     processes by pid under load and says where the time goes;
  6. prints the tables and rewrites the "Load" section of docs/benchmarks.md.
A virtual user loops: fresh random sender, one scripted conversation, each
message awaiting its reply (closed loop, no think time).
"""
import argparse
import asyncio
import collections
import dataclasses
import datetime
import importlib.metadata
import json
import math
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
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import production, profile  # noqa: E402
from bench.conversations import OURS, STOCK, Conversation  # noqa: E402
from bench.procs import BIN, CpuMeter, PeakMemory, Server, pids_whose_command_has  # noqa: E402
from bench.report import (  # noqa: E402
    capacity_plan,
    fmt,
    fmt_ratio,
    fmt_spread,
    mib,
    ratio,
    ratio_table,
    spread,
    summarise,
    table,
    write_section,
)

REPORT = ROOT / "docs" / "benchmarks.md"
MODEL = ROOT / "models" / "borrower-help.tar.gz"

# Targets (issue 13). Ratios are ours / stock of the same run.
SMALL, LARGE = 10, 50                 # concurrent conversations
TARGET_THROUGHPUT_SMALL = 1.0         # msgs/s at SMALL >= this x stock
TARGET_P95_SMALL = 1.0                # p95 at SMALL <= this x stock
TARGET_P95_LARGE = 1.5                # p95 at LARGE <= this x stock, and no errors
TARGET_RSS = 1.2e9                    # bytes: peak RSS of one Rasa server (1.2 GB = 1144 MiB)
TARGET_TRAIN_SECONDS = 124            # `rasa train` with an empty Rasa cache
TARGET_SCALING = 1.6                  # production: msgs/s with 2 Rasa servers / with 1 (median of the repeats)
PRODUCTION_USERS = 30
PROFILE_LEVEL = SMALL

# Capacity plan: what a real conversation sends, and how busy a pod may be.
SECONDS_PER_REAL_MESSAGE = 20
POD_UTILISATION = 0.6
PLAN_CONVERSATIONS = (100, 1_000, 10_000)


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



# --- the servers ---------------------------------------------------------------

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
    """The stock `rasa init` bot is not ours: started with `rasa run` as Rasa
    documents it, in its own session."""
    port = production.free_port()
    [model] = sorted((stock_dir / "models").glob("*.tar.gz"))
    server = Server("stock rasa server", [
        str(BIN / "rasa"), "run", "--model", str(model), "--interface", "127.0.0.1",
        "--port", str(port), "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"],
        stock_dir, env, work / "stock-rasa.log")
    url = f"http://127.0.0.1:{port}"
    return url, server, server.wait_until_up(f"{url}/")


def start_ours(work: pathlib.Path, model: pathlib.Path):
    """Our default shape, by the launcher: action server + Rasa server on free
    ports, a throw-away SQLite database and var/, per-client limits lifted."""
    from borrower_help.launcher import throwaway

    started = time.monotonic()
    running = throwaway.start(work, ("actions", "rasa"), relaxed=True, model=model)
    return running, time.monotonic() - started


def launcher_pids(supervisor) -> Dict[str, int]:
    """The Supervisor's process names (actions, rasa-PORT, nginx, redis) -> pid."""
    return {name: process.pid for name, process in supervisor.processes.items()}


def kind(name: str) -> str:
    """A launcher process name as a kind of process."""
    if name.startswith("rasa"):
        return "Rasa server"
    return {"actions": "action server", "nginx": "nginx", "redis": "Redis (private)",
            "console": "console"}.get(name, name)


@dataclass
class BotResult:
    levels: Dict[int, Dict[str, object]] = field(default_factory=dict)
    startup_seconds: float = 0.0
    script_problems: List[str] = field(default_factory=list)
    peak_rss: Dict[str, int] = field(default_factory=dict)
    load: Dict[int, str] = field(default_factory=dict)


def bench_bot(label: str, url: str, pids: Dict[str, int], scripts, levels, seconds: float, timeout: float,
              memory: PeakMemory, startup_seconds: float) -> BotResult:
    """`pids`: "rasa" and, for ours, "actions" -> pid. Memory and CPU are
    read per process (and descendants) from /proc."""
    result = BotResult(startup_seconds=startup_seconds)
    for what, pid in pids.items():
        memory.watch(f"{label} {what}", pid)
    result.script_problems = asyncio.run(check_scripts(url, scripts, timeout))
    for users in levels:
        memory.reset_window()
        result.load[users] = loadavg()
        print(f"  {label}: {users} concurrent conversations for {seconds:.0f}s "
              f"(load average before: {result.load[users]})", flush=True)
        meter = CpuMeter(pids).start()
        level = asyncio.run(run_level(url, scripts, users, seconds, timeout))
        level["cpu"] = meter.stop()
        level["rss"] = {what: memory.window_peak(f"{label} {what}") for what in pids}
        result.levels[users] = level
        print(f"    {level['messages']} msgs, {level['msgs_per_s']:.1f}/s, p95 {level['p95_ms']:.0f} ms, "
              f"errors {level['errors']} {level['error_kinds'] or ''}, CPU "
              + ", ".join(f"{w} {c['cpu_pct']:.0f}%" for w, c in level["cpu"].items()), flush=True)
    memory.sample()
    result.peak_rss = {what: memory.peak.get(f"{label} {what}", 0) for what in pids}
    memory.unwatch(f"{label} {what}" for what in pids)
    return result


# --- the production shape ------------------------------------------------------------

def run_production(work: pathlib.Path, model: pathlib.Path, repeat: int, instances: int, users: int,
                   seconds: float, timeout: float, memory: PeakMemory) -> Dict[str, object]:
    """One start of the production shape with `instances` Rasa servers behind
    nginx, on a database and queue of its own; `users` closed-loop
    conversations through nginx for `seconds`; CPU of each process over the
    run from /proc/<pid>/stat; removed afterwards."""
    tag = f"prod-{repeat}-x{instances}"
    print(f"  production shape, run {repeat}, {instances} Rasa server(s): starting...", flush=True)
    started = time.monotonic()
    running = production.start(work / tag, instances, model)
    result: Dict[str, object] = {"repeat": repeat, "instances": instances,
                                 "startup_seconds": time.monotonic() - started}
    try:
        pids = launcher_pids(running.supervisor)
        for name, pid in pids.items():
            memory.watch(f"{tag} {name}", pid)
        result["script_problems"] = asyncio.run(check_scripts(running.url, OURS, timeout))
        # Each Rasa server answers some messages before the clock starts (round robin).
        asyncio.run(run_level(running.url, OURS, instances * 2, 3, timeout))
        result["load"] = loadavg()
        memory.reset_window()
        # The run's own database: its backends (open in the servers' connection pools) by pid.
        backends = {f"postgres {pid}": pid for pid in pids_whose_command_has(f" {running.database} ")}
        meter = CpuMeter({**pids, **backends, "load generator": os.getpid()}).start()
        level = asyncio.run(run_level(running.url, OURS, users, seconds, timeout))
        level["cpu"] = meter.stop()
        memory.sample()
        level["rss"] = {name: memory.window_peak(f"{tag} {name}") or 0 for name in pids}
        level["rasa_names"] = running.rasa_names()
        result.update(level)
        shown = {n: c["cpu_pct"] for n, c in level["cpu"].items() if not n.startswith("postgres ")}
        shown["PostgreSQL"] = postgres_cpu(level["cpu"], "cpu_pct")
        print(f"    {level['messages']} msgs, {level['msgs_per_s']:.1f}/s, p95 {level['p95_ms']:.0f} ms, "
              f"errors {level['errors']} {level['error_kinds'] or ''}, CPU "
              + ", ".join(f"{n} {c:.0f}%" for n, c in shown.items()), flush=True)
    finally:
        memory.unwatch(f"{tag} {name}" for name in running.pids())
        result["cleanup_problems"] = running.stop()
    return result


def profile_production(work: pathlib.Path, model: pathlib.Path, users: int, seconds: float,
                       timeout: float) -> List[str]:
    """py-spy on every Rasa server and the action server of a 2-server
    production shape under `users` conversations through nginx."""
    running = production.start(work / "prod-profile", 2, model)
    try:
        asyncio.run(check_scripts(running.url, OURS, timeout))
        pids = launcher_pids(running.supervisor)
        wanted = {f"Rasa server {name}": pids[name] for name in running.rasa_names()}
        wanted["action server"] = pids["actions"]
        return profile.profile_under_load(
            wanted, work, lambda: asyncio.run(run_level(running.url, OURS, users, seconds, timeout)),
            seconds, users)
    finally:
        running.stop()


def postgres_cpu(cpu: Dict[str, Dict[str, float]], key: str = "cpu_s") -> float:
    """The run's PostgreSQL backends together (NaN when none was seen)."""
    values = [c[key] for n, c in cpu.items() if n.startswith("postgres ")]
    return sum(values) if values else float("nan")


def production_summary(runs: List[Dict[str, object]]) -> Dict[str, object]:
    """Across the runs of the production shape: the 2-vs-1 throughput ratio
    of each repeat (its own 1-server run as the base), figures per Rasa
    server and per core, errors, peak RSS per process kind."""
    by_repeat: Dict[int, Dict[int, Dict[str, object]]] = {}
    for run in runs:
        by_repeat.setdefault(run["repeat"], {})[run["instances"]] = run
    ratios = [ratio(r[2]["msgs_per_s"], r[1]["msgs_per_s"]) for _, r in sorted(by_repeat.items())
              if 1 in r and 2 in r]

    def cpu(run, names) -> float:
        return sum(run["cpu"][n]["cpu_s"] for n in names if n in run["cpu"])

    per_server = {n: spread([r["msgs_per_s"] / n for r in runs if r["instances"] == n]) for n in (1, 2)}
    rasa_core = spread([ratio(r["messages"], cpu(r, r["rasa_names"])) for r in runs])
    action_core = spread([ratio(r["messages"], cpu(r, ["actions"])) for r in runs])
    ours = lambda r: [n for n in r["cpu"] if n != "load generator" and not n.startswith("postgres ")]  # noqa: E731
    shape_core = spread([ratio(r["messages"], cpu(r, ours(r))) for r in runs])
    db_core = spread([ratio(r["messages"], postgres_cpu(r["cpu"])) for r in runs])
    peak: Dict[str, int] = {}
    for run in runs:
        for name, value in run["rss"].items():
            peak[kind(name)] = max(peak.get(kind(name), 0), value or 0)
    return {"ratios": ratios, "ratio": spread(ratios), "errors": sum(r["errors"] for r in runs),
            "per_server": per_server, "per_rasa_core": rasa_core, "per_action_core": action_core,
            "per_shape_core": shape_core, "per_db_core": db_core, "peak_rss": peak}


# --- targets --------------------------------------------------------------------

def evaluate_targets(ours: Dict[int, Dict[str, object]], stock: Dict[int, Dict[str, object]],
                     rasa_peak: Optional[int], train_seconds: Optional[float],
                     prod: Optional[Dict[str, object]]) -> List[Tuple[str, str, str, Optional[bool]]]:
    """(group, target, measured, met); met None when not measured in this run."""
    def level_ratio(level: int, key: str) -> float:
        return ratio(ours.get(level, {}).get(key), stock.get(level, {}).get(key))

    def check(value: float, ok) -> Optional[bool]:
        return None if value is None or (isinstance(value, float) and math.isnan(value)) else bool(ok(value))

    throughput, p95_small, p95_large = (level_ratio(SMALL, "msgs_per_s"), level_ratio(SMALL, "p95_ms"),
                                        level_ratio(LARGE, "p95_ms"))
    errors = ours.get(LARGE, {}).get("errors")
    rows = [
        ("default", f"throughput at {SMALL} concurrent ≥ {TARGET_THROUGHPUT_SMALL:.1f}× stock",
         fmt_ratio(throughput), check(throughput, lambda v: v >= TARGET_THROUGHPUT_SMALL)),
        ("default", f"p95 at {SMALL} concurrent ≤ {TARGET_P95_SMALL:.1f}× stock", fmt_ratio(p95_small),
         check(p95_small, lambda v: v <= TARGET_P95_SMALL)),
        ("default", f"p95 at {LARGE} concurrent ≤ {TARGET_P95_LARGE:.1f}× stock", fmt_ratio(p95_large),
         check(p95_large, lambda v: v <= TARGET_P95_LARGE)),
        ("default", f"errors at {LARGE} concurrent = 0", fmt(errors), check(errors, lambda v: v == 0)),
        ("default", f"peak RSS of one Rasa server ≤ 1.2 GB ({mib(TARGET_RSS)}), "
         "every Rasa server of the run", mib(rasa_peak),
         check(rasa_peak or None, lambda v: v <= TARGET_RSS)),
        ("train", f"`rasa train`, empty Rasa cache ≤ {TARGET_TRAIN_SECONDS} s",
         "not timed (--no-train)" if train_seconds is None else f"{train_seconds:.0f} s",
         check(train_seconds, lambda v: v <= TARGET_TRAIN_SECONDS)),
    ]
    if prod is not None:
        median = prod["ratio"]["median"] if prod["ratio"]["n"] else None
        rows += [
            ("production", f"production, {PRODUCTION_USERS} concurrent: msgs/s with 2 Rasa servers ≥ "
             f"{TARGET_SCALING:.1f}× with 1 (median)", fmt_spread(prod["ratio"]),
             check(median, lambda v: v >= TARGET_SCALING)),
            ("production", "production: errors = 0", fmt(prod["errors"]), check(prod["errors"], lambda v: v == 0)),
        ]
    return rows


def missed(rows, group: str) -> bool:
    return any(met is False for g, _, _, met in rows if g == group)


# --- report ---------------------------------------------------------------------

def known_costs() -> List[str]:
    import yaml

    policies = [p["name"] for p in yaml.safe_load((ROOT / "config.yml").read_text()).get("policies", [])]
    workers = os.environ.get("SANIC_WORKERS")
    return [
        "- **Action-server responses.** Rasa 3.6 checks each with `jsonschema.validate()`, which "
        "re-checks Rasa's own schema against the meta-schema on every call (19 ms of CPU per call, "
        "Rasa #11717); our Rasa server validates with one compiled validator instead "
        "(`rasa_extensions/action_validation.py`, installed by `rasa_extensions/patches.py`). Our bot "
        "calls the action server inside its flows (forms, validation, advice), the stock bot never; "
        "the action server's CPU is in the tables above.",
        f"- **Policies.** Ours (`config.yml`): {', '.join(policies) or 'none'} — "
        f"{'has' if 'UnexpecTEDIntentPolicy' in policies else 'no'} `UnexpecTEDIntentPolicy`. "
        "The stock bot trains the recipe default, which includes UnexpecTEDIntentPolicy "
        "(an extra TF model run on every user turn).",
        f"- **Sanic workers.** `SANIC_WORKERS` is {workers or 'unset'}: one process, one event loop "
        "per Rasa server. Model inference runs on that loop, so concurrent conversations queue "
        "behind each other; more throughput means more Rasa servers behind nginx (the production "
        "shape: shared tracker store, Redis lock store).",
    ]


def cpu_cell(cpu: Dict[str, Dict[str, float]], names: Sequence[str]) -> str:
    return " + ".join(f"{cpu[n]['cpu_pct']:.0f}%" for n in names if n in cpu) or "n/a"


def render_production(runs: List[Dict[str, object]], prod: Dict[str, object], args) -> List[str]:
    lines = [
        f"The production shape as `make run-prod` starts it (launcher `start_production` with "
        f"`production_settings`): nginx in front, 1 or 2 Rasa servers, the action server, "
        f"PostgreSQL tracker store, private Redis lock store, RabbitMQ event broker; no console, "
        f"demo page or worker. {PRODUCTION_USERS} closed-loop conversations through nginx for "
        f"{args.duration:.0f} s per run. Each run on a PostgreSQL database and RabbitMQ queue of its own "
        f"(dropped and deleted afterwards), per-client limits lifted (every virtual user is 127.0.0.1). "
        f"{args.repeat} repeats; within a repeat the 1- and 2-server runs alternate which goes first. "
        "CPU% is of one core, from /proc/<pid>/stat over the run (the machine has "
        f"{os.cpu_count()} cores, shared with PostgreSQL, RabbitMQ and the load generator); PostgreSQL "
        "is the run's own database's backends open when the run started (RabbitMQ serves every queue "
        "on the machine and is not counted).",
        "",
        table(["repeat", "Rasa servers", "msgs/s", "msgs/s per Rasa server", "p50 ms", "p95 ms", "errors",
               "CPU% each Rasa server", "CPU% actions", "CPU% nginx", "CPU% PostgreSQL", "CPU% load generator",
               "msgs per Rasa CPU-s", "load avg before"],
              [[r["repeat"], r["instances"], fmt(r["msgs_per_s"], 1), fmt(r["msgs_per_s"] / r["instances"], 1),
                fmt(r["p50_ms"]), fmt(r["p95_ms"]), r["errors"], cpu_cell(r["cpu"], r["rasa_names"]),
                cpu_cell(r["cpu"], ["actions"]), cpu_cell(r["cpu"], ["nginx"]),
                fmt(postgres_cpu(r["cpu"], "cpu_pct"), 0) + "%", cpu_cell(r["cpu"], ["load generator"]),
                fmt(ratio(r["messages"], sum(r["cpu"][n]["cpu_s"] for n in r["rasa_names"] if n in r["cpu"])), 1),
                r["load"]] for r in runs]),
        "",
        "2 vs 1 Rasa servers, throughput ratio per repeat: "
        + (", ".join(fmt_ratio(x) for x in prod["ratios"]) or "n/a")
        + f"; min / median / max: {fmt_spread(prod['ratio'])}.",
    ]
    problems = [f"run {r['repeat']} ×{r['instances']}: " + "; ".join(r["script_problems"])
                for r in runs if r.get("script_problems")]
    errors = [f"run {r['repeat']} ×{r['instances']}: {r['error_kinds']} — first: {r['first_error']}"
              for r in runs if r["errors"]]
    cleanup = [p for r in runs for p in r.get("cleanup_problems", [])]
    if problems:
        lines += ["", "Script check through nginx: " + " | ".join(problems)]
    if errors:
        lines += ["", "Errors: " + "; ".join(errors) + "."]
    if cleanup:
        lines += ["", "Not cleaned up: " + "; ".join(cleanup) + "."]
    return lines


def render_capacity(ours: BotResult, prod: Optional[Dict[str, object]]) -> List[str]:
    lines = []
    if prod is not None and prod["per_rasa_core"]["n"]:
        rasa_core, action_core = prod["per_rasa_core"]["median"], prod["per_action_core"]["median"]
        peak = dict(prod["peak_rss"])
        source = (f"the production runs above (medians over {prod['per_rasa_core']['n']} runs): one Rasa server "
                  f"alone answered {fmt(prod['per_server'][1]['median'], 1)} msgs/s, each of two "
                  f"{fmt(prod['per_server'][2]['median'], 1)} msgs/s on this {os.cpu_count()}-core machine")
        rows = [
            ["msgs/s per Rasa server, 1 server (min–max)", fmt_spread(prod["per_server"][1], 1, "")],
            ["msgs/s per Rasa server, 2 servers (min–max)", fmt_spread(prod["per_server"][2], 1, "")],
            ["messages per CPU-second of a Rasa server", fmt_spread(prod["per_rasa_core"], 1, "")],
            ["messages per CPU-second of the action server", fmt_spread(prod["per_action_core"], 1, "")],
            ["messages per CPU-second of our processes (Rasa, actions, nginx, Redis)",
             fmt_spread(prod["per_shape_core"], 1, "")],
            ["messages per CPU-second of PostgreSQL (the run's backends)", fmt_spread(prod["per_db_core"], 1, "")],
        ]
        db_core = prod["per_db_core"]["median"]
    else:
        top = max(ours.levels)
        level = ours.levels[top]
        rasa_core = ratio(level["messages"], level["cpu"].get("rasa", {}).get("cpu_s"))
        action_core = ratio(level["messages"], level["cpu"].get("actions", {}).get("cpu_s"))
        peak = {"Rasa server": ours.peak_rss.get("rasa", 0), "action server": ours.peak_rss.get("actions", 0)}
        source = f"the default shape at {top} concurrent conversations (the production shape did not run)"
        db_core = float("nan")
        rows = [["msgs/s of the Rasa server", fmt(level["msgs_per_s"], 1)],
                ["messages per CPU-second of the Rasa server", fmt(rasa_core, 1)],
                ["messages per CPU-second of the action server", fmt(action_core, 1)]]
    peak["Rasa server"] = max(peak.get("Rasa server", 0), ours.peak_rss.get("rasa", 0))
    peak["action server"] = max(peak.get("action server", 0), ours.peak_rss.get("actions", 0))
    rows += [[f"peak RSS, {name}", mib(value)] for name, value in sorted(peak.items())]
    rows.append(["peak RSS, console", "not measured by this bench"])
    lines += [f"From {source}.", "", table(["figure", "value"], rows, "lr"), ""]
    plans = [(n, capacity_plan(n, SECONDS_PER_REAL_MESSAGE, rasa_core, action_core, peak["Rasa server"],
                               peak["action server"], POD_UTILISATION, msgs_per_db_core_s=db_core))
             for n in PLAN_CONVERSATIONS]
    lines += [
        f"Plan, assuming a real conversation sends one message every ~{SECONDS_PER_REAL_MESSAGE} s "
        f"(a closed-loop virtual user above sends one as soon as it is answered: it is one very active "
        f"conversation, worth tens of real ones), pods of one core each (one event loop per server) "
        f"kept at {POD_UTILISATION:.0%} of their core for latency headroom, at least 2 of each kind; "
        "PostgreSQL cores at the same utilisation; Redis, RabbitMQ and nginx not counted (a few % of a "
        "core here); memory is pods × peak RSS of their kind:",
        "",
        table(["concurrent conversations", "msgs/s", "Rasa pods", "action-server pods", "PostgreSQL cores",
               "cores", "memory (peak RSS)"],
              [[f"{n:,}", fmt(p["msgs_per_s"], 0), fmt(p["rasa_pods"]), fmt(p["action_pods"]), fmt(p["db_cores"]),
                fmt(p["cores"]), "n/a" if isinstance(p["memory"], float) else f"{p['memory'] / 2**30:.1f} GiB"]
               for n, p in plans]),
    ]
    return lines


def render(args, meta: Dict[str, object], stock: BotResult, ours: BotResult, rows, runs: List[Dict[str, object]],
           prod: Optional[Dict[str, object]], production_note: str, profiles: List[str]) -> str:
    levels = sorted(ours.levels)
    lines = [
        "## Load",
        "",
        f"Made by `make bench-load` (`python bench/load.py {meta['args']}`) on {meta['when']}; "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, Rasa "
        f"{importlib.metadata.version('rasa')}. Each level ran {args.duration:.0f} s of closed-loop "
        f"virtual users over the REST channel on 127.0.0.1 (fresh sender per conversation, no think "
        f"time, {args.timeout:.0f} s request timeout). Ours: the default shape started by the launcher "
        f"(`borrower_help/launcher/throwaway.py`: action server + Rasa server, `{meta['model']}`, "
        "a throw-away SQLite database, per-client limits lifted); scripts in `bench/conversations.py` "
        "(4 English + 4 Chinese conversations of 6 messages; 1 in 4 ends in a handoff). Stock: a "
        "`rasa init --no-prompt` bot (`rasa run`), in-memory tracker store, its own 6-message scripts. "
        "Stock first, then ours, never both at once. Latency counts only answered messages; errors are "
        "non-200, timeouts, connection errors and empty replies. Memory is the RSS of a process and "
        "its descendants; CPU% is of one core.",
        "",
        ratio_table({l: ours.levels[l] for l in levels}, {l: stock.levels.get(l, {}) for l in levels}),
        "",
        table(["concurrent", "conversations done ours / stock", "handoffs (unexpected)",
               "peak RSS rasa ours / stock", "peak RSS actions", "CPU% rasa ours / stock", "CPU% actions",
               "load avg before ours / stock"],
              [[l, f"{ours.levels[l]['conversations']} / {stock.levels.get(l, {}).get('conversations', 'n/a')}",
                f"{ours.levels[l]['handoffs']} ({ours.levels[l]['unexpected_handoffs']})",
                f"{mib(ours.levels[l]['rss'].get('rasa'))} / {mib(stock.levels.get(l, {}).get('rss', {}).get('rasa'))}",
                mib(ours.levels[l]["rss"].get("actions")),
                f"{cpu_cell(ours.levels[l]['cpu'], ['rasa'])} / {cpu_cell(stock.levels.get(l, {}).get('cpu', {}), ['rasa'])}",
                cpu_cell(ours.levels[l]["cpu"], ["actions"]), f"{ours.load[l]} / {stock.load.get(l, 'n/a')}"]
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

    lines += ["", "### Targets", "",
              table(["target", "measured", "met"],
                    [[t, m, "n/a" if met is None else ("yes" if met else "**no**")] for _, t, m, met in rows],
                    "lrl")]

    lines += ["", "### Production shape: 1 vs 2 Rasa servers behind nginx", ""]
    lines += render_production(runs, prod, args) if runs else [production_note]

    lines += ["", "### Capacity plan figures", ""] + render_capacity(ours, prod)

    lines += ["", "### Training time and model size", ""]
    rows_train = [["stock `rasa init --no-prompt` (copies the project, trains)", fmt(meta["stock_train"], 0),
                   mib(meta["stock_size"])]]
    if meta.get("our_train") is not None:
        rows_train.append(["ours, `rasa train` in this run (empty Rasa cache)", fmt(meta["our_train"], 0),
                           mib(meta["our_trained_size"])])
    rows_train.append([f"ours, the served `{meta['model']}`", "–", mib(meta["model_size"])])
    lines.append(table(["model", "seconds", "size"], rows_train, "lrr"))
    if meta.get("our_train") is not None:
        lines.append(f"\nOurs / stock: training {fmt_ratio(ratio(meta['our_train'], meta['stock_train']))}, "
                     f"size {fmt_ratio(ratio(meta['our_trained_size'], meta['stock_size']))}.")
    lines.append(f"\nServer start: ours {ours.startup_seconds:.0f} s (launcher: migrations, action server, "
                 f"Rasa server until `/` answers), stock {stock.startup_seconds:.0f} s (until `/` answers).")

    lines += ["", "### Known costs checked", ""] + known_costs()
    if profiles:
        lines += ["", "### Where the time goes (py-spy)", ""] + profiles
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=pathlib.Path, default=MODEL, help="our model (default: %(default)s)")
    parser.add_argument("--levels", default=os.environ.get("BENCH_LEVELS", "1,10,50"),
                        help="concurrent conversations, comma separated (env BENCH_LEVELS)")
    parser.add_argument("--duration", type=float, default=float(os.environ.get("BENCH_DURATION", 30)),
                        help="seconds per level and per production run (env BENCH_DURATION)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per request")
    parser.add_argument("--no-train", action="store_true", help="skip timing `rasa train` of our project")
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument("--production", dest="production", action="store_const", const="always",
                       help="run the production shape (1 vs 2 Rasa servers); fail when its services are missing")
    shape.add_argument("--no-production", dest="production", action="store_const", const="never",
                       help="skip the production shape")
    parser.set_defaults(production="auto")
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", 3)),
                        help="production runs of each size (env BENCH_REPEAT)")
    parser.add_argument("--profile", choices=("auto", "always", "never"), default="auto",
                        help="py-spy the launcher's processes under load: when a target is missed (auto)")
    parser.add_argument("--profile-seconds", type=float, default=20)
    parser.add_argument("--report", type=pathlib.Path, default=REPORT)
    args = parser.parse_args(argv)
    levels = sorted(int(n) for n in args.levels.split(","))
    model = args.model.resolve()
    if not model.exists():
        print(f"no model at {model}: run `make train` first", file=sys.stderr)
        return 1
    reason = None if args.production == "never" else production.unavailable()
    if args.production == "always" and reason:
        print(f"--production: {reason}", file=sys.stderr)
        return 1
    run_prod = args.production != "never" and reason is None
    production_note = ("Skipped (--no-production)." if args.production == "never"
                       else f"Skipped: {reason}." if reason else "")
    # SIGTERM (e.g. from make or a CI timeout) unwinds like Ctrl-C, so the finally below runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    work = pathlib.Path(tempfile.mkdtemp(prefix="bench-load-"))
    memory = PeakMemory()
    memory.start()
    rel = lambda p: str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)  # noqa: E731
    meta = {"args": " ".join(argv if argv is not None else sys.argv[1:]),
            "when": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "model": rel(model),
            "model_size": model.stat().st_size}
    running = None
    profiles: List[str] = []
    runs: List[Dict[str, object]] = []
    prod = None
    try:
        print("stock bot: rasa init --no-prompt (trains its model)...", flush=True)
        stock_dir = work / "stock"
        stock_dir.mkdir()
        meta["stock_train"] = timed("rasa init", [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir",
                                                  str(stock_dir)], work, env, work / "stock-init.log", 900)
        meta["stock_size"] = next((stock_dir / "models").glob("*.tar.gz")).stat().st_size
        if not args.no_train:
            print("ours: rasa train (timed, empty Rasa cache)...", flush=True)
            meta["our_train"] = timed("rasa train", [
                str(BIN / "rasa"), "train", "--domain", "domain", "--out", str(work / "trained"),
                "--fixed-model-name", "borrower-help"], ROOT,
                # An empty cache: otherwise Rasa reuses trained components and
                # the figure is the time of a no-op.
                {**env, "PYTHONPATH": str(ROOT), "RASA_CACHE_DIRECTORY": str(work / "train-cache")},
                work / "train.log", 1800)
            meta["our_trained_size"] = (work / "trained" / "borrower-help.tar.gz").stat().st_size

        print("stock bot under load...", flush=True)
        url, server, startup = start_stock(stock_dir, work, env)
        stock = bench_bot("stock", url, {"rasa": server.pid}, STOCK, levels, args.duration, args.timeout,
                          memory, startup)
        server.stop()

        print("ours (default shape, by the launcher) under load...", flush=True)
        running, startup = start_ours(work / "default", model)
        pids = launcher_pids(running.supervisor)
        ours_pids = {"rasa": pids[f"rasa-{running.settings.rasa_port}"], "actions": pids["actions"]}
        ours = bench_bot("ours", running.url, ours_pids, OURS, levels, args.duration, args.timeout, memory,
                         startup)
        rows = evaluate_targets(ours.levels, stock.levels, ours.peak_rss.get("rasa"), meta.get("our_train"), None)
        if args.profile == "always" or (args.profile == "auto" and missed(rows, "default")):
            profiles += [f"**Default shape**, {PROFILE_LEVEL} concurrent conversations:", ""]
            profiles += profile.profile_under_load(
                {"Rasa server": ours_pids["rasa"], "action server": ours_pids["actions"]}, work,
                lambda: asyncio.run(run_level(running.url, OURS, PROFILE_LEVEL, args.profile_seconds,
                                              args.timeout)),
                args.profile_seconds, PROFILE_LEVEL)
        running.stop()
        running = None

        if run_prod:
            print(f"production shape: 1 vs 2 Rasa servers, {PRODUCTION_USERS} concurrent, "
                  f"{args.repeat} repeats...", flush=True)
            for repeat in range(1, args.repeat + 1):
                for instances in ((1, 2) if repeat % 2 else (2, 1)):
                    runs.append(run_production(work, model, repeat, instances, PRODUCTION_USERS, args.duration,
                                               args.timeout, memory))
            prod = production_summary(runs)
            rasa_peak = max(ours.peak_rss.get("rasa", 0), prod["peak_rss"].get("Rasa server", 0))
            rows = evaluate_targets(ours.levels, stock.levels, rasa_peak, meta.get("our_train"), prod)
            if args.profile == "always" or (args.profile == "auto" and missed(rows, "production")):
                profiles += [f"**Production shape, 2 Rasa servers behind nginx**, {PRODUCTION_USERS} "
                             "concurrent conversations:", ""]
                profiles += profile_production(work, model, PRODUCTION_USERS, args.profile_seconds, args.timeout)
    finally:
        if running is not None:
            running.stop()
        memory.stop()
        Server.stop_all()

    body = render(args, meta, stock, ours, rows, runs, prod, production_note, profiles)
    print(body)
    # Every figure of the run, for a second look without a second run.
    (work / "results.json").write_text(json.dumps(
        {"meta": {k: v for k, v in meta.items()}, "stock": dataclasses.asdict(stock),
         "ours": dataclasses.asdict(ours), "production_runs": runs, "production": prod, "targets": rows},
        indent=1, default=str))
    write_section(args.report, "bench-load", body)
    print(f"written to {args.report}; logs in {work}")
    shutil.rmtree(work / "stock", ignore_errors=True)  # models are big; logs stay
    shutil.rmtree(work / "trained", ignore_errors=True)
    shutil.rmtree(work / "train-cache", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
