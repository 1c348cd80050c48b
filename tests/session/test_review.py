"""The take review end to end: real PortAudio on the rig, the real analysis and model, real SQLite.

Two answers to the same drill: a level voice, then the same voice 6 dB louder from the
pause nearest its middle. The second take's review shows the change in the phrases after
that pause, sits beside the first take as the personal best, gets the words of each
phrase with the transcript, and plays from a chosen phrase.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import soundfile as sf

from tests.analysis.variants import level_then_louder
from tests.conftest import SPEECH_DIR
from tests.rig import active_span, locate, resample
from tests.session.helpers import DRILL, Feeder, SetClock, open_practice
from tests.session.test_take import _run
from trainer.analysis import acoustic_features
from trainer.analysis.phrases import phrase_spans
from trainer.media import read_audio
from trainer.session import ResultReady, ReviewReady, TranscriptReady
from trainer.session.calibration import baseline_from_files

pytestmark = [pytest.mark.audio, pytest.mark.model]
START = dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.timezone.utc)
VOICE = SPEECH_DIR / "male-5703-47212-0000.ogg"


def _answers(folder):
    audio = read_audio(VOICE, mono=True)
    louder, split_s, level = level_then_louder(audio.samples, audio.rate)
    level_path, louder_path = folder / "level.wav", folder / "louder.wav"
    sf.write(level_path, level, audio.rate, subtype="FLOAT")
    sf.write(louder_path, louder, audio.rate, subtype="FLOAT")
    before = sum(1 for s in phrase_spans(acoustic_features(level, audio.rate).segments) if s.end_s <= split_s)
    return level_path, louder_path, before


def _kinds(events):
    return [type(e) for e in events if isinstance(e, (ResultReady, ReviewReady, TranscriptReady))]


def test_a_take_louder_in_its_second_half_shows_it_phrase_by_phrase(pulse_rig, settings_home, tmp_path):
    level_path, louder_path, level_phrases = _answers(tmp_path)
    practice = open_practice(SetClock(START))
    baseline_from_files(practice, [level_path])
    drill = practice.drill(DRILL)

    first, events = _run(practice, drill, Feeder(pulse_rig, level_path, lead_s=0.5))
    assert _kinds(events) == [ResultReady, ReviewReady, TranscriptReady]
    review = next(e for e in events if isinstance(e, ReviewReady)).outcome.review
    assert review.judged and len(review.phrases) >= 4
    assert [p.cell("loudness").status for p in review.phrases] == ["in"] * len(review.phrases)
    assert first.best is not None and first.best.best_take_id is None  # nothing to compare with yet

    second, events = _run(practice, drill, Feeder(pulse_rig, louder_path, lead_s=0.5))
    assert _kinds(events) == [ResultReady, ReviewReady, TranscriptReady]
    review = next(e for e in events if isinstance(e, ReviewReady)).outcome.review
    statuses = [p.cell("loudness").status for p in review.phrases]
    assert statuses == ["in"] * level_phrases + ["high"] * (len(statuses) - level_phrases), statuses
    deltas = [p.cell("loudness").delta for p in review.phrases]
    assert np.mean(deltas[level_phrases:]) - np.mean(deltas[:level_phrases]) == pytest.approx(6.0, abs=1.0)

    # beside the best: the level take, quieter by about the step over half the answer
    best = second.best
    assert best.best_take_id == first.take_id and best.best_audio_path == first.take_path
    loud = next(r for r in best.rows if r.metric == "loudness")
    assert loud.this - loud.best > 2.0 and loud.calm == pytest.approx(practice.store.latest_baseline().loudness_dbfs)

    # the transcript puts the words in their phrases, in order
    final = second.review
    assert sum(1 for p in final.phrases if p.text) >= len(final.phrases) - 1
    assert " ".join(p.text for p in final.phrases if p.text).split() == second.features.transcript.split()

    # playing from the first loud phrase plays the recording from there, not from its start
    start_s = final.play_from_s(level_phrases)
    capture = pulse_rig.start_capture()
    practice.play_file(second.take_path, start_s=start_s)
    played, rate = capture.stop()
    take = read_audio(second.take_path, mono=True)
    expected = resample(take.samples[int(start_s * take.rate):], take.rate, rate)
    piece = expected[: 2 * rate]
    offset = locate(piece, played)
    window = played[offset: offset + len(piece)]
    assert len(window) == len(piece) and np.corrcoef(window, piece)[0, 1] > 0.9  # the take, from that phrase
    heard = np.subtract(*active_span(played, rate)[::-1])
    assert heard == pytest.approx(np.subtract(*active_span(expected, rate)[::-1]), abs=0.5)
    assert heard < take.duration_s - start_s + 0.5
    practice.close()
