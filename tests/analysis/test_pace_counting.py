"""What keeps the acoustic pace steady: its time base (sounding speech) and the voicing that weighs its nuclei."""

from __future__ import annotations

import numpy as np
import pytest

from tests.analysis.conftest import voice
from tests.conftest import SPEECH_FILES
from trainer.analysis.activity import HOP_S
from trainer.analysis.pace import articulation_rate, sounding_frames
from trainer.analysis.pitch import PITCH_RATE
from trainer.analysis.signal import prepare
from trainer.analysis.take import _activity


def frames(*spans: tuple[int, int], n: int = 400) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    for a, b in spans:
        mask[a:b] = True
    return mask


def test_a_barely_voiced_word_that_runs_on_from_speech_is_speaking_time():
    """Speech (voiced) for 1 s, then two short stretches above the threshold that the voicing
    rule left out of speech (a word said on the breath), each 200 ms after the last: no pause."""
    speech = frames((0, 100))
    active = frames((0, 100), (120, 150), (170, 197))
    assert np.count_nonzero(sounding_frames(active, speech, HOP_S)) == 100 + 30 + 27


def test_a_stretch_after_a_pause_is_not_speaking_time():
    speech = frames((0, 100))
    active = frames((0, 100), (130, 160))  # 300 ms of silence before it: a pause
    assert np.count_nonzero(sounding_frames(active, speech, HOP_S)) == 100


def test_a_hum_that_follows_speech_counts_only_near_it():
    """A second or more above the threshold with no speech in it (a fan, a hum) is not a word."""
    speech = frames((0, 100))
    active = frames((0, 100), (110, 300))
    sounding = sounding_frames(active, speech, HOP_S)
    assert sounding[110:125].all() and not sounding[125:].any()  # within 250 ms of speech only


@pytest.mark.parametrize("path", SPEECH_FILES, ids=lambda p: p.stem)
def test_a_breathier_voice_counts_about_the_same_nuclei(path):
    """The same voice with every frame less periodic (as a breathy or synthetic voice reads to the
    pitch tracker) keeps its count: voicing is judged against the voice's own typical periodicity.
    Weighed on a fixed scale, it lost 18-23 % of its nuclei at +0.2 and 62-82 % at +0.3."""
    levels, active, mono8k, track, _, speech = _activity(prepare(*voice(path)))
    aperiodicity = track.aperiodicity[: len(levels)]
    sounding = sounding_frames(active, speech, HOP_S)
    clear = articulation_rate(mono8k, PITCH_RATE, aperiodicity, sounding, HOP_S)
    for more in (0.2, 0.3):
        breathy = articulation_rate(mono8k, PITCH_RATE, aperiodicity + more, sounding, HOP_S)
        assert breathy == pytest.approx(clear, rel=0.08), f"+{more}: {breathy:.2f} against {clear:.2f}"
