"""The share of deadlines met per week (the console's Numbers page), in SQL.

A week is a UTC week from Monday, by the ticket's creation. A deadline
counts once it is decided: met (first reply or resolution in time), or
missed (late, or still not done after it passed). Tickets whose deadline
is still ahead and not met yet are not counted.
"""
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

import sqlalchemy as sa

from borrower_help import storage
from borrower_help.storage.schema import tickets

c = tickets.c


def _week(dialect: Text) -> sa.sql.ColumnElement:
    if dialect == "postgresql":
        return sa.cast(sa.func.date_trunc("week", sa.func.timezone("UTC", c.created_at)), sa.Date)
    return sa.func.date(c.created_at, "weekday 0", "-6 days")  # SQLite: the week's Monday


def _decided_and_met(done: sa.Column, due: sa.Column, now: datetime):
    decided = sa.and_(due.isnot(None), sa.or_(done.isnot(None), due < now))
    met = sa.and_(done.isnot(None), done <= due)
    return (sa.func.sum(sa.case((decided, 1), else_=0)), sa.func.sum(sa.case((met, 1), else_=0)))


def by_week(since: datetime, now: datetime, url: Optional[Text] = None) -> List[Dict[Text, Any]]:
    """[{week, first_response_due, first_response_met, share, complaints_due, complaints_met, ...}] oldest first."""
    with storage.engine(url).connect() as connection:
        week = _week(connection.dialect.name).label("week")
        first_decided, first_met = _decided_and_met(c.first_response_at, c.first_response_due, now)
        complaint_decided, complaint_met = _decided_and_met(c.resolved_at, c.resolution_due, now)
        query = (sa.select(week, first_decided, first_met, complaint_decided, complaint_met)
                 .where(c.created_at >= since).group_by(week).order_by(week))
        rows = connection.execute(query).all()
    found = []
    for week_start, first_due, first_ok, complaints_due, complaints_ok in rows:
        first_due, first_ok = int(first_due or 0), int(first_ok or 0)
        complaints_due, complaints_ok = int(complaints_due or 0), int(complaints_ok or 0)
        found.append({"week": str(week_start), "first_response_due": first_due, "first_response_met": first_ok,
                      "first_response_share": round(first_ok / first_due, 3) if first_due else None,
                      "complaints_due": complaints_due, "complaints_met": complaints_ok,
                      "complaints_share": round(complaints_ok / complaints_due, 3) if complaints_due else None})
    return found
