"""Pace: syllable nuclei (articulation rate), filled pauses, and words from a transcript.

Syllable nuclei follow de Jong & Wempe (2009): peaks of the smoothed vowel-band intensity
contour that stand out by about 2 dB from the dips on both sides, lie within 25 dB of the
loudest speech, and are voiced (see `articulation_rate` for what keeps the count steady
when speech is faster or slower). Articulation rate = nuclei per second of sounding speech
(`sounding_frames`), the time base that the transcript's syllables and words per minute
share. On the three test voices it counts fewer syllables than their text has (peak
picking misses syllables that run together), consistently, so it compares well with the
speaker's own baseline; docs/practice.md gives its accuracy.

A filled pause (um, uh, er) is found acoustically as a short stretch of speech between
pauses that is almost entirely one sustained voiced sound: voiced for most of its length,
with flat pitch and a steady spectrum (a held vowel or hum, not a word's changing
sounds). Whisper leaves most fillers out of its text, so the transcript only adds those
it did write down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from trainer.analysis.activity import PAUSE_S, STEADY_MIN_S, frame_powers, runs
from trainer.analysis.pitch import semitones
from trainer.analysis.signal import db

ENVELOPE_HOP_S = 0.005
NUCLEUS_BANDS_HZ = ((300.0, 2500.0), (400.0, 2000.0))  # where vowels carry their energy
NUCLEUS_SHARES = (0.15, 0.2, 0.25)  # contour smoothing, as a share of the syllable period
NUCLEUS_DIPS_DB = (1.5, 2.0, 2.5, 3.0)
NUCLEUS_RANGE_DB = 25.0
FIRST_SMOOTHING_S = 0.04
PERIODIC = (0.2, 0.5)  # aperiodicity: fully voiced at or below the first, unvoiced at or above the second
VOICED_SHARE = (0.1, 0.5)  # a peak counts in full when this share of its surroundings is voiced, not at all below
FILLER_MIN_S = 0.25  # a filler lasts at least this long ...
FILLER_MAX_S = 1.2  # ... and at most this long
FILLER_VOICED = 0.75  # voiced share of its frames
FILLER_PITCH_SD_ST = 1.0  # flat pitch
FILLER_SPECTRAL_CHANGE_DB = 4.0  # steady spectrum: mean change of band levels per 20 ms
# um, umm, uh, uhm, er, erm, ah, eh, hm, hmm, mm, mhm (any number of repeated letters)
FILLER_WORD = re.compile(r"u+h*m*|u+h+|e+r+m*|a+h+|e+h+|h+m+|m+h*m+")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def _contour(envelope: np.ndarray, smoothing_s: float) -> np.ndarray:
    """An energy envelope smoothed with a Hann window of about `smoothing_s`, in dB."""
    size = max(1, int(round(smoothing_s / ENVELOPE_HOP_S)))
    window = np.hanning(size + 2)[1:-1]
    return db(np.convolve(envelope, window / window.sum(), mode="same"))


def _nuclei(envelope: np.ndarray, voicing: np.ndarray, sounding: np.ndarray,
            smoothing_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Prominence (dB) and weight (0..1, how voiced its surroundings are) of each intensity peak
    in sounding speech within 25 dB of the loudest speech."""
    from scipy.signal import find_peaks

    level = _contour(envelope, smoothing_s)
    peaks, props = find_peaks(level, prominence=min(NUCLEUS_DIPS_DB))
    inside = level[sounding]
    rank = int(0.99 * (len(inside) - 1))
    loudest = np.partition(inside, rank)[rank]  # 99th percentile
    keep = sounding[peaks] & (level[peaks] >= loudest - NUCLEUS_RANGE_DB)
    peaks = peaks[keep]
    half = max(1, int(round(smoothing_s / ENVELOPE_HOP_S)))
    total = np.concatenate(([0.0], np.cumsum(voicing)))
    lo, hi = np.clip(peaks - half, 0, len(voicing)), np.clip(peaks + half + 1, 0, len(voicing))
    share = (total[hi] - total[lo]) / np.maximum(hi - lo, 1)
    low, high = VOICED_SHARE
    return props["prominences"][keep], np.clip((share - low) / (high - low), 0.0, 1.0)


def _count(nuclei: tuple[np.ndarray, np.ndarray], dip_db: float) -> float:
    prominences, weights = nuclei
    return float(weights[prominences >= dip_db].sum())


@lru_cache(maxsize=8)
def _band_filter(band: tuple[float, float], rate: int) -> np.ndarray:
    from scipy.signal import butter

    return butter(4, band, btype="band", fs=rate, output="sos")


def sounding_frames(active: np.ndarray, speech: np.ndarray, hop_s: float) -> np.ndarray:
    """Frames above the speech threshold within a pause's length (250 ms) of speech, and the
    short stretches above it that run on from speech with no pause between.

    The time base of pace: silences of any length fall out, so a speaker who shortens
    a 300 ms pause to 200 ms does not gain "speaking time", while the quiet edges of
    words (a final "s", a soft onset) stay in, and so do barely voiced words ("at a time"
    said on the breath) that follow speech without a pause. A stretch of a second or
    more that holds no speech (a hum, a fan) only counts where it is that near speech.
    """
    frames = int(round(PAUSE_S / hop_s))
    near = np.convolve(speech.astype(np.float32), np.ones(2 * frames + 1, np.float32), mode="same") > 0.5
    sounding = active & near
    longest = int(round(STEADY_MIN_S / hop_s))
    group: list[tuple[int, int]] = []
    for a, b in runs(active) + [(len(active) + frames, len(active) + frames)]:
        if group and a - group[-1][1] >= frames:  # a pause ends the group
            if any(speech[x:y].any() for x, y in group):
                for x, y in group:
                    if y - x < longest or speech[x:y].any():
                        sounding[x:y] = True
            group = []
        group.append((a, b))
    return sounding


