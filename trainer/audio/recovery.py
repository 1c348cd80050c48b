"""Finding and closing takes that were interrupted by a crash, a kill or a power cut.

A take is recorded as `<name>.flac.partial` and renamed to `<name>.flac` only after it
was closed properly, so every `.partial` file left in the takes folder is an interrupted
take. `recover` decodes what it holds (a FLAC cut off mid-stream still decodes up to its
last whole frame), writes a proper FLAC under the final name and removes the partial file.
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


def _final_name(path: Path) -> Path:
    target = path.with_name(path.name[: -len(PARTIAL_SUFFIX)])
    counter = 1
    while target.exists():
        target = path.with_name(f"{Path(path.name[: -len(PARTIAL_SUFFIX)]).stem}-recovered{counter}.flac")
        counter += 1
    return target


def recover(path: Path | str) -> Recording:
    """Close an interrupted take properly; returns it as an interrupted `Recording`.

    A partial file with no audio at all is renamed `.damaged` (never offered again) and
    reported with an `AudioFileError`.
    """
    from trainer.media import read_audio

    path = Path(path)
    if not path.name.endswith(PARTIAL_SUFFIX):
        raise AudioFileError(f"{path} is not an interrupted take (those end in {PARTIAL_SUFFIX}).")
    try:
        audio = read_audio(path, mono=True)
    except AudioFileError as err:
        damaged = path.with_name(path.name[: -len(PARTIAL_SUFFIX)] + ".damaged")
        os.replace(path, damaged)
        raise AudioFileError(
            f"The interrupted take {path.name} held no audio that could be saved; it was set aside as {damaged.name}."
        ) from err
    target = _final_name(path)
    write_flac(target, audio.samples, audio.rate)
    path.unlink()
    return Recording(target, audio.rate, audio.duration_s, 0, True, RECOVERED_MESSAGE)
