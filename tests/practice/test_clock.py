"""The time zone of practice days: a named zone, or this computer's (with its DST rules)."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from trainer.errors import ConfigError
from trainer.practice import clock


def test_named_zone():
    assert clock.zone("Europe/Berlin") == ZoneInfo("Europe/Berlin")


def test_unknown_zone_is_a_clear_error():
    with pytest.raises(ConfigError, match="Unknown time zone 'Mars/Base'"):
        clock.zone("Mars/Base")


def test_empty_name_follows_tz_with_daylight_saving(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    tz = clock.zone("")
    assert datetime(2025, 7, 1, 12, tzinfo=tz).utcoffset().total_seconds() == -4 * 3600
    assert datetime(2025, 1, 1, 12, tzinfo=tz).utcoffset().total_seconds() == -5 * 3600


def test_without_tz_the_system_zone_file_is_used(monkeypatch, tmp_path):
    monkeypatch.delenv("TZ", raising=False)
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/Asia/Tokyo")
    monkeypatch.setattr(clock, "LOCALTIME", link)
    assert clock.local_zone() == ZoneInfo("Asia/Tokyo")
    copy = tmp_path / "copied"
    copy.write_bytes(open("/usr/share/zoneinfo/Australia/Sydney", "rb").read())
    monkeypatch.setattr(clock, "LOCALTIME", copy)
    sydney = clock.local_zone()
    assert datetime(2025, 1, 1, tzinfo=sydney).utcoffset().total_seconds() == 11 * 3600  # summer time
    monkeypatch.setattr(clock, "LOCALTIME", tmp_path / "missing")
    assert clock.local_zone() == timezone.utc
