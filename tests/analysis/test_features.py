"""The public result: exact key names, a JSON round trip, comparisons, and light imports."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest

from tests.analysis.conftest import features_of, voice
from tests.analysis.variants import gain
from tests.conftest import SPEECH_FILES
from trainer.analysis import Comparison, Segment, TakeFeatures, acoustic_features, add_transcript, compare
from trainer.analysis.transcribe import Transcript, Word

KEYS = ["duration_s", "onset_s", "offset_s", "speech_s", "pause_ratio", "segments", "loudness_dbfs",
        "loudness_lufs", "loudness_sd_db", "peak_dbfs", "clipping", "pitch_median_hz", "pitch_median_st",
        "pitch_range_st", "pitch_sd_st", "voiced_ratio", "wpm", "articulation_rate", "words", "transcript",
        "fillers", "warnings", "sounding_s", "syllables", "syllable_rate"]


def plain_types(value) -> bool:
    if isinstance(value, list):
        return all(plain_types(v) for v in value)
    return value is None or type(value) in (int, float, str, bool)


def test_to_dict_has_exactly_the_public_keys_and_plain_values(speech):
    path, _, _ = speech
    data = features_of(path).to_dict()
    assert list(data) == KEYS
    assert all(plain_types(v) for v in data.values()), {k: type(v) for k, v in data.items()}
    assert json.loads(json.dumps(data)) == data


def test_round_trip_through_json(speech):
    path, _, _ = speech
    features = features_of(path)
    transcript = Transcript("Well, um, I hear you.", (Word("Well,", 0.5, 0.7, 0.9),))
    for item in (features, add_transcript(features, transcript), acoustic_features(np.zeros(16000, np.float32), 16000)):
        again = TakeFeatures.from_dict(json.loads(json.dumps(item.to_dict())))
        assert again == item
        assert isinstance(again.segments, tuple) and all(isinstance(s, Segment) for s in again.segments)


def test_from_dict_rejects_missing_keys():
    data = features_of(SPEECH_FILES[0]).to_dict()
    del data["wpm"]
    with pytest.raises(ValueError, match="wpm"):
        TakeFeatures.from_dict(data)


def test_features_are_frozen():
    features = features_of(SPEECH_FILES[0])
    with pytest.raises(AttributeError):
        features.wpm = 100.0  # type: ignore[misc]


def test_add_transcript_counts_words_fillers_and_pace():
    features = features_of(SPEECH_FILES[1])
    transcript = Transcript("So, um, I think... uh, we can try. Mm.", ())
    done = add_transcript(features, transcript)
    assert done.words == 6 and done.transcript == transcript.text
    assert done.fillers == max(3, features.fillers)
    speaking_min = features.sounding_s / 60  # words per minute of sounding speech, like the syllables
    assert done.wpm == pytest.approx(6 / speaking_min, abs=0.05)
    assert done.syllables == 6  # so, I, think, we, can, try: the fillers are not syllables of words
    assert done.syllable_rate == pytest.approx(6 / features.sounding_s, abs=0.001)
    assert done.articulation_rate == features.articulation_rate  # the acoustic fields stay


def test_add_transcript_to_a_take_without_speech_changes_nothing():
    silent = acoustic_features(np.zeros(16000, np.float32), 16000)
    assert add_transcript(silent, Transcript("you", ())) == silent


def test_compare_with_a_reference():
    path = SPEECH_FILES[2]
    base = features_of(path)
    samples, rate = voice(path)
    louder = acoustic_features(gain(samples, 6.0), rate)
    diff = compare(louder, base)
    assert isinstance(diff, Comparison)
    assert diff.loudness_db == pytest.approx(6.0, abs=0.05)
    assert diff.pitch_st == pytest.approx(0.0, abs=0.05) and diff.pitch_range_st == pytest.approx(0.0, abs=0.05)
    assert diff.pace_ratio == pytest.approx(1.0, abs=0.01) and diff.pace_basis == "acoustic"
    same_words = compare(add_transcript(louder, Transcript("a b c d", ())), add_transcript(base, Transcript("a b c d", ())))
    assert same_words.pace_ratio == pytest.approx(1.0, abs=0.01) and same_words.pace_basis == "transcript+acoustic"
    # a transcript that lost half the words disagrees with the sound: the acoustic ratio alone
    lost = compare(add_transcript(louder, Transcript("a b c d", ())), add_transcript(base, Transcript("a b", ())))
    assert lost.pace_ratio == pytest.approx(1.0, abs=0.01) and lost.pace_basis == "acoustic"
    louder_no_rate = dataclasses.replace(add_transcript(louder, Transcript("a b c d", ())), articulation_rate=None)
    no_rate = compare(louder_no_rate, add_transcript(base, Transcript("a b", ())))
    assert no_rate.pace_ratio == pytest.approx(2.0, abs=0.03) and no_rate.pace_basis == "transcript"
    silent = acoustic_features(np.zeros(16000, np.float32), 16000)
    assert compare(silent, base) == Comparison(None, None, None, None)
    assert set(diff.to_dict()) == {"loudness_db", "pitch_st", "pitch_range_st", "pace_ratio", "pace_basis",
                                   "pace_text"}


def test_analysis_stays_free_of_ui_audio_and_storage_and_imports_lazily():
    code = (
        "import sys, trainer.analysis\n"
        "assert 'numpy' not in sys.modules, 'the package import must stay light'\n"
        "from trainer.analysis import model\n"
        "assert 'numpy' not in sys.modules\n"
        "from trainer.analysis import acoustic_features, analyze, Transcriber, SpeechDetector, LivePitch, warm_up\n"
        "import trainer.analysis.benchmark\n"
        "import numpy as np\n"
        "acoustic_features(np.zeros(16000, np.float32), 16000)\n"
        "bad = [m for m in ('textual', 'sounddevice', 'sqlite3', 'librosa', 'numba', 'faster_whisper') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_warm_up_runs_and_survives_a_missing_model(tmp_path):
    code = (
        "from trainer.analysis import warm_up\n"
        f"warm_up(model={str(tmp_path / 'no-such-model')!r})\n"
        "warm_up(transcribe=False)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_incremental_transcription_with_a_missing_model_fails_clearly_without_hanging(tmp_path):
    from trainer.analysis import Transcriber, without_transcript
    from trainer.errors import ModelError

    samples, rate = voice(SPEECH_FILES[0])
    incremental = Transcriber(str(tmp_path / "no-model")).incremental()
    incremental.add_phrase(samples[: 3 * rate], rate, 0.0)
    incremental.add_phrase(samples[3 * rate: 6 * rate], rate, 3.0)
    with pytest.raises(ModelError, match="no-model"):
        incremental.finish(samples[6 * rate:], rate, 6.0)
    with pytest.raises(RuntimeError):
        incremental.add_phrase(samples[:rate], rate, 0.0)
    noted = without_transcript(features_of(SPEECH_FILES[0]), "the model folder is missing")
    assert noted.warnings[-1] == "No transcript: the model folder is missing" and noted.transcript is None
