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
                                 "edge": "in", "overlap": "in", "latency": "in"}
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
    assert pace.note() == "Pace: ×1.25, target ×1.00, 25% too fast (band ±20%; syllables/s, your calm 4.5)"
    assert pace.target_text() == "×1.00 ±20%"


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
    # loudness 75 x 25, edge 100 x 15 (6 dB louder, as bright as the line predicts), pace 100 x 15,
    # range 100 x 10 -> 5875 / 65 = 90.4; loudness is out: 79% -> 71.4 -> 71
    assert verdict.score == 71
    assert verdict.explain() == ("score 71 = 79% of 90.4 (loudness out of band); "
                                 "90.4 = (75x25 loudness + 100x15 edge + 100x15 pace + 100x10 pitch range) / 65")


def test_overall_score_is_the_weighted_mean_of_the_parts():
    verdict = judge(Features(loudness_dbfs=-12.0, pitch_median_st=11.0, articulation_rate=4.5, pitch_range_st=6.0),
                    calm_baseline(), latency_s=1.0, overlap_s=0.0)
    scored = [m for m in verdict.metrics if m.score is not None]
    expected = sum(m.score * m.weight for m in scored) / sum(m.weight for m in scored)
    assert verdict.score == int(0.79 * expected + 0.5)  # two measures out of band
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
    assert verdict.outcomes() == {"loudness": False, "edge": True, "pitch": True, "pace": True, "pitch_range": True,
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
        "Score 73: Too loud (+6.0 dB); the rest in band.",
        "  Loudness: 6.0 dB too loud (band ±4.0 dB)",
        "  Edge: in band (-3.0 dB from target, band up to +2.0 dB)",
        "  Pitch: not measured",
        "  Pace: ×1.00, target ×1.00, in band (+0% from target, band ±20%; syllables/s, your calm 4.5)",
        "  Pitch range: in band (+0.0 st from target, band ±3.0 st)",
        "  Overlap: none",
        "  Response time: 1.2 s (aim for 0.2-4.0 s)",
        "  (score 73 = 79% of 92.2 (loudness out of band); 92.2 = (75x25 loudness + 100x15 edge + 100x15 pace"
        " + 100x10 pitch range + 100x10 overlap + 100x5 response time) / 80)",
    ]


# ---- the score rule: 80 or more means every measure in band ----

IN_BAND = dict(latency_s=1.0, overlap_s=0.0)
# one measure just outside its band (initial widths), the rest as calm as the baseline
ONE_OUT = {
    "loudness": (Features(loudness_dbfs=-19.9), {}),  # 4.1 dB above, band ±4
    "pitch": (Features(pitch_median_st=5.9), {}),  # 2.1 st below, band ±2
    "pace": (Features(articulation_rate=5.42), {}),  # ×1.204, band ±20%
    "pitch_range": (Features(pitch_range_st=9.1), {}),  # 3.1 st wider, band ±3
    "edge": (Features(alpha_ratio_db=-9.9), {}),  # 2.1 dB brighter than the line, band up to +2
    "overlap": (Features(), {"overlap_s": 0.2}),
    "latency": (Features(), {"latency_s": 4.1}),
}


@pytest.mark.parametrize("case", [Features(), Features(loudness_dbfs=-20.1, pitch_median_st=9.9,
                                                         articulation_rate=5.35, pitch_range_st=3.1)],
                         ids=["centred", "at-the-edges"])
def test_every_measure_in_band_scores_80_or_more(case):
    verdict = judge(case, calm_baseline(), **IN_BAND)
    assert all(m.status == "in" for m in verdict.metrics)
    assert verdict.score >= 80


@pytest.mark.parametrize("metric", list(ONE_OUT))
def test_any_one_measure_out_of_band_scores_below_80(metric):
    features, timing = ONE_OUT[metric]
    verdict = judge(features, calm_baseline(), **{**IN_BAND, **timing})
    assert [m.metric for m in verdict.metrics if m.status != "in"] == [metric]
    assert verdict.score < 80
    assert f"{verdict.metric(metric).label.lower()} out of band" in verdict.explain()


@pytest.mark.parametrize("overlap_s", [1.05, 5.7, 20.0])
def test_more_than_a_second_over_the_client_scores_below_60(overlap_s):
    verdict = judge(Features(), calm_baseline(), latency_s=1.0, overlap_s=overlap_s)
    assert verdict.score < 60
    assert "at most 59 after more than 1 s over the client" in verdict.explain()


def test_a_short_overlap_is_a_miss_but_not_capped():
    verdict = judge(Features(), calm_baseline(), latency_s=1.0, overlap_s=0.8)
    assert verdict.score == 71  # 79% of (0x10 overlap + 100x90) / 100


