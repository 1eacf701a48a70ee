"""The lender's settings (lender.yml): brand, hotline, support hours, the
public-holiday calendar and its overrides, app menu paths, repayment
channels, how long conversations are kept and where the privacy notice is,
response deadlines (SLA) and agents' canned replies. Read and checked here;
the answers get them when they are rendered (rasa_extensions/lender_nlg.py),
so changing the file changes the answers without retraining.

    python -m borrower_help.lender --check   # what `make run` runs first
"""
import argparse
import os
import pathlib
import re
import sys
import threading
from dataclasses import dataclass
from datetime import date, time
from typing import Any, Dict, List, Optional, Text, Tuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
LANGUAGES = ("en", "zh")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MENU_PATHS = ("change_phone", "real_name", "customer_service")
# Channel: (English name, Chinese name, usable without an SMS code on the old number)
CHANNELS: Dict[Text, Tuple[Text, Text, bool]] = {
    "app": ("“Repay” in the app with your bound bank card", "APP内「还款」，用已绑定的银行卡", False),
    "alipay": ("Alipay (auto-debit)", "支付宝（自动扣款）", True),
    "wechat_pay": ("WeChat Pay (auto-debit)", "微信支付（自动扣款）", True),
    "unionpay_quickpass": ("UnionPay QuickPass", "云闪付", True),
    "bank_transfer": ("Bank transfer to the repayment account in your loan contract",
                      "银行转账到借款合同里的还款账户", True),
    "atm": ("Cash deposit at an ATM to your bound card before the debit", "在ATM把钱存进已绑定的银行卡，等待扣款", True),
    "bank_counter": ("At the counter of your bank", "到银行柜台办理", True),
}
# Repayments through these show as paid within minutes; a bank transfer can
# take 1-2 working days, a cash deposit waits for the next debit.
POSTS_AT_ONCE = ("app", "alipay", "wechat_pay", "unionpay_quickpass")
DUE_NOTE = {
    "en": "It's due very soon, so use one of the first ways below: they show as paid within minutes.\n",
    "zh": "快到期了，请用下面排在前面的方式还款，几分钟内就会显示已还。\n",
}
# Public holidays and make-up working days (调休) from a maintained package
# (borrower_help/work_calendar.py), or none: only `holidays`/`working_days`.
CALENDARS = ("mainland_china", "none")
DEFAULT_FIRST_RESPONSE_MINUTES = {"high": 10, "normal": 120}
DEFAULT_COMPLAINT_RESOLUTION_DAYS = 15  # the regulator's deadline for a simple complaint
_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)$")


class SettingsError(ValueError):
    """lender.yml is missing something or has something wrong; says what."""


@dataclass(frozen=True)
class LenderSettings:
    brand: Dict[Text, Text]
    hotline: Text
    time_zone: ZoneInfo
    support_hours: Dict[int, Tuple[time, time]]  # weekday (0 = Monday) -> opening, closing
    holidays: frozenset
    menu_paths: Dict[Text, Dict[Text, Text]]
    repayment_channels: Tuple[Text, ...]
    calendar: Text = "none"
    working_days: frozenset = frozenset()  # extra working days (a 调休 the calendar does not know yet)
    make_up_day_hours: Optional[Tuple[time, time]] = None  # hours of a make-up working day
    retention_days: int = 180
    privacy_notice_url: Text = ""
    first_response_minutes: Tuple[Tuple[Text, int], ...] = tuple(DEFAULT_FIRST_RESPONSE_MINUTES.items())
    complaint_resolution_days: int = DEFAULT_COMPLAINT_RESOLUTION_DAYS
    canned_replies: Tuple["CannedReply", ...] = ()

    def channels(self, language: Text, without_sms_only: bool = False, fastest_first: bool = False) -> List[Text]:
        index = 1 if language == "zh" else 0
        chosen = [c for c in self.repayment_channels if not without_sms_only or CHANNELS[c][2]]
        if fastest_first:  # stable: the lender's order within each speed
            chosen.sort(key=lambda c: c not in POSTS_AT_ONCE)
        return [str(CHANNELS[c][index]) for c in chosen]


@dataclass(frozen=True)
class CannedReply:
    """An agent's ready answer, in both languages (inserted into the reply
    box in the conversation's language, editable before sending)."""
    name: Text
    text: Dict[Text, Text]


def _dates(name: Text, values: Any, errors: List[Text]) -> frozenset:
    found = set()
    for value in values or []:
        try:
            found.add(value if isinstance(value, date) else date.fromisoformat(str(value)))
        except ValueError:
            errors.append(f"{name}: {value!r} is not a date (YYYY-MM-DD)")
    return frozenset(found)


