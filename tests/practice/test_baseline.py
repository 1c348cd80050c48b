"""The calm baseline: robust to one odd answer, and refusing answers without speech."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.practice.standins import Features, calm_baseline
from trainer.errors import CalibrationError
from trainer.practice.baseline import build_baseline, device_warning

WHEN = datetime(2025, 3, 1, 10, 0, tzinfo=timezone.utc)


def test_median_of_three_answers_ignores_one_odd_answer():
    answers = [
        Features(loudness_dbfs=-25.0, pitch_median_st=7.0, articulation_rate=4.4, wpm=130.0),
        Features(loudness_dbfs=-24.0, pitch_median_st=8.0, articulation_rate=4.6, wpm=150.0),
        Features(loudness_dbfs=-12.0, pitch_median_st=15.0, articulation_rate=7.0, wpm=220.0),  # shouted, rushed
    ]
    baseline = build_baseline(answers, device="USB mic", created_at=WHEN)
    assert baseline.loudness_dbfs == -24.0
    assert baseline.pitch_median_st == 8.0
    assert baseline.articulation_rate == 4.6
    assert baseline.wpm == 150.0
    assert baseline.device == "USB mic" and baseline.created_at == WHEN and baseline.id is None
    assert baseline.sources == ("Answer 1", "Answer 2", "Answer 3")


def test_measures_missing_in_some_answers_use_the_others():
    answers = [Features(wpm=None, pitch_range_st=5.0), Features(wpm=120.0, pitch_range_st=None),
               Features(wpm=None, pitch_range_st=7.0)]
    baseline = build_baseline(answers, device="mic", created_at=WHEN, sources=["a.wav", "b.wav", "c.wav"])
    assert baseline.wpm == 120.0
    assert baseline.pitch_range_st == 6.0
    assert baseline.sources == ("a.wav", "b.wav", "c.wav")


def test_measure_missing_everywhere_stays_missing():
    baseline = build_baseline([Features(pitch_median_st=None)] * 2, device="mic", created_at=WHEN)
    assert baseline.pitch_median_st is None


@pytest.mark.parametrize("silent", [Features(speech_s=0.0, loudness_dbfs=None), Features(speech_s=None),
                                    Features(speech_s=1.2)])
def test_an_answer_without_speech_is_refused_by_name(silent):
    with pytest.raises(CalibrationError, match=r"^Answer 2 has no usable speech .* Record it again"):
        build_baseline([Features(), silent, Features()], device="mic", created_at=WHEN)


def test_no_answers_is_refused():
    with pytest.raises(CalibrationError, match="at least one calm answer"):
        build_baseline([], device="mic", created_at=WHEN)


def test_device_warning_only_for_another_device():
    baseline = calm_baseline(device="USB mic")
    assert device_warning(baseline, "usb MIC ") is None
    warning = device_warning(baseline, "Laptop internal")
    assert "USB mic" in warning and "Laptop internal" in warning and "levelvoice calibrate" in warning


def test_to_dict_is_json_ready():
    import json

    data = calm_baseline().to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["created_at"] == "2025-01-06T09:00:00+00:00" and data["sources"][0] == "Answer 1"
