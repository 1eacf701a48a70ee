"""py-spy on running servers while a load runs, summarised as where the
Python time goes: by stage of Rasa's message path, by library, by function."""
import collections
import os
import pathlib
import re
import shutil
import time
from typing import Callable, Dict, List, Optional, Tuple

from bench.procs import BIN, Server
from bench.report import table

RATE = 50  # samples per second

# Stages of rasa.core.processor.MessageProcessor.handle_message (Rasa 3.6), and
# the calls inside them worth their own line: (label, function, file).
STAGES = (
    ("whole message (`MessageProcessor.handle_message`)", "handle_message", "rasa/core/processor.py"),
    ("load tracker, check session", "fetch_tracker_and_update_session", "rasa/core/processor.py"),
    ("NLU parse", "parse_message", "rasa/core/processor.py"),
    ("slot extraction (`action_extract_slots`)", "run_action_extract_slots", "rasa/core/processor.py"),
    ("policy prediction", "_predict_next_with_tracker", "rasa/core/processor.py"),
    ("running the predicted actions", "_run_action", "rasa/core/processor.py"),
    ("save tracker", "save_tracker", "rasa/core/processor.py"),
    ("… validating action-server responses (`RemoteAction`, jsonschema)", "_validate_action_result",
     "rasa/core/actions/action.py"),
    ("action server: our action code", "run", "rasa_sdk/executor.py"),
)

# (label, regex on a frame's file) — a stack counts for an area when any frame matches.
AREAS = (
    ("jsonschema", r"(^|/)jsonschema/"),
    ("TensorFlow", r"(^|/)(tensorflow|keras)/"),
    ("SQLAlchemy (tracker store)", r"(^|/)sqlalchemy/"),
    ("psycopg2 (PostgreSQL)", r"(^|/)psycopg2/"),
    ("pika (RabbitMQ events)", r"(^|/)pika/"),
    ("redis (lock store)", r"(^|/)redis/"),
    # Parts of rasa_extensions/ that do work of their own; its server, REST channel and turn guard
    # are in nearly every stack of a message, so they say nothing here.
    ("our tracker store (`rasa_extensions/stores/`)", r"(^|/)rasa_extensions/stores/"),
    ("our NLU components (`rasa_extensions/components/`)", r"(^|/)rasa_extensions/components/"),
    ("action-response validation (`rasa_extensions/action_validation.py`)",
     r"(^|/)rasa_extensions/action_validation\.py$"),
    ("aiohttp client (calls to the action server)", r"(^|/)aiohttp/"),
    ("dask (Rasa's graph runner)", r"(^|/)dask/"),
    ("jieba", r"(^|/)jieba/"),
    ("rasa_sdk", r"(^|/)rasa_sdk/"),
    # actions/server.py, the entry module, is in every stack: left out.
    ("our actions (`actions/`)", r"(^|/)(?<!core/)actions/(?!server\.py$)[^/]+\.py$"),
)


# Innermost frames that only ever wait (an idle thread-pool worker blocked on its
# queue, a thread waiting on a condition): py-spy does not always see them idle.
# Sanic's `serve` as the innermost frame is its event loop waiting for a request.
WAITING = {("_worker", "concurrent/futures/thread.py"), ("wait", "threading.py"),
           ("serve", "sanic/server/runners.py")}


def parse_collapsed(text: str) -> List[Tuple[List[str], int]]:
    """py-spy --format raw: one `frame;frame;...;leaf count` line per stack,
    each frame `function (path:line)`."""
    stacks = []
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks.append((stack.split(";"), int(count)))
    return stacks


def split_frame(frame: str) -> Tuple[str, str]:
    """`function (…/site-packages/pkg/mod.py:12)` → (`function`, `pkg/mod.py`)."""
    function, _, location = frame.partition(" (")
    path = location.rstrip(")").rsplit(":", 1)[0]
    return function, path.split("site-packages/")[-1]