def _whole_number(name: Text, value: Any, low: int, high: int, errors: List[Text]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors.append(f"{name}: {value!r} is not a whole number from {low} to {high}")
        return low
    return value


def _sla(raw: Any, errors: List[Text]) -> Tuple[Dict[Text, int], int]:
    from borrower_help.catalogue import PRIORITIES

    raw = raw if isinstance(raw, dict) else {}
    minutes_raw = raw.get("first_response_minutes") or DEFAULT_FIRST_RESPONSE_MINUTES
    if not isinstance(minutes_raw, dict) or set(minutes_raw) != set(PRIORITIES):
        errors.append(f"sla.first_response_minutes: needs minutes for each of {', '.join(PRIORITIES)}")
        minutes_raw = DEFAULT_FIRST_RESPONSE_MINUTES
    minutes = {p: _whole_number(f"sla.first_response_minutes.{p}", minutes_raw[p], 1, 7 * 24 * 60, errors)
               for p in PRIORITIES}
    days = _whole_number("sla.complaint_resolution_days",
                         raw.get("complaint_resolution_days", DEFAULT_COMPLAINT_RESOLUTION_DAYS), 1, 365, errors)
    return minutes, days


def _canned(raw: Any, errors: List[Text]) -> Tuple[CannedReply, ...]:
    replies = []
    for index, item in enumerate(raw or []):
        name = str((item or {}).get("name") or "").strip() if isinstance(item, dict) else ""
        if not name:
            errors.append(f"canned_replies[{index}]: needs a name")
            continue
        text = _text_per_language(f"canned_replies[{index}] ({name})", item, errors)
        if text:
            replies.append(CannedReply(name, text))
    return tuple(replies)


def _hours(day: Text, value: Any, errors: List[Text]) -> Optional[Tuple[time, time]]:
    if value in (None, "closed"):
        return None
    match = _HOURS.match(str(value).replace(" ", ""))
    if not match:
        errors.append(f"support_hours.{day}: {value!r} is not \"HH:MM-HH:MM\" or \"closed\"")
        return None
    start_h, start_m, end_h, end_m = (int(g) for g in match.groups())
    start, end = start_h * 60 + start_m, end_h * 60 + end_m
    if end <= start:
        errors.append(f"support_hours.{day}: {value!r} must close after it opens (same day)")
        return None
    closing = time(23, 59, 59, 999999) if end == 24 * 60 else time(end_h, end_m)
    return time(start_h, start_m), closing


def _text_per_language(name: Text, value: Any, errors: List[Text]) -> Dict[Text, Text]:
    if not isinstance(value, dict) or any(not isinstance(value.get(l), str) or not str(value.get(l)).strip()
                                          for l in LANGUAGES):
        errors.append(f"{name}: needs a non-empty text for each of {', '.join(LANGUAGES)}")
        return {}
    return {l: value[l].strip() for l in LANGUAGES}


def parse(raw: Any, source: Text = "lender.yml") -> LenderSettings:
    """Check everything and report every problem at once."""
    if not isinstance(raw, dict):
        raise SettingsError(f"{source}: expected the settings as a mapping of names to values")
    errors: List[Text] = []
    unknown = set(raw) - {"brand", "hotline", "time_zone", "support_hours", "holidays", "menu_paths",
                          "repayment_channels", "calendar", "working_days", "make_up_day_hours",
                          "retention_days", "privacy_notice_url", "sla", "canned_replies"}
    if unknown:
        errors.append(f"unknown setting(s): {', '.join(sorted(unknown))}")
    brand = _text_per_language("brand", raw.get("brand"), errors)
    hotline = str(raw.get("hotline") or "").strip()
    if not re.fullmatch(r"\+?[\d\- ]{3,20}", hotline):
        errors.append(f"hotline: {raw.get('hotline')!r} is not a phone number")
    try:
        zone = ZoneInfo(str(raw.get("time_zone")))
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        errors.append(f"time_zone: {raw.get('time_zone')!r} is not a known time zone (e.g. Asia/Shanghai)")
        zone = ZoneInfo("UTC")
    hours_raw = raw.get("support_hours") or {}
    if not isinstance(hours_raw, dict) or set(hours_raw) - set(WEEKDAYS):
        errors.append(f"support_hours: days are {', '.join(WEEKDAYS)}")
        hours_raw = {}
    hours = {}
    for index, day in enumerate(WEEKDAYS):
        opening = _hours(day, hours_raw.get(day), errors)
        if opening:
            hours[index] = opening
    if not hours and not any(e.startswith("support_hours") for e in errors):
        errors.append("support_hours: at least one day must have hours")
    holidays = _dates("holidays", raw.get("holidays"), errors)
    working_days = _dates("working_days", raw.get("working_days"), errors)
    if holidays & working_days:
        errors.append(f"holidays and working_days both list {', '.join(sorted(map(str, holidays & working_days)))}")
    calendar = str(raw.get("calendar") or "none")
    if calendar not in CALENDARS:
        errors.append(f"calendar: {calendar!r}; known: {', '.join(CALENDARS)}")
    make_up = raw.get("make_up_day_hours")
    make_up_hours = _hours("make_up_day_hours", make_up, errors) if make_up is not None else hours.get(0)
    retention = _whole_number("retention_days", raw.get("retention_days", 180), 1, 36500, errors)
    notice = str(raw.get("privacy_notice_url") or "").strip()
    if notice and not re.fullmatch(r"https?://[^\s<>\"']+", notice):
        errors.append(f"privacy_notice_url: {notice!r} is not an http(s) address")
    first_response, resolution_days = _sla(raw.get("sla"), errors)
    canned = _canned(raw.get("canned_replies"), errors)
    menu_raw = raw.get("menu_paths") or {}
    menu = {name: _text_per_language(f"menu_paths.{name}", (menu_raw or {}).get(name), errors)
            for name in MENU_PATHS}
    channels = raw.get("repayment_channels") or []
    bad = [c for c in channels if c not in CHANNELS]
    if bad or not channels:
        errors.append(f"repayment_channels: {', '.join(map(str, bad)) or 'none given'}; "
                      f"known: {', '.join(CHANNELS)}")
    elif not any(CHANNELS[c][2] for c in channels):
        errors.append("repayment_channels: at least one must work without an SMS code "
                      "(a borrower whose number changed could not repay)")
    if errors:
        raise SettingsError(f"{source} is not valid:\n- " + "\n- ".join(errors))
    return LenderSettings(brand, hotline, zone, hours, holidays, menu, tuple(channels), calendar, working_days,
                          make_up_hours, retention, notice, tuple(first_response.items()), resolution_days, canned)


def _numbered(lines: List[Text]) -> Text:
    return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, start=1))


