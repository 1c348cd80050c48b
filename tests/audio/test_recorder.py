"""Recording on the rig: files kept safe through unplugging, a kill, a full disk; rate fallback."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
import soundfile as sf

from tests.audio.truth import excerpt, load48
from tests.conftest import SPEECH_FILES
from tests.rig import MIC, RATE, active_span, locate, resample
from trainer.audio.events import SpeechStarted, YourTurn
from trainer.audio.playback import TAIL_S, Player
from trainer.audio.recorder import Recorder
from trainer.audio.recovery import find_interrupted, recover
from trainer.audio.trial import run_trial
from trainer.media import Audio, read_audio

pytestmark = pytest.mark.audio
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def short_clip():
    return read_audio(SPEECH_FILES[1], start_s=1.0, end_s=2.0, mono=True)


def test_unplugging_the_microphone_ends_the_take_as_interrupted_and_keeps_the_audio(pulse_rig, short_clip, tmp_path):
    answer = excerpt(SPEECH_FILES[0], 10.0, tmp_path)
    room = pulse_rig.start_room_capture()
    feeders, unplugged = [], []

    def unplug():
        time.sleep(2.0)
        unplugged.append(time.monotonic())
        pulse_rig.unload_sink(MIC)

    def on_event(event):
        if isinstance(event, YourTurn):
            feeders.append(pulse_rig.feed(answer, lead_s=0.3))
        if isinstance(event, SpeechStarted):
            threading.Thread(target=unplug, daemon=True).start()

    try:
        result = run_trial(short_clip, tmp_path / "take.flac", on_event=on_event)
    finally:
        for feeder in feeders:
            feeder.terminate()
        pulse_rig.replug(MIC)
    captured = room.stop()
    assert unplugged, "the test never unplugged the microphone"
    assert result.stopped_by == "device_lost" and result.interrupted
    assert "microphone" in result.message and "unplugged" in result.message and "kept" in result.message
    assert result.take_path.suffix == ".flac" and result.take_path.exists()
    take = read_audio(result.take_path, mono=True)
    assert take.duration_s == pytest.approx(result.take_duration_s, abs=0.01)
    # the answer is in the take, up to (nearly) the moment of unplugging
    take48 = resample(take.samples, take.rate, RATE)
    take_at = locate(take48, captured.mic)
    unplug_at = captured.sample_at(unplugged[0])
    kept_until = take_at + len(take48)
    assert kept_until >= unplug_at - (0.5 + pulse_rig.undelivered_s) * RATE
    assert kept_until <= unplug_at + 1.5 * RATE  # it stopped soon after
    heard = take48[int(result.clip_end_s * RATE):]
    assert active_span(heard, RATE)[1] - active_span(heard, RATE)[0] > 1.5


def _recording_script(tmp_path, body: str):
    script = tmp_path / "record.py"
    script.write_text(body)
    return [sys.executable, str(script)]


def test_a_killed_take_is_readable_and_recovered_up_to_half_a_second_before_the_kill(pulse_rig, lv_home, tmp_path):
    clip = tmp_path / "clip.wav"
    sf.write(clip, read_audio(SPEECH_FILES[1], start_s=1.0, end_s=2.0, mono=True).samples, 16000)
    answer = SPEECH_FILES[2]
    save = tmp_path / "takes" / "take.flac"
    env = dict(os.environ, LEVELVOICE_HOME=str(lv_home), PYTHONPATH=ROOT)
    room = pulse_rig.start_room_capture()
    process = subprocess.Popen([sys.executable, "-m", "trainer", "take", "--clip", str(clip), "--save", str(save)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    partial = save.with_name("take.flac.partial")
    feeder = None
    try:
        deadline = time.monotonic() + 60
        while not partial.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert partial.exists(), process.stderr.read().decode() if process.poll() is not None else "no take started"
        feeder = pulse_rig.feed(answer, lead_s=1.5)
        time.sleep(6.0)  # the clip, then a few seconds into the answer
        killed_at = time.monotonic()
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        if feeder:
            feeder.terminate()
    captured = room.stop()
    assert stat.S_IMODE(partial.stat().st_mode) == 0o600
    assert not save.exists()

    raw = read_audio(partial, mono=True)  # readable as it is, before any repair
    found = find_interrupted(save.parent)
    assert found == [partial]
    recording = recover(partial)
    assert recording.interrupted and "recovered" in recording.message
    assert recording.path == save and save.exists() and not partial.exists()
    assert find_interrupted(save.parent) == []
    info = sf.info(save)
    assert info.format == "FLAC" and info.duration == pytest.approx(raw.duration_s, abs=0.001)
    assert stat.S_IMODE(save.stat().st_mode) == 0o600

    take = read_audio(save, mono=True)
    take48 = resample(take.samples, take.rate, RATE)
    take_at = locate(take48, captured.mic)
    fed = load48(answer)
    fed_at = locate(fed, captured.mic)
    kill_sample = captured.sample_at(killed_at)
    assert fed_at + active_span(fed, RATE)[0] * RATE < kill_sample - 2 * RATE, "the answer had not started"
    kept_until = take_at + len(take48)
    assert kill_sample - (0.5 + pulse_rig.undelivered_s) * RATE <= kept_until <= kill_sample + 0.1 * RATE
    overlap = captured.mic[take_at: kept_until]
    assert np.corrcoef(overlap, take48[: len(overlap)])[0, 1] > 0.99


def test_the_next_take_command_recovers_an_interrupted_take(lv_home, tmp_path):
    from trainer import paths
    from trainer.audio.flacfile import FlacWriter

    folder = paths.takes_dir() / "2024-01-01"
    partial = folder / "take-1.flac.partial"
    code = (
        "import numpy as np, os, sys\n"
        "from pathlib import Path\n"
        "from trainer.audio.flacfile import FlacWriter\n"
        f"w = FlacWriter(Path({str(partial)!r}), 16000)\n"
        "w.write((0.2*np.sin(np.arange(32000)/16000*2*np.pi*200)).astype(np.float32))\n"
        "w.sync()\n"
        "os.kill(os.getpid(), 9)\n"
    )
    env = dict(os.environ, LEVELVOICE_HOME=str(lv_home), PYTHONPATH=ROOT)
    subprocess.run([sys.executable, "-c", code], env=env, timeout=60)
    assert FlacWriter and partial.exists()
    done = subprocess.run([sys.executable, "-m", "trainer", "take", "--drill", "no-such-drill"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert "recovered an interrupted take" in done.stderr
    assert not partial.exists()
    recovered = read_audio(folder / "take-1.flac")
    assert 1.5 <= recovered.duration_s <= 2.0  # at most half a second lost
    assert done.returncode == 1 and "There is no drill 'no-such-drill'" in done.stderr


def test_a_full_disk_stops_cleanly_and_keeps_what_was_written(pulse_rig, tmp_path):
    take = tmp_path / "takes" / "take.flac"
    body = f"""
