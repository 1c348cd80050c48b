"""The analysis benchmark behind `levelvoice bench`: timings on a 20 s take of real speech.

Side by side in one run: this engine (acoustic pass, its voice-quality part alone,
transcript, whole analysis, and the transcript after the end of a take fed in real time
through the recorder's own speech detector and incremental transcriber), a naive pipeline
(librosa.pyin + RMS, then transcription after the take), the pitch trackers alone (ours;
SwiftF0's and Praat's when swift-f0 and praat-parselmouth are installed, as with the test
extra), Praat's CPPS beside our voice quality, and the cold first-call costs measured in
fresh processes. Figures are medians over `runs` runs, in milliseconds.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from trainer.errors import TrainerError

if TYPE_CHECKING:
    from trainer.analysis.transcribe import Transcript

SPEECH_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3", ".m4a")
TAKE_S = 20.0
END_SILENCE_S = 1.5  # the take ends like a real one: the app's default hangover after the last word
BLOCK_S = 1 / 15  # the live meter's block rate


class BenchError(TrainerError):
    """The benchmark cannot run (no speech files)."""

    exit_code = 2


def default_speech_dir() -> Path:
    """tests/data/speech of a source checkout (next to the `trainer` package)."""
    import trainer

    return Path(trainer.__file__).resolve().parent.parent / "tests" / "data" / "speech"


def speech_files(folder: Path | None) -> list[Path]:
    folder = default_speech_dir() if folder is None else Path(folder).expanduser()
    files = sorted(p for p in folder.glob("*") if p.suffix.lower() in SPEECH_SUFFIXES) if folder.is_dir() else []
    if not files:
        raise BenchError(f"No speech recordings found in {folder}. Point --speech at a folder with a few "
                         "WAV, FLAC or OGG files of one person speaking (20 s or more in total).")
    return files


def build_take(files: list[Path], rate: int, seconds: float = TAKE_S) -> np.ndarray:
    """A take of `seconds`: the files' speech joined by short pauses and ended at a phrase (a
    pause), in the file order that fills it best, then silence (the app's default hangover);
    quiet room noise throughout (-65 dBFS)."""
    from itertools import permutations

    from trainer.analysis.signal import resample
    from trainer.analysis.take import acoustic_features
    from trainer.media import read_audio

    audios = [read_audio(path, mono=True) for path in files[:4]]
    voices = [resample(audio.samples, audio.rate, rate) for audio in audios]
    pause = np.zeros(int(0.6 * rate), np.float32)
    room = seconds - END_SILENCE_S
    best: tuple[float, np.ndarray] | None = None
    for order in permutations(voices):
        speech = np.concatenate([part for voice in order for part in (voice, pause)])[: int(room * rate)]
        ends = [s.end_s for s in acoustic_features(speech, rate).segments if s.end_s <= room - 0.15]
        if ends and (best is None or ends[-1] > best[0]):
            best = (ends[-1], speech)
    if best is None or best[0] < room / 2:
        raise BenchError(f"The speech recordings hold too little speech; the benchmark needs about "
                         f"{room:.0f} s of it.")
    end, speech = best
    take = np.zeros(int(seconds * rate), np.float32)
    cut = int((end + 0.1) * rate)
    take[:cut] = speech[:cut]
    noise = np.random.default_rng(7).standard_normal(len(take)).astype(np.float32)
    return take + noise * np.float32(10 ** (-65 / 20))


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return round(1000 * statistics.median(times), 1)


def naive_acoustic(take: np.ndarray, rate: int) -> tuple[float, float]:
    """The straightforward pipeline's acoustic part: librosa.pyin pitch and RMS level (median F0, dBFS)."""
    import librosa

    y = librosa.resample(take, orig_sr=rate, target_sr=16000)
    f0, voiced, _ = librosa.pyin(y, fmin=50, fmax=500, sr=16000, frame_length=1024)
    rms = librosa.feature.rms(y=y)[0]
    return float(np.nanmedian(f0[voiced])), float(20 * np.log10(np.sqrt(np.mean(rms ** 2))))


def swift_f0_pitch(take: np.ndarray, rate: int, detector) -> None:
    detector.detect(take, rate)


def praat_pitch(take: np.ndarray, rate: int) -> None:
    import parselmouth

    parselmouth.Sound(take.astype(np.float64), rate).to_pitch_ac(pitch_floor=50, pitch_ceiling=500)


def praat_cpps(take: np.ndarray, rate: int) -> float:
    """Praat's CPPS of the whole take, with the settings clinical studies use (MEASUREMENT.md)."""
    import parselmouth
    from parselmouth.praat import call

    cepstrogram = call(parselmouth.Sound(take.astype(np.float64), rate), "To PowerCepstrogram", 60, 0.002, 5000, 50)
    return call(cepstrogram, "Get CPPS", False, 0.01, 0.001, 60, 330, 0.05, "parabolic", 0.001, 0, "Straight",
                "Robust")


def transcribe_live(take: np.ndarray, rate: int, transcriber, *, realtime: bool = True) -> tuple[Transcript, int]:
    """Feed the take in blocks as the recorder does: the app's speech detector (with its pitch) hears
    it, each phrase it finishes goes to the incremental transcriber with the trial's margins, and the
    tail after the last one is transcribed at the end. `realtime` paces the blocks like a microphone.
    Returns the transcript and the number of phrases handed on during the take."""
    from trainer.analysis.features import Segment
    from trainer.analysis.speech import SpeechDetector, transcription_span

    detector, incremental = SpeechDetector(), transcriber.incremental()
    detector.start(rate)
    block = int(BLOCK_S * rate)
    phrases, tail_from = 0, 0.0
    start = time.perf_counter()
    for index in range(0, len(take), block):
        if realtime:
            time.sleep(max(0.0, start + (index + block) / rate - time.perf_counter()))
        for event in detector.push(take[index: index + block]):
            if isinstance(event, Segment):
                begin, end = transcription_span(event)
                incremental.add_phrase(take[int(begin * rate): int(end * rate)], rate, begin)
                phrases, tail_from = phrases + 1, end
    tail = take[int(tail_from * rate):]
    return (incremental.finish(tail, rate, tail_from) if len(tail) else incremental.finish()), phrases


def live_take(take: np.ndarray, rate: int, transcriber) -> tuple[float, float]:
    """A take in real time through `transcribe_live`; the ms from its end to the transcript, and to the
    whole result."""
    from trainer.analysis.take import acoustic_features, add_transcript

    block = int(BLOCK_S * rate)
    start = time.perf_counter()
    transcript, _ = transcribe_live(take, rate, transcriber)
    end = start + -(-len(take) // block) * block / rate  # when the microphone handed on the last block
    transcript_ms = 1000 * (time.perf_counter() - end)
    add_transcript(acoustic_features(take, rate), transcript)
    return round(transcript_ms, 1), round(1000 * (time.perf_counter() - end), 1)


_COLD_SCRIPT = """
import sys, time, json
import numpy as np, soundfile as sf
take, rate = sf.read(sys.argv[1], dtype="float32")
mode = sys.argv[2]
start = time.perf_counter()
if mode == "analyze":
    from trainer.analysis import analyze
    analyze(take, rate)
elif mode == "acoustic":
    from trainer.analysis import acoustic_features
    acoustic_features(take, rate)
elif mode == "warm":
    from trainer.analysis import acoustic_features, warm_up
    warm_up()
    start = time.perf_counter()
    acoustic_features(take, rate)
elif mode == "naive":
    from trainer.analysis.benchmark import naive_acoustic
    naive_acoustic(take, rate)
print(json.dumps(1000 * (time.perf_counter() - start)))
"""


def cold_ms(take: np.ndarray, rate: int, mode: str) -> float | None:
    """Imports plus the first call in a fresh Python process (compilation, model load)."""
    import soundfile as sf

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "take.wav"
        sf.write(path, take, rate, subtype="FLOAT")
        done = subprocess.run([sys.executable, "-c", _COLD_SCRIPT, str(path), mode], capture_output=True,
                              text=True, timeout=600, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    if done.returncode != 0:
        return None
    return round(float(done.stdout.strip().splitlines()[-1]), 1)


def run(speech_dir: Path | None = None, *, runs: int = 3, rate: int = 48000, model: str | None = None,
        live: bool = True, progress: Callable[[str], None] = lambda message: None) -> dict[str, object]:
    """Every figure of the benchmark, as a dict (milliseconds unless the key says otherwise)."""
    from trainer.analysis.pitch import pitch_track
    from trainer.analysis.take import acoustic_features, analyze, voiced_speech
    from trainer.analysis.transcribe import Transcriber
    from trainer.analysis.voice_quality import voice_quality

    take = build_take(speech_files(speech_dir), rate)
    transcriber = Transcriber(model)
    progress("cold first calls (fresh processes)")
    cold = {mode: cold_ms(take, rate, mode) for mode in ("analyze", "acoustic", "warm", "naive")}
    progress("warming up")
    acoustic_features(take, rate)
    transcriber.transcribe(take, rate)
    naive_acoustic(take, rate)
    progress("this engine")
    acoustic = median_ms(lambda: acoustic_features(take, rate), max(runs, 5))
    transcript = median_ms(lambda: transcriber.transcribe(take, rate), runs)
    total = median_ms(lambda: analyze(take, rate, transcriber=transcriber), runs)
    progress("naive pipeline (librosa.pyin, then transcription)")
    naive_acoustic_ms = median_ms(lambda: naive_acoustic(take, rate), runs)
    naive = median_ms(lambda: (naive_acoustic(take, rate), transcriber.transcribe(take, rate)), runs)
    try:
        import parselmouth  # noqa: F401

        praat = median_ms(lambda: praat_pitch(take, rate), max(runs, 5))
    except ImportError:
        praat = None
    try:
        import swift_f0

        detector = swift_f0.SwiftF0(threads=2)
        swift_f0_pitch(take, rate, detector)
        swift = median_ms(lambda: swift_f0_pitch(take, rate, detector), max(runs, 5))
    except ImportError:
        swift = None
    pitch = median_ms(lambda: pitch_track(take, rate), max(runs, 5))
    mono16k, voiced = voiced_speech(take, rate)
    quality = median_ms(lambda: voice_quality(mono16k, voiced), max(runs, 5))
    try:
        import parselmouth  # noqa: F401

        praat_cpps_ms = median_ms(lambda: praat_cpps(take, rate), runs)
    except ImportError:
        praat_cpps_ms = None
    result: dict[str, object] = {
        "audio_s": round(len(take) / rate, 2),
        "rate_hz": rate,
        "runs": runs,
        "acoustic_ms": acoustic,
        "transcript_ms": transcript,
        "total_ms": total,
        "naive_acoustic_ms": naive_acoustic_ms,
        "naive_ms": naive,
        "praat_pitch_ms": praat,
        "pitch_ms": pitch,
        "swift_f0_pitch_ms": swift,
        "voice_quality_ms": quality,
        "praat_cpps_ms": praat_cpps_ms,
        "cold_first_ms": cold["analyze"],
        "cold_acoustic_ms": cold["acoustic"],
        "after_warm_up_acoustic_ms": cold["warm"],
        "naive_cold_acoustic_ms": cold["naive"],
        "acoustic_speedup": round(naive_acoustic_ms / acoustic, 1),
        "total_speedup": round(naive / total, 2),
    }
    if live:
        progress(f"live takes in real time ({runs} x {len(take) / rate:.0f} s)")
        measured = [live_take(take, rate, transcriber) for _ in range(runs)]
        result["transcript_after_end_ms"] = round(statistics.median(m[0] for m in measured), 1)
        result["total_after_end_ms"] = round(statistics.median(m[1] for m in measured), 1)
    result["load_average_1m"] = round(os.getloadavg()[0], 2)
    return result
