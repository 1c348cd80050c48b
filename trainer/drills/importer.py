"""Making drills from the therapist's own recordings, and removing them again.

`import_clip` cuts a segment out of any audio or video file, stores it as mono Ogg Opus
with a `drill.toml` in the private data folder, and fills in the transcript with the
offline transcription model. Everything is written into a hidden temporary folder that
is renamed into place only when complete, so a failure never leaves half a drill.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from trainer import paths
from trainer.drills.loader import (DRILL_FILE, broken_folder, bundled_dir, drill_folders, get_drill, read_drill,
                                   valid_id)
from trainer.drills.model import CHALLENGES, DIFFICULTIES, Drill
from trainer.errors import DrillError

if TYPE_CHECKING:
    import numpy as np

CLIP_NAME = "client.opus"
STORE_RATE = 24000  # Opus needs 8, 12, 16, 24 or 48 kHz; 24 kHz keeps all of a voice
TRANSCRIBE_RATE = 16000
MIN_CLIP_S = 1.0
MAX_CLIP_S = 180.0
SILENT_PEAK = 1e-4  # about -80 dBFS

SKILL_FOCUS = {
    "anger": "Stay level and unhurried while the client is angry at you.",
    "contempt": "Keep warmth and an even pitch when your work is dismissed.",
    "withdrawal": "Don't speed up or fill the silence; stay soft and slow.",
    "despair": "Stay grounded and steady; don't drop into a flat, heavy voice.",
    "competence": "Don't rise in pitch or rush to defend yourself when challenged.",
    "anxious": "Keep your own pace; don't get pulled into speeding up.",
    "other": "Stay level, engaged and at your own pace.",
}


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON escapes are valid TOML; DEL must be escaped too)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:40].strip("-") or "clip"


def _taken_ids() -> set[str]:
    """Ids in use: every folder name in the bundled pack and the imported drills."""
    return {folder.name for root in (bundled_dir(), paths.imported_drills_dir()) for folder in drill_folders(root)}


def _choose_id(wanted: str | None, name: str) -> str:
    """`wanted` if it is free and well-formed, else a free id made from `name`."""
    taken = _taken_ids()
    if wanted is not None:
        if not valid_id(wanted):
            raise DrillError(f"The id '{wanted}' is not usable; use lower-case letters, digits and dashes, "
                             f"e.g. 'my-angry-client'.")
        if wanted in taken:
            raise DrillError(f"There is already a drill '{wanted}'; choose another --id, or remove the old one "
                             f"with `levelvoice drills remove {wanted}`.")
        return wanted
    base = f"my-{_slug(name)}"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _check_choices(difficulty: str, challenge: str) -> None:
    if difficulty not in DIFFICULTIES:
        raise DrillError(f"Unknown difficulty '{difficulty}'; use one of {', '.join(DIFFICULTIES)}.")
    if challenge not in CHALLENGES:
        raise DrillError(f"Unknown challenge '{challenge}'; use one of {', '.join(CHALLENGES)}.")


def _length_s(source: Path) -> float:
    """The file's length from its headers when they say, else by decoding (`media.probe_duration`)."""
    import av

    from trainer import media

    if source.suffix.lower() not in media.SOUNDFILE_SUFFIXES and source.is_file() and source.stat().st_size:
        try:
            with av.open(str(source)) as container:
                if container.streams.audio and container.duration:
                    return container.duration / 1_000_000
        except (av.error.FFmpegError, UnicodeDecodeError):
            pass  # probe_duration below says what is wrong with the file
    return media.probe_duration(source)


def transcribe_samples(samples: np.ndarray, rate: int) -> str:
    """The words in mono float32 `samples`, by the offline transcription model in the settings."""
    import numpy as np
    import soxr

    from trainer import config
    from trainer.analysis import model

    whisper = model.load(config.load().transcription_model)
    audio = soxr.resample(samples, rate, TRANSCRIBE_RATE).astype(np.float32)
    segments, _info = whisper.transcribe(audio, language="en", beam_size=5, condition_on_previous_text=False)
    return " ".join(segment.text.strip() for segment in segments).strip()


