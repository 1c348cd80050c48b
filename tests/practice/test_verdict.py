"""The verdict: each measure against baseline + offsets within its band, and an explainable score."""

from __future__ import annotations

import json

import pytest

from tests.practice.standins import Features, Offsets, calm_baseline
from trainer.practice.bands import BandState
from trainer.practice.verdict import WEIGHTS, Verdict, judge


def statuses(verdict: Verdict) -> dict[str, str]:
    return {m.metric: m.status for m in verdict.metrics}


def test_a_take_like_the_baseline_is_level_and_scores_100():
    verdict = judge(Features(), calm_baseline(), latency_s=1.0, overlap_s=0.0)
    assert statuses(verdict) == {"loudness": "in", "pitch": "in", "pace": "in", "pitch_range": "in",
                                 "overlap": "in", "latency": "in"}
    assert verdict.score == 100
    assert verdict.summary == "Level: every measure in band."


def test_louder_than_the_band_is_high_with_the_distance():
    verdict = judge(Features(loudness_dbfs=-18.0), calm_baseline())  # 6 dB above, band +-4
    loud = verdict.metric("loudness")
    assert loud.status == "high" and loud.delta == pytest.approx(6.0)
    assert (loud.low, loud.high, loud.target) == (-28.0, -20.0, -24.0)
    assert loud.score == 75  # 2 dB beyond the edge = half a half-width: 100 - 50 * 2/4
    assert loud.note() == "Loudness: 6.0 dB too loud (band ±4.0 dB)"
    assert verdict.summary.startswith("Too loud (+6.0 dB)")


def test_offsets_move_the_target():
    baseline = calm_baseline()
    assertive = Offsets(loudness_db=3.0, pitch_st=-1.0, pace_ratio=0.9)
    verdict = judge(Features(loudness_dbfs=-21.0, pitch_median_st=7.0, articulation_rate=4.05), baseline,
                    offsets=assertive)
    assert verdict.metric("loudness").target == -21.0 and verdict.metric("loudness").delta == 0.0
    assert verdict.metric("pitch").target == 7.0 and verdict.metric("pitch").status == "in"
    assert verdict.metric("pace").target == 0.9 and verdict.metric("pace").value == pytest.approx(0.9)
    assert verdict.score == 100


def test_narrow_bands_turn_the_same_take_out_of_band():
    take = Features(pitch_median_st=9.5)  # 1.5 st above the baseline
    assert judge(take, calm_baseline()).metric("pitch").status == "in"  # initial band +-2
    narrow = {"pitch": BandState("pitch", 1.0)}
    pitch = judge(take, calm_baseline(), bands=narrow).metric("pitch")
    assert pitch.status == "high" and pitch.score == 75 and pitch.high == 9.0


def test_the_summary_names_pitch_so_too_low_cannot_be_read_as_loudness():
    verdict = judge(Features(pitch_median_st=4.0), calm_baseline())  # 4 st below the baseline
    assert verdict.summary.startswith("Pitch too low (-4.0 st)")


def test_pace_uses_articulation_rate_and_a_relative_band():
    verdict = judge(Features(articulation_rate=5.625, wpm=140.0), calm_baseline())  # 25% faster, band +-20%
    pace = verdict.metric("pace")
    assert pace.value == pytest.approx(1.25) and pace.status == "high"
    assert pace.low == pytest.approx(0.8) and pace.high == pytest.approx(1.2)
    assert pace.note() == "Pace: 25% too fast (band ±20%)"


def test_pace_falls_back_to_words_per_minute_without_articulation_rate():
    verdict = judge(Features(articulation_rate=None, wpm=105.0), calm_baseline())  # 75% of 140 wpm
    assert verdict.metric("pace").value == pytest.approx(0.75)
    assert verdict.metric("pace").status == "low"


def test_pitch_range_too_flat_and_too_wide():
    flat = judge(Features(pitch_range_st=2.0), calm_baseline()).metric("pitch_range")
    wide = judge(Features(pitch_range_st=10.0), calm_baseline()).metric("pitch_range")
    assert (flat.status, flat.direction()) == ("low", "too flat")
    assert (wide.status, wide.direction()) == ("high", "too wide")


def test_talking_over_the_client_is_always_out_of_band():
    verdict = judge(Features(), calm_baseline(), overlap_s=1.5, latency_s=-1.5)
    overlap = verdict.metric("overlap")
    assert overlap.status == "high" and overlap.score == 0
    assert verdict.summary.startswith("Talked over the client (1.5 s)")
    # however wide the voice bands, overlap stays out
    wide = {m: BandState(m, 100.0) for m in ("loudness", "pitch", "pace", "pitch_range")}
    assert judge(Features(), calm_baseline(), bands=wide, overlap_s=0.5).metric("overlap").status == "high"
    assert judge(Features(), calm_baseline(), overlap_s=0.05).metric("overlap").status == "in"


