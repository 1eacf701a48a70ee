"""Whether agents are at work now, and when they are next, in the lender's
time zone (weekly hours from lender.yml; public holidays, make-up working
days and lender.yml's overrides from borrower_help/work_calendar.py).

The clock is `now()`: the real time, or BORROWER_HELP_NOW (an ISO 8601 time
with its offset) so that tests and demos can stand at a chosen minute.
"""
import os
from datetime import datetime, timedelta, timezone
from typing import Optional, Text

from borrower_help.lender import LenderSettings
from borrower_help.work_calendar import hours_on

# Holidays and closed days may add up; beyond this the bot does not promise a time.
LOOK_AHEAD_DAYS = 60
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def now() -> datetime:
    fixed = os.environ.get("BORROWER_HELP_NOW")
    if fixed:
        moment = datetime.fromisoformat(fixed)
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc)


def is_open(moment: datetime, settings: LenderSettings) -> bool:
    """Open from the opening minute, closed from the closing minute."""
    local = moment.astimezone(settings.time_zone)
    hours = hours_on(local.date(), settings)
    if hours is None:
        return False
    opening, closing = hours
    return opening <= local.time() < closing


def next_opening(moment: datetime, settings: LenderSettings) -> Optional[datetime]:
    """The next moment the team opens after `moment` (local time), or None."""
    local = moment.astimezone(settings.time_zone)
    for offset in range(LOOK_AHEAD_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        hours = hours_on(day, settings)
        if hours is None:
            continue
        opening = datetime.combine(day, hours[0], tzinfo=settings.time_zone)
        if opening > local:
            return opening
    return None


def describe_opening(opening: Optional[datetime], moment: datetime, language: Text,
                     settings: LenderSettings) -> Text:
    """"tomorrow (Tuesday) at 09:00 Asia/Shanghai time" / "明天（周二）09:00（Asia/Shanghai 时间）"."""
    if opening is None:
        return "as soon as possible" if language != "zh" else "尽快"
    days = (opening.date() - moment.astimezone(settings.time_zone).date()).days
    clock = opening.strftime("%H:%M")
    zone = str(settings.time_zone)
    if language == "zh":
        zone_zh = "北京时间" if zone in ("Asia/Shanghai", "Asia/Chongqing", "PRC") else f"{zone} 时间"
        weekday = _WEEKDAYS_ZH[opening.weekday()]
        day = {0: "今天", 1: "明天"}.get(days, f"{opening.month}月{opening.day}日")
        return f"{day}（{weekday}）{clock}（{zone_zh}）"
    weekday = _WEEKDAYS_EN[opening.weekday()]
    day = {0: f"today ({weekday})", 1: f"tomorrow ({weekday})"}.get(
        days, f"{weekday} {opening.day} {opening.strftime('%B')}")
    return f"{day} at {clock} {zone} time"
