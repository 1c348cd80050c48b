"""Faults around the history: no take lost, none stored twice, one clear line each, the others unharmed.

Each case reproduces a hole found by a fault probe: the history locked by another window
while an interrupted take is recovered, a take stored while its file could not be
finished (`ulimit -f`), a damaged database, a recording the history never stored, a bad
row, two exports in the same second. The commands run as separate processes, as a
person runs them; the history is read back with plain SQLite.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf

from tests.conftest import SPEECH_FILES
from tests.faults.helpers import clear_lines, files, run, takes
from tests.session.helpers import CRASHED_AT, DRILL, ROOT, crashed_take, open_practice, with_baseline
from tests.store.helpers import take_record
from trainer import paths
from trainer.media import read_audio
from trainer.practice.bands import bands_for
from trainer.store import open_store
from trainer.store.export import export_history, read_export

DAY = "2026-03-09"
NAME = f"211530-{DRILL}.flac"


def _partial(voice=SPEECH_FILES[0]) -> Path:
    return crashed_take(paths.takes_dir() / DAY / f"{NAME}.partial", voice)


def _history() -> None:
    """An empty history, created now (so recordings made after this moment belong to it)."""
    open_store().close()


# ---- recovery while another window holds the history's write lock ----

def test_a_locked_history_during_recovery_keeps_the_take_for_the_next_start(settings_home):
    _history()
    partial = _partial()
    holder = sqlite3.connect(paths.database_file(), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another window writing, for longer than the 15 s anyone waits
    try:
        done = run("stats", "--json", home=settings_home)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    (line,) = clear_lines(done)
    assert done.returncode == 0 and json.loads(done.stdout)["takes_today"] == 0  # stats still answered
    assert "busy" in line and str(partial) in line and "kept" in line and "next start" in line
    assert partial.exists() and takes(settings_home) == []  # nothing lost, nothing stored

    done = run("export", "--format", "json", "--out", str(settings_home / "out"), home=settings_home)
    (line,) = clear_lines(done)
    assert done.returncode == 0 and "recovered an interrupted take" in line
    (stored,) = takes(settings_home)
    final = paths.takes_dir() / DAY / NAME
    assert stored["audio_path"] == str(final) and stored["interrupted"] == 1 and stored["stopped_by"] == "recovered"
    assert files(settings_home) == [f"{DAY}/{NAME}"]  # the partial is gone only now, and no second copy
    (exported,) = (settings_home / "out").iterdir()
    assert [t.audio_path for t in read_export(exported)] == [final]  # the export right after has it
    assert sf.info(final).duration == pytest.approx(read_audio(SPEECH_FILES[0]).duration_s, abs=0.5)

    again = run("stats", home=settings_home)
    assert again.returncode == 0 and again.stderr == "" and len(takes(settings_home)) == 1


# ---- a take stored while the disk refused to finish its file (`ulimit -f`) ----

def test_a_take_stored_with_its_unfinished_file_is_not_stored_again(settings_home):
    partial = _partial(SPEECH_FILES[2])
    practice = open_practice(transcribe=False)
    with_baseline(practice, SPEECH_FILES[2])
    bands = bands_for(None)
    practice.store.add_take(take_record(DRILL, CRASHED_AT, audio=partial), bands=bands)  # what the take stored
    before = practice.store.band_states(DRILL)
    practice.close()

    done = run("stats", "--json", home=settings_home)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    (stored,) = takes(settings_home)  # one take, not two
    final = paths.takes_dir() / DAY / NAME
    assert stored["audio_path"] == str(final) and not partial.exists() and final.exists()
    assert sf.info(final).frames > 0
    with open_store() as store:
        assert store.band_states(DRILL) == before  # the bands moved once
    assert run("stats", home=settings_home).stderr == "" and len(takes(settings_home)) == 1


def test_the_recording_closed_before_a_crash_is_the_take_and_its_partial_goes(settings_home):
    """Killed between writing the cut take and deleting its partial: the closed file is stored, once."""
    _history()
    partial = _partial()
    final = paths.takes_dir() / DAY / NAME
    audio = read_audio(partial, mono=True)
    sf.write(final, audio.samples[: audio.rate * 5], audio.rate, format="FLAC")  # the take cut at 5 s
    done = run("stats", home=settings_home)
    assert done.returncode == 0 and "recovered an interrupted take (5.0 s)" in done.stderr
    (stored,) = takes(settings_home)
    assert stored["audio_path"] == str(final) and files(settings_home) == [f"{DAY}/{NAME}"]


# ---- a damaged history ----

@pytest.fixture
def damaged(settings_home) -> Path:
    """A history of 300 takes whose pages 7 to 9 were overwritten."""
    t0 = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
    with open_store() as store:
        store.add_takes(take_record(DRILL, t0 + dt.timedelta(minutes=i)) for i in range(300))
    database = paths.database_file()
    with database.open("r+b") as handle:
        handle.seek(6 * 4096)
        handle.write(os.urandom(3 * 4096))
    return database


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("args", [("stats",), ("export", "--format", "csv"), ("purge", DRILL, "--yes")],
                         ids=["stats", "export", "purge"])
def test_a_damaged_history_is_one_line_and_nothing_is_written_into_it(damaged, settings_home, tmp_path, args):
    _partial()  # something to recover: still nothing may be written into the damaged file
    before = _digest(damaged)
    done = run(*args, home=settings_home)
    (line,) = clear_lines(done)
    assert done.returncode == 1 and "is damaged" in line and "Move it aside" in line
    assert _digest(damaged) == before
    assert files(settings_home, "*.partial") == [f"{DAY}/{NAME}.partial"]  # the take waits for a sound history


# ---- recordings the history does not know ----

def _finished_take(name: str = NAME, voice=SPEECH_FILES[1], when: dt.datetime | None = None) -> Path:
    """A finished take on disk that the history never stored (its storing failed)."""
    audio = read_audio(voice, mono=True)
    path = paths.takes_dir() / DAY / name
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, audio.samples, audio.rate, format="FLAC")
    if when is not None:
        os.utime(path, (when.timestamp(), when.timestamp()))
    return path


@pytest.mark.parametrize("args", [("stats",), ("export", "--format", "json"), ("purge", "no-such-drill", "--yes")],
                         ids=["stats", "export", "purge"])
def test_every_history_command_stores_a_recording_the_history_missed(settings_home, tmp_path, args):
    _history()
    path = _finished_take()
    done = subprocess.run([sys.executable, "-m", "trainer", *args],
                          env=dict(os.environ, LEVELVOICE_HOME=str(settings_home), PYTHONPATH=str(ROOT)),
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    said = [line for line in done.stderr.splitlines() if line.strip()]
    assert "levelvoice: recovered a take that was not in your history" in said[0] and str(path) in said[0]
    (stored,) = takes(settings_home)
    assert stored["audio_path"] == str(path) and stored["drill_id"] == DRILL and stored["interrupted"] == 0
    assert stored["counted"] == 1 and json.loads(stored["features"])["speech_s"] > 3
    if args[0] == "export":
        (exported,) = tmp_path.glob("levelvoice-takes-*.json")
        assert [t.audio_path for t in read_export(exported)] == [path]
    assert run("stats", home=settings_home).stderr == "" and len(takes(settings_home)) == 1


def test_a_recording_older_than_the_history_or_not_a_take_is_reported_once_and_kept(settings_home):
    older = _finished_take(when=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=3))
    _history()  # a new history: the old one was moved aside
    stranger = _finished_take("notes.flac")
    settled = dt.datetime.now().timestamp() - 10  # the folder changed a while ago (a folder changed within
    os.utime(stranger.parent, (settled, settled))  # the last 2 s is read again: coarse file-system clocks)
    done = run("stats", home=settings_home)
    said = clear_lines(done, 2)
    assert any("older than this practice history" in line and str(older) in line for line in said)
    assert any(str(stranger) in line and "not a Level Voice take" in line for line in said)
    assert takes(settings_home) == [] and older.exists() and stranger.exists()
    assert run("stats", home=settings_home).stderr == ""  # reported, not repeated at every start


def test_a_purged_drill_is_not_brought_back_by_the_next_start(settings_home):
    _history()
    first = _finished_take()
    second = _finished_take(f"211531-{DRILL}.flac", SPEECH_FILES[2])
    assert "recovered" in run("stats", home=settings_home).stderr and len(takes(settings_home)) == 2
    done = run("purge", DRILL, "--yes", home=settings_home)
    assert done.returncode == 0 and "Deleted 2 takes" in done.stdout and "2 recordings" in done.stdout
    assert not first.exists() and not second.exists()
    again = run("stats", home=settings_home)
    assert again.stderr == "" and takes(settings_home) == []


# ---- one bad row never blocks the others ----

@pytest.fixture
def bad_rows(settings_home):
    """Five takes of today; take 2's measures are not JSON, take 4's time is not a time."""
    now = dt.datetime.now(dt.timezone.utc)
    with open_store() as store:
        for i in range(5):
            store.add_take(take_record(DRILL, now - dt.timedelta(minutes=10 - i)))
    with sqlite3.connect(paths.database_file()) as conn:
        conn.execute("UPDATE takes SET features = '{bad json' WHERE id = 2")
        conn.execute("UPDATE takes SET at = 'yesterday' WHERE id = 4")
    return settings_home


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_leaves_out_and_names_only_the_unreadable_takes(bad_rows, tmp_path, fmt):
    done = run("export", "--format", fmt, "--out", str(tmp_path), home=bad_rows)
    said = clear_lines(done, 2)
    assert done.returncode == 0 and "Exported 3 takes" in done.stdout
    assert "Take 2 " in said[0] and "not valid JSON" in said[0] and "left out" in said[0]
    assert "Take 4 " in said[1] and "'yesterday'" in said[1]
    (exported,) = tmp_path.glob(f"levelvoice-takes-*.{fmt}")
    assert [t.id for t in read_export(exported)] == [1, 3, 5]


def test_stats_and_the_app_carry_on_past_a_bad_row(bad_rows):
    done = run("stats", "--json", home=bad_rows)
    (line,) = clear_lines(done)
    assert done.returncode == 0 and "Take 4 " in line and "'yesterday'" in line
    figures = json.loads(done.stdout)
    assert figures["takes_today"] == 4 and figures["drills"][0]["takes"] == 4
    practice = open_practice(transcribe=False)
    assert [t.take_id for t in practice.recent_takes(DRILL)] == [5, 3, 1]  # take 2 left out, take 4 too
    assert len(practice.trend(DRILL, "wpm")) == 3  # from the measures: take 2's cannot be read
    assert len(practice.trend(DRILL, "loudness")) == 4  # from the verdict: take 2's can; take 4 has no time
    assert practice.today().stats.takes_today == 4
    practice.close()


# ---- exports never overwrite each other ----

def test_exports_in_the_same_second_never_overwrite_each_other(settings_home, tmp_path):
    now = dt.datetime(2026, 3, 9, 21, 15, 30).astimezone()
    with open_store() as store:
        store.add_take(take_record(DRILL, CRASHED_AT))
        made = [export_history(store, tmp_path, "csv", now=now) for _ in range(3)]
    assert [p.name for p in made] == ["levelvoice-takes-20260309-211530.csv", "levelvoice-takes-20260309-211530-2.csv",
                                      "levelvoice-takes-20260309-211530-3.csv"]
    processes = [subprocess.Popen([sys.executable, "-m", "trainer", "export", "--format", "json", "--out",
                                   str(tmp_path / "many")], env=dict(os.environ, LEVELVOICE_HOME=str(settings_home)),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(8)]
    for process in processes:
        assert process.wait(timeout=300) == 0, process.stderr.read()
    written = list((tmp_path / "many").glob("levelvoice-takes-*.json"))
    assert len(written) == 8 and all(len(read_export(p)) == 1 for p in written)


def test_a_recording_that_cannot_be_deleted_keeps_its_drill_purge_whole(settings_home, monkeypatch, capsys):
    """If one recording cannot be deleted, the takes stay: a recording never outlives its take."""
    from trainer.cli import main

    _history()
    stuck = _finished_take()
    _finished_take(f"211531-{DRILL}.flac", SPEECH_FILES[2])
    assert run("stats", home=settings_home).returncode == 0 and len(takes(settings_home)) == 2
    real_unlink = Path.unlink

    def unlink(self, missing_ok=False):
        if self == stuck:
            raise PermissionError(13, "Permission denied")
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    with pytest.raises(SystemExit) as exited:
        main(["purge", DRILL, "--yes"])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert exited.value.code == 1 and len(err.strip().splitlines()) == 1
    assert f"Could not delete {stuck}" in err and "stay in your history" in err
    assert len(takes(settings_home)) == 2 and stuck.exists()
    assert run("stats", home=settings_home).stderr == "" and len(takes(settings_home)) == 2  # nothing stored twice
    done = run("purge", DRILL, "--yes", home=settings_home)  # once it can be deleted, all goes
    assert done.returncode == 0 and takes(settings_home) == [] and files(settings_home) == []