def test_latency_band():
    assert judge(Features(), calm_baseline(), latency_s=0.05).metric("latency").status == "low"
    slow = judge(Features(), calm_baseline(), latency_s=5.0).metric("latency")
    assert slow.status == "high" and slow.score == 50 and slow.delta == pytest.approx(1.0)


def test_missing_measures_are_left_out_of_the_score():
    verdict = judge(Features(pitch_median_st=None, loudness_dbfs=-18.0), calm_baseline())
    assert verdict.metric("pitch").status == "missing" and verdict.metric("pitch").score is None
    assert verdict.metric("latency").status == "missing"
    # loudness 75 x 30, pace 100 x 20, range 100 x 10 -> 5250 / 60 = 87.5 -> 88 (half up)
    assert verdict.score == 88
    assert verdict.explain() == "score 88 = (75x30 loudness + 100x20 pace + 100x10 pitch range) / 60"


def test_overall_score_is_the_weighted_mean_of_the_parts():
    verdict = judge(Features(loudness_dbfs=-12.0, pitch_median_st=11.0, articulation_rate=4.5, pitch_range_st=6.0),
                    calm_baseline(), latency_s=1.0, overlap_s=0.0)
    scored = [m for m in verdict.metrics if m.score is not None]
    expected = sum(m.score * m.weight for m in scored) / sum(m.weight for m in scored)
    assert verdict.score == int(expected + 0.5)
    assert verdict.metric("loudness").score == 0  # 12 dB above: 8 dB beyond a 4 dB half-width
    assert verdict.metric("pitch").score == 75
    assert sum(WEIGHTS.values()) == 100


def test_no_speech_means_nothing_to_judge():
    silent = Features(loudness_dbfs=None, pitch_median_st=None, pitch_range_st=None, wpm=None,
                      articulation_rate=None, speech_s=0.0)
    verdict = judge(silent, calm_baseline())
    assert verdict.score == 0 and set(statuses(verdict).values()) == {"missing"}
    assert verdict.summary.startswith("Nothing could be judged")
    assert verdict.outcomes() == {}


def test_outcomes_feed_the_staircases():
    verdict = judge(Features(loudness_dbfs=-10.0), calm_baseline(), overlap_s=0.0)
    assert verdict.outcomes() == {"loudness": False, "pitch": True, "pace": True, "pitch_range": True,
                                  "overlap": True}


def test_to_dict_round_trips_through_json():
    verdict = judge(Features(loudness_dbfs=-18.0), calm_baseline(), latency_s=0.9, overlap_s=0.0)
    data = json.loads(json.dumps(verdict.to_dict()))
    assert data["score"] == verdict.score
    assert data["metrics"]["loudness"]["status"] == "high"
    assert data["metrics"]["loudness"]["band"] == [-28.0, -20.0]
    assert data["metrics"]["loudness"]["value"] == -18.0
    assert Verdict.from_dict(data) == verdict


def test_the_drill_librarys_offsets_and_levels_fit_the_practice_rules():
    from trainer.drills.model import DIFFICULTIES, TargetOffsets
    from trainer.practice.difficulty import LEVELS

    assert LEVELS == DIFFICULTIES
    offsets = TargetOffsets(loudness_db=-2.0, pitch_st=-0.5, pace_ratio=0.9)
    verdict = judge(Features(loudness_dbfs=-26.0, pitch_median_st=7.5, articulation_rate=4.05), calm_baseline(),
                    offsets=offsets)
    assert verdict.score == 100 and verdict.metric("pace").target == 0.9


def test_report_lines_for_a_terminal():
    verdict = judge(Features(loudness_dbfs=-18.0, pitch_median_st=None), calm_baseline(), latency_s=1.2, overlap_s=0.0)
    assert verdict.report() == [
        "Score 90: Too loud (+6.0 dB); the rest in band.",
        "  Loudness: 6.0 dB too loud (band ±4.0 dB)",
        "  Pitch: not measured",
        "  Pace: in band (+0% from target, band ±20%)",
        "  Pitch range: in band (+0.0 st from target, band ±3.0 st)",
        "  Overlap: none",
        "  Response time: 1.2 s (aim for 0.2-4.0 s)",
        "  (score 90 = (75x30 loudness + 100x20 pace + 100x10 pitch range + 100x10 overlap + 100x5 response time)"
        " / 75)",
    ]
