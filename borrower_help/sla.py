"""Response deadlines of a ticket (pure: no clock, no database).

- First response: `sla.first_response_minutes` of the ticket's priority,
  counted only while the team works (borrower_help/work_calendar.py: the
  weekly hours, public holidays, make-up working days, lender.yml's
  overrides). A ticket created outside the hours starts counting when the
  team next opens.
- Resolution of a complaint: `sla.complaint_resolution_days` calendar days
  from its creation (the regulator counts calendar days).

Times are aware datetimes; arithmetic is done in the lender's time zone,
so days are local days (Asia/Shanghai has no daylight saving; a zone that
has it still gets wall-clock opening hours).
"""
import math
from datetime import datetime, timedelta
from typing import Optional, Text

from borrower_help.lender import LenderSettings
from borrower_help.work_calendar import hours_on

COMPLAINT = "complaint"
# Beyond this many days without an open minute there is no deadline to promise.
LOOK_AHEAD_DAYS = 400


def add_support_minutes(start: datetime, minutes: float, settings: LenderSettings) -> Optional[datetime]:
    """The moment `minutes` of open support time have passed after `start`
    (None: the team does not open within LOOK_AHEAD_DAYS)."""
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    zone = settings.time_zone
    local = start.astimezone(zone)
    remaining = timedelta(minutes=minutes)
    for offset in range(LOOK_AHEAD_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        hours = hours_on(day, settings)
        if hours is None:
            continue
        opening = datetime.combine(day, hours[0], tzinfo=zone)
        closing = datetime.combine(day, hours[1], tzinfo=zone)
        begin = max(opening, local)
        if begin >= closing:
            continue
        if remaining <= closing - begin:
            return (begin + remaining).astimezone(start.tzinfo)
        remaining -= closing - begin
    return None


def first_response_due(created_at: datetime, priority: Text, settings: LenderSettings) -> Optional[datetime]:
    minutes = dict(settings.first_response_minutes)
    chosen = minutes.get(priority, max(minutes.values()))
    return add_support_minutes(created_at, chosen, settings)


def resolution_due(created_at: datetime, reason: Text, settings: LenderSettings) -> Optional[datetime]:
    """Complaints only: the regulator's deadline (calendar days)."""
    if reason != COMPLAINT:
        return None
    return created_at + timedelta(days=settings.complaint_resolution_days)


def minutes_left(due: Optional[datetime], now: datetime) -> Optional[int]:
    """Whole minutes until `due` (negative: overdue by that many)."""
    if due is None:
        return None
    return math.floor((due - now).total_seconds() / 60)