def articulation_rate(samples: np.ndarray, rate: int, aperiodicity: np.ndarray, sounding: np.ndarray,
                      hop_s: float) -> float | None:
    """Syllable nuclei per second of sounding speech (see `sounding_frames`).

    Peaks of the vowel-band intensity contour (de Jong & Wempe 2009), with three changes
    that keep the count steady when the same words are spoken faster or slower:

    - the contour is smoothed by a share of the speaker's own syllable period, found by
      iterating from a first guess, so a stretched vowel is smoothed more and does not
      split into two peaks;
    - a peak is weighed by how voiced its surroundings are (voicing itself graded by the
      pitch tracker's aperiodicity) instead of being kept or dropped on one frame's
      voicing, which flips at the edges of voiced sounds; a breathy voice (median
      aperiodicity of its sounding speech above the fully voiced mark) has the scale moved
      up by as much, so its voicing is judged against its own, and a slower reading with
      clearer vowels gains no nuclei;
    - the count is averaged over a few smoothings, dip depths and vowel bands, so that a
      borderline peak moves the result a little instead of a whole syllable.
    """
    from scipy.signal import sosfilt

    seconds = np.count_nonzero(sounding) * hop_s
    if seconds <= 0:
        return None
    repeat = int(round(hop_s / ENVELOPE_HOP_S))
    low, high = PERIODIC
    n = min(len(aperiodicity), len(sounding))
    heard = aperiodicity[:n][sounding[:n]]
    shift = max(0.0, float(np.median(heard)) - low) if len(heard) else 0.0  # a breathy voice: judged against its own
    voicing = np.clip((high + shift - aperiodicity) / (high - low), 0.0, 1.0)
    rates = []
    for band in NUCLEUS_BANDS_HZ:
        filtered = sosfilt(_band_filter(band, rate), samples).astype(np.float32)
        envelope = frame_powers(filtered, rate, ENVELOPE_HOP_S)
        n = min(len(envelope), len(sounding) * repeat)
        envelope = envelope[:n]
        v, s = np.repeat(voicing, repeat)[:n], np.repeat(sounding, repeat)[:n]
        if not s.any():
            return None
        guess = max(_count(_nuclei(envelope, v, s, FIRST_SMOOTHING_S), min(NUCLEUS_DIPS_DB)), 1.0) / seconds
        for _ in range(3):
            nuclei = _nuclei(envelope, v, s, NUCLEUS_SHARES[1] / guess)
            guess = max(_count(nuclei, min(NUCLEUS_DIPS_DB)), 1.0) / seconds
        for share in NUCLEUS_SHARES:
            nuclei = _nuclei(envelope, v, s, share / guess)
            rates.extend(_count(nuclei, dip) / seconds for dip in NUCLEUS_DIPS_DB)
    return float(np.mean(rates))


@dataclass(frozen=True)
class Filler:
    start_s: float
    end_s: float


def band_levels(samples16k: np.ndarray, frames: tuple[int, int], hop: int = 160, bands: int = 16) -> np.ndarray:
    """Log levels (dB) of `bands` equal-width bands up to 4 kHz for frames a..b of 16 kHz audio."""
    a, b = frames
    size = 2 * hop
    x = np.concatenate((samples16k, np.zeros(size, np.float32)))
    starts = np.arange(a, b) * hop
    chunk = np.stack([x[s: s + size] for s in starts]) * np.hanning(size)
    spectrum = np.square(np.abs(np.fft.rfft(chunk, axis=1)))[:, 1: size // 4 + 1]
    grouped = spectrum[:, : spectrum.shape[1] // bands * bands].reshape(len(starts), bands, -1).sum(axis=2)
    return db(grouped)


def acoustic_fillers(samples16k: np.ndarray, f0_hz: np.ndarray, speech: np.ndarray, hop_s: float) -> list[Filler]:
    """Filled pauses: short speech stretches between pauses made of one sustained voiced sound."""
    found: list[Filler] = []
    hop = int(round(hop_s * 16000))
    for a, b in runs(speech):
        length = (b - a) * hop_s
        if not FILLER_MIN_S <= length <= FILLER_MAX_S:
            continue
        f0 = f0_hz[a:b]
        voiced = np.isfinite(f0)
        if voiced.mean() < FILLER_VOICED:
            continue
        if np.std(semitones(f0[voiced])) > FILLER_PITCH_SD_ST:
            continue
        first, last = runs(voiced)[0][0], runs(voiced)[-1][1]
        levels = band_levels(samples16k, (a + first, a + last), hop)
        if len(levels) < 4:
            continue
        levels = levels - levels.mean(axis=1, keepdims=True)  # spectral shape, not loudness
        change = float(np.mean(np.sqrt(np.mean(np.square(levels[2:] - levels[:-2]), axis=1))))
        if change <= FILLER_SPECTRAL_CHANGE_DB:
            found.append(Filler(round(a * hop_s, 3), round(b * hop_s, 3)))
    return found


def split_words(text: str) -> list[str]:
    """Lower-case words of a transcript, punctuation dropped."""
    return _WORD.findall(text.lower())


def is_filler(word: str) -> bool:
    return FILLER_WORD.fullmatch(word) is not None


def count_words(words: list[str]) -> tuple[int, int]:
    """(lexical words, fillers) among transcript words."""
    fillers = sum(is_filler(w) for w in words)
    return len(words) - fillers, fillers