def _encode_opus(samples: np.ndarray, rate: int) -> bytes:
    import io

    import numpy as np
    import soundfile as sf
    import soxr

    audio = soxr.resample(samples, rate, STORE_RATE) if rate != STORE_RATE else samples
    buffer = io.BytesIO()
    sf.write(buffer, np.clip(audio, -1.0, 1.0), STORE_RATE, format="OGG", subtype="OPUS")
    return buffer.getvalue()


def _drill_toml(*, drill_id: str, title: str, transcript: str, situation: str, challenge: str, difficulty: str,
                duration_s: float, source_name: str) -> str:
    lines = [
        "# A drill you imported. Edit any text here; `levelvoice drills check` checks the file.",
        f"id = {_toml_string(drill_id)}",
        f"title = {_toml_string(title)}",
        "# The client's words as the transcription model heard them: correct them here.",
        f"transcript = {_toml_string(transcript)}",
        f"situation = {_toml_string(situation)}",
        f"challenge = {_toml_string(challenge)}  # {', '.join(CHALLENGES)}",
        f"difficulty = {_toml_string(difficulty)}  # {', '.join(DIFFICULTIES)}",
        f"skill_focus = {_toml_string(SKILL_FOCUS[challenge])}",
        f"clip = {_toml_string(CLIP_NAME)}",
        f"duration_s = {duration_s:.3f}",
        f"credits = {_toml_string(f'Your own recording, imported from {source_name}.')}",
        'licence = "Private: from your own practice. Keep it on this computer."',
        "",
        "# How this drill shifts your target from your calm baseline (all optional).",
        "[offsets]",
        "loudness_db = 0.0",
        "pitch_st = 0.0",
        "pace_ratio = 1.0",
        "",
    ]
    return "\n".join(lines)


def import_clip(source: Path | str, *, start_s: float | None = None, end_s: float | None = None,
                title: str | None = None, difficulty: str = "intermediate", challenge: str = "other",
                drill_id: str | None = None, transcribe: bool = True,
                progress: Callable[[str], None] | None = None) -> Drill:
    """Make a drill from `source` (audio or video), optionally only `start_s`..`end_s`.

    `progress` hears about the slow step (transcription) once the input has passed every check.
    Raises `AudioFileError` for an unreadable file or segment, `DrillError` for a bad
    choice or id; in every failure nothing is left behind.
    """
    from trainer import media

    _check_choices(difficulty, challenge)
    source = Path(source).expanduser()
    if drill_id is not None:
        _choose_id(drill_id, "")  # a clashing or malformed id fails before any decoding
    if end_s is None:
        available = _length_s(source) - (start_s or 0.0)
        if available > MAX_CLIP_S:
            raise DrillError(f"{source} runs {media.format_time(available)} from the start point; a drill is one "
                             f"moment of at most {MAX_CLIP_S / 60:g} minutes. Pick it with --start and --end.")
    elif end_s - (start_s or 0.0) > MAX_CLIP_S:
        raise DrillError(f"The segment is {media.format_time(end_s - (start_s or 0.0))} long; a drill is one moment "
                         f"of at most {MAX_CLIP_S / 60:g} minutes. Choose a shorter --start/--end.")
    audio = media.read_audio(source, start_s=start_s, end_s=end_s, mono=True)
    if audio.duration_s < MIN_CLIP_S:
        raise DrillError(f"The segment is only {audio.duration_s:.2f} s long; a drill needs at least {MIN_CLIP_S:g} s "
                         f"of the client speaking.")
    if float(abs(audio.samples).max()) < SILENT_PEAK:
        raise DrillError(f"The segment of {source} is silent; check --start and --end.")
    where = ""
    if start_s is not None or end_s is not None:
        last = end_s if end_s is not None else (start_s or 0.0) + audio.duration_s
        where = f", {media.format_time(start_s or 0.0)} to {media.format_time(last)}"
    title = (title or "").strip()
    name_for_id = title or source.stem
    title = title or f"{source.stem}{where}"
    words = ""
    if transcribe:
        if progress:
            progress(f"Transcribing {audio.duration_s:.0f} s of audio...")
        words = transcribe_samples(audio.samples, audio.rate)
    clip_bytes = _encode_opus(audio.samples, audio.rate)
    drill_id = _choose_id(drill_id, name_for_id)
    text = _drill_toml(drill_id=drill_id, title=title, transcript=words, situation=f"From {source.name}{where}.",
                       challenge=challenge, difficulty=difficulty, duration_s=audio.duration_s,
                       source_name=source.name)
    return _store(drill_id, text, clip_bytes)


