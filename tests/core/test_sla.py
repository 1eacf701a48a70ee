"""Ticket deadlines (borrower_help/sla.py, work_calendar.py): support minutes
across evenings, weekends, Mainland China's holidays and make-up working days
(调休), lender.yml's overrides, a ticket created outside hours, a year the
calendar does not know; complaint deadlines in calendar days."""
import copy
import logging
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import yaml

from borrower_help import work_calendar
from borrower_help.lender import ROOT, SettingsError, parse
from borrower_help.sla import add_support_minutes, first_response_due, minutes_left, resolution_due

SHIPPED = yaml.safe_load((ROOT / "lender.yml").read_text(encoding="utf-8"))
SETTINGS = parse(SHIPPED)  # Mon-Fri 09-21, Sat 10-18, Sun closed; high 10 min, normal 120 min
SH = ZoneInfo("Asia/Shanghai")


def at(text, zone=SH):
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def settings(**changes):
    raw = copy.deepcopy(SHIPPED)
    raw.update(changes)
    return parse(raw)


@pytest.mark.parametrize("start, minutes, due", [
    (at("2026-11-24 10:00"), 10, at("2026-11-24 10:10")),     # Tuesday, inside hours
    (at("2026-11-24 20:55"), 10, at("2026-11-25 09:05")),     # across the evening
    (at("2026-11-24 22:30"), 10, at("2026-11-25 09:10")),     # created after closing
    (at("2026-11-24 03:00"), 120, at("2026-11-24 11:00")),    # created in the night
    (at("2026-11-24 09:00"), 0, at("2026-11-24 09:00")),
    (at("2026-11-24 19:00"), 720, at("2026-11-25 19:00")),    # a whole working day (12 h) later
    (at("2026-11-27 20:30"), 120, at("2026-11-28 11:30")),    # Friday evening into Saturday's 10-18
    (at("2026-11-28 17:00"), 120, at("2026-11-30 10:00")),    # Saturday, over the closed Sunday
    (at("2026-11-29 12:00"), 10, at("2026-11-30 09:10")),     # created on the closed Sunday
    (at("2026-09-30 20:50"), 30, at("2026-10-08 09:20")),     # over the National Day week
    (at("2026-10-09 20:50"), 30, at("2026-10-10 09:20")),     # into a 调休 Saturday: weekday hours
    (at("2026-09-19 17:50"), 30, at("2026-09-20 09:20")),     # Saturday into a 调休 Sunday
    (at("2026-02-13 20:00"), 120, at("2026-02-14 10:00")),    # Friday into 调休 Saturday before Spring Festival
    (at("2026-02-14 20:30"), 60, at("2026-02-24 09:30")),     # over the Spring Festival (15-23 February)
    (at("2026-01-01 10:00"), 10, at("2026-01-04 09:10")),     # New Year 1-3 January, then 调休 Sunday the 4th
    (at("2026-11-24 02:00", timezone.utc), 10, at("2026-11-24 10:10")),  # given in UTC, counted in Shanghai
])
def test_support_minutes(start, minutes, due):
    assert add_support_minutes(start, minutes, SETTINGS) == due


def test_the_answer_keeps_the_zone_it_was_asked_in():
    due = add_support_minutes(at("2026-11-24 02:00", timezone.utc), 10, SETTINGS)
    assert due.tzinfo == timezone.utc and due == at("2026-11-24 02:10", timezone.utc)


def test_asia_shanghai_has_no_daylight_saving_so_every_day_has_its_twelve_hours():
    for month in range(1, 13):
        monday = date(2026, month, 1) + timedelta(days=(7 - date(2026, month, 1).weekday()) % 7)
        hours = work_calendar.hours_on(monday, SETTINGS)
        if hours is None:  # a public holiday
            continue
        start = datetime.combine(monday, hours[0], tzinfo=SH)
        assert add_support_minutes(start, 720, SETTINGS) == datetime.combine(monday, hours[1], tzinfo=SH)


def test_priorities_have_their_own_minutes():
    created = at("2026-11-24 10:00")
    assert first_response_due(created, "high", SETTINGS) == at("2026-11-24 10:10")
    assert first_response_due(created, "normal", SETTINGS) == at("2026-11-24 12:00")
    assert first_response_due(created, "unknown", SETTINGS) == at("2026-11-24 12:00")  # the longest


