"""The support console at a lender's size: `make bench-console N=100000 [DB=postgresql]`.

1. A fresh database (a SQLite file, or a new PostgreSQL database on
   TEST_POSTGRES_URL's server), migrated.
2. N synthetic conversations built from real event sequences of this bot
   (bench/fixtures/conversations.json.gz, recorded by bench/fixtures/record.py
   against a throw-away server, both languages): new senders, start times
   over 90 days (ids in time order, concurrent conversations interleaved),
   under half cut short (abandoned), user messages varied, tickets and ratings
   with them. Bulk-loaded: COPY on PostgreSQL, executemany in big
   transactions on SQLite; the indexes on events made after.
3. The reporting model brought up to date from nothing (timed: the rebuild).
4. The console (gunicorn, as the launcher starts it) timed page by page,
   p50/p95 over repeats, then a CSV export of 100,000 conversations with the
   console's RSS sampled from /proc.
5. The lag: the worker running, new messages written the way the tracker
   store writes them, time until the console's search finds them.
6. Search recall on Chinese and English substrings of stored messages.

Prints a table and rewrites the section bench-console-<dialect> of
docs/benchmarks.md.
"""
import argparse
import io
import json
import os
import pathlib
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from typing import Any, Dict, Iterator, List, Optional, Tuple

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from bench.fixtures.record import FIXTURES, load  # noqa: E402
from bench.report import fmt, percentile, table, write_section  # noqa: E402

BIN = pathlib.Path(sys.executable).parent
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DAYS = 90
TARGETS_MS = {"postgresql": {"page": 300, "search": 500, "numbers": 300},
              "sqlite": {"page": 500, "search": 500, "numbers": 500}}
FILLERS_EN = ("please help", "urgent", "asap", "hello?", "thanks in advance", "I tried everything",
              "my friend said to ask here", "on the Lumen app", "since yesterday", "again")
FILLERS_ZH = ("请帮帮我", "很着急", "在吗", "谢谢", "试了好多次", "昨天开始的", "朋友让我问这里", "急",
              "麻烦尽快", "又出问题了")
MASKED = ("138****5678", "6222***********4562", "110***********002X", "******")


# ------------------------------------------------------------------ generating

def _split(data: Dict[str, Any]) -> Tuple[str, str]:
    """The event's JSON around its timestamp: prefix + str(ts) + suffix."""
    marker = 987654321.123
    data = dict(data, timestamp=marker)
    text = json.dumps(data)
    before, after = text.split(str(marker), 1)
    return before, after


class Template:
    """One recorded conversation, its events pre-serialised."""

    def __init__(self, recorded: Dict[str, Any]) -> None:
        self.events = recorded["events"]
        self.tickets = recorded["tickets"]
        self.ratings = recorded["ratings"]
        self.language = next((e["data"].get("value") for e in reversed(self.events)
                              if e["type_name"] == "slot" and e["data"].get("name") == "language"
                              and e["data"].get("value")), "en")
        self.parts: List[List[Tuple[str, str]]] = []  # per event: its variants
        self.user_positions = [i for i, e in enumerate(self.events) if e["type_name"] == "user"]
        self.handoff_at = next((i for i, e in enumerate(self.events) if e["type_name"] == "pause"), None)
        fillers = FILLERS_ZH if self.language == "zh" else FILLERS_EN
        for event in self.events:
            data = event["data"]
            variants = [_split(data)]
            text = data.get("text") if event["type_name"] == "user" else None
            if text and not text.startswith("/"):
                sep = "" if self.language == "zh" else " "
                for filler in fillers[:4]:
                    variants.append(_split(dict(data, text=f"{text}{sep}{filler}")))
                    variants.append(_split(dict(data, text=f"{filler}{sep}{text}")))
                variants.append(_split(dict(data, text=f"{text}{sep}{MASKED[len(text) % len(MASKED)]}")))
            self.parts.append(variants)

    def references(self) -> List[str]:
        return [t["reference"] for t in self.tickets]


def conversation_starts(n: int, now: float, rng: random.Random) -> List[float]:
    return sorted(now - rng.random() * DAYS * 86400 for _ in range(n))


