"""The result screen's figures: pace beside its target, and words per minute that never contradicts it.

A real voice is the calm baseline; the same voice 30 % faster (or 20 % slower, and 300 cents
higher) is the take, both measured with the real transcript. The screen's pace and its
words per minute must say the same thing: same direction, about the same size.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from tests.analysis.variants import speech_tempo
from tests.conftest import SPEECH_FILES
from tests.tui.fixed_data import trial
from trainer.analysis import Transcriber, analyze
from trainer.media import read_audio
from trainer.practice.baseline import build_baseline
from trainer.practice.verdict import judge
from trainer.session import TakeOutcome
from trainer.tui.widgets.result_view import ResultView


@pytest.fixture(scope="module")
def transcriber():
    return Transcriber()


def shown(outcome) -> str:
    return ResultView()._text(outcome).plain


@pytest.mark.model
@pytest.mark.parametrize(("tempo", "cents"), [(1.3, 0), (0.8, 300)], ids=["faster", "slower-higher"])
def test_pace_and_words_per_minute_agree_on_the_result_screen(transcriber, tempo, cents):
    audio = read_audio(SPEECH_FILES[1], mono=True)
    calm = analyze(audio.samples, audio.rate, transcriber=transcriber)
    baseline = build_baseline([calm], device="default", created_at=datetime(2026, 1, 5, tzinfo=timezone.utc))
    take = analyze(speech_tempo(audio.samples, audio.rate, tempo, cents), audio.rate, transcriber=transcriber)
    verdict = judge(take, baseline, latency_s=0.9, overlap_s=0.0)
    outcome = TakeOutcome(1, "clip", trial().take_path, trial(), take, verdict, complete=True)
    text = shown(outcome)
    pace = float(re.search(r"^Pace\s+×(\d\.\d\d)\s+×1\.00 ±20%", text, re.M).group(1))
    words_per_min = float(re.search(r"You said \((\d+) words/min while speaking", text).group(1))
    words_ratio = words_per_min / baseline.wpm
    assert (pace - 1) * (words_ratio - 1) > 0  # the same direction
    assert words_ratio / pace == pytest.approx(1.0, abs=0.06)  # about the same size
    assert pace == pytest.approx(tempo, rel=0.055)
    assert f"Pace ×{pace:.2f} of your calm pace (syllables/s, your calm {baseline.syllable_rate:.1f})" in text


def test_each_value_stands_beside_its_target(lv_home):
    from tests.tui.fixed_data import result_outcome, seeded_practice

    outcome = result_outcome(seeded_practice(lv_home))
    lines = shown(outcome).splitlines()
    header = next(line for line in lines if "target" in line)
    assert header.split() == ["you", "target", "change"]
    rows = {line.split("  ")[0].strip(): line for line in lines if line[:14].strip() in (
        "Loudness", "Pitch", "Pace", "Pitch range", "Overlap", "Response time")}
    assert "-24.0 dBFS ±3.5" in rows["Loudness"]  # the baseline's level, its band narrowed once
    assert "×1.00 ±20%" in rows["Pace"] and "×1.09" in rows["Pace"]
    assert "119 Hz ±1.8 st" in rows["Pitch"] and "too high" in rows["Pitch"]
    assert "0.2-4.0 s" in rows["Response time"]
    # a drill that asks for a slower pace shows that target, so ×0.96 +1% reads as in band
    slower = replace(outcome, verdict=judge(outcome.features, outcome_baseline(), offsets=SlowerDrill()))
    pace_row = next(line for line in shown(slower).splitlines() if line.startswith("Pace "))
    assert "×0.95 ±20%" in pace_row


class SlowerDrill:
    loudness_db = 0.0
    pitch_st = 0.0
    pace_ratio = 0.95


def outcome_baseline():
    from tests.tui.fixed_data import BASELINE

    return BASELINE