def test_lender_overrides_win_over_the_calendar():
    changed = settings(holidays=["2026-11-25"], working_days=["2026-11-29"], make_up_day_hours="10:00-16:00")
    assert add_support_minutes(at("2026-11-24 20:55"), 10, changed) == at("2026-11-26 09:05")  # Wednesday off
    assert add_support_minutes(at("2026-11-28 17:55"), 10, changed) == at("2026-11-29 10:05")  # Sunday worked
    assert work_calendar.hours_on(date(2026, 10, 10), changed)[0].hour == 10  # 调休 hours as configured


def test_without_the_calendar_only_the_weekly_hours_and_overrides_count():
    plain = settings(calendar="none")
    assert add_support_minutes(at("2026-09-30 20:50"), 30, plain) == at("2026-10-01 09:20")


def test_a_year_the_calendar_does_not_know_falls_back_to_the_weekly_hours_and_says_so(caplog):
    work_calendar._warned_years.discard(2027)
    with caplog.at_level(logging.WARNING):
        due = add_support_minutes(at("2026-12-31 20:50"), 30, SETTINGS)
    assert due == at("2027-01-01 09:20")  # 2027's New Year not known to chinesecalendar 1.11.0
    assert "2027" in caplog.text and "lender.yml" in caplog.text
    assert work_calendar.unknown_years(SETTINGS, (2026, 2027)) == [2027]
    assert work_calendar.unknown_years(settings(calendar="none"), (2027,)) == []


def test_lender_yml_can_fill_a_year_the_calendar_does_not_know():
    filled = settings(holidays=["2027-01-01"])
    assert add_support_minutes(at("2026-12-31 20:50"), 30, filled) == at("2027-01-02 10:20")  # Saturday hours


def test_no_deadline_when_the_team_never_opens():
    closed = settings(calendar="none", holidays=[(date(2026, 11, 24) + timedelta(days=d)).isoformat()
                                                 for d in range(420)])
    assert add_support_minutes(at("2026-11-24 10:00"), 10, closed) is None


def test_complaints_get_a_resolution_deadline_in_calendar_days():
    created = at("2026-09-30 22:00")
    assert resolution_due(created, "complaint", SETTINGS) == at("2026-10-15 22:00")
    assert resolution_due(created, "fraud", SETTINGS) is None
    assert resolution_due(created, "complaint", settings(sla={"complaint_resolution_days": 30,
                                                             "first_response_minutes": {"high": 5, "normal": 60}})) \
        == at("2026-10-30 22:00")


def test_minutes_left_counts_overdue_as_negative():
    now = at("2026-11-24 10:00")
    assert minutes_left(at("2026-11-24 10:05"), now) == 5
    assert minutes_left(at("2026-11-24 09:59:30"), now) == -1
    assert minutes_left(at("2026-11-24 09:50"), now) == -10
    assert minutes_left(None, now) is None


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        add_support_minutes(datetime(2026, 11, 24, 10), 10, SETTINGS)


@pytest.mark.parametrize("changes, complaint", [
    ({"calendar": "moon"}, "calendar: 'moon'; known: mainland_china, none"),
    ({"working_days": ["2026-02-30"]}, "working_days: '2026-02-30' is not a date"),
    ({"holidays": ["2026-11-29"], "working_days": ["2026-11-29"]}, "holidays and working_days both list 2026-11-29"),
    ({"retention_days": 0}, "retention_days: 0 is not a whole number from 1"),
    ({"privacy_notice_url": "javascript:alert(1)"}, "privacy_notice_url: 'javascript:alert(1)' is not an http(s)"),
    ({"sla": {"first_response_minutes": {"high": 10}}}, "sla.first_response_minutes: needs minutes for each of high"),
    ({"sla": {"first_response_minutes": {"high": "soon", "normal": 5}}}, "sla.first_response_minutes.high: 'soon'"),
    ({"canned_replies": [{"name": "x", "en": "hi"}]}, "canned_replies[0] (x): needs a non-empty text for each"),
    ({"make_up_day_hours": "9-5"}, "make_up_day_hours: '9-5' is not"),
])
def test_new_settings_mistakes_are_named(changes, complaint):
    with pytest.raises(SettingsError) as error:
        settings(**changes)
    assert complaint in str(error.value)