def generate(templates: List[Template], n: int, now: float, seed: int = 7
             ) -> Iterator[Tuple[List[Tuple[str, str, float, Optional[str], Optional[str], str]],
                                 List[Dict[str, Any]], List[Dict[str, Any]]]]:
    """Blocks of (event rows in time order, ticket rows, rating rows)."""
    rng = random.Random(seed)
    starts = conversation_starts(n, now, rng)
    # Short conversations are the common ones; a little under half stop early
    # (after their first, second or third message): abandoned.
    weights = [1 / len(t.events) for t in templates]
    block = 200
    counter = 0
    for first in range(0, n, block):
        rows, tickets, ratings = [], [], []
        for start in starts[first:first + block]:
            counter += 1
            template = rng.choices(templates, weights)[0]
            sender = uuid.UUID(int=rng.getrandbits(128)).hex
            count = len(template.events)
            cut = False
            if rng.random() < 0.45 and len(template.user_positions) > 2:
                count = template.user_positions[rng.randrange(1, min(4, len(template.user_positions) - 1))]
                cut = True
            handed = template.handoff_at is not None and template.handoff_at < count
            references = {old: f"BH-{counter:09X}"[:16] if i == 0 else f"B{i}-{counter:09X}"[:16]
                          for i, old in enumerate(template.references())}
            for event, variants in zip(template.events[:count], template.parts[:count]):
                before, after = variants[rng.randrange(len(variants))] if len(variants) > 1 and \
                    rng.random() < 0.6 else variants[0]
                timestamp = start + event["offset"]
                data = before + repr(timestamp) + after
                if references and "BH-" in data:
                    for old, new in references.items():
                        data = data.replace(old, new)
                rows.append((sender, event["type_name"], timestamp, event["intent_name"], event["action_name"], data))
            if handed or not cut:
                for ticket in template.tickets if handed else []:
                    created = start + 60
                    status = "open" if now - created < 6 * 3600 else "resolved"
                    tickets.append({**ticket, "reference": references[ticket["reference"]], "conversation_id": sender,
                                    "status": status, "assigned_to": None, "created_at": created,
                                    "updated_at": created, "resolved_at": None if status == "open" else created + 900})
                for rating in template.ratings if not cut else []:
                    ratings.append({**rating, "conversation_id": sender, "created_at": start + 120,
                                    "ticket_reference": references.get(rating["ticket_reference"])
                                    if rating["ticket_reference"] else None})
        rows.sort(key=lambda r: r[2])
        yield rows, tickets, ratings


# ------------------------------------------------------------------ databases

def fresh_database(dialect: str, work: pathlib.Path, n: int) -> str:
    if dialect == "sqlite":
        return f"sqlite:///{work / 'bench.db'}"
    name = f"bh_bench_{n}_{secrets.token_hex(3)}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    name = sa.engine.make_url(url).database
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
    admin.dispose()


def create_events_table(url: str) -> None:
    """The migrations made Rasa's `events` table (0003); its indexes go
    until the load is done (a bulk load is faster without them)."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for index in EVENT_INDEXES:
            connection.execute(sa.text(f"DROP INDEX {index}"))
    engine.dispose()


EVENT_INDEXES = {"ix_events_sender_id": "sender_id",
                 "ix_events_sender_type_timestamp": "sender_id, type_name, timestamp"}


def index_events(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if url.startswith("postgresql"):
            connection.execute(sa.text("SET maintenance_work_mem = '512MB'"))
        for index, columns in EVENT_INDEXES.items():
            connection.execute(sa.text(f"CREATE INDEX {index} ON events ({columns})"))
        connection.execute(sa.text("ANALYZE"))
    engine.dispose()


TICKET_COLUMNS = ("reference", "conversation_id", "status", "reason", "priority", "language", "problem", "slots",
                  "summary", "assigned_to", "created_at", "updated_at", "resolved_at")
RATING_COLUMNS = ("conversation_id", "score", "comment", "source", "ticket_reference", "language", "created_at")


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class _Lines(io.RawIOBase):
    """A file COPY reads from, fed by a generator of text lines."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines, self.buffer = lines, b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while len(self.buffer) < len(target):
            try:
                self.buffer += next(self.lines).encode("utf-8")
            except StopIteration:
                break
        size = min(len(target), len(self.buffer))
        target[:size] = self.buffer[:size]
        self.buffer = self.buffer[size:]
        return size


def _iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(seconds))


def fill(url: str, templates: List[Template], n: int, now: float) -> Dict[str, Any]:
    """Load n conversations; returns counts and seconds."""
    started = time.monotonic()
    counts = {"events": 0, "tickets": 0, "ratings": 0}
    if url.startswith("postgresql"):
        _fill_postgresql(url, templates, n, now, counts)
    else:
        _fill_sqlite(url, templates, n, now, counts)
    counts["load_s"] = time.monotonic() - started
    index_started = time.monotonic()
    index_events(url)
    counts["index_s"] = time.monotonic() - index_started
    return counts


