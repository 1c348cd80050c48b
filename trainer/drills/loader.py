"""Reading and validating the drill library: the bundled pack and imported clips.

A drill is a folder holding `drill.toml` and the client's audio (the format is
described in `drills/README.md`). Every problem is a `DrillError` that names the file
and the field, so a person can open the file and fix that line.
"""

from __future__ import annotations

import difflib
import importlib.resources
import math
import os
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trainer import paths
from trainer.drills.model import CHALLENGES, DIFFICULTIES, Delivery, Drill, Source, TargetOffsets
from trainer.drills.voices import VOICES
from trainer.errors import DrillError, TrainerError

DRILLS_DIR_ENV = "LEVELVOICE_DRILLS_DIR"
PACKAGED_DRILLS = "starter_drills"  # the starter pack's folder inside an installed `trainer` package
DRILL_FILE = "drill.toml"
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ID_LENGTH = 60
CLIP_SUFFIXES = (".opus", ".ogg", ".oga", ".flac", ".wav")
DURATION_TOLERANCE_S = 0.1
BUNDLED_DURATION_S = (4.0, 25.0)

TEXT_FIELDS = ("id", "title", "transcript", "situation", "challenge", "difficulty", "skill_focus", "clip",
               "credits", "licence")
OPTIONAL_FIELDS = ("duration_s", "offsets", "render")
# offset name -> (lowest, highest) allowed
OFFSET_RANGES = {"loudness_db": (-12.0, 12.0), "pitch_st": (-6.0, 6.0), "pace_ratio": (0.5, 1.5)}
DELIVERY_RANGES = {
    "length_scale": (0.5, 2.0),
    "sentence_pause_s": (0.0, 6.0),
    "phrase_pause_s": (0.0, 3.0),
    "level_dbfs": (-40.0, -10.0),
    "pitch_st": (-6.0, 6.0),
    "pitch_range": (0.25, 3.0),
    "tilt_db": (-12.0, 12.0),
    "breathiness": (0.0, 1.0),
    "noise_scale": (0.0, 1.5),
    "lead_in_s": (0.0, 3.0),
}


