"""The edge on real voices, end to end through the analysis: a take 4 dB brighter at the same loudness
is a sharp edge; the same take 6 dB louder with its brightness following the speaker's own line is not."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.analysis.conftest import features_of, voice
from tests.analysis.variants import brighter, gain
from trainer.analysis import acoustic_features
from trainer.practice.baseline import build_baseline
from trainer.practice.edge import EFFORTS, edge_line, effort_reading
from trainer.practice.verdict import judge

WHEN = datetime(2025, 3, 1, 10, 0, tzinfo=timezone.utc)


def brightened(samples, rate, alpha_db: float, *, level_db: float = 0.0):
    """The speech with its alpha ratio raised by `alpha_db` (the shelf above 1 kHz found by three
    corrections) and its speech level then set `level_db` from the original; (samples, features)."""
    base = acoustic_features(samples, rate)
    shelf = alpha_db
    for _ in range(3):
        changed = acoustic_features(brighter(samples, rate, shelf), rate)
        rise = changed.alpha_ratio_db - base.alpha_ratio_db
        if abs(rise - alpha_db) < 0.05 or rise == 0:
            break
        shelf *= alpha_db / rise
    out = brighter(samples, rate, shelf)
    out = gain(out, base.loudness_dbfs + level_db - acoustic_features(out, rate).loudness_dbfs)
    return out, acoustic_features(out, rate)


def personal_baseline(path, samples, rate):
    """The voice as its calm answer, and three effort readings of it: 10 dB softer and darker,
    as it is, 8 dB louder and brighter (a slope of roughly 0.4 dB per dB)."""
    readings = []
    for effort, level, tilt in zip(EFFORTS, (-10.0, 0.0, 8.0), (-4.0, 0.0, 4.0)):
        features = acoustic_features(gain(brighter(samples, rate, tilt), level), rate)
        readings.append(effort_reading(effort, features, f"{effort}.flac"))
    return build_baseline([features_of(path)], device="mic", created_at=WHEN, effort=readings)


def test_a_take_4_db_brighter_at_the_same_loudness_has_a_sharp_edge(speech_file):
    samples, rate = voice(speech_file)
    baseline = personal_baseline(speech_file, samples, rate)
    assert baseline.effort_slope is not None
    _, take = brightened(samples, rate, 4.0)
    assert take.loudness_dbfs == pytest.approx(features_of(speech_file).loudness_dbfs, abs=0.1)
    verdict = judge(take, baseline)
    edge = verdict.metric("edge")
    assert edge.value == pytest.approx(4.0, abs=0.3) and edge.status == "high" and edge.direction() == "sharp edge"
    assert "Sharp edge" in verdict.summary
    # the same with a baseline that has no effort readings: the calm answer and the typical line
    assert judge(take, build_baseline([features_of(speech_file)], device="mic", created_at=WHEN)
                 ).metric("edge").status == "high"


def test_the_same_take_6_db_louder_along_the_speakers_line_has_no_edge(speech_file):
    samples, rate = voice(speech_file)
    baseline = personal_baseline(speech_file, samples, rate)
    slope = edge_line(baseline).slope
    _, louder = brightened(samples, rate, 6.0 * slope, level_db=6.0)
    verdict = judge(louder, baseline)
    edge = verdict.metric("edge")
    assert abs(edge.value) < 0.5 and edge.status == "in"
    assert verdict.metric("loudness").status == "high"  # still too loud: that is loudness's to say
    plain_louder = judge(acoustic_features(gain(samples, 6.0), rate), baseline).metric("edge")
    assert plain_louder.status == "in" and plain_louder.value == pytest.approx(-6.0 * slope, abs=0.3)