def _fill_postgresql(url, templates, n, now, counts) -> None:
    engine = sa.create_engine(url)
    raw = engine.raw_connection()
    tickets_all: List[Dict[str, Any]] = []
    ratings_all: List[Dict[str, Any]] = []
    try:
        cursor = raw.cursor()

        def event_lines():
            for rows, tickets, ratings in generate(templates, n, now):
                counts["events"] += len(rows)
                tickets_all.extend(tickets)
                ratings_all.extend(ratings)
                yield "".join("\t".join(_copy_value(v) for v in row) + "\n" for row in rows)

        cursor.copy_expert("COPY events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                           "FROM STDIN", io.BufferedReader(_Lines(event_lines()), 1 << 20))
        cursor.copy_expert(f"COPY tickets ({', '.join(TICKET_COLUMNS)}) FROM STDIN", io.BufferedReader(_Lines(
            "\t".join(_copy_value(_iso(t[c]) if c.endswith("_at") and t[c] else t[c]) for c in TICKET_COLUMNS) + "\n"
            for t in tickets_all)))
        cursor.copy_expert(f"COPY ratings ({', '.join(RATING_COLUMNS)}) FROM STDIN", io.BufferedReader(_Lines(
            "\t".join(_copy_value(_iso(r[c]) if c == "created_at" else r[c]) for c in RATING_COLUMNS) + "\n"
            for r in ratings_all)))
        raw.commit()
    finally:
        raw.close()
        engine.dispose()
    counts["tickets"], counts["ratings"] = len(tickets_all), len(ratings_all)


def _fill_sqlite(url, templates, n, now, counts) -> None:
    import sqlite3

    connection = sqlite3.connect(sa.engine.make_url(url).database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    pending: List[tuple] = []
    for rows, tickets, ratings in generate(templates, n, now):
        counts["events"] += len(rows)
        pending.extend(rows)
        if tickets:
            connection.executemany(
                f"INSERT INTO tickets ({', '.join(TICKET_COLUMNS)}) VALUES ({', '.join('?' * len(TICKET_COLUMNS))})",
                [tuple(_iso(t[c])[:-3] if c.endswith("_at") and t[c] else t[c] for c in TICKET_COLUMNS)
                 for t in tickets])
            counts["tickets"] += len(tickets)
        if ratings:
            connection.executemany(
                f"INSERT INTO ratings ({', '.join(RATING_COLUMNS)}) VALUES ({', '.join('?' * len(RATING_COLUMNS))})",
                [tuple(_iso(r[c])[:-3] if c == "created_at" else r[c] for c in RATING_COLUMNS) for r in ratings])
            counts["ratings"] += len(ratings)
        if len(pending) >= 100_000:
            connection.executemany("INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, "
                                   "data) VALUES (?, ?, ?, ?, ?, ?)", pending)
            connection.commit()
            pending = []
    connection.executemany("INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                           "VALUES (?, ?, ?, ?, ?, ?)", pending)
    connection.commit()
    connection.close()


def database_size(url: str) -> str:
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            size = connection.execute(sa.text("SELECT pg_database_size(current_database())")).scalar()
        engine.dispose()
    else:
        path = pathlib.Path(sa.engine.make_url(url).database)
        size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return f"{size / 2**30:.1f} GiB"


# ------------------------------------------------------------------ the console

class Console:
    """gunicorn serving the console, as the launcher starts it, signed in as a lead."""

    def __init__(self, url: str, work: pathlib.Path) -> None:
        from borrower_help.launcher.throwaway import free_port

        self.port = free_port()
        self.env = dict(os.environ, DATABASE_URL=url, CONSOLE_DATABASE_URL=f"sqlite:///{work / 'console.db'}",
                        BORROWER_HELP_VAR=str(work / "var"), PYTHONPATH=str(ROOT),
                        CONSOLE_ALLOWED_HOSTS="127.0.0.1 localhost")
        subprocess.run([str(BIN / "python"), "-m", "support_console.manage", "migrate", "-v0"], env=self.env,
                       cwd=ROOT, check=True)
        self.password = secrets.token_urlsafe(16)
        subprocess.run([str(BIN / "python"), "-m", "support_console.manage", "createuser", "bench", "--role", "lead",
                        "--name", "Bench", "--password-stdin"], input=self.password + "\n", text=True,
                       env=self.env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        self.log = (work / "console.log").open("w")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "support_console.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
             "--timeout", "600"], env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        self.http = requests.Session()
        for _ in range(120):
            try:
                self.http.get(f"{self.base}/login/", timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.5)
        token = self.http.cookies.get("csrftoken")
        self.http.post(f"{self.base}/login/", data={"username": "bench", "password": self.password,
                                                    "csrfmiddlewaretoken": token}, headers={"Referer": self.base})
        assert "sessionid" in self.http.cookies, "could not sign in to the console"

    def worker_pids(self) -> List[int]:
        children = pathlib.Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def rss(self) -> int:
        total = 0
        for pid in self.worker_pids():
            try:
                for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except FileNotFoundError:
                pass
        return total

    def get(self, path: str, stream: bool = False) -> Tuple[float, requests.Response]:
        started = time.perf_counter()
        response = self.http.get(self.base + path, stream=stream, timeout=900)
        if not stream:
            response.content  # noqa: B018
        return time.perf_counter() - started, response

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


def sample_ids(url: str, k: int, rng: random.Random) -> Dict[str, List[str]]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        top = connection.execute(sa.text("SELECT max(id) FROM events")).scalar() or 1
        ids = []
        for _ in range(k):
            row = connection.execute(sa.text("SELECT sender_id FROM events WHERE id >= :i ORDER BY id LIMIT 1"),
                                     {"i": rng.randrange(1, top)}).first()
            if row:
                ids.append(row[0])
        references = [r[0] for r in connection.execute(sa.text(
            "SELECT reference FROM tickets WHERE status != 'resolved' ORDER BY id DESC LIMIT :k"), {"k": k})]
    engine.dispose()
    return {"conversations": ids, "tickets": references}


SEARCHES = {
    "search, English word": ["repay", "password", "number", "expired", "human"],
    "search, English phrase": ["changed my phone", "can't log in", "new SIM", "ID card expired"],
    "search, Chinese 4+ chars": ["换手机号", "身份证过期", "验证码收不到", "还不了款"],
    "search, Chinese 2 chars": ["借呗", "还款", "人工", "登录"],
    "search, rare (few matches)": ["zzzq", "不存在的词", "xylophone"],
    "search, digits of a masked number": ["5678", "13812345678", "4562"],
}


def time_pages(console: Console, ids: Dict[str, List[str]], repeats: int, dialect: str,
               rng: random.Random) -> List[List[str]]:
    from urllib.parse import quote

    targets = TARGETS_MS[dialect]
    week = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 7 * 86400))
    pages: List[Tuple[str, str, List[str]]] = [
        ("queue", "page", ["/"]),
        ("queue, Chinese, high priority", "page", ["/?language=zh&priority=high"]),
        ("queue, mine", "page", ["/?mine=1"]),
        ("queue, by problem, page 2", "page", ["/?problem=phone_changed&page=2"]),
        ("ticket", "page", [f"/tickets/{r}/" for r in ids["tickets"]] or ["/"]),
        ("conversations", "page", ["/conversations/"]),
        ("conversations, page 50", "page", ["/conversations/?page=50"]),
        ("conversations, handed off, Chinese", "page", ["/conversations/?outcome=handed+off&language=zh"]),
        ("conversations, intent", "page", ["/conversations/?intent=report_phone_changed"]),
        ("conversations, last 7 days", "page", [f"/conversations/?since={week}"]),
        ("conversation", "page", [f"/conversations/{c}/" for c in ids["conversations"]]),
        ("bot failures", "page", ["/review/"]),
        ("bot failures, page 5", "page", ["/review/?page=5&core-fallback-page=3"]),
        ("numbers", "numbers", ["/numbers/"]),
    ]
    for name, terms in SEARCHES.items():
        pages.append((name, "search", [f"/conversations/?q={quote(t)}" for t in terms]))
    day = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 3 * 86400))
    pages.append(("export CSV, one day", "export", [f"/conversations/export.csv?since={day}&until={day}"]))
    pages.append(("export JSON Lines, one day", "export", [f"/conversations/export.jsonl?since={day}&until={day}"]))
    rows = []
    for name, kind, paths in pages:
        console.get(paths[0])  # warm
        timings, statuses, sizes = [], set(), []
        for i in range(repeats if kind != "export" else max(3, repeats // 5)):
            seconds, response = console.get(paths[i % len(paths)] if kind != "search" else rng.choice(paths))
            timings.append(seconds)
            statuses.add(response.status_code)
            sizes.append(len(response.content))
        target = targets.get(kind)
        p95 = percentile(timings, 95) * 1000
        verdict = "—" if target is None else ("yes" if p95 <= target else "**no**")
        rows.append([name, fmt(percentile(timings, 50) * 1000), fmt(p95), fmt(target) if target else "—", verdict,
                     ",".join(map(str, sorted(statuses)))])
        print(f"  {name:42} p50 {rows[-1][1]:>6} ms  p95 {rows[-1][2]:>6} ms  {verdict}", flush=True)
    return rows


def big_export(console: Console, conversations: int) -> Dict[str, Any]:
    """A CSV export of the latest `conversations` conversations, RSS sampled."""
    engine = sa.create_engine(console.env["DATABASE_URL"])
    with engine.connect() as connection:
        since = connection.execute(sa.text(
            "SELECT started FROM report_conversations ORDER BY started DESC LIMIT 1 OFFSET :n"),
            {"n": conversations - 1}).scalar()
    engine.dispose()
    day = time.strftime("%Y-%m-%d", time.gmtime(since)) if since else "2000-01-01"
    peak, stop = [console.rss()], threading.Event()
    before = peak[0]

    def sample():
        while not stop.is_set():
            peak.append(console.rss())
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    _, response = console.get(f"/conversations/export.csv?since={day}", stream=True)
    size, lines, first_byte = 0, 0, None
    for chunk in response.iter_content(1 << 16):
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    return {"since": day, "seconds": seconds, "first_byte_s": first_byte or seconds, "mib": size / 2**20,
            "rows": lines - 1, "rss_before_mib": before / 2**20, "rss_peak_mib": max(peak) / 2**20}


# ------------------------------------------------------------------ lag and recall

def measure_lag(url: str, work: pathlib.Path, samples: int = 10) -> Dict[str, float]:
    """The worker as the launcher starts it; messages written as the tracker
    store writes them; seconds until the console's search finds each."""
    from borrower_help.reporting import queries

    env = dict(os.environ, DATABASE_URL=url, PYTHONPATH=str(ROOT), BORROWER_HELP_VAR=str(work / "var"))
    log = (work / "worker.log").open("w")
    worker = subprocess.Popen([str(BIN / "python"), "-m", "borrower_help.worker"], env=env, cwd=ROOT,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    engine = sa.create_engine(url)
    lags = []
    try:
        time.sleep(3)
        for i in range(samples):
            token = f"lagprobe{secrets.token_hex(4)}"
            sender = uuid.uuid4().hex
            now = time.time()
            user = {"event": "user", "timestamp": now, "text": f"my phone changed {token}",
                    "parse_data": {"intent": {"name": "report_phone_changed", "confidence": 0.97}},
                    "input_channel": "rest"}
            bot = {"event": "bot", "timestamp": now + 0.2, "text": "Is a repayment due soon?",
                   "metadata": {"utter_action": "utter_ask_repayment_due"}}
            with engine.begin() as connection:
                connection.execute(sa.text(
                    "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                    "VALUES (:s, 'user', :t, 'report_phone_changed', NULL, :u), (:s, 'bot', :t2, NULL, NULL, :b)"),
                    {"s": sender, "t": now, "t2": now + 0.2, "u": json.dumps(user), "b": json.dumps(bot)})
            answered = time.time()
            while time.time() - answered < 60:
                if queries.conversations(queries.Filters(text=token), limit=1, url=url):
                    break
                time.sleep(0.05)
            lags.append(time.time() - answered)
            time.sleep(random.random())
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=20)
        log.close()
        engine.dispose()
    return {"p50_s": percentile(lags, 50), "p95_s": percentile(lags, 95), "max_s": max(lags)}


def search_recall(url: str, rng: random.Random, samples: int = 200) -> Dict[str, str]:
    """Random substrings of random stored messages: is their conversation found?"""

    engine = sa.create_engine(url)
    found: Dict[str, List[bool]] = {"zh 2": [], "zh 3": [], "zh 4-6": [], "en 3-8": []}
    escaped_hits = []
    with engine.connect() as connection:
        top = connection.execute(sa.text("SELECT max(event_id) FROM report_messages")).scalar() or 1
        dialect = connection.dialect.name
        tries = 0
        while min(len(v) for v in found.values()) < samples // 4 and tries < samples * 20:
            tries += 1
            row = connection.execute(sa.text(
                "SELECT conversation_id, text FROM report_messages WHERE event_id >= :i AND speaker = 'user' "
                "ORDER BY event_id LIMIT 1"), {"i": rng.randrange(1, top)}).first()
            if not row or "*" in row.text:
                continue
            chinese = "".join(ch if "\u4e00" <= ch <= "\u9fff" else " " for ch in row.text).split()
            if chinese:
                run = max(chinese, key=len)
                for label, lengths in (("zh 2", (2,)), ("zh 3", (3,)), ("zh 4-6", (4, 5, 6))):
                    fitting = [n for n in lengths if n <= len(run)]
                    if not fitting or len(found[label]) >= samples // 4:
                        continue
                    n = rng.choice(fitting)
                    start = rng.randrange(len(run) - n + 1)
                    needle = run[start:start + n]
                    found[label].append(_found(connection, dialect, needle, row.conversation_id))
                    if label == "zh 4-6":  # the old way: LIKE on the JSON Rasa stored
                        escaped_hits.append(connection.execute(sa.text(
                            "SELECT count(*) FROM events WHERE sender_id = :s AND data LIKE :p"),
                            {"s": row.conversation_id, "p": f"%{needle}%"}).scalar() > 0)
            else:
                words = row.text.split()
                if len(words) >= 2 and len(found["en 3-8"]) < samples // 4:
                    text = row.text
                    n = rng.randrange(3, min(8, len(text)) + 1)
                    start = rng.randrange(len(text) - n + 1)
                    needle = text[start:start + n]
                    if needle.strip() == needle and len(needle.strip()) >= 3:
                        found["en 3-8"].append(_found(connection, dialect, needle, row.conversation_id))
    engine.dispose()
    result = {k: f"{sum(v)}/{len(v)}" for k, v in found.items()}
    result["zh 4-6 by LIKE on events.data (before)"] = f"{sum(escaped_hits)}/{len(escaped_hits)}"
    return result


def _found(connection, dialect: str, needle: str, conversation_id: str) -> bool:
    from borrower_help.reporting import queries

    query = queries.matching_messages(dialect, needle).subquery()
    return connection.execute(sa.select(sa.func.count()).select_from(query)
                              .where(query.c.conversation_id == conversation_id)).scalar() > 0


# ------------------------------------------------------------------ main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", "-n", type=int, default=int(os.environ.get("N") or 10_000))
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default=os.environ.get("DB") or "sqlite")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--export", type=int, default=100_000, help="conversations in the big CSV export")
    parser.add_argument("--report", type=pathlib.Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the database (its URL is printed)")
    parser.add_argument("--url", help="reuse a database a previous --keep run filled (skips fill and rebuild)")
    parser.add_argument("--long", action="store_true",
                        help="only: a turn's latency with 5,000 earlier events against 50 (starts Rasa)")
    args = parser.parse_args()
    if args.long:
        return long_main(args.database, args.report)
    if not FIXTURES.exists():
        sys.exit(f"no fixtures at {FIXTURES}: run python bench/fixtures/record.py record")
    from borrower_help import storage
    from borrower_help.reporting import catchup
    from borrower_help.storage.migrate import upgrade

    rng = random.Random(11)
    work = pathlib.Path(tempfile.mkdtemp(prefix="bench-console-"))
    url = args.url or fresh_database(args.database, work, args.conversations)
    os.environ["DATABASE_URL"] = url
    facts: Dict[str, Any] = {"conversations": args.conversations, "dialect": args.database}
    console = None
    try:
        if not args.url:
            upgrade(url)
            create_events_table(url)
            templates = [Template(c) for c in load()]
            print(f"Filling {args.conversations:,} conversations ({args.database})...", flush=True)
            facts.update(fill(url, templates, args.conversations, time.time()))
            print(f"  {facts['events']:,} events, {facts['tickets']:,} tickets, {facts['ratings']:,} ratings "
                  f"in {facts['load_s']:.0f} s (+ {facts['index_s']:.0f} s for the indexes on events)", flush=True)
            started = time.monotonic()
            catchup.rebuild(url, progress=lambda read: print(
                f"\r  rebuild: {read:,} events ({time.monotonic() - started:.0f} s)", end="", flush=True))
            facts["rebuild_s"] = time.monotonic() - started
            print(f"\n  rebuild {facts['rebuild_s']:.0f} s", flush=True)
            if url.startswith("postgresql"):
                with storage.engine(url).connect() as connection:
                    connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
        else:
            with storage.engine(url).connect() as connection:
                facts["events"] = connection.execute(sa.text("SELECT max(id) FROM events")).scalar()
        facts["size"] = database_size(url)
        console = Console(url, work)
        ids = sample_ids(url, max(args.repeats, 10), rng)
        print("Pages:", flush=True)
        rows = time_pages(console, ids, args.repeats, args.database, rng)
        export = big_export(console, min(args.export, args.conversations))
        print(f"  export CSV of {min(args.export, args.conversations):,} conversations: {export}", flush=True)
        console.stop()
        console = None
        lag = measure_lag(url, work)
        print(f"  lag: {lag}", flush=True)
        recall = search_recall(url, rng)
        print(f"  recall: {recall}", flush=True)
        write_report(args, facts, rows, export, lag, recall)
    finally:
        if console:
            console.stop()
        storage.dispose_all()
        if args.keep or args.url:
            print(f"kept: {url}")
        else:
            drop_database(url)
            shutil.rmtree(work, ignore_errors=True)
    return 0


def write_report(args, facts, rows, export, lag, recall) -> None:
    n = facts["conversations"]
    load = os.getloadavg()
    lines = [
        f"### Support console, {facts['dialect']}, {n:,} conversations",
        "",
        f"`make bench-console N={n} DB={facts['dialect']}` ({time.strftime('%Y-%m-%d')}, 2 shared cores, "
        f"load {load[0]:.1f}): {facts.get('events', 0):,} events"
        + (f", {facts['tickets']:,} tickets, {facts['ratings']:,} ratings; bulk load {facts['load_s']:.0f} s "
           f"+ indexes on events {facts['index_s']:.0f} s; **rebuild of the reporting model "
           f"{facts['rebuild_s'] / 60:.1f} min**" if "rebuild_s" in facts else "")
        + f"; database {facts['size']}. Times per request through gunicorn (1 worker), {args.repeats} repeats.",
        "",
        table(["page", "p50 ms", "p95 ms", "target ms", "met", "HTTP"], rows, "lrrrll"),
        "",
        f"CSV export of the latest {min(args.export, n):,} conversations ({export['rows']:,} rows, "
        f"{export['mib']:.0f} MiB): {export['seconds']:.0f} s, first byte after {export['first_byte_s']:.2f} s; "
        f"console RSS {export['rss_before_mib']:.0f} MiB before, **peak {export['rss_peak_mib']:.0f} MiB** "
        "(target < 200 MiB).",
        "",
        f"Lag (a message stored → found by the console's search, worker running): p50 {lag['p50_s']:.1f} s, "
        f"p95 {lag['p95_s']:.1f} s, max {lag['max_s']:.1f} s (target ≤ 5 s).",
        "",
        "Search recall (random substrings of stored messages; is their conversation found): "
        + ", ".join(f"{k} {v}" for k, v in recall.items()) + ".",
    ]
    body = "\n".join(lines)
    print("\n" + body)
    write_section(args.report, f"bench-console-{facts['dialect']}-{n}", body)



# ------------------------------------------------------------------ long conversations

LONG_SCRIPT = ("hello", "what are the ways to repay my loan", "thanks")


def start_servers(work: pathlib.Path, url: str):
    """An action server and a Rasa server on `url` (throwaway.start(), with the database chosen)."""
    from borrower_help.launcher import throwaway
    from borrower_help.launcher.settings import MODEL, Settings
    from borrower_help.launcher.shapes import Parts, start_default
    from borrower_help.launcher.supervisor import Supervisor

    work.mkdir(parents=True, exist_ok=True)
    page_port = throwaway.free_port()
    api_secret, session_key = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    lender_settings = work / "lender.yml"
    shutil.copy(ROOT / "lender.yml", lender_settings)
    credentials = throwaway.relaxed_credentials(ROOT / "credentials.yml", work / "credentials.yml")
    settings = Settings(
        rasa_port=throwaway.free_port(), action_port=throwaway.free_port(), console_port=throwaway.free_port(),
        page_port=page_port, database_url=url, model=MODEL, credentials=credentials,
        cors_origins=(f"http://127.0.0.1:{page_port}",), var_dir=work / "var",
        extra_env={"RASA_JWT_SECRET": api_secret, "SESSION_KEY": session_key,
                   "LENDER_SETTINGS": str(lender_settings)})
    supervisor = Supervisor()
    try:
        start_default(settings, supervisor, Parts(("actions", "rasa")))
    except BaseException:
        supervisor.stop()
        raise
    return throwaway.Throwaway(settings, supervisor, api_secret, session_key, lender_settings)


def earlier_events(url: str, conversation_id: str, count: int, templates: List[Template], now: float) -> None:
    """`count` events of whole earlier sessions (a day apart), as Rasa stored them."""
    rows, day = [], 0
    while len(rows) < count:
        template = templates[day % len(templates)]
        day += 1
        for event, variants in zip(template.events, template.parts):
            before, after = variants[0]
            timestamp = now - (400 - day) * 86400 + event["offset"]
            rows.append({"sender_id": conversation_id, "type_name": event["type_name"], "timestamp": timestamp,
                         "intent_name": event["intent_name"], "action_name": event["action_name"],
                         "data": before + repr(timestamp) + after})
            if len(rows) == count:
                break
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
            "VALUES (:sender_id, :type_name, :timestamp, :intent_name, :action_name, :data)"), rows)
    engine.dispose()


def long_conversations(dialect: str, senders: int = 4, rounds: int = 3) -> List[List[str]]:
    """A turn's latency with 5,000 earlier events against 50, with and
    without the index of migration 0003."""
    work = pathlib.Path(tempfile.mkdtemp(prefix="bench-long-"))
    url = fresh_database(dialect, work, 0)
    from borrower_help.storage.migrate import upgrade

    upgrade(url)
    templates = [Template(c) for c in load()]
    servers = start_servers(work / "servers", url)
    table_rows = []
    try:
        client = requests.Session()
        groups = {50: [], 5000: []}
        for size in groups:
            for _ in range(senders):
                sender = f"long-{size}-{secrets.token_hex(6)}"
                earlier_events(url, servers.conversation(sender), size, templates, time.time())
                groups[size].append(sender)
        engine = sa.create_engine(url)
        for variant in ("index of migration 0003", "Rasa's index on sender_id only"):
            if variant.startswith("Rasa"):
                with engine.begin() as connection:
                    connection.execute(sa.text("DROP INDEX ix_events_sender_type_timestamp"))
            latencies: Dict[int, List[float]] = {50: [], 5000: []}
            for round_number in range(rounds):
                for i in range(senders):
                    for size in (50, 5000):
                        for message in LONG_SCRIPT:
                            started = time.perf_counter()
                            response = client.post(f"{servers.url}/webhooks/rest/webhook",
                                                   json={"sender": groups[size][i], "message": message}, timeout=60)
                            response.raise_for_status()
                            latencies[size].append(time.perf_counter() - started)
            short, long = latencies[50], latencies[5000]
            ratio = percentile(long, 50) / percentile(short, 50)
            table_rows.append([variant, fmt(percentile(short, 50) * 1000), fmt(percentile(short, 95) * 1000),
                               fmt(percentile(long, 50) * 1000), fmt(percentile(long, 95) * 1000),
                               f"{ratio:.2f}×", "yes" if ratio <= 1.2 else "**no**"])
            print(f"  {variant}: {table_rows[-1]}", flush=True)
        engine.dispose()
    finally:
        servers.stop()
        storage_dispose()
        drop_database(url)
        shutil.rmtree(work, ignore_errors=True)
    return table_rows


def storage_dispose() -> None:
    from borrower_help import storage

    storage.dispose_all()


def long_main(dialect: str, report: pathlib.Path) -> int:
    rows = long_conversations(dialect)
    body = "\n".join([
        f"### A turn in a long conversation, {dialect}",
        "",
        f"`python bench/console.py --long --database {dialect}` ({time.strftime('%Y-%m-%d')}, 2 shared cores, "
        f"load {os.getloadavg()[0]:.1f}): REST messages to our Rasa server in conversations with 50 and with "
        "5,000 earlier events (earlier sessions, a day apart; session expiry 480 min), 4 conversations each, "
        f"{len(LONG_SCRIPT)} messages × 3 rounds.",
        "",
        table(["events index", "50 earlier: p50 ms", "p95 ms", "5,000 earlier: p50 ms", "p95 ms", "ratio p50",
               "≤ 1.2×"], rows, "lrrrrrl"),
    ])
    print("\n" + body)
    write_section(report, f"bench-console-long-{dialect}", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
