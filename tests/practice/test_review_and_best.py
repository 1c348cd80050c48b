"""Phrase statuses against the take's bands, and a take beside the personal best and the baseline."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

import pytest

from tests.practice.standins import Features, calm_baseline
from trainer.practice.best import COMPARED, compare_with_best, pick_best
from trainer.practice.review import PHRASE_METRICS, review_take
from trainer.practice.verdict import judge


@dataclass(frozen=True)
class Phrase:
    index: int
    start_s: float
    end_s: float
    loudness_dbfs: float | None
    pitch_median_st: float | None


BASELINE = calm_baseline()  # -24 dBFS, 8 st; starting bands ±4 dB, ±2 st


def _verdict():
    return judge(Features(), BASELINE, latency_s=1.0, overlap_s=0.0)


def test_each_phrase_is_judged_against_the_take_band():
    phrases = [Phrase(0, 0.5, 2.0, -24.5, 8.2), Phrase(1, 2.4, 4.0, -19.0, 10.6), Phrase(2, 4.5, 6.0, -29.5, None)]
    review = review_take(phrases, _verdict(), answer_start_s=9.0, span_s=7.0)
    assert review.judged and review.metrics == tuple((m.name, m.label) for m in PHRASE_METRICS)
    rows = [(p.cell("loudness").status, p.cell("pitch").status) for p in review.phrases]
    assert rows == [("in", "in"), ("high", "high"), ("low", "missing")]
    assert review.phrases[1].cell("loudness").delta == pytest.approx(5.0)
    assert review.phrases[1].cell("loudness").words == "too loud"
    assert review.phrases[1].cell("pitch").words == "too high"
    assert review.phrases[2].cell("loudness").words == "too quiet"
    assert review.play_from_s(1) == pytest.approx(9.0 + 2.4 - 0.15)
    assert review.play_from_s(0) == pytest.approx(9.0 + 0.5 - 0.15)


def test_the_edge_of_the_band_is_in_band():
    phrases = [Phrase(0, 0.0, 1.0, -20.0, 10.0), Phrase(1, 1.5, 2.0, -19.99, 10.01)]
    review = review_take(phrases, _verdict(), answer_start_s=0.0, span_s=2.0)
    assert [p.cell("loudness").status for p in review.phrases] == ["in", "high"]
    assert [p.cell("pitch").status for p in review.phrases] == ["in", "high"]


def test_without_a_verdict_phrases_are_not_judged():
    review = review_take([Phrase(0, 0.5, 2.0, -24.5, 8.2)], None, answer_start_s=0.0, span_s=3.0)
    assert not review.judged
    assert [c.status for c in review.phrases[0].cells] == ["missing", "missing"]
    assert review.phrases[0].cell("loudness").value == -24.5  # the value is still there


def test_phrases_spoken_over_the_client_are_marked():
    phrases = [Phrase(0, 0.0, 1.2, -24.0, 8.0), Phrase(1, 1.6, 3.0, -24.0, 8.0), Phrase(2, 3.4, 5.0, -24.0, 8.0)]
    review = review_take(phrases, _verdict(), answer_start_s=8.9, span_s=5.0, client_until_s=1.7)
    assert [p.over_client for p in review.phrases] == [True, True, False]
    assert review.to_dict()["client_until_s"] == 1.7
    assert not any(p.over_client for p in review_take(phrases, _verdict(), answer_start_s=8.9, span_s=5.0).phrases)


def test_a_one_sided_band_has_no_below():
    """A metric whose band is open below (as the edge's is) is never "low"."""
    verdict = _verdict()
    loud = verdict.metric("loudness")
    one_sided = replace(verdict, metrics=tuple(replace(m, low=None) if m is loud else m for m in verdict.metrics))
    review = review_take([Phrase(0, 0.0, 1.0, -40.0, 8.0)], one_sided, answer_start_s=0.0, span_s=1.0)
    assert review.phrases[0].cell("loudness").status == "in"


@dataclass(frozen=True)
class Take:
    id: int
    at: datetime
    features: dict
    verdict: dict | None
    latency_s: float | None
    overlap_s: float | None
    audio_path: str | None = None

    @property
    def score(self):
        return None if self.verdict is None else self.verdict["score"]


T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def _take(n: int, loudness: float, *, latency: float = 1.0, overlap: float = 0.0, hours: int = 0,
          score: int | None = None) -> Take:
    f = Features(loudness_dbfs=loudness, pitch_median_st=9.0, pitch_range_st=5.5, articulation_rate=4.8)
    verdict = judge(f, BASELINE, latency_s=latency, overlap_s=overlap).to_dict()
    if score is not None:  # the rule under test is the choice of the best, not the score
        verdict["score"] = score
    features = {"loudness_dbfs": loudness, "pitch_median_hz": round(100 * 2 ** (9.0 / 12), 1),
                "pitch_range_st": 5.5, "articulation_rate": 4.8}
    return Take(n, T0 + timedelta(hours=hours or n), features, verdict, latency, overlap, f"/takes/{n}.flac")


def test_the_personal_best_is_the_highest_score_the_latest_of_equals():
    takes = [_take(n, -24.0, score=score) for n, score in ((1, 75), (2, 100), (3, 100), (4, 100), (5, 90))]
    assert pick_best(takes).id == 4  # 2, 3 and 4 all scored 100: the most recent
    assert pick_best(takes[:3]).id == 3
    assert pick_best([takes[0], takes[4]]).id == 5
    assert pick_best([]) is None
    unjudged = replace(takes[0], verdict=None)
    assert pick_best([unjudged]) is None


def test_this_take_beside_the_best_and_the_baseline_measure_by_measure():
    best = _take(2, -24.0, latency=0.9, score=100)
    this = _take(7, -18.5, latency=0.1, overlap=1.4, score=60)
    comparison = compare_with_best(this, best, BASELINE)
    rows = {r.metric: r for r in comparison.rows}
    assert [r.metric for r in comparison.rows] == [c.metric for c in COMPARED]
    assert (rows["loudness"].this, rows["loudness"].best, rows["loudness"].calm) == (-18.5, -24.0, -24.0)
    assert (rows["loudness"].this_status, rows["loudness"].best_status) == ("high", "in")
    assert rows["pitch"].calm == pytest.approx(100 * 2 ** (8 / 12), abs=0.01)  # the baseline's 8 st, in Hz
    assert rows["pitch"].this == pytest.approx(168.2)
    assert rows["pace"].calm == 1.0  # pace is the ratio to the calm pace, as the verdict has it
    assert rows["pace"].this == pytest.approx(this.verdict["metrics"]["pace"]["value"], abs=0.01)
    assert rows["pace"].this == pytest.approx(4.8 / 4.5, abs=0.01)
    assert (rows["latency"].this, rows["latency"].best, rows["latency"].calm) == (0.1, 0.9, None)
    assert rows["latency"].this_status == "low"
    assert (rows["overlap"].this, rows["overlap"].this_status) == (1.4, "high")
    assert comparison.best_take_id == 2 and comparison.best_at == best.at and comparison.best_score == 100
    assert comparison.best_audio_path == "/takes/2.flac"
    assert comparison.this_score < comparison.best_score and not comparison.new_best
    data = comparison.to_dict()
    assert data["measures"]["loudness"] == {"label": "Loudness", "unit": "dBFS", "this": -18.5, "best": -24.0,
                                            "calm": -24.0, "this_status": "high", "best_status": "in"}


def test_a_better_take_is_a_new_best_and_a_first_take_has_nothing_to_compare():
    old = _take(1, -18.0, score=70)
    this = _take(2, -24.0, score=95)
    assert compare_with_best(this, old, BASELINE).new_best
    first = compare_with_best(this, None, None)
    assert first.best_take_id is None and not first.new_best
    assert all(r.best is None and r.calm is None and r.best_status == "missing" for r in first.rows)