def test_the_examples_that_once_hid_a_miss():
    """Issue 13: 6 dB too loud scored 93 and 5.7 s over the client 85; both now read as misses."""
    loud = judge(Features(loudness_dbfs=-18.0), calm_baseline(), **IN_BAND)
    assert loud.score == 74  # with the edge's weight (issue 16): 79% of 93.75
    assert loud.explain() == ("score 74 = 79% of 93.8 (loudness out of band); 93.8 = (75x25 loudness + 100x15 edge"
                              " + 100x20 pitch + 100x15 pace + 100x10 pitch range + 100x10 overlap + 100x5 response"
                              " time) / 100")
    over = judge(Features(), calm_baseline(), latency_s=1.0, overlap_s=5.7)
    assert over.score == 59
    assert over.explain().startswith("score 59 = 79% of 90.0 (overlap out of band) = 71, at most 59")


# ---- the edge ----

def test_brighter_at_the_same_loudness_is_a_sharp_edge():
    verdict = judge(Features(alpha_ratio_db=-8.0), calm_baseline())  # 4 dB above the line, band up to +2
    edge = verdict.metric("edge")
    assert (edge.status, edge.direction(), edge.value, edge.high, edge.low) == ("high", "sharp edge", 4.0, 2.0, None)
    assert edge.score == 50  # 2 dB beyond a 2 dB band: one half-width out
    assert edge.note() == "Edge: 4.0 dB sharp edge (band up to +2.0 dB)"
    assert verdict.summary == "Sharp edge (+4.0 dB); the rest in band."


def test_louder_and_brighter_along_the_line_has_no_edge_but_is_still_too_loud():
    verdict = judge(Features(loudness_dbfs=-16.0, alpha_ratio_db=-12.0 + 0.5 * 8), calm_baseline())
    assert verdict.metric("edge").status == "in" and verdict.metric("edge").value == pytest.approx(0.0)
    assert verdict.metric("loudness").status == "high"


def test_below_the_line_is_in_band_however_far():
    edge = judge(Features(alpha_ratio_db=-25.0), calm_baseline()).metric("edge")
    assert edge.status == "in" and edge.score == 100 and edge.value == -13.0


def test_the_edge_band_starts_at_2_db_or_twice_the_calm_spread():
    take = Features(alpha_ratio_db=-9.5)  # 2.5 dB above the line
    assert judge(take, calm_baseline(alpha_sd_db=0.6)).metric("edge").status == "high"  # band 2.0
    wide = judge(take, calm_baseline(alpha_sd_db=1.5)).metric("edge")  # band 3.0
    assert wide.status == "in" and wide.high == 3.0
    assert judge(take, calm_baseline(alpha_sd_db=9.0)).metric("edge").high == 6.0  # never wider than the widest
    narrowed = judge(take, calm_baseline(alpha_sd_db=1.5), bands={"edge": BandState("edge", 1.5)}).metric("edge")
    assert narrowed.high == 1.5 and narrowed.score == 67  # a stored band wins: 1 dB beyond 1.5


def test_the_personal_slope_sets_what_loudness_explains():
    take = Features(loudness_dbfs=-16.0, alpha_ratio_db=-12.0 + 0.5 * 8)  # along the typical line
    steep = judge(take, calm_baseline(effort_slope=0.8)).metric("edge")
    flat = judge(take, calm_baseline(effort_slope=0.2)).metric("edge")
    assert steep.value == pytest.approx(4.0 - 6.4) and steep.status == "in"
    assert flat.value == pytest.approx(4.0 - 1.6) and flat.status == "high"


def test_no_edge_without_a_brightness_on_either_side():
    assert judge(Features(alpha_ratio_db=None), calm_baseline()).metric("edge").status == "missing"
    older = judge(Features(), calm_baseline(alpha_ratio_db=None)).metric("edge")
    assert older.status == "missing" and older.score is None


def test_the_edge_band_adapts_like_the_others():
    from trainer.practice.bands import bands_for, update_bands

    bands = bands_for(None, starts={"edge": 3.0})
    for _ in range(3):
        bands = update_bands(bands, judge(Features(), calm_baseline(), bands=bands).outcomes())
    assert bands["edge"].width == 2.5  # three takes in band: one step narrower
    for _ in range(2):
        bands = update_bands(bands, judge(Features(alpha_ratio_db=-5.0), calm_baseline(), bands=bands).outcomes())
    assert bands["edge"].width == 3.0  # two sharp takes: one step wider
