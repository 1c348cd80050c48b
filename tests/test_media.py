"""Decoding audio and video files, and every kind of bad input, with one clear line."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import SPEECH_FILES
from trainer.errors import AudioFileError
from trainer.media import parse_time, probe_duration, read_audio

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg not installed")
RATE = 44100


@pytest.fixture
def tone_wav(tmp_path):
    """3 s stereo: a 220 Hz tone left, silence right."""
    t = np.arange(3 * RATE) / RATE
    left = 0.5 * np.sin(2 * np.pi * 220 * t)
    path = tmp_path / "tone.wav"
    sf.write(path, np.stack([left, np.zeros_like(left)], axis=1), RATE)
    return path


def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def test_reads_wav_keeping_channels_and_rate(tone_wav):
    audio = read_audio(tone_wav)
    assert audio.rate == RATE and audio.channels == 2
    assert audio.duration_s == pytest.approx(3.0, abs=1e-3)
    assert read_audio(tone_wav, mono=True).samples.ndim == 1


def test_reads_the_real_speech_ogg():
    audio = read_audio(SPEECH_FILES[0])
    assert audio.rate == 16000 and audio.channels == 1 and 13 < audio.duration_s < 18


def test_segment_cut_is_sample_accurate(tone_wav):
    audio = read_audio(tone_wav, start_s=0.5, end_s=1.75)
    assert audio.duration_s == pytest.approx(1.25, abs=1e-4)


@needs_ffmpeg
@pytest.mark.parametrize("suffix,codec", [(".mp3", "libmp3lame"), (".m4a", "aac"), (".flac", "flac"),
                                          (".ogg", "libvorbis"), (".mkv", "libopus")])
def test_compressed_formats_decode_with_the_right_length(tmp_path, tone_wav, suffix, codec):
    target = tmp_path / f"tone{suffix}"
    ffmpeg("-i", str(tone_wav), "-c:a", codec, str(target))
    audio = read_audio(target, mono=True)
    assert audio.duration_s == pytest.approx(3.0, abs=0.08)
    assert 0.1 < float(np.sqrt(np.mean(audio.samples**2))) < 0.3


@needs_ffmpeg
def test_audio_track_of_a_video_and_a_segment_of_it(tmp_path, tone_wav):
    video = tmp_path / "session.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=64x64:d=3", "-i", str(tone_wav), "-shortest",
           "-c:v", "libx264", "-c:a", "aac", str(video))
    audio = read_audio(video, start_s=1.0, end_s=2.5)
    assert audio.duration_s == pytest.approx(1.5, abs=0.03)
    assert probe_duration(video) == pytest.approx(3.0, abs=0.1)


@needs_ffmpeg
def test_video_without_audio_says_so(tmp_path):
    video = tmp_path / "silent.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=64x64:d=1", "-c:v", "libx264", str(video))
    with pytest.raises(AudioFileError, match="no audio track"):
        read_audio(video)


@pytest.mark.parametrize(
    "make,pattern",
    [
        (lambda p: None, "file not found"),
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_bytes(b"RIFF\x00\x00garbage" * 50), "could not be read"),
        (lambda p: p.mkdir(), "is a folder"),
    ],
    ids=["missing", "empty", "corrupt", "folder"],
)
def test_bad_files_give_one_clear_line(tmp_path, make, pattern):
    path = tmp_path / "clip.wav"
    make(path)
    with pytest.raises(AudioFileError, match=pattern) as caught:
        read_audio(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)


@pytest.mark.parametrize(
    "start,end,pattern",
    [(5.0, 6.0, "outside"), (2.0, 9.0, "runs past the end"), (1.0, 1.0, "no length"), (2.0, 1.0, "no length")],
)
def test_segments_outside_the_file_or_of_no_length(tone_wav, start, end, pattern):
    with pytest.raises(AudioFileError, match=pattern):
        read_audio(tone_wav, start_s=start, end_s=end)


@pytest.mark.parametrize("text,seconds", [("75", 75), ("75.5", 75.5), ("1:15", 75), ("12:03.5", 723.5),
                                          ("1:02:03", 3723)])
def test_parse_time(text, seconds):
    assert parse_time(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "abc", "1:75", "-3", "1::2"])
def test_parse_time_rejects_nonsense(text):
    with pytest.raises(ValueError):
        parse_time(text)


@needs_ffmpeg
def test_late_segment_of_a_long_video_lands_on_the_right_sound(tmp_path):
    """Seeking into a long video keeps the cut accurate (and memory small)."""
    rate = 48000
    audio = np.zeros(60 * rate, dtype=np.float32)
    t = np.arange(int(0.05 * rate)) / rate
    audio[45 * rate: 45 * rate + len(t)] = 0.5 * np.sin(2 * np.pi * 1000 * t)  # a burst at 45.0 s
    wav = tmp_path / "long.wav"
    sf.write(wav, audio, rate)
    video = tmp_path / "long.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=64x64:d=60:r=5", "-i", str(wav), "-shortest",
           "-c:v", "libx264", "-c:a", "aac", str(video))
    cut = read_audio(video, start_s=44.0, end_s=46.0, mono=True)
    assert cut.duration_s == pytest.approx(2.0, abs=0.01)
    burst = np.flatnonzero(np.abs(cut.samples) > 0.1)[0] / cut.rate
    assert burst == pytest.approx(1.0, abs=0.03)
