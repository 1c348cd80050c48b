"""Faults during a real take, on the PulseAudio rig: the file write refused (`ulimit -f`), a full
disk (a small tmpfs), a damaged history, no answer, a kill during the clip or during
`take --save`, and `--save` into a folder that already exists.

Each asserts the same things: no take lost, none stored twice, one clear line, and no abort.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import stat
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import SPEECH_FILES
from tests.faults.helpers import clear_lines, files, kill, run, spawn, takes, wait_for_partial
from tests.session.helpers import DRILL, excerpt
from trainer import paths
from trainer.media import read_audio
from trainer.store import open_store
from trainer.store.export import read_export

pytestmark = pytest.mark.audio
CLIP_S = 7.0  # the drill's clip (competence-1-how-long)


@pytest.fixture
def clip_file(tmp_path) -> Path:
    """A 1.5 s client clip for `take --clip` (no answer follows it in these tests)."""
    path = tmp_path / "client.wav"
    audio = read_audio(SPEECH_FILES[1], start_s=1.0, end_s=2.5, mono=True)
    sf.write(path, audio.samples, audio.rate)
    return path


def _answered_take(rig, home: Path, *extra: str, preexec_fn=None, answer: Path = SPEECH_FILES[1]):
    """`take --drill DRILL --json` with a long answer fed after the clip."""
    feeder = rig.feed(answer, lead_s=CLIP_S + 1.5)
    try:
        return run("take", "--drill", DRILL, "--json", *extra, home=home, preexec_fn=preexec_fn)
    finally:
        feeder.terminate()
        feeder.wait(timeout=10)


# ---- the take's file write refused while the history works (`ulimit -f`) ----

def _long_answer(folder: Path) -> Path:
    """Two voices, 30 s of speech: the take's file passes any small limit well before the answer ends."""
    parts = [read_audio(voice, mono=True) for voice in SPEECH_FILES[1:]]
    path = folder / "long-answer.wav"
    sf.write(path, np.concatenate([p.samples for p in parts]), parts[0].rate)
    return path


def test_a_take_whose_file_cannot_be_written_is_stored_once(pulse_rig, settings_home, tmp_path):
    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (200 * 1024, 200 * 1024))  # `ulimit -f 200`

    done = _answered_take(pulse_rig, settings_home, preexec_fn=small_files, answer=_long_answer(tmp_path))
    assert done.returncode == 1 and "Traceback" not in done.stderr and done.returncode != 134
    result = json.loads(done.stdout)
    assert result["take_path"].endswith(".flac.partial") and result["take_id"] == 1
    # libpulse says "ftruncate() failed: File too large" for its shared memory under the same limit
    ours = subprocess.CompletedProcess(done.args, done.returncode, done.stdout, "\n".join(
        line for line in done.stderr.splitlines() if not line.startswith("ftruncate() failed")))
    (line,) = clear_lines(ours)
    assert "kept in" in line
    (row,) = takes(settings_home)
    assert row["audio_path"] == result["take_path"]

    again = run("stats", home=settings_home)  # no limit now: the file is finished, the take not stored again
    assert again.returncode == 0 and again.stderr == ""
    (row,) = takes(settings_home)
    final = result["take_path"][: -len(".partial")]
    assert row["audio_path"] == final and files(settings_home) == [str(Path(final).relative_to(paths.takes_dir()))]
    assert sf.info(final).duration == pytest.approx(result["take_duration_s"], abs=0.6)


# ---- a damaged history ----

def test_a_damaged_history_is_refused_before_the_clip_plays(pulse_rig, settings_home):
    import datetime as dt

    from tests.store.helpers import take_record

    with open_store() as store:
        store.add_takes(take_record(DRILL, dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=i))
                        for i in range(300))
    database = paths.database_file()
    with database.open("r+b") as handle:
        handle.seek(6 * 4096)
        handle.write(os.urandom(3 * 4096))
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    capture = pulse_rig.start_capture()
    done = run("take", "--drill", DRILL, home=settings_home)
    played, _rate = capture.stop()
    (line,) = clear_lines(done)
    assert done.returncode == 1 and "is damaged" in line
    assert float(np.abs(played).max(initial=0.0)) < 1e-3  # the clip never played
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before  # not even a session row
    assert files(settings_home) == []  # nothing recorded


# ---- a full disk ----