def bundled_dir() -> Path:
    """The starter pack: inside the installed package, or a checkout's `drills/` folder.

    The build copies the repository's `drills/` into the package (setup.py); a checkout
    and an editable install read `drills/` itself. `LEVELVOICE_DRILLS_DIR` overrides both.
    """
    override = os.environ.get(DRILLS_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser().resolve()
    packaged = importlib.resources.files("trainer") / PACKAGED_DRILLS
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "drills"


def valid_id(drill_id: str) -> bool:
    """True for ids like `anger-2-rescheduled`: lower-case letters, digits and single dashes."""
    return len(drill_id) <= MAX_ID_LENGTH and ID_PATTERN.fullmatch(drill_id) is not None


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed `drill.toml`; `DrillError` when it is missing or not valid TOML."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DrillError(f"{path} is missing; every drill folder needs one.") from None
    except UnicodeDecodeError:
        raise DrillError(f"{path} is not UTF-8 text; save it again as UTF-8.") from None
    except OSError as err:
        raise DrillError(f"{path} cannot be read: {err.strerror or err}.") from err
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise DrillError(f"{path} is not valid TOML: {err}.") from err


def _text(data: dict[str, Any], key: str, path: Path, *, allow_empty: bool = False) -> str:
    if key not in data:
        raise DrillError(f"{path}: the field '{key}' is missing.")
    value = data[key]
    if not isinstance(value, str):
        raise DrillError(f"{path}: the field '{key}' must be text in quotes, not {_kind(value)} ({value!r}).")
    value = value.strip()
    if not value and not allow_empty:
        raise DrillError(f"{path}: the field '{key}' is empty; write something there.")
    return value


def _number(value: object, name: str, path: Path, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DrillError(f"{path}: the field '{name}' must be a number, not {_kind(value)} ({value!r}).")
    if not math.isfinite(value) or not low <= value <= high:
        raise DrillError(f"{path}: the field '{name}' is {value}; it must be between {low:g} and {high:g}.")
    return float(value)


def _table(data: dict[str, Any], key: str, path: Path, ranges: dict[str, tuple[float, float]]) -> dict[str, float]:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise DrillError(f"{path}: '{key}' must be a table ([{key}]), not {_kind(table)}.")
    unknown = sorted(set(table) - set(ranges))
    if unknown:
        raise DrillError(f"{path}: '{key}.{unknown[0]}' is not a known field; use {', '.join(ranges)}.")
    return {name: _number(value, f"{key}.{name}", path, *ranges[name]) for name, value in table.items()}


def _choice(value: str, key: str, path: Path, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise DrillError(f"{path}: the field '{key}' is '{value}'; use one of {', '.join(allowed)}.")
    return value


def read_drill(folder: Path, source: Source, *, need_clip: bool = True) -> Drill:
    """Read and validate the drill in `folder`; `DrillError` naming file and field.

    `need_clip=False` accepts a missing clip file (a drill about to be rendered).
    """
    path = folder / DRILL_FILE
    data = read_toml(path)
    unknown = sorted(set(data) - set(TEXT_FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        raise DrillError(f"{path}: '{unknown[0]}' is not a known field (a typo?); see drills/README.md for the format.")
    values = {key: _text(data, key, path, allow_empty=key == "transcript") for key in TEXT_FIELDS}
    drill_id = values["id"]
    if not valid_id(drill_id):
        raise DrillError(f"{path}: the field 'id' is '{drill_id}'; use lower-case letters, digits and dashes "
                         f"(at most {MAX_ID_LENGTH} characters).")
    if drill_id != folder.name:
        raise DrillError(f"{path}: the field 'id' is '{drill_id}' but the folder is '{folder.name}'; they must match.")
    _choice(values["challenge"], "challenge", path, tuple(CHALLENGES))
    _choice(values["difficulty"], "difficulty", path, DIFFICULTIES)
    clip = values["clip"]
    if Path(clip).name != clip or clip.startswith("."):
        raise DrillError(f"{path}: the field 'clip' is '{clip}'; give just a file name in the drill's folder.")
    if Path(clip).suffix.lower() not in CLIP_SUFFIXES:
        raise DrillError(f"{path}: the field 'clip' is '{clip}'; the clip must be one of {', '.join(CLIP_SUFFIXES)}.")
    clip_path = folder / clip
    if need_clip and not clip_path.is_file():
        raise DrillError(f"{path}: the field 'clip' names {clip}, which is not in {folder}.")
    duration = data.get("duration_s")
    if duration is not None:
        duration = _number(duration, "duration_s", path, 0.1, 3600.0)
    offsets = TargetOffsets(**_table(data, "offsets", path, OFFSET_RANGES))
    voice = _delivery(data, path).voice
    return Drill(
        id=drill_id,
        title=values["title"],
        transcript=values["transcript"],
        situation=values["situation"],
        challenge=values["challenge"],
        difficulty=values["difficulty"],
        skill_focus=values["skill_focus"],
        offsets=offsets,
        clip_path=clip_path,
        duration_s=duration,
        credits=values["credits"],
        licence=values["licence"],
        source=source,
        voice=voice,
    )


def _delivery(data: dict[str, Any], path: Path) -> Delivery:
    """The validated `[render]` table: numbers in their ranges, `voice` one of `VOICES`."""
    table = data.get("render", {})
    if not isinstance(table, dict):
        raise DrillError(f"{path}: 'render' must be a table ([render]), not {_kind(table)}.")
    unknown = sorted(set(table) - {"voice"} - set(DELIVERY_RANGES))
    if unknown:
        raise DrillError(f"{path}: 'render.{unknown[0]}' is not a known field; "
                         f"use voice, {', '.join(DELIVERY_RANGES)}.")
    voice = table.get("voice")
    if voice is not None and (not isinstance(voice, str) or voice not in VOICES):
        raise DrillError(f"{path}: the field 'render.voice' is {voice!r}; use one of {', '.join(VOICES)}.")
    numbers = {name: _number(value, f"render.{name}", path, *DELIVERY_RANGES[name])
               for name, value in table.items() if name != "voice"}
    return Delivery(voice=voice, **numbers)


def read_delivery(drill: Drill) -> Delivery:
    """The `[render]` settings of a drill (defaults for the ones it leaves out)."""
    return _delivery(read_toml(drill.toml_path), drill.toml_path)


def drill_folders(root: Path) -> list[Path]:
    """Drill folders under `root` (hidden and `_` folders are ignored: work in progress)."""
    try:
        return sorted(entry for entry in root.iterdir() if entry.is_dir() and not entry.name.startswith((".", "_")))
    except FileNotFoundError:
        return []
    except OSError as err:
        raise DrillError(f"The drill folder {root} cannot be read: {err.strerror or err}.") from err


def _roots() -> list[tuple[Path, Source]]:
    bundled = bundled_dir()
    if not bundled.is_dir():
        raise DrillError(f"The bundled drill folder {bundled} is missing; reinstall Level Voice"
                         f" (or unset {DRILLS_DIR_ENV}).")
    return [(bundled, "bundled"), (paths.imported_drills_dir(), "imported")]


def _order(drill: Drill) -> tuple:
    return (list(CHALLENGES).index(drill.challenge), DIFFICULTIES.index(drill.difficulty),
            drill.source != "bundled", drill.id)


def _collect(on_error: Callable[[DrillError], None]) -> list[Drill]:
    drills: dict[str, Drill] = {}
    for root, source in _roots():
        for folder in drill_folders(root):
            try:
                drill = read_drill(folder, source)
                if drill.id in drills:
                    raise DrillError(f"{drill.toml_path}: the field 'id' is '{drill.id}', which "
                                     f"{drills[drill.id].toml_path} already uses; ids must be unique.")
            except DrillError as err:
                on_error(err)
                continue
            drills[drill.id] = drill
    return sorted(drills.values(), key=_order)


def _raise(err: DrillError) -> None:
    raise err


def load_library() -> list[Drill]:
    """Every drill, bundled then imported, ordered by challenge and difficulty.

    Raises `DrillError` for the first invalid drill (`check_library` lists them all).
    """
    return _collect(_raise)


def get_drill(drill_id: str) -> Drill:
    """The drill with this id; `DrillError` (with a suggestion) when there is none."""
    drills = load_library()
    for drill in drills:
        if drill.id == drill_id:
            return drill
    close = difflib.get_close_matches(drill_id, [d.id for d in drills], n=1)
    hint = f"Did you mean '{close[0]}'? " if close else ""
    raise DrillError(f"There is no drill '{drill_id}'. {hint}See all drills with `levelvoice drills list`.")


def next_drill(after_id: str | None) -> Drill:
    """What to practise after `after_id`: the same challenge one level up, else the next drill in the list.

    With no `after_id`, the first drill. The list wraps around at the end.
    """
    drills = load_library()
    if not drills:
        raise DrillError("The drill library is empty; import a clip with `levelvoice drills import FILE`.")
    if after_id is None:
        return drills[0]
    current = get_drill(after_id)
    level = DIFFICULTIES.index(current.difficulty)
    if level + 1 < len(DIFFICULTIES):
        harder = [d for d in drills if d.challenge == current.challenge
                  and d.difficulty == DIFFICULTIES[level + 1]]
        if harder:
            return harder[0]
    position = [d.id for d in drills].index(current.id)
    return drills[(position + 1) % len(drills)]


def _clip_problems(drill: Drill) -> list[str]:
    """Problems with a drill's audio: undecodable, duration different from drill.toml, out of range."""
    from trainer.media import probe_duration

    try:
        length = probe_duration(drill.clip_path)
    except TrainerError as err:
        return [f"{drill.clip_path}: {err}"]
    problems = []
    if drill.duration_s is not None and abs(length - drill.duration_s) > DURATION_TOLERANCE_S:
        problems.append(f"{drill.toml_path}: the field 'duration_s' says {drill.duration_s:.2f} s but "
                        f"{drill.clip_path.name} is {length:.2f} s long.")
    low, high = BUNDLED_DURATION_S
    if drill.source == "bundled" and not low <= length <= high:
        problems.append(f"{drill.clip_path}: a bundled clip must last {low:g}-{high:g} s, this one is {length:.1f} s.")
    return problems


def check_library() -> list[str]:
    """Every problem in the library (invalid files, unreadable clips, wrong durations); empty when all is well."""
    problems: list[str] = []
    try:
        drills = _collect(lambda err: problems.append(str(err)))
    except DrillError as err:
        return [str(err)]
    for drill in drills:
        problems.extend(_clip_problems(drill))
    return problems
