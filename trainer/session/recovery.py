"""Reconciling the takes folder with the history: no take lost, none stored twice.

Every start of the app and every history command (`take`, `stats`, `export`, `purge`)
runs `reconcile` first:

- every `.flac.partial` is a take that was never closed (a crash, a kill, a power cut).
  It is closed into a proper FLAC, measured and stored for the drill in its name, dated
  when it was last written; the partial file is deleted only once the history holds the
  take. When the history already holds the partial (the disk refused to finish the file
  but the take was stored), that take is pointed at the closed file instead: never a
  second take.
- every `.flac` the history does not know (its storing failed: a full disk, a busy or
  damaged history, a crash during the analysis) is measured and stored the same way.
  One older than the history itself belongs to an earlier history (the old one was moved
  aside) and is reported, not stored; a file whose name is not a take's is reported too.

A take holds the recording lock (trainer.session.lock) from start to end, so the files
listed while holding that lock are all abandoned; while another window records, nothing
is reconciled (a later start does it). One instance at a time reconciles (a lock of its
own), so two instances starting together never store the same take twice; the history
also refuses to store a recording it already holds. Each takes folder's modification
time is remembered when it was reconciled, so a folder nothing happened in is not read
again. Failures never stop the command (except a damaged history, which is refused
before anything is written into it): each is one line in `Reconciled.notes`, saying what
was kept and what happens next.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from trainer import paths
from trainer.errors import AlreadyRunningError, AudioFileError, DiskFullError, StoreError, TrainerError
from trainer.session.lock import exclusive_lock, recording_lock

LOCK_NAME = ".recovery.lock"
PARTIAL_SUFFIX = ".partial"
TAKE_NAME = re.compile(r"^\d{6}-[^.\s]+(\.[0-9a-z]+)*\.flac$")  # takes.take_path_for, audio.recovery
SETTLE_S = 2.0  # a folder changed this recently is read again next time (coarse file-system clocks)
ROOT_KEY = "."


@dataclass
class Reconciled:
    """What reconciling found: the takes stored now, and one line for everything else."""

    recovered: list = field(default_factory=list)  # trainer.audio.recorder.Recording, oldest first
    notes: list[str] = field(default_factory=list)


@dataclass
class _Scan:
    partials: list[Path] = field(default_factory=list)
    flacs: list[Path] = field(default_factory=list)
    marks: dict[str, int] = field(default_factory=dict)  # folder key -> mtime_ns when listed
    stale: set[str] = field(default_factory=set)  # folders with something left to do


@contextmanager
def recovery_lock(folder: Path) -> Iterator[None]:
    """Hold the takes folder's recovery lock (waits while another instance recovers)."""
    paths.ensure_private_dir(folder)
    with exclusive_lock(folder / LOCK_NAME, wait=True):
        yield


def _written_at(path: Path) -> dt.datetime:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)


def _key(root: Path, folder: Path) -> str:
    return ROOT_KEY if folder == root else folder.relative_to(root).as_posix()


def _suffix(path: Path | str) -> str:
    """`day/name`: how a recording is recognised even when the data folder has moved (string work: fast)."""
    return "/".join(str(path).replace("\\", "/").rsplit("/", 2)[-2:])


def _scan(root: Path, marks: dict[str, int]) -> _Scan:
    """Partials and FLACs in every takes folder changed since it was last reconciled."""
    scan = _Scan()
    now_ns = time.time_ns()
    folders = [root]
    with os.scandir(root) as entries:
        folders += [Path(e.path) for e in entries if e.is_dir(follow_symlinks=False) and not e.name.startswith(".")]
    while folders:
        folder = folders.pop()
        key = _key(root, folder)
        try:
            mtime_ns = folder.stat().st_mtime_ns
        except OSError:
            continue
        if folder != root and marks.get(key) == mtime_ns:
            continue  # nothing was added, renamed or removed there since it was reconciled
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        if folder != root:
                            folders.append(Path(entry.path))
                    elif entry.name.endswith(PARTIAL_SUFFIX):
                        scan.partials.append(Path(entry.path))
                    elif entry.name.lower().endswith(".flac"):
                        scan.flacs.append(Path(entry.path))
        except OSError:
            continue
        if folder != root and now_ns - mtime_ns > SETTLE_S * 1e9:
            scan.marks[key] = mtime_ns
    scan.partials.sort(key=_by_age)
    scan.flacs.sort(key=_by_age)
    return scan


def _by_age(path: Path) -> tuple[float, str]:
    try:
        return path.stat().st_mtime, str(path)
    except OSError:  # gone meanwhile (another window purged it): handled where it is used
        return 0.0, str(path)


