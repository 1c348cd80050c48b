"""`levelvoice analyze` and `levelvoice bench` as a user runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from tests.analysis.conftest import voice
from tests.analysis.test_features import KEYS
from tests.analysis.variants import gain
from tests.conftest import SPEECH_FILES

FEMALE, MALE, LOW_MALE = SPEECH_FILES


def run(*args, home, timeout=600):
    env = dict(os.environ, LEVELVOICE_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "trainer", *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


@pytest.fixture
def bad_files(tmp_path):
    """A missing, an empty, a corrupt and an audio-less file, and a folder."""
    empty = tmp_path / "empty.wav"
    empty.touch()
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x00\x01\x02\x03WAVEfmt " + bytes(range(256)) * 8)
    files = [tmp_path / "missing.wav", empty, corrupt, tmp_path]
    if shutil.which("ffmpeg"):
        silent_video = tmp_path / "no-sound.mp4"
        subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=black:s=32x32:d=1", "-an",
                        str(silent_video)], check=True)
        files.append(silent_video)
    return files


@pytest.mark.model
def test_json_for_one_file_is_one_object_with_exactly_the_keys(lv_home):
    done = run("analyze", "--json", str(MALE), home=lv_home)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert isinstance(data, dict)
    assert list(data) == ["file"] + KEYS + ["pace"]
    assert data["file"] == str(MALE)
    # the take's own pace: the transcript's syllables per second of speech, saying so
    assert data["pace"] == {"syllables_per_s": data["syllable_rate"], "counted": "from the transcript"}
    assert data["words"] >= 35 and data["wpm"] > 100 and "Westminster" in data["transcript"]
    assert all(isinstance(pair, list) and len(pair) == 2 for pair in data["segments"])
    assert done.stderr == ""


def test_bad_files_get_one_line_each_and_the_others_are_still_analysed(lv_home, bad_files):
    done = run("analyze", "--json", "--no-transcript", str(FEMALE), *map(str, bad_files), str(LOW_MALE),
               home=lv_home)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == len(bad_files), done.stderr
    for line, path in zip(lines, bad_files):
        assert line.startswith("levelvoice: ") and str(path) in line
    assert "Traceback" not in done.stderr
    data = json.loads(done.stdout)
    assert [item["file"] for item in data] == [str(FEMALE), str(LOW_MALE)]
    assert all(item["pitch_median_hz"] for item in data)


@pytest.mark.model
def test_plain_report_with_units_and_warnings(lv_home, tmp_path):
    samples, rate = voice(LOW_MALE)
    clipped = tmp_path / "clipped.wav"
    sf.write(clipped, np.clip(samples * 4, -1, 1), rate)
    done = run("analyze", str(LOW_MALE), str(clipped), home=lv_home)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for text in ("dBFS", "LUFS", "Hz", " st", "words/min", "syllables/s", "Transcript", "steamers"):
        assert text in out
    assert out.count("Warning     Clipping") == 1
    assert len(out.splitlines()) < 20


def test_video_sound_tracks_are_analysed(lv_home, tmp_path):
    if not shutil.which("ffmpeg"):
        pytest.skip("needs ffmpeg")
    video = tmp_path / "answer.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=black:s=32x32:d=17", "-i", str(MALE),
                    "-shortest", "-c:a", "aac", str(video)], check=True)
    done = run("analyze", "--json", "--no-transcript", str(video), str(MALE), home=lv_home)
    assert done.returncode == 0, done.stderr
    from_video, original = json.loads(done.stdout)
    assert from_video["pitch_median_st"] == pytest.approx(original["pitch_median_st"], abs=0.2)
    assert from_video["loudness_dbfs"] == pytest.approx(original["loudness_dbfs"], abs=0.3)


def test_baseline_comparison(lv_home, tmp_path):
    samples, rate = voice(FEMALE)
    louder = tmp_path / "louder.flac"
    sf.write(louder, gain(samples, 6.0), rate)
    done = run("analyze", "--json", "--no-transcript", "--baseline", str(FEMALE), str(louder), str(FEMALE),
               home=lv_home)
    assert done.returncode == 0, done.stderr
    louder_item, same_item = json.loads(done.stdout)
    assert set(louder_item["baseline"]) == {"file", "loudness_db", "pitch_st", "pitch_range_st", "pace_ratio",
                                            "pace_basis", "pace_text"}
    assert louder_item["baseline"]["loudness_db"] == pytest.approx(6.0, abs=0.1)
    calm = same_item["articulation_rate"]
    assert same_item["baseline"] == {"file": str(FEMALE), "loudness_db": 0.0, "pitch_st": 0.0,
                                     "pitch_range_st": 0.0, "pace_ratio": 1.0, "pace_basis": "acoustic",
                                     "pace_text": f"pace ×1.00 (syllables/s, baseline {calm:.1f})"}
    assert same_item["pace"] == {"syllables_per_s": calm, "counted": "syllable nuclei, from the sound"}
    plain = run("analyze", "--no-transcript", "--baseline", str(FEMALE), str(louder), home=lv_home)
    assert "vs baseline loudness +6.0 dB" in plain.stdout
    assert f"pace ×1.00 (syllables/s, baseline {calm:.1f})" in plain.stdout
    assert f"pace {calm:.1f} syllables/s of speech (syllable nuclei, from the sound)" in plain.stdout


def test_a_bad_baseline_stops_with_one_line(lv_home, tmp_path):
    done = run("analyze", "--baseline", str(tmp_path / "nope.wav"), str(FEMALE), home=lv_home)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "nope.wav" in done.stderr
    assert done.stdout == ""


def test_a_missing_model_gives_the_acoustic_measures_and_says_why(lv_home, tmp_path):
    done = run("analyze", "--json", "--model", str(tmp_path / "no-model"), str(FEMALE), home=lv_home)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["transcript"] is None and data["wpm"] is None and data["pitch_median_hz"] > 150
    assert any(w.startswith("No transcript") and "no-model" in w for w in data["warnings"])


def test_silence_reads_as_no_speech(lv_home, tmp_path):
    silence = tmp_path / "silence.wav"
    sf.write(silence, np.zeros(48000 * 3, np.float32), 48000)
    done = run("analyze", "--json", str(silence), home=lv_home)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["speech_s"] == 0 and data["pitch_median_hz"] is None and data["transcript"] is None
    assert data["warnings"][0].startswith("No speech detected")


def test_bench_without_speech_files_fails_with_one_line(lv_home, tmp_path):
    done = run("bench", "--speech", str(tmp_path), home=lv_home)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("levelvoice: No speech recordings found")


def test_bench_take_is_20_s_of_real_speech_ending_in_silence():
    from trainer.analysis import acoustic_features
    from trainer.analysis.benchmark import build_take, speech_files

    take = build_take(speech_files(None), 48000)
    assert len(take) == 20 * 48000
    features = acoustic_features(take, 48000)
    assert features.speech_s > 13 and 17.0 < features.offset_s <= 18.5
    assert features.pitch_median_hz and not features.warnings


@pytest.mark.slow
@pytest.mark.model
def test_bench_prints_every_figure(lv_home):
    done = run("bench", "--json", "--runs", "1", "--no-live", home=lv_home, timeout=1200)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    for key in ("audio_s", "acoustic_ms", "transcript_ms", "total_ms", "naive_acoustic_ms", "naive_ms",
                "praat_pitch_ms", "pitch_ms", "swift_f0_pitch_ms", "cold_first_ms"):
        assert isinstance(data[key], float), key
    assert data["audio_s"] == 20.0
    assert data["naive_ms"] > data["naive_acoustic_ms"] and data["total_ms"] > data["acoustic_ms"]