@pytest.fixture
def small_disk(tmp_path) -> Path:
    """A 4 MB tmpfs (needs root); skipped where it cannot be mounted."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip()})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path, leave_kb: int) -> Path:
    filler = disk / "filler"
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    filler.write_bytes(b"\0" * max(0, free - leave_kb * 1024))
    return filler


@pytest.mark.slow
@pytest.mark.parametrize("leave_kb, moment", [(40, "before"), (150, "during"), (800, "closing")],
                         ids=["full at the start", "full during the answer", "full while closing the take"])
def test_a_full_disk_keeps_the_take_says_so_and_it_is_stored_once(pulse_rig, small_disk, leave_kb, moment):
    from tests.session.helpers import write_settings

    home = small_disk / "home"
    write_settings(home)
    assert run("stats", home=home).returncode == 0  # the history exists before the disk fills
    filler = _fill(small_disk, leave_kb)
    done = _answered_take(pulse_rig, home)
    assert done.returncode not in (134, -6) and "Traceback" not in done.stderr, done.stderr
    (line,) = clear_lines(done)
    said = [line]
    assert "disk is full" in line, done.stderr
    recorded = files(home, "*.flac*")
    if moment == "before":
        assert "nothing was recorded" in said[0] and recorded == []
    else:
        assert len(recorded) == 1 and recorded[0] in said[0].replace(f"{home / 'data' / 'takes'}/", "")
        assert "kept" in said[0] and "next start" in said[0]
    filler.unlink()
    again = run("stats", home=home)
    assert again.returncode == 0 and "Traceback" not in again.stderr
    stored = takes(home)
    assert len(stored) == len(recorded)  # every recording in the history, once
    assert [s["audio_path"].endswith(".flac") for s in stored] == [True] * len(stored)
    assert files(home, "*.partial") == []
    assert run("stats", home=home).stderr == "" and len(takes(home)) == len(stored)


# ---- no answer ----

def test_a_take_with_no_answer_is_kept_as_one_that_does_not_count(pulse_rig, settings_home, clip_file, tmp_path):
    done = run("take", "--clip", str(clip_file), home=settings_home)
    (line,) = clear_lines(done)
    assert done.returncode == 1 and line.startswith("levelvoice: No response heard")
    (row,) = takes(settings_home)
    assert row["counted"] == 0 and row["stopped_by"] == "no_response" and Path(row["audio_path"]).exists()
    stats = json.loads(run("stats", "--json", home=settings_home).stdout)
    assert stats["takes_today"] == 0 and stats["drills"] == []  # it does not count
    exported = run("export", "--format", "json", "--out", str(tmp_path), home=settings_home)
    assert exported.returncode == 0
    (path,) = tmp_path.glob("levelvoice-takes-*.json")
    assert [t.stopped_by for t in read_export(path)] == ["no_response"]  # but the history knows it
    purged = run("purge", row["drill_id"], "--yes", home=settings_home)
    assert purged.returncode == 0 and "1 recording" in purged.stdout and "did not count" in purged.stdout
    assert files(settings_home, "*.flac*") == [] and takes(settings_home) == []


# ---- killed during the client clip ----

def test_a_take_killed_during_the_clip_is_recovered_as_one_that_does_not_count(pulse_rig, settings_home):
    process = spawn("take", "--drill", DRILL, home=settings_home)
    partial = wait_for_partial(settings_home, process)
    time.sleep(3.5)  # the 7 s clip is playing; a bursty sound server has delivered its first lumps by now
    kill(process)
    assert partial.exists()
    done = run("stats", "--json", home=settings_home)
    (line,) = clear_lines(done)
    assert "recovered an interrupted take" in line
    (row,) = takes(settings_home)
    assert row["counted"] == 0 and row["interrupted"] == 1 and row["stopped_by"] == "recovered"
    assert json.loads(row["features"])["speech_s"] < 3.0
    assert json.loads(done.stdout)["takes_today"] == 0 and not partial.exists()


# ---- take --save ----

def test_a_kill_during_take_save_leaves_nothing_half_written_beside_the_file(pulse_rig, settings_home, tmp_path):
    target = tmp_path / "mine" / "answer.flac"
    process = spawn("take", "--drill", DRILL, "--save", str(target), home=settings_home)
    partial = wait_for_partial(settings_home, process)  # recorded in the private takes folder
    assert partial.is_relative_to(paths.takes_dir())
    time.sleep(2.0)
    kill(process)
    assert not target.exists() and list(target.parent.iterdir()) == []
    done = run("stats", home=settings_home)
    assert "recovered an interrupted take" in done.stderr and len(takes(settings_home)) == 1


@pytest.mark.parametrize("mode", [0o1777, 0o755], ids=["like /tmp", "a shared folder"])
def test_take_save_into_an_existing_folder_leaves_its_mode_alone(pulse_rig, settings_home, tmp_path, mode):
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(mode)
    target = folder / "answer.flac"
    answer = excerpt(SPEECH_FILES[0], 5.0, tmp_path)
    done = _answered_take(pulse_rig, settings_home, "--save", str(target), answer=answer)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(folder.stat().st_mode) == mode
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    result = json.loads(done.stdout)
    assert result["take_path"] == str(target)
    (row,) = takes(settings_home)  # the history keeps its own private copy
    kept = Path(row["audio_path"])
    assert kept.is_relative_to(paths.takes_dir()) and kept.read_bytes() == target.read_bytes()


def test_take_save_into_a_new_folder_makes_it_private(pulse_rig, settings_home, clip_file, tmp_path):
    target = tmp_path / "new" / "deeper" / "answer.flac"
    tmp_mode = stat.S_IMODE(tmp_path.stat().st_mode)
    done = run("take", "--clip", str(clip_file), "--save", str(target), home=settings_home)
    assert done.returncode == 1 and target.exists()  # no answer: still saved where asked
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700  # made by Level Voice: private
    assert target.parent.parent.stat().st_mode & 0o077 == 0  # created too (umask 077), not chmod-ed after
    assert stat.S_IMODE(tmp_path.stat().st_mode) == tmp_mode  # the existing folder above is untouched
