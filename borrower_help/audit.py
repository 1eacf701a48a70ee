"""The audit trail: who did what to which object, and when (table
`audit_log`, borrower_help/storage/schema.py).

Recorded: sign-ins and failed sign-ins, conversation and ticket views,
searches, exports, labels, takes, replies, resolutions, hand-overs, legal
holds, erasures and purges. Each row: user, time, action, object type and
id, and a short detail that is never message content: a search's text is
kept masked (borrower_help.privacy: a phone number typed into the search box
is kept as 138****5678) and cut to 80 characters.

Rows are only ever added (`record`); nothing here or in the console changes
or deletes one. An erasure or a purge replaces the ids of what it removed
by their digest in the same transaction (erasure.digest), so the trail
still shows that somebody looked at a conversation, but not which one it
was once it is gone.
"""
import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, Iterator, List, Optional, Text

import sqlalchemy as sa

from borrower_help import storage
from borrower_help.privacy import mask
from borrower_help.storage.schema import audit_log

ACTIONS = ("sign_in", "sign_in_failed", "sign_out", "view_conversation", "view_ticket", "search", "export",
           "label", "take", "reply", "resolve", "hand_over", "hold", "release_hold", "erase", "purge",
           "view_audit", "export_audit")
DETAIL_CHARS = 80
c = audit_log.c


def _short(text: Optional[Text], limit: int = DETAIL_CHARS) -> Text:
    masked = mask(" ".join((text or "").split()))
    return masked if len(masked) <= limit else masked[:limit - 1] + "…"


def row(actor: Text, action: Text, object_type: Text, object_id: Optional[Text] = None,
        detail: Text = "", at: Optional[datetime] = None) -> Dict[Text, Any]:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    return {"at": at or datetime.now(timezone.utc), "actor": (actor or "anonymous")[:150], "action": action,
            "object_type": object_type[:16], "object_id": object_id[:255] if object_id else None,
            "detail": _short(detail, 255)}


def record(actor: Text, action: Text, object_type: Text, object_id: Optional[Text] = None, detail: Text = "",
           connection: Optional[sa.engine.Connection] = None, url: Optional[Text] = None) -> None:
    """Add one row, in `connection`'s transaction when given (an erasure's
    record commits with the erasure), else in a transaction of its own."""
    values = row(actor, action, object_type, object_id, detail)
    if connection is not None:
        connection.execute(audit_log.insert().values(**values))
        return
    with storage.engine(url).begin() as own:
        own.execute(audit_log.insert().values(**values))


def search_detail(text: Text) -> Text:
    """What the trail keeps of a search: the masked text, cut short."""
    return _short(text)


@dataclass
class Filters:
    actor: Text = ""
    action: Text = ""
    object_id: Text = ""
    since: Optional[date] = None
    until: Optional[date] = None  # inclusive

    def conditions(self) -> List[sa.sql.ColumnElement]:
        from borrower_help.storage.erasure import digest

        found = []
        if self.actor:
            found.append(c.actor == self.actor)
        if self.action:
            found.append(c.action == self.action)
        if self.object_id:  # by the id, or by the digest it has after an erasure
            found.append(c.object_id.in_((self.object_id, digest(self.object_id))))
        if self.since:
            found.append(c.at >= datetime.combine(self.since, datetime.min.time(), timezone.utc))
        if self.until:
            found.append(c.at < datetime.combine(self.until + timedelta(days=1), datetime.min.time(), timezone.utc))
        return found


def page(filters: Filters, offset: int = 0, limit: int = 50, url: Optional[Text] = None) -> List[Dict[Text, Any]]:
    """The newest first, one page, paginated by the database."""
    query = (sa.select(audit_log).where(*filters.conditions()).order_by(c.at.desc(), c.id.desc())
             .offset(offset).limit(limit))
    with storage.engine(url).connect() as connection:
        return [_aware(dict(r)) for r in connection.execute(query).mappings()]


def count(filters: Filters, cap: int = 10_000, url: Optional[Text] = None) -> int:
    query = sa.select(c.id).where(*filters.conditions()).limit(cap + 1)
    with storage.engine(url).connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()


def each(filters: Filters, chunk: int = 1000, url: Optional[Text] = None) -> Iterator[Dict[Text, Any]]:
    """Every matching row, newest first, read `chunk` at a time (keyset)."""
    after: Optional[tuple] = None
    while True:
        query = sa.select(audit_log).where(*filters.conditions())
        if after is not None:
            query = query.where(sa.or_(c.at < after[0], sa.and_(c.at == after[0], c.id < after[1])))
        query = query.order_by(c.at.desc(), c.id.desc()).limit(chunk)
        with storage.engine(url).connect() as connection:
            rows = [_aware(dict(r)) for r in connection.execute(query).mappings()]
        yield from rows
        if len(rows) < chunk:
            return
        after = (rows[-1]["at"], rows[-1]["id"])


CSV_COLUMNS = ("id", "at", "actor", "action", "object_type", "object_id", "detail")


def csv_lines(rows: Iterator[Dict[Text, Any]]) -> Iterator[Text]:
    """The trail as CSV, a line at a time (cells that a spreadsheet would
    run as a formula start with a quote)."""
    def line(cells: List[Any]) -> Text:
        buffer = io.StringIO()
        csv.writer(buffer).writerow(cells)
        return buffer.getvalue()

    yield line(list(CSV_COLUMNS))
    for found in rows:
        cells = [found["id"], found["at"].isoformat(), found["actor"], found["action"], found["object_type"],
                 found["object_id"] or "", found["detail"]]
        yield line([_spreadsheet_safe(str(cell)) for cell in cells])


# As the console's exports (support_console/web/views/transcripts.py): a
# spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def _spreadsheet_safe(cell: Text) -> Text:
    return "'" + cell if cell.lstrip(" ").startswith(_FORMULA_STARTS) else cell


def _aware(found: Dict[Text, Any]) -> Dict[Text, Any]:
    if found["at"] is not None and found["at"].tzinfo is None:  # SQLite: written in UTC
        found["at"] = found["at"].replace(tzinfo=timezone.utc)
    return found
