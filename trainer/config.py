"""Settings, stored as TOML in `paths.config_file()`.

A missing file means all defaults. Every key is checked; a wrong one raises a
`ConfigError` that names the file, the key and the bad value.
"""

from __future__ import annotations

import dataclasses
import math
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


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be text in quotes"


def _device(value: Any) -> str | None:
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
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
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except OSError as err:
        raise ConfigError(f"Cannot read the settings file {path}: {err.strerror or err}.") from err
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(
            f"The settings file {path} is not valid TOML ({err}). Fix it or delete it to start from defaults."
        ) from err
    return validate(values, source=str(path))


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


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
    paths.write_private_bytes(path, dumps(settings).encode("utf-8"))
    return path


def update(settings: Settings, **changes: Any) -> Settings:
    """A copy of `settings` with `changes`, validated."""
    values = dataclasses.asdict(settings)
    values.update(changes)
    return validate(values)
