"""`levelvoice stats`, `export` and `purge` as a person runs them, on a real history database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from tests.practice.standins import calm_baseline
from tests.store.helpers import take_record
from trainer import config, paths
from trainer.practice.bands import bands_for
from trainer.store import open_store
from trainer.store.export import read_export


def run(*args, home, stdin: str | None = None, cwd=None):
    env = dict(os.environ, LEVELVOICE_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "trainer", *args], capture_output=True, text=True, env=env,
                          input=stdin, timeout=120, cwd=cwd)


def noon_zone(now: datetime) -> str:
    """A fixed-offset zone in which `now` is around midday, so "today" never straddles midnight."""
    offset = 12 - now.hour  # hours east of UTC
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


@pytest.fixture
def history(lv_home):
    """Three days of practice up to now, two drills, recordings on disk."""
    now = datetime.now(timezone.utc)
    config.save(config.Settings(timezone=noon_zone(now)))
    with open_store() as store:
        store.add_baseline(calm_baseline(id=None, created_at=now - timedelta(days=4)))
        for days_ago in (2, 1, 0):
            end = now - timedelta(days=days_ago)
            store.add_practice(end - timedelta(minutes=16), end)
        recordings = []
        for i in range(4):
            audio = paths.takes_dir() / "2025-05-01" / f"angry-{i}.flac"
            paths.ensure_private_dir(audio.parent)
            audio.write_bytes(b"fLaC")
            recordings.append(audio)
            store.add_take(take_record("angry-father", now - timedelta(minutes=10 - i), audio=audio,
                                       loudness=-24.0 + i * 2), bands=bands_for(None))
        store.add_take(take_record("sad-silence", now - timedelta(hours=30), judged=False))
    return recordings


def test_stats_json(history, lv_home):
    done = run("stats", "--json", home=lv_home)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["daily_goal_minutes"] == 15
    assert data["today_minutes"] >= 15 and data["current_streak"] == 3 and data["best_streak"] == 3
    assert data["freezes"] == 0 and 1 <= data["days_this_month"] <= 3
    drills = {d["id"]: d for d in data["drills"]}
    assert drills["angry-father"]["takes"] == 4 and drills["angry-father"]["last_score"] == 74
    # the last take was 6 dB too loud (its edge in band): loudness scores 75, (75x25 + 100x75) / 100 = 93.75,
    # and a miss scores 79% of that: 74
    assert drills["angry-father"]["recent_scores"] == [100, 100, 100, 74]
    assert drills["angry-father"]["last_pace"] == pytest.approx(4.4 / 4.5, abs=0.001)  # articulation rates
    assert drills["angry-father"]["last_pace_detail"] == "syllables/s, your calm 4.5"
    assert drills["sad-silence"]["last_score"] is None
    assert data["baseline"]["device"] == "USB mic"


def test_stats_text_shows_streak_trend_and_score_rule(history, lv_home):
    done = run("stats", home=lv_home)
    assert done.returncode == 0, done.stderr
    assert "Streak       3 days (best 3)" in done.stdout
    assert "angry-father" in done.stdout and "goal reached" in done.stdout
    assert "weighted mean (loudness 25, pitch 20, pace 15, edge 15," in done.stdout
    assert "80 or more means level" in done.stdout
    assert "Pace: the last take's speaking rate as a multiple of your calm pace" in done.stdout
    assert "×0.98" in done.stdout


def test_stats_puts_the_last_take_beside_the_best_and_the_baseline(history, lv_home):
    data = json.loads(run("stats", "--json", home=lv_home).stdout)
    best = data["against_best"]  # the drill practised last: angry-father, its last take 6 dB too loud (scores 74, as above)
    assert best["drill_id"] == "angry-father" and best["this_score"] == 74 and best["best_score"] == 100
    assert not best["new_best"]
    loud = best["measures"]["loudness"]
    assert (loud["this"], loud["best"], loud["calm"]) == (-18.0, -20.0, -24.0)  # the best: the latest of the 100s
    assert (loud["this_status"], loud["best_status"]) == ("high", "in")
    assert best["measures"]["latency"]["calm"] is None and best["measures"]["pace"]["calm"] == 1.0
    text = run("stats", home=lv_home).stdout
    assert "Last take of angry-father" in text and "against your best" in text and "score 100)" in text
    assert [line.split() for line in text.splitlines() if line.strip().startswith("Loudness (dBFS)")] == [
        ["Loudness", "(dBFS)", "-18.0", "↑", "-20.0", "✓", "-24.0"]]
    unjudged = run("stats", "--drill", "sad-silence", home=lv_home)
    assert "Last take of sad-silence" in unjudged.stdout and "no earlier judged take" in unjudged.stdout
    unknown = run("stats", "--drill", "no-such-drill", home=lv_home)
    assert unknown.returncode == 1 and unknown.stderr.strip().splitlines() == [
        "levelvoice: No take of the drill 'no-such-drill' counts yet: see `levelvoice drills list` for the ids."]


def test_stats_follows_the_daily_goal_setting(history, lv_home):
    assert run("config", "set", "daily_goal_minutes", "20", home=lv_home).returncode == 0
    data = json.loads(run("stats", "--json", home=lv_home).stdout)
    assert data["daily_goal_minutes"] == 20 and data["current_streak"] == 0  # 16 minutes a day is not enough


def test_timezone_setting_is_checked(lv_home):
    bad = run("config", "set", "timezone", "Mars/Olympus", home=lv_home)
    assert bad.returncode == 1 and "time zone" in bad.stderr
    assert run("config", "set", "timezone", "Europe/Berlin", home=lv_home).returncode == 0
    assert run("stats", "--json", home=lv_home).returncode == 0


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_round_trip(history, lv_home, tmp_path, fmt):
    out = tmp_path / "out"
    done = run("export", "--format", fmt, "--out", str(out), home=lv_home)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Exported 5 takes to ")
    (path,) = out.iterdir()
    with open_store() as store:
        assert read_export(path) == list(store.iter_takes())


def test_export_to_the_current_folder_by_default(history, lv_home, tmp_path):
    done = run("export", "--format", "json", home=lv_home, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [p.suffix for p in tmp_path.glob("levelvoice-takes-*")] == [".json"]


def test_export_needs_a_format(lv_home):
    done = run("export", home=lv_home)
    assert done.returncode == 2 and "--format" in done.stderr


def test_purge_asks_and_keeps_everything_when_declined(history, lv_home):
    done = run("purge", "angry-father", home=lv_home, stdin="n\n")
    assert done.returncode == 0 and "Delete 4 takes of 'angry-father'" in done.stdout
    assert "Nothing deleted." in done.stdout
    assert all(p.exists() for p in history)
    with open_store() as store:
        assert store.count_takes("angry-father") == 4


def test_purge_deletes_takes_recordings_and_bands(history, lv_home):
    done = run("purge", "angry-father", home=lv_home, stdin="y\n")
    assert done.returncode == 0, done.stderr
    assert "Deleted 4 takes of 'angry-father' and 4 recordings." in done.stdout
    assert not any(p.exists() for p in history)
    assert not history[0].parent.exists()  # the emptied day folder went too
    with open_store() as store:
        assert store.count_takes("angry-father") == 0 and store.band_states("angry-father") == {}
        assert store.count_takes("sad-silence") == 1


def test_purge_with_yes_does_not_ask(history, lv_home):
    done = run("purge", "angry-father", "--yes", home=lv_home)
    assert done.returncode == 0 and "Delete 4" not in done.stdout and "Deleted 4 takes" in done.stdout


def test_purge_keeps_files_outside_the_takes_folder(lv_home, tmp_path):
    outside = tmp_path / "my-own-recording.flac"
    outside.write_bytes(b"mine")
    with open_store() as store:
        store.add_take(take_record("d", datetime.now(timezone.utc), audio=outside))
    done = run("purge", "d", "--yes", home=lv_home)
    assert done.returncode == 1 and "Kept" in done.stderr and outside.exists()


def test_purge_unknown_drill_names_the_known_ones(history, lv_home):
    done = run("purge", "angry", "--yes", home=lv_home)
    assert done.returncode == 1
    assert done.stderr.strip() == ("levelvoice: No practice history for drill 'angry'. "
                                   "Drills with takes: angry-father, sad-silence.")