def reconcile(practice) -> Reconciled:
    """Recover interrupted takes and store recordings the history does not know; see the module docstring."""
    root = paths.takes_dir()
    done = Reconciled()
    if not root.is_dir():
        return done
    store = practice.store
    with recovery_lock(root):
        try:
            with recording_lock():  # files listed now are nobody's take in progress
                scan = _scan(root, store.folder_marks())
        except AlreadyRunningError:
            return done  # another window records: a later start reconciles
        if not (scan.partials or scan.flacs or scan.marks):
            return done
        store.quick_check()  # a damaged history is refused (StoreError) before anything is written into it
        try:
            _reconcile(practice, root, scan, done)
        except (StoreError, DiskFullError) as err:  # the history cannot be written now: stop, keep everything
            done.notes.append(str(err) if "next start" in str(err) else
                              f"{err} Your recordings are kept and will be stored at the next start.")
    return done


def _reconcile(practice, root: Path, scan: _Scan, done: Reconciled) -> None:
    store = practice.store
    if scan.partials or scan.flacs:
        known: dict[str, str] = {_suffix(p): p for p in store.audio_paths()}
        for partial in scan.partials:
            _recover_partial(practice, root, partial, known, scan, done)
        older = []
        began = store.created_at()
        for flac in scan.flacs:
            if _suffix(flac) in known:
                continue
            if not TAKE_NAME.match(flac.name):
                done.notes.append(f"{flac} is in the takes folder but is not a Level Voice take, so it is not in "
                                  "your history; it was left as it is.")
            elif _written_at(flac) < began:
                older.append(flac)
            else:
                _store_found(practice, root, flac, None, scan, done, interrupted=False)
        if older:
            done.notes.append(
                f"{len(older)} recording(s) in {root} are older than this practice history (an earlier one was "
                f"moved aside), so they are not in it; they are kept as they are (the first: {older[0]}).")
    marks = {k: v for k, v in scan.marks.items() if k not in scan.stale}
    if marks:
        store.set_folder_marks(marks)


def _recover_partial(practice, root: Path, partial: Path, known: dict[str, str], scan: _Scan,
                     done: Reconciled) -> None:
    from trainer.audio.recovery import close_interrupted, discard_partial

    try:
        recording = close_interrupted(partial)
    except AudioFileError as err:  # nothing readable in it: set aside as .damaged, never offered again
        done.notes.append(str(err))
        return
    except (TrainerError, OSError, RuntimeError, ValueError) as err:  # a full disk: the partial stays for next time
        scan.stale.add(_key(root, partial.parent))
        reason = str(err) if isinstance(err, TrainerError) else f"It could not be closed ({err})."
        done.notes.append(f"{reason} The interrupted take {partial} is kept as it is and will be stored at the "
                          "next start.")
        return
    stored_partial = known.get(_suffix(partial))
    if stored_partial is not None:  # stored already while the disk refused to finish the file
        try:
            practice.store.move_audio_path(Path(stored_partial), recording.path)
        except (StoreError, DiskFullError) as err:
            raise type(err)(f"{err} The interrupted take {partial} is kept and will be stored at the next "
                            "start.") from err
    elif _suffix(recording.path) not in known:
        if not _store_found(practice, root, recording.path, partial, scan, done, interrupted=True,
                            recording=recording, at=_written_at(partial)):
            return
    discard_partial(partial)  # only now: the history holds the take
    known[_suffix(recording.path)] = str(recording.path)


def _store_found(practice, root: Path, path: Path, partial: Path | None, scan: _Scan, done: Reconciled, *,
                 interrupted: bool, recording=None, at: dt.datetime | None = None) -> bool:
    """Measure a recording and store it for the drill in its name (once); False when it could not be."""
    from trainer.audio.recorder import Recording

    if recording is None:
        import soundfile as sf

        try:
            from trainer.media import probe_duration

            info = sf.info(str(path))
            recording = Recording(path, info.samplerate, probe_duration(path), 0, False, FOUND_MESSAGE)
        except (sf.LibsndfileError, RuntimeError, OSError, TrainerError) as err:
            scan.stale.add(_key(root, path.parent))
            done.notes.append(f"{path} is in the takes folder but cannot be read ({err}); it was left as it is.")
            return False
    what = f"The interrupted take {partial}" if partial is not None else f"The recording {path}"
    try:
        practice.store_found(path, recording, partial=partial, at=at or _written_at(path))
    except (StoreError, DiskFullError) as err:  # the history cannot be written now: the caller stops
        raise type(err)(f"{err} {what} is kept and will be stored at the next start.") from err
    except Exception as err:  # noqa: BLE001 - one odd recording never blocks the others, nor the command
        scan.stale.add(_key(root, path.parent))
        reason = str(err) if isinstance(err, TrainerError) else f"{type(err).__name__}: {err}"
        done.notes.append(f"{what} could not be measured ({reason}); it is kept and will be tried again at the "
                          "next start.")
        return False
    done.recovered.append(recording)
    return True


FOUND_MESSAGE = ("This take was recorded but not stored at the time (Level Voice stopped, or the history could "
                 "not be written); it was stored at the next start.")