def answer_values(settings: LenderSettings, language: Text, due_soon: bool = False) -> Dict[Text, Text]:
    """The lender's settings as the answers in `language` use them: the
    {lender_*} placeholders of the responses in domain/. A repayment due
    within days puts the channels that post at once first, and says so."""
    menus = settings.menu_paths
    return {
        "lender_due_note": DUE_NOTE[language] if due_soon else "",
        "lender_brand": settings.brand[language],
        "lender_hotline": settings.hotline,
        "lender_menu_change_phone": menus["change_phone"][language],
        "lender_menu_real_name": menus["real_name"][language],
        "lender_menu_customer_service": menus["customer_service"][language],
        "lender_repayment_channels": _numbered(settings.channels(language, fastest_first=due_soon)),
        "lender_repayment_channels_without_sms": _numbered(
            settings.channels(language, without_sms_only=True, fastest_first=due_soon)),
    }


PRIVACY_LINE = {
    "en": "We keep this conversation for {days} days after your last message. Privacy notice: {url}",
    "zh": "本对话在您最后一条消息后保留{days}天。隐私政策：{url}",
}
PRIVACY_LINE_WITHOUT_URL = {
    "en": "We keep this conversation for {days} days after your last message.",
    "zh": "本对话在您最后一条消息后保留{days}天。",
}


def privacy_line(settings: LenderSettings, language: Text) -> Text:
    """The one line the bot's first message in a conversation ends with
    (PIPL Art. 17): how long it is kept, and where the privacy notice is."""
    lines = PRIVACY_LINE if settings.privacy_notice_url else PRIVACY_LINE_WITHOUT_URL
    return lines.get(language, lines["en"]).format(days=settings.retention_days, url=settings.privacy_notice_url)


def settings_path() -> pathlib.Path:
    return pathlib.Path(os.environ.get("LENDER_SETTINGS") or ROOT / "lender.yml")


def load(path: Optional[pathlib.Path] = None) -> LenderSettings:
    path = path or settings_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SettingsError(f"{path}: cannot be read ({error.strerror})")
    except yaml.YAMLError as error:
        raise SettingsError(f"{path}: is not valid YAML ({error})")
    return parse(raw, str(path))


_cache: Dict[Text, Any] = {}
_cache_lock = threading.Lock()


def current() -> LenderSettings:
    """The settings, read again when the file changes (no restart needed)."""
    path = settings_path()
    stamp = (str(path), path.stat().st_mtime_ns if path.exists() else None)
    with _cache_lock:
        if _cache.get("stamp") != stamp:
            _cache["settings"], _cache["stamp"] = load(path), stamp
        return _cache["settings"]


def main(argv: Optional[List[Text]] = None) -> int:
    parser = argparse.ArgumentParser(description="Check the lender settings.")
    parser.add_argument("--check", action="store_true", help="check and say what is wrong")
    parser.parse_args(argv)
    try:
        settings = load()
    except SettingsError as error:
        print(f"Lender settings: {error}", file=sys.stderr)
        return 1
    print(f"Lender settings OK: {settings_path()} ({settings.brand['en']})")
    from borrower_help import work_calendar

    this_year = date.today().year
    for year in work_calendar.unknown_years(settings, (this_year, this_year + 1)):
        print(f"Warning: the public-holiday calendar ({work_calendar.describe(settings)}) does not know {year} "
              f"yet: until it does, {year} has only the weekly hours and lender.yml's holidays/working_days. "
              f"Upgrade chinesecalendar when the State Council's notice is out, or list {year}'s days there.",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