def _store(drill_id: str, toml_text: str, clip_bytes: bytes) -> Drill:
    """Write the drill into a hidden folder, then rename it into place in one step."""
    root = paths.ensure_private_dir(paths.imported_drills_dir())
    final = root / drill_id
    staging = root / f".import-{drill_id}-{uuid.uuid4().hex[:8]}"
    try:
        paths.ensure_private_dir(staging)
        paths.write_private_bytes(staging / CLIP_NAME, clip_bytes)
        paths.write_private_bytes(staging / DRILL_FILE, toml_text.encode("utf-8"))
        if final.exists():
            raise DrillError(f"There is already a drill '{drill_id}'; choose another --id.")
        os.rename(staging, final)
    except OSError as err:
        raise DrillError(f"Cannot save the drill in {root}: {err.strerror or err}.") from err
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    try:
        return read_drill(final, "imported")
    except DrillError:
        shutil.rmtree(final, ignore_errors=True)
        raise


_TRANSCRIPT_LINE = re.compile(r"^transcript\s*=.*$", re.MULTILINE)


def set_transcript(drill_id: str, transcript: str) -> Drill:
    """Correct the client's words of an imported drill (the model's transcript may miss some);
    returns the drill as it now reads. Only the `transcript` line of its drill.toml changes,
    and only when the file still reads as a valid drill afterwards."""
    import tomllib

    drill = get_drill(drill_id)
    if drill.source != "imported":
        raise DrillError(f"'{drill.id}' is part of the bundled starter pack; only the words of drills you imported "
                         f"can be changed.")
    words = " ".join(transcript.split())
    path = drill.folder / DRILL_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise DrillError(f"Cannot read {path}: {err.strerror or err}.") from err
    updated, found = _TRANSCRIPT_LINE.subn(lambda _m: f"transcript = {_toml_string(words)}", text, count=1)
    try:
        readable = found == 1 and tomllib.loads(updated).get("transcript") == words
    except tomllib.TOMLDecodeError:
        readable = False
    if not readable:  # hand-edited into a shape this does not rewrite safely
        raise DrillError(f"The words of '{drill.id}' could not be changed here; edit the transcript in {path}.")
    try:
        paths.write_private_bytes(path, updated.encode("utf-8"))
    except OSError as err:
        raise DrillError(f"Cannot save {path}: {err.strerror or err}.") from err
    return read_drill(drill.folder, "imported")


def ensure_removable(drill: Drill) -> None:
    """`DrillError` for a bundled drill: only imported drills can be removed."""
    if drill.source == "bundled":
        raise DrillError(f"'{drill.id}' is part of the bundled starter pack and cannot be removed; "
                         f"only drills you imported can.")


def removable(drill_id: str) -> tuple[Path, str]:
    """The folder of an imported drill and how to name it, even when its `drill.toml` cannot be read
    (so a broken drill can always be removed); `DrillError` for a bundled or unknown one."""
    try:
        drill = get_drill(drill_id)
    except DrillError:
        broken = broken_folder(drill_id)
        if broken is None or broken[1] != "imported":
            raise
        return broken[0], "its drill.toml cannot be read"
    ensure_removable(drill)
    return drill.folder, drill.title


def remove_drill(drill_id: str) -> Path:
    """Delete an imported drill with its clip (bundled drills cannot be removed); returns the folder removed."""
    folder, _name = removable(drill_id)
    doomed = folder.with_name(f".remove-{folder.name}-{uuid.uuid4().hex[:8]}")
    try:
        os.rename(folder, doomed)  # gone from the library in one step
    except OSError as err:
        raise DrillError(f"Cannot remove {folder}: {err.strerror or err}.") from err
    shutil.rmtree(doomed, ignore_errors=True)
    return folder
