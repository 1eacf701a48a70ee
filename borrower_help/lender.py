"""The lender's settings (lender.yml): brand, hotline, support hours and
holidays, app menu paths, repayment channels. Read and checked here; the
answers get them when they are rendered (rasa_extensions/lender_nlg.py), so
changing the file changes the answers without retraining.

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

    def channels(self, language: Text, without_sms_only: bool = False, fastest_first: bool = False) -> List[Text]:
        index = 1 if language == "zh" else 0
        chosen = [c for c in self.repayment_channels if not without_sms_only or CHANNELS[c][2]]
        if fastest_first:  # stable: the lender's order within each speed
            chosen.sort(key=lambda c: c not in POSTS_AT_ONCE)
        return [str(CHANNELS[c][index]) for c in chosen]


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
                          "repayment_channels"}
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
    holidays = set()
    for value in raw.get("holidays") or []:
        try:
            holidays.add(value if isinstance(value, date) else date.fromisoformat(str(value)))
        except ValueError:
            errors.append(f"holidays: {value!r} is not a date (YYYY-MM-DD)")
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
    return LenderSettings(brand, hotline, zone, hours, frozenset(holidays), menu, tuple(channels))


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
