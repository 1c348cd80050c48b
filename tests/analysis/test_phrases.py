"""Where in the answer: per-phrase loudness and pitch, on the real voices, judged against the take's bands."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from tests.analysis.conftest import voice
from tests.analysis.variants import level_then_louder
from tests.practice.standins import calm_baseline
from trainer.analysis import acoustic_features
from trainer.analysis.features import Segment
from trainer.analysis.phrases import MAX_PHRASE_S, phrase_measures, phrase_spans, words_by_phrase
from trainer.practice.review import review_take
from trainer.practice.verdict import judge

LEVEL_DBFS = -26.0
STEP_DB = 6.0


def test_phrases_are_the_speech_segments_with_short_ones_joined_and_long_ones_cut():
    segments = (Segment(0.5, 2.0), Segment(2.3, 2.5), Segment(4.0, 5.0), Segment(6.0, 17.0), Segment(20.0, 20.2))
    spans = phrase_spans(segments)
    # the 0.2 s stretch 0.3 s after the first phrase joins it; the lone one at 20 s has no close neighbour
    assert spans[0] == Segment(0.5, 2.5)
    assert spans[1] == Segment(4.0, 5.0)
    long_parts = [s for s in spans if 6.0 <= s.start_s < 17.0]
    assert len(long_parts) == 3 and all(s.duration_s <= MAX_PHRASE_S for s in long_parts)
    assert long_parts[0].start_s == 6.0 and long_parts[-1].end_s == 17.0
    assert spans[-1] == Segment(20.0, 20.2)
    assert phrase_spans(()) == ()


@pytest.fixture(params=["female-198-209-0000", "male-3436-172162-0000", "male-5703-47212-0000"])
def step_take(request):
    from tests.conftest import SPEECH_DIR

    samples, rate = voice(SPEECH_DIR / f"{request.param}.ogg")
    louder, split_s, level = level_then_louder(samples, rate, level_dbfs=LEVEL_DBFS, step_db=STEP_DB)
    return louder, split_s, level, rate


def test_a_take_level_then_6_db_louder_shows_the_change_in_the_right_phrases(step_take):
    louder, split_s, level, rate = step_take
    features = acoustic_features(louder, rate)
    phrases = phrase_measures(louder, rate, features.segments)
    before = [p for p in phrases if p.end_s <= split_s]
    after = [p for p in phrases if p.start_s >= split_s]
    assert before and after and len(before) + len(after) == len(phrases)  # no phrase straddles the change
    for p in before:
        assert p.loudness_dbfs == pytest.approx(LEVEL_DBFS, abs=0.5), p
    for p in after:
        assert p.loudness_dbfs == pytest.approx(LEVEL_DBFS + STEP_DB, abs=0.5), p

    # judged against a calm baseline at the level: the first half in band, the second too loud
    verdict = judge(features, calm_baseline(loudness_dbfs=LEVEL_DBFS, pitch_median_st=features.pitch_median_st))
    review = review_take(phrases, verdict, answer_start_s=2.0, span_s=len(louder) / rate)
    statuses = [p.cell("loudness").status for p in review.phrases]
    assert statuses == ["in"] * len(before) + ["high"] * len(after)
    assert all(p.cell("loudness").words == "too loud" for p in review.phrases[len(before):])
    assert [round(p.cell("loudness").delta) for p in review.phrases] == [0] * len(before) + [6] * len(after)
    assert review.play_from_s(len(before)) == pytest.approx(2.0 + after[0].start_s - 0.15)


def test_a_gain_change_leaves_each_phrase_pitch_alone(step_take):
    louder, _split_s, level, rate = step_take
    segments = acoustic_features(level, rate).segments
    plain = phrase_measures(level, rate, segments)
    loud = phrase_measures(louder, rate, segments)
    pitched = [(a, b) for a, b in zip(plain, loud) if a.pitch_median_st is not None]
    assert len(pitched) >= len(plain) - 1
    for a, b in pitched:
        assert b.pitch_median_st == pytest.approx(a.pitch_median_st, abs=0.15)


def test_phrase_values_agree_with_the_take_summary(speech):
    """The phrases' levels, power-averaged over their length, give the take's speech level: the same
    measure over the same samples; each phrase's pitch lies within the take's own pitch range."""
    _path, samples, rate = speech
    features = acoustic_features(samples, rate)
    phrases = phrase_measures(samples, rate, features.segments)
    assert [(p.start_s, p.end_s) for p in phrases] == [(s.start_s, s.end_s) for s in features.segments]
    durations = np.array([p.duration_s for p in phrases])
    power = np.array([10 ** (p.loudness_dbfs / 10) for p in phrases])
    assert 10 * np.log10(np.sum(durations * power) / durations.sum()) == pytest.approx(features.loudness_dbfs,
                                                                                       abs=0.1)
    low = features.pitch_median_st - features.pitch_range_st
    high = features.pitch_median_st + features.pitch_range_st
    assert all(low <= p.pitch_median_st <= high for p in phrases if p.pitch_median_st is not None)


def test_no_speech_no_phrases():
    assert phrase_measures(np.zeros(16000, np.float32), 16000, ()) == ()


@dataclass(frozen=True)
class _Word:
    text: str
    start_s: float
    end_s: float


def test_words_go_to_the_phrase_they_were_said_in():
    @dataclass(frozen=True)
    class P:
        start_s: float
        end_s: float

    phrases = [P(0.0, 1.5), P(2.0, 3.0), P(4.0, 6.0)]
    words = [_Word("I", 10.0, 10.2), _Word("hear", 10.3, 10.8), _Word("you", 11.9, 12.4),  # 'you' mostly in phrase 2
             _Word("that", 12.6, 12.9), _Word("sounds", 13.6, 14.1),  # 'sounds' in the pause: to the nearer phrase
             _Word("hard", 14.6, 15.0)]
    assert words_by_phrase(phrases, words, offset_s=10.0) == ("I hear", "you that", "sounds hard")
    assert words_by_phrase([], words) == ()
