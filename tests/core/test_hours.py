"""Support hours in the lender's time zone: the minute of opening and closing,
weekends, holidays, other time zones."""
import copy
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
import yaml

from borrower_help.hours import describe_opening, is_open, next_opening, now
from borrower_help.lender import ROOT, parse

SHIPPED = yaml.safe_load((ROOT / "lender.yml").read_text(encoding="utf-8"))
SETTINGS = parse(SHIPPED)  # Asia/Shanghai; Mon-Fri 09-21, Sat 10-18, Sun closed; Mainland China's holidays
SH = ZoneInfo("Asia/Shanghai")


def at(text, zone=SH):
    return datetime.fromisoformat(text).replace(tzinfo=zone)


@pytest.mark.parametrize("moment, open_", [
    (at("2026-11-24 08:59"), False),   # Tuesday, a minute before opening
    (at("2026-11-24 09:00"), True),    # the minute of opening
    (at("2026-11-24 20:59"), True),
    (at("2026-11-24 21:00"), False),   # the minute of closing
    (at("2026-11-28 10:30"), True),    # Saturday hours
    (at("2026-11-29 12:00"), False),   # Sunday: closed
    (at("2026-10-01 12:00"), False),   # a Thursday, but a holiday
    (at("2026-11-24 01:30", timezone.utc), True),  # 09:30 in Shanghai
    (at("2026-11-24 00:59", timezone.utc), False),  # 08:59 in Shanghai
])
def test_open_or_closed(moment, open_):
    assert is_open(moment, SETTINGS) is open_


@pytest.mark.parametrize("moment, opening", [
    (at("2026-11-24 08:00"), at("2026-11-24 09:00")),   # later today
    (at("2026-11-24 21:00"), at("2026-11-25 09:00")),   # closed just now: tomorrow
    (at("2026-11-28 18:30"), at("2026-11-30 09:00")),   # Saturday evening: over Sunday to Monday
    (at("2026-09-30 22:00"), at("2026-10-08 09:00")),   # over the National Day week (1-7 October)
    (at("2026-10-09 21:30"), at("2026-10-10 09:00")),   # a make-up working Saturday (调休): weekday hours
    (at("2026-09-19 19:00"), at("2026-09-20 09:00")),   # a make-up working Sunday
])
def test_next_opening(moment, opening):
    assert next_opening(moment, SETTINGS) == opening


def test_the_bot_and_the_deadlines_share_one_calendar_with_overrides():
    raw = copy.deepcopy(SHIPPED)
    raw.update(holidays=["2026-11-30"], working_days=["2026-11-29"])  # Monday off, Sunday worked
    changed = parse(raw)
    assert next_opening(at("2026-11-28 19:00"), changed) == at("2026-11-29 09:00")
    assert not is_open(at("2026-11-30 12:00"), changed)


def test_another_time_zone_and_a_holiday_on_a_weekend():
    raw = copy.deepcopy(SHIPPED)
    raw.update(time_zone="Europe/London", holidays=["2026-11-28"])  # a Saturday
    london = parse(raw)
    friday_night = datetime(2026, 11, 27, 21, 30, tzinfo=ZoneInfo("Europe/London"))
    assert not is_open(friday_night, london)
    assert next_opening(friday_night, london) == datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/London"))


def test_descriptions_in_both_languages():
    evening = at("2026-11-24 22:00")
    opening = next_opening(evening, SETTINGS)
    assert describe_opening(opening, evening, "en", SETTINGS) == "tomorrow (Wednesday) at 09:00 Asia/Shanghai time"
    assert describe_opening(opening, evening, "zh", SETTINGS) == "明天（周三）09:00（北京时间）"
    saturday = at("2026-11-28 19:00")
    later = next_opening(saturday, SETTINGS)
    assert describe_opening(later, saturday, "en", SETTINGS) == "Monday 30 November at 09:00 Asia/Shanghai time"
    assert describe_opening(later, saturday, "zh", SETTINGS) == "11月30日（周一）09:00（北京时间）"


def test_the_clock_can_be_set_for_tests(monkeypatch):
    monkeypatch.setenv("BORROWER_HELP_NOW", "2026-11-24T09:00:00+08:00")
    assert now() == at("2026-11-24 09:00")