def summarise_profile(stacks: List[Tuple[List[str], int]], n: int = 8) -> Dict[str, object]:
    stacks = [(frames, c) for frames, c in stacks if split_frame(frames[-1]) not in WAITING]
    total = sum(c for _, c in stacks)
    stages, areas, leaves = collections.Counter(), collections.Counter(), collections.Counter()
    for frames, count in stacks:
        split = [split_frame(f) for f in frames]
        for label, function, path in STAGES:
            if any(f == function and p.endswith(path) for f, p in split):
                stages[label] += count
        for label, pattern in AREAS:
            if any(re.search(pattern, p) for _, p in split):
                areas[label] += count
        leaves["{} ({})".format(*split[-1])] += count
    share = lambda c: c / total if total else 0.0  # noqa: E731
    return {
        "samples": total,
        "stages": [(label, share(stages[label])) for label, _, _ in STAGES if stages[label]],
        "areas": [(a, share(c)) for a, c in areas.most_common()],
        "self": [(k, share(v)) for k, v in leaves.most_common(n)],
    }


def render_profile(name: str, summary: Dict[str, object], seconds: float) -> List[str]:
    busy = summary["samples"] / (RATE * seconds) if seconds else 0
    lines = [f"**{name}**: {summary['samples']} samples in {seconds:.0f} s at {RATE} Hz "
             f"(≈ {busy:.0%} of one core; py-spy leaves out threads it sees idle).", ""]
    if not summary["samples"]:
        return lines
    if summary["stages"]:
        lines += [table(["stage (share of all samples, nested: they overlap)", "share"],
                        [[s, f"{v:.0%}"] for s, v in summary["stages"]]), ""]
    if summary["areas"]:
        lines += [table(["library (any frame in it)", "share"],
                        [[a, f"{v:.0%}"] for a, v in summary["areas"]]), ""]
    lines += [table(["innermost Python function (self time)", "share"],
                    [[f"`{k}`", f"{v:.0%}"] for k, v in summary["self"]]), ""]
    return lines


INSTALL_HINT = ("install it outside the project's virtualenv, e.g. `python3 -m venv /tmp/bench-tools && "
                "/tmp/bench-tools/bin/pip install py-spy`, and set `PY_SPY=/tmp/bench-tools/bin/py-spy`")


def find_py_spy() -> Optional[str]:
    """$PY_SPY, else py-spy on the PATH, else next to the bench's Python."""
    explicit = os.environ.get("PY_SPY")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    return shutil.which("py-spy") or (str(BIN / "py-spy") if (BIN / "py-spy").exists() else None)


def profile_under_load(pids: Dict[str, int], work: pathlib.Path, drive: Callable[[], dict],
                       seconds: float, users: int) -> List[str]:
    """Runs `drive()` (the load) with py-spy attached to each pid (the
    launcher's processes, found by pid in its Supervisor)."""
    spy = find_py_spy()
    if not spy:
        return [f"py-spy was not found, so no profile was taken: {INSTALL_HINT}."]
    print(f"  profiling {', '.join(pids)} with py-spy for {seconds:.0f}s under load...", flush=True)
    spies = {}
    for name, pid in pids.items():
        slug = name.replace(" ", "-")
        out = work / f"py-spy-{slug}.txt"
        spies[name] = (out, Server(f"py-spy {name}", [
            spy, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", str(RATE),
            "--format", "raw", "--output", str(out)],
            work, {}, work / f"py-spy-{slug}.log"))
    time.sleep(1)  # let py-spy attach before the load starts
    result = drive()
    lines = [f"`py-spy record` on {', '.join(pids)} (by pid) while {result['messages']} messages "
             f"were answered at {users} concurrent conversations (p95 {result['p95_ms']:.0f} ms under "
             f"the profiler); raw stacks in the run's log directory.", ""]
    for name, (out, job) in spies.items():
        try:
            job.process.wait(timeout=seconds + 30)
        finally:
            job.stop()
        if not out.exists():
            lines += [f"**{name}**: py-spy wrote nothing, see {job.log}:", "",
                      "```", job.log.read_text()[-800:], "```", ""]
            continue
        lines += render_profile(name, summarise_profile(parse_collapsed(out.read_text())), seconds)
    return lines
