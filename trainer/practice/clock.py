"""The time zone that decides where a practice day begins and ends."""

from __future__ import annotations

import os
from datetime import timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from trainer.errors import ConfigError

LOCALTIME = Path("/etc/localtime")


def zone(name: str) -> tzinfo:
    """The IANA zone `name` (e.g. "Europe/Berlin"), or the computer's own zone for ""."""
    name = name.strip()
    if not name:
        return local_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"Unknown time zone '{name}'. Use a name like Europe/Berlin or America/New_York, "
                          "or \"\" for this computer's zone.") from None


def local_zone() -> tzinfo:
    """This computer's zone with its daylight-saving rules: $TZ, else /etc/localtime, else UTC."""
    name = os.environ.get("TZ", "").strip().lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass  # a POSIX rule string like "CET-1CEST": fall back to the system file
    try:
        target = str(LOCALTIME.resolve())
        if "zoneinfo/" in target:
            return ZoneInfo(target.split("zoneinfo/", 1)[1])
        with LOCALTIME.open("rb") as handle:
            return ZoneInfo.from_file(handle, key="localtime")
    except (OSError, ValueError, ZoneInfoNotFoundError):
        return timezone.utc
