"""Settings, stored as TOML in `paths.config_file()`.

A missing file means all defaults. Every key is checked; a wrong one raises a
`ConfigError` that names the file, the key and the bad value. A file that cannot be read
at all (not UTF-8, not TOML) names the line and offers `levelvoice config reset`, which
keeps the old file as a backup. Nothing is written that does not read back the same.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from trainer import paths
from trainer.errors import ConfigError

BUNDLED_MODEL = "tiny.en"
THEMES = ("dark", "light")


@dataclass(frozen=True)
class Settings:
    """All user settings with their defaults."""

    input_device: str = ""  # name (or part of it) or index; "" = the system default
    output_device: str = ""
    sample_rate: int = 0  # 0 = the input device's own default rate
    daily_goal_minutes: int = 15
    timezone: str = ""  # IANA zone that decides practice days, e.g. "Europe/Berlin"; "" = this computer's
    transcription_model: str = BUNDLED_MODEL  # bundled tiny.en, a model name, or a folder
    cue_sound: bool = True
    silence_hangover_s: float = 1.5
    max_take_s: float = 90.0
    theme: str = "dark"


def _whole(low: int, high: int, what: str):
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return f"must be {what} from {low} to {high}"
        return None

    return check


def _number(low: float, high: float, what: str):
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"must be {what} from {low:g} to {high:g}"
        if not math.isfinite(value) or not low <= value <= high:
            return f"must be {what} from {low:g} to {high:g}"
        return None

    return check


RESET_HINT = "run `levelvoice config reset` to start from the defaults (your file is kept as a backup)"


def _one_line(value: str) -> bool:
    return not any(ord(c) < 32 or ord(c) == 127 for c in value)


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be text in quotes"
    return None if _one_line(value) else "must be one line of text (no line breaks or control characters)"


def _device(value: Any) -> str | None:
    if isinstance(value, str):
        return None if _one_line(value) else (
            "must be one line of text (no line breaks or control characters): a device name from "
            "`levelvoice devices`")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return None
    return 'must be a device name in quotes or a device number from `levelvoice devices` ("" for the default)'


def _sample_rate(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and (value == 0 or 8000 <= value <= 192000):
        return None
    return "must be 0 (the device's own rate) or a rate in Hz from 8000 to 192000"


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _timezone(value: Any) -> str | None:
    if not isinstance(value, str):
        return 'must be a time zone name in quotes, e.g. "Europe/Berlin" ("" for this computer\'s zone)'
    if not value.strip():
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return 'must be a time zone name like "Europe/Berlin" or "America/New_York" ("" for this computer\'s zone)'
    return None


def _theme(value: Any) -> str | None:
    return None if value in THEMES else f"must be one of {', '.join(THEMES)}"


_CHECKS = {
    "input_device": _device,
    "output_device": _device,
    "sample_rate": _sample_rate,
    "daily_goal_minutes": _whole(1, 240, "a whole number of minutes"),
    "timezone": _timezone,
    "transcription_model": _text,
    "cue_sound": _bool,
    "silence_hangover_s": _number(0.3, 10.0, "a number of seconds"),
    "max_take_s": _number(5.0, 600.0, "a number of seconds"),
    "theme": _theme,
}


def validate(values: dict[str, Any], *, source: str = "settings") -> Settings:
    """Build `Settings` from a mapping, raising `ConfigError` on the first bad key or value."""
    known = {f.name for f in fields(Settings)}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(
                f"Unknown setting '{key}' in {source}. Known settings: {', '.join(sorted(known))}."
            )
        problem = _CHECKS[key](value)
        if problem:
            raise ConfigError(f"Setting '{key}' in {source} {problem}, not {value!r}.")
    clean = {k: (str(v) if k.endswith("_device") else v) for k, v in values.items()}
    for key in ("silence_hangover_s", "max_take_s"):
        if key in clean:
            clean[key] = float(clean[key])
    return Settings(**clean)


def load(path: Path | None = None) -> Settings:
    """Read the settings file; a missing file gives the defaults."""
    path = path or paths.config_file()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as err:
        raise ConfigError(f"Cannot read the settings file {path}: {err.strerror or err}.") from err
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ConfigError(
            f"The settings file {path} is not UTF-8 text (byte 0x{data[err.start]:02x} on line {line}). "
            f"Fix that line, or {RESET_HINT}."
        ) from None
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(
            f"The settings file {path} is not valid TOML: {err}. Fix that line, or {RESET_HINT}."
        ) from None
    return validate(values, source=str(path))


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    # a TOML basic string: JSON's escapes are valid TOML; DEL must be escaped too
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def dumps(settings: Settings) -> str:
    """The settings as TOML text, every key written out."""
    lines = ["# Level Voice settings. Delete a line to go back to its default."]
    for key, value in dataclasses.asdict(settings).items():
        lines.append(f"{key} = {toml_value(value)}")
    return "\n".join(lines) + "\n"


def save(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings file atomically (0600, in a 0700 folder)."""
    path = path or paths.config_file()
    validate(dataclasses.asdict(settings))
    text = dumps(settings)
    if validate(tomllib.loads(text)) != settings:  # never write a file that does not read back the same
        raise ConfigError("These settings cannot be written so that they read back the same; nothing was changed.")
    paths.write_private_bytes(path, text.encode("utf-8"))
    return path


def reset(path: Path | None = None, *, now: dt.datetime | None = None) -> Path | None:
    """Back up the settings file (`config.toml.bak-YYYYmmdd-HHMMSS`) and write the defaults; returns the backup.

    None when there was no file to keep.
    """
    path = path or paths.config_file()
    backup = None
    if path.exists():
        stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        backup = path.with_name(f"{path.name}.bak-{stamp}")
        number = 2
        while backup.exists():
            backup = path.with_name(f"{path.name}.bak-{stamp}-{number}")
            number += 1
        try:
            fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL, paths.PRIVATE_FILE_MODE)  # never overwrites
            with os.fdopen(fd, "wb") as handle:
                handle.write(path.read_bytes())
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as err:
            raise ConfigError(f"Could not keep a backup of {path} ({err.strerror or err}); nothing was changed.") from err
    save(Settings(), path)
    return backup


def update(settings: Settings, **changes: Any) -> Settings:
    """A copy of `settings` with `changes`, validated."""
    values = dataclasses.asdict(settings)
    values.update(changes)
    return validate(values)
