"""Known changes made to real speech in the tests (never committed as files)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from trainer.analysis.pitch import pitch_track


def gain(samples: np.ndarray, db: float) -> np.ndarray:
    return (samples * 10 ** (db / 20)).astype(np.float32)


def resample_shift(samples: np.ndarray, rate: int, semitones: float) -> np.ndarray:
    """Play faster or slower: pitch moves by `semitones`, pace by the same ratio."""
    ratio = 2 ** (semitones / 12)
    return soxr.resample(samples, rate * ratio, rate, quality="VHQ").astype(np.float32)


def tempo(samples: np.ndarray, rate: int, factor: float) -> np.ndarray:
    """Faster (factor > 1) or slower speech at the same pitch, with sox's WSOLA `tempo` effect."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.wav", Path(folder) / "out.wav"
        sf.write(source, samples, rate, subtype="FLOAT")
        subprocess.run(["sox", "-V1", str(source), str(target), "tempo", str(factor)], check=True)
        out, _ = sf.read(target, dtype="float32")
    return out


def speech_tempo(samples: np.ndarray, rate: int, factor: float, cents: int = 0) -> np.ndarray:
    """`sox ... [pitch CENTS] tempo -s FACTOR`: the same words `factor` times as fast (sox's WSOLA tuned
    for speech), optionally `cents` higher or lower; the true change of pace is `factor`."""
    effects = (["pitch", str(cents)] if cents else []) + (["tempo", "-s", str(factor)] if factor != 1 else [])
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.wav", Path(folder) / "out.wav"
        sf.write(source, samples, rate, subtype="FLOAT")
        subprocess.run(["sox", "-V1", str(source), str(target), *effects], check=True)
        out, _ = sf.read(target, dtype="float32")
    return out


def sustained_vowel(samples: np.ndarray, rate: int, seconds: float, glide_st: float = -0.8,
                    seed: int = 3) -> np.ndarray:
    """A held vowel ("uh") in the speaker's own voice: one pitch period of their most periodic
    voiced frame, replayed with a slow pitch fall of `glide_st`, a little jitter, shimmer and
    breath noise, faded in and out."""
    rng = np.random.default_rng(seed)
    track = pitch_track(samples, rate)
    frame = int(np.nanargmin(np.where(track.voiced, track.aperiodicity, np.nan)))
    f0 = float(track.f0_hz[frame])
    start = int((frame + 0.5) * track.hop_s * rate)
    cycle = samples[start: start + int(round(rate / f0)) + 1].astype(np.float64)
    n = int(seconds * rate)
    glide = 2 ** (glide_st * np.linspace(0, 1, n) / 12)
    jitter = 1 + 0.01 * np.convolve(rng.standard_normal(n), np.ones(200) / 200, mode="same") * np.sqrt(200)
    phase = np.cumsum(f0 * glide * jitter / rate) % 1.0
    held = np.interp(phase * (len(cycle) - 1), np.arange(len(cycle)), cycle)
    shimmer = 1 + 0.05 * np.sin(2 * np.pi * 3.0 * np.arange(n) / rate + rng.uniform(0, 2 * np.pi))
    held = held * shimmer
    held = held / np.sqrt(np.mean(held ** 2))
    held += 0.03 * rng.standard_normal(n)
    fade = int(0.06 * rate)
    envelope = np.ones(n)
    envelope[:fade] = np.sin(np.linspace(0, np.pi / 2, fade)) ** 2
    envelope[-fade:] = envelope[:fade][::-1]
    loud = samples[np.abs(samples) > 0.05 * np.abs(samples).max()]
    return (held * envelope * np.sqrt(np.mean(loud ** 2))).astype(np.float32)


def with_fillers(samples: np.ndarray, rate: int, at_s: list[float], seconds: float = 0.5,
                 gap_s: float = 0.35) -> np.ndarray:
    """`samples` with a held vowel inserted at each time in `at_s`, silence on both sides."""
    vowel = sustained_vowel(samples, rate, seconds)
    silence = np.zeros(int(gap_s * rate), np.float32)
    pieces, last = [], 0
    for at in sorted(at_s):
        cut = int(at * rate)
        pieces += [samples[last:cut], silence, vowel, silence]
        last = cut
    pieces.append(samples[last:])
    return np.concatenate(pieces)


def brighter(samples: np.ndarray, rate: int, db: float, corner_hz: float = 1000.0) -> np.ndarray:
    """Everything above `corner_hz` `db` stronger (negative: weaker), as a pressed (or softer) voice
    is: a zero-phase 4th-order high-pass copy added in proportion, so nothing below moves."""
    from scipy.signal import butter, sosfiltfilt

    high = sosfiltfilt(butter(4, corner_hz, "highpass", fs=rate, output="sos"), samples.astype(np.float64))
    return (samples + (10 ** (db / 20) - 1) * high).astype(np.float32)


def level_then_louder(samples: np.ndarray, rate: int, *, level_dbfs: float = -26.0, step_db: float = 6.0
                      ) -> tuple[np.ndarray, float, np.ndarray]:
    """The voice made level (every phrase at `level_dbfs`), then `step_db` louder from the pause nearest
    its middle. Returns (the changed take, where the change is in seconds, the level take)."""
    from trainer.analysis import acoustic_features
    from trainer.analysis.phrases import phrase_spans

    spans = phrase_spans(acoustic_features(samples, rate).segments)
    x = samples.astype(np.float64) - samples.mean()
    gains = np.ones(len(x))
    edges = [0] + [int((a.end_s + b.start_s) / 2 * rate) for a, b in zip(spans, spans[1:])] + [len(x)]
    for span, lo, hi in zip(spans, edges, edges[1:]):
        part = x[int(span.start_s * rate): int(span.end_s * rate)]
        level = 10 * np.log10(np.mean(part ** 2))
        gains[lo:hi] = 10 ** ((level_dbfs - level) / 20)
    level_take = (x * gains).astype(np.float32)
    middle = len(x) / 2
    split = min(edges[1:-1], key=lambda e: abs(e - middle))
    louder = level_take.copy()
    louder[split:] *= 10 ** (step_db / 20)
    return louder, split / rate, level_take