import json, resource, signal, sys, time
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (120_000, 120_000))  # a disk with room for a few seconds
sys.path.insert(0, {ROOT!r})
from trainer.audio.recorder import Recorder
rec = Recorder({str(take)!r})
rec.start()
deadline = time.monotonic() + 25
while not rec.ended and time.monotonic() < deadline:
    time.sleep(0.05)
r = rec.stop()
print(json.dumps(dict(path=str(r.path), duration=r.duration_s, interrupted=r.interrupted, message=r.message)))
"""
    feeder = pulse_rig.feed(SPEECH_FILES[0], lead_s=1.0)
    try:
        done = subprocess.run(_recording_script(tmp_path, body), capture_output=True, text=True, timeout=90)
    finally:
        feeder.terminate()
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["interrupted"], result
    assert "disk is full" in result["message"] and "Free some space" in result["message"]
    kept = read_audio(result["path"], mono=True)
    assert result["path"].endswith(".partial")  # left for recovery once there is space
    assert kept.duration_s == pytest.approx(result["duration"], abs=0.2)
    assert active_span(kept.samples, kept.rate)[1] > 1.5  # speech was kept
    assert find_interrupted(take.parent) == [take.with_name("take.flac.partial")]


def test_an_unsupported_recording_rate_falls_back_to_one_the_device_takes(pulse_rig, tmp_path):
    recorder = Recorder(tmp_path / "takes" / "take.flac", samplerate=500_000)
    recorder.start()
    time.sleep(0.5)
    recording = recorder.stop()
    assert recording.rate == int(recorder.device.default_samplerate) != 500_000
    assert sf.info(recording.path).samplerate == recording.rate
    assert recording.duration_s > 0.3 and recording.overflows == 0 and not recording.interrupted
    assert stat.S_IMODE(recording.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(recording.path.parent.stat().st_mode) == 0o700


def test_a_clip_at_an_unsupported_rate_is_resampled_and_plays_whole(pulse_rig):
    rate = 500_000
    t = np.arange(int(1.0 * rate)) / rate
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    capture = pulse_rig.start_capture()
    player = Player(Audio(tone, rate))
    player.start()
    assert player.rate != rate
    assert player.wait(timeout=10) and player.finished
    assert player.position_s == pytest.approx(1.0)
    player.stop(tail_s=TAIL_S)
    heard, cap_rate = capture.stop()
    start, end = active_span(heard, cap_rate)
    assert end - start == pytest.approx(1.0, abs=0.05)
    spectrum = np.abs(np.fft.rfft(heard[int(start * cap_rate): int(end * cap_rate)]))
    peak = np.fft.rfftfreq(int(end * cap_rate) - int(start * cap_rate), 1 / cap_rate)[np.argmax(spectrum)]
    assert peak == pytest.approx(440, abs=3)


def test_player_pauses_resumes_and_stops(pulse_rig):
    if pulse_rig.mode == "bursty":  # (the app never pauses a clip; only the stop matters to it)
        pytest.skip("a bursty server pulls up to 2 s of the clip ahead: a pause cannot take that back")
    clip = read_audio(SPEECH_FILES[0], end_s=3.0, mono=True)
    player = Player(clip)
    player.start()
    time.sleep(0.8)
    player.pause()
    time.sleep(0.3)
    paused_at = player.position_s
    time.sleep(0.5)
    assert player.position_s == pytest.approx(paused_at, abs=0.02)
    assert 0.3 < paused_at < 1.2
    player.resume()
    time.sleep(0.5)
    assert player.position_s > paused_at + 0.2
    player.stop()
    assert player.wait(timeout=1) and not player.finished
    assert player.position_s < clip.duration_s
