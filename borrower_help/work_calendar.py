"""Which days the support team works, and its hours on each: the weekly
hours of lender.yml, Mainland China's public holidays and make-up working
days (调休) from the `chinesecalendar` package (import `chinese_calendar`,
maintained from the State Council's yearly notice), and lender.yml's own
overrides. One place for it: the bot's support-hours answers
(borrower_help/hours.py) and the tickets' deadlines (borrower_help/sla.py)
both ask here.

A year the package does not know yet (it raises NotImplementedError; its
data arrives when the notice is published, usually in November for the next
year) falls back to the weekly hours and the overrides, with one warning in
the log per year: a deadline is then computed as if that year had no public
holidays, which errs towards answering early. `python -m borrower_help.lender
--check` names such years ahead of time.
"""
import logging
from datetime import date, time
from functools import lru_cache
from typing import Iterable, List, Optional, Text, Tuple

from borrower_help.lender import LenderSettings

logger = logging.getLogger(__name__)
Hours = Tuple[time, time]
_warned_years: set = set()


class UnknownYear(Exception):
    """The public-holiday calendar has no data for this year."""


@lru_cache(maxsize=4096)
def official_day(day: date) -> Tuple[bool, bool]:
    """(public holiday, make-up working day) for Mainland China; raises
    UnknownYear for a year the package does not know."""
    import chinese_calendar

    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError as error:
        raise UnknownYear(str(error)) from None
    # Weekends are "holidays" to the package too: only named ones are public holidays.
    return bool(on_holiday and name), bool(not on_holiday and day.weekday() >= 5)


def hours_on(day: date, settings: LenderSettings) -> Optional[Hours]:
    """The team's opening and closing time on `day` (local), or None."""
    if day in settings.holidays:
        return None
    if day in settings.working_days:
        return settings.make_up_day_hours
    if settings.calendar == "mainland_china":
        try:
            public_holiday, make_up_day = official_day(day)
        except UnknownYear as error:
            if day.year not in _warned_years:
                _warned_years.add(day.year)
                logger.warning("Public-holiday calendar: %s. %d counts only the weekly hours and lender.yml's "
                               "holidays/working_days: add them there or upgrade chinesecalendar.", error, day.year)
        else:
            if public_holiday:
                return None
            if make_up_day:
                return settings.make_up_day_hours
    return settings.support_hours.get(day.weekday())


def unknown_years(settings: LenderSettings, years: Iterable[int]) -> List[int]:
    """Those of `years` the calendar has no data for (none if it is not used)."""
    if settings.calendar != "mainland_china":
        return []
    missing = []
    for year in years:
        try:
            official_day(date(year, 6, 1))
        except UnknownYear:
            missing.append(year)
    return missing


def describe(settings: LenderSettings) -> Text:
    import chinese_calendar

    if settings.calendar != "mainland_china":
        return "weekly hours and lender.yml's holidays/working_days only"
    return f"chinesecalendar {chinese_calendar.__version__} with lender.yml's overrides"
