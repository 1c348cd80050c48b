"""The effort readings of a calibration: from files (`calibrate --from ... --soft/--comfortable/
--projected`), the warning when the levels hardly differ, and older baselines measured from their own
recordings."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import SPEECH_FILES
from tests.session.helpers import effort_readings, levelvoice, open_practice, with_baseline
from trainer.practice.edge import TYPICAL_SLOPE, edge_line

VOICE = SPEECH_FILES[1]


def efforts(folder: Path, **kwargs) -> dict[str, Path]:
    return effort_readings(VOICE, folder, **kwargs)


def _store():
    from trainer.store import open_store

    return open_store()


@pytest.mark.model
def test_calibrate_from_files_with_effort_readings_learns_the_personal_line(settings_home, tmp_path):
    readings = efforts(tmp_path)
    done = levelvoice("calibrate", "--from", str(VOICE), "--soft", str(readings["soft"]), "--comfortable",
                      str(readings["comfortable"]), "--projected", str(readings["projected"]), home=settings_home)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1 and "brightness (alpha ratio)" in lines[0] and "as your readings show" in lines[0]
    with _store() as store:
        baseline = store.latest_baseline()
    assert [r.effort for r in baseline.effort] == ["soft", "comfortable", "projected"]
    assert [r.source for r in baseline.effort] == [str(readings[e]) for e in ("soft", "comfortable", "projected")]
    span = baseline.effort[2].loudness_dbfs - baseline.effort[0].loudness_dbfs
    assert span == pytest.approx(18.0, abs=1.0)  # the brightening adds a little level too
    rise = baseline.effort[2].alpha_ratio_db - baseline.effort[0].alpha_ratio_db  # the brightening, about 7-8 dB
    assert baseline.effort_slope == pytest.approx(rise / span, abs=0.03)
    assert f"{baseline.effort_slope:.2f} dB per dB" in lines[0]
    line = edge_line(baseline)
    assert line.personal and line.predict(baseline.loudness_dbfs) == baseline.alpha_ratio_db


@pytest.mark.model
def test_readings_whose_levels_hardly_differ_warn_of_automatic_gain_control(settings_home, tmp_path):
    readings = efforts(tmp_path, levels=(-2.0, 0.0, 3.0))
    done = levelvoice("calibrate", "--from", str(VOICE), "--soft", str(readings["soft"]), "--comfortable",
                      str(readings["comfortable"]), "--projected", str(readings["projected"]), home=settings_home)
    assert done.returncode == 0, done.stderr
    description, warning = done.stdout.strip().splitlines()
    assert "typical 0.5 dB per dB" in description
    assert re.match(r"Your soft and projected readings differ by only [56]\.\d dB \(at least 8 dB", warning)
    assert "automatic gain control" in warning and "calibrate again" in warning
    with _store() as store:
        baseline = store.latest_baseline()
    assert baseline.effort_slope is None and len(baseline.effort) == 3
    assert edge_line(baseline).slope == TYPICAL_SLOPE


def test_effort_readings_go_with_from_and_come_as_three(settings_home, tmp_path):
    readings = efforts(tmp_path)
    alone = levelvoice("calibrate", "--soft", str(readings["soft"]), home=settings_home)
    assert alone.returncode == 2 and "go with --from" in alone.stderr
    partial = levelvoice("calibrate", "--from", str(VOICE), "--soft", str(readings["soft"]), home=settings_home)
    assert partial.returncode == 2 and "add --comfortable and --projected" in partial.stderr
    with _store() as store:
        assert store.latest_baseline() is None


def test_a_silent_effort_file_is_one_line_naming_it(settings_home, tmp_path):
    readings = efforts(tmp_path)
    silent = tmp_path / "quiet.wav"
    sf.write(silent, np.zeros(16000 * 5, np.float32), 16000)
    done = levelvoice("calibrate", "--from", str(VOICE), "--soft", str(silent), "--comfortable",
                      str(readings["comfortable"]), "--projected", str(readings["projected"]), home=settings_home)
    assert done.returncode == 1 and done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("levelvoice: ") and "quiet.wav" in line and "soft reading" in line
    with _store() as store:
        assert store.latest_baseline() is None  # nothing half-saved


def test_an_older_baseline_gets_its_brightness_from_its_own_recordings_once(settings_home):
    practice = open_practice(transcribe=False)
    with_baseline(practice, VOICE)
    stored = practice.store.latest_baseline()
    # as saved before voice quality was measured: no brightness, the calm answer on disk
    old = replace(stored, id=None, created_at=stored.created_at + dt.timedelta(hours=1), alpha_ratio_db=None,
                  alpha_sd_db=None, sources=(str(VOICE),))
    old = practice.store.add_baseline(old)
    filled = practice.baseline()
    assert filled.id == old.id and filled.alpha_ratio_db == pytest.approx(stored.alpha_ratio_db, abs=0.01)
    assert practice.store.latest_baseline().alpha_ratio_db == filled.alpha_ratio_db  # kept
    assert edge_line(filled).slope == TYPICAL_SLOPE  # judged against the calm answers only
    practice.close()


def test_an_older_baseline_whose_recordings_are_gone_stays_without_an_edge(settings_home, tmp_path):
    practice = open_practice(transcribe=False)
    with_baseline(practice, VOICE)
    stored = practice.store.latest_baseline()
    gone = practice.store.add_baseline(replace(stored, id=None, created_at=stored.created_at + dt.timedelta(hours=1),
                                               alpha_ratio_db=None, sources=(str(tmp_path / "moved.flac"),)))
    assert practice.baseline().alpha_ratio_db is None and edge_line(practice.baseline()) is None
    assert practice.baseline().id == gone.id
    practice.close()
