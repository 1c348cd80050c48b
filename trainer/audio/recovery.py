"""Closing takes that were interrupted by a crash, a kill or a power cut.

A take is recorded as `<name>.flac.partial` and renamed to `<name>.flac` only after it
was closed properly, so every `.partial` file left in the takes folder is an interrupted
take. `close_interrupted` decodes what it holds (a FLAC cut off mid-stream still decodes
up to its last whole frame) and writes a proper FLAC under the final name, but leaves the
partial file in place: it is deleted (`discard_partial`) only once the history holds the
take (trainer.session.recovery), so a failure in between never loses it.
"""

from __future__ import annotations

import os
from pathlib import Path

from trainer.audio.flacfile import write_flac
from trainer.audio.recorder import PARTIAL_SUFFIX, Recording
from trainer.errors import AudioFileError

RECOVERED_MESSAGE = ("This take was interrupted while recording (the program stopped); "
                     "the audio up to that moment was recovered.")


def find_interrupted(folder: Path | str) -> list[Path]:
    """Interrupted takes anywhere under `folder`, oldest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = [p for p in folder.rglob(f"*{PARTIAL_SUFFIX}") if p.is_file()]
    return sorted(found, key=lambda p: (p.stat().st_mtime, str(p)))


def final_name(path: Path) -> Path:
    """The name the take would have had if it had been closed: `<name>.flac`."""
    return path.with_name(path.name[: -len(PARTIAL_SUFFIX)])


def _free_name(path: Path) -> Path:
    """`<name>.flac`, or `<name>.recovered1.flac`… when that is taken (the drill id stays readable)."""
    target = final_name(path)
    counter = 1
    while target.exists():
        target = path.with_name(f"{final_name(path).stem}.recovered{counter}.flac")
        counter += 1
    return target


def _closed_already(path: Path) -> Recording | None:
    """The take's final file, when it was written before the program stopped (then it is the take)."""
    import soundfile as sf

    target = final_name(path)
    if not target.is_file():
        return None
    try:
        info = sf.info(str(target))
    except (sf.LibsndfileError, RuntimeError):
        return None
    if info.frames <= 0:
        return None
    return Recording(target, info.samplerate, info.frames / info.samplerate, 0, True, RECOVERED_MESSAGE)


def close_interrupted(path: Path | str) -> Recording:
    """A proper FLAC of an interrupted take, returned as an interrupted `Recording`; the partial file stays.

    When the final file already exists and decodes (the program stopped after writing it),
    that file is the take. A partial file with no audio at all is renamed `.damaged`
    (never offered again) and reported with an `AudioFileError`; a full disk raises
    `DiskFullError` and leaves everything as it was.
    """
    from trainer.media import read_audio

    path = Path(path)
    if not path.name.endswith(PARTIAL_SUFFIX):
        raise AudioFileError(f"{path} is not an interrupted take (those end in {PARTIAL_SUFFIX}).")
    closed = _closed_already(path)
    if closed is not None:
        return closed
    try:
        audio = read_audio(path, mono=True)
    except AudioFileError as err:
        damaged = path.with_name(path.name[: -len(PARTIAL_SUFFIX)] + ".damaged")
        os.replace(path, damaged)
        raise AudioFileError(
            f"The interrupted take {path.name} held no audio that could be saved; it was set aside as {damaged.name}."
        ) from err
    target = _free_name(path)
    write_flac(target, audio.samples, audio.rate)
    return Recording(target, audio.rate, audio.duration_s, 0, True, RECOVERED_MESSAGE)


def discard_partial(path: Path) -> None:
    """Delete an interrupted take's partial file: only once the history holds the take."""
    path.unlink(missing_ok=True)


def recover(path: Path | str) -> Recording:
    """Close an interrupted take and delete its partial file (for callers that keep no history)."""
    recording = close_interrupted(path)
    discard_partial(Path(path))
    return recording
