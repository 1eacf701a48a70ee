"""lender.yml: the shipped file is valid; every kind of mistake is named."""
import copy

import pytest
import yaml

from borrower_help import lender as lender_settings
from borrower_help.lender import ROOT, SettingsError, parse

SHIPPED = yaml.safe_load((ROOT / "lender.yml").read_text(encoding="utf-8"))


def test_the_shipped_settings_are_valid():
    settings = parse(SHIPPED)
    assert settings.brand == {"en": "Lumen Credit", "zh": "明灯信贷"}
    assert str(settings.time_zone) == "Asia/Shanghai"
    assert 6 not in settings.support_hours  # closed on Sunday
    assert settings.channels("en", without_sms_only=True)[0].startswith("Alipay")
    assert all("APP" not in c for c in settings.channels("zh", without_sms_only=True))


def broken(change):
    raw = copy.deepcopy(SHIPPED)
    change(raw)
    return raw


@pytest.mark.parametrize("change, complaint", [
    (lambda r: r.pop("brand"), "brand: needs a non-empty text for each of en, zh"),
    (lambda r: r["brand"].update(zh=" "), "brand: needs a non-empty text"),
    (lambda r: r.update(hotline="call us"), "hotline: 'call us' is not a phone number"),
    (lambda r: r.update(time_zone="Mars/Olympus"), "time_zone: 'Mars/Olympus' is not a known time zone"),
    (lambda r: r["support_hours"].update(mon="9-21"), "support_hours.mon: '9-21' is not \"HH:MM-HH:MM\""),
    (lambda r: r["support_hours"].update(tue="21:00-09:00"), "support_hours.tue: '21:00-09:00' must close after it opens"),
    (lambda r: r["support_hours"].update(funday="09:00-10:00"), "support_hours: days are mon"),
    (lambda r: r.update(support_hours={d: "closed" for d in r["support_hours"]}), "at least one day must have hours"),
    (lambda r: r["holidays"].append("2026-13-01"), "holidays: '2026-13-01' is not a date"),
    (lambda r: r["menu_paths"].pop("real_name"), "menu_paths.real_name: needs a non-empty text"),
    (lambda r: r.update(repayment_channels=["app", "paypal"]), "repayment_channels: paypal; known: app"),
    (lambda r: r.update(repayment_channels=["app"]), "at least one must work without an SMS code"),
    (lambda r: r.update(colour="blue"), "unknown setting(s): colour"),
])
def test_each_mistake_is_named(change, complaint):
    with pytest.raises(SettingsError) as error:
        parse(broken(change))
    assert complaint in str(error.value)


def test_all_mistakes_are_reported_at_once():
    with pytest.raises(SettingsError) as error:
        parse(broken(lambda r: r.update(hotline="x", time_zone="Nowhere")))
    assert "hotline" in str(error.value) and "time_zone" in str(error.value)


def test_the_check_command_stops_on_a_broken_file(tmp_path, monkeypatch, capsys):
    path = tmp_path / "lender.yml"
    path.write_text("brand: [oops\n")
    monkeypatch.setenv("LENDER_SETTINGS", str(path))
    assert lender_settings.main(["--check"]) == 1
    assert "is not valid YAML" in capsys.readouterr().err
    monkeypatch.setenv("LENDER_SETTINGS", str(tmp_path / "missing.yml"))
    assert lender_settings.main(["--check"]) == 1


def test_a_changed_file_is_read_again(tmp_path, monkeypatch):
    path = tmp_path / "lender.yml"
    path.write_text(yaml.safe_dump(SHIPPED, allow_unicode=True))
    monkeypatch.setenv("LENDER_SETTINGS", str(path))
    assert lender_settings.current().hotline == "400-820-1234"
    path.write_text(yaml.safe_dump({**SHIPPED, "hotline": "95188"}, allow_unicode=True))
    import os
    os.utime(path, ns=(1, 10**18))  # a different modification time, whatever the clock
    assert lender_settings.current().hotline == "95188"


def test_a_repayment_due_soon_puts_the_channels_that_post_at_once_first():
    settings = lender_settings.load()
    slow = lender_settings.answer_values(settings, "en")
    fast = lender_settings.answer_values(settings, "en", due_soon=True)
    assert slow["lender_due_note"] == "" and fast["lender_due_note"].startswith("It's due very soon")
    lines = fast["lender_repayment_channels"].splitlines()
    transfer = next(i for i, line in enumerate(lines) if "Bank transfer" in line)
    assert all("Bank transfer" not in line for line in lines[:3]) and transfer > 0
    assert "快到期了" in lender_settings.answer_values(settings, "zh", due_soon=True)["lender_due_note"]
