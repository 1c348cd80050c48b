"""Measuring the pack's client voices and moods: `levelvoice drills check --prosody`.

Each bundled drill is rendered twice by its own voice: neutrally (the `Delivery`
defaults) and expressively (its `[render]` table). Both are measured with Level Voice's
own analysis (`trainer.analysis`: pitch, range, speech time, pauses, level) and the
differences are held against the challenge's documented direction (`TARGETS`, after the
MARY TTS emotion rules, Schröder 2006). Pitch, range, rate and tilt are compared at equal
loudness: the neutral reading is set to the expressive one's level first.

The voices are measured on one reading of `REFERENCE_TEXT` spoken by each of them:
median pitch by the analysis, formant scale by the spectral envelope (`formant_scale`).

Needs the `voices` extra (it renders); pure numpy apart from that.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import combinations

import numpy as np

from trainer.drills.model import Delivery, Drill

REFERENCE_TEXT = ("I wasn't sure I would come today. The bus was late again, and the rain did not help. "
                  "Still, I am here now, so where do we begin?")
ENVELOPE_RATE = 16000
ENVELOPE_FRAME = 512  # 32 ms at 16 kHz
LPC_ORDER = 18
ENVELOPE_BAND_HZ = (300.0, 4000.0)  # where formants are compared
TILT_BAND_HZ = (50.0, 5000.0)
DISTINCT_ST = 2.0  # two voices are distinct when their median pitch differs by this much ...
DISTINCT_FORMANT = 0.05  # ... or their formant scales by this share


@dataclass(frozen=True)
class Measures:
    """One clip as Level Voice's analysis reads it."""

    pitch_median_st: float  # semitones re 100 Hz
    pitch_median_hz: float
    pitch_range_st: float  # 10th-90th percentile
    rate_wpm: float  # words per minute of sounding speech (every silence left out, as the app's pace does)
    wpm: float  # words per minute from first to last speech, pauses included
    articulation_rate: float | None  # syllables per second of speech (the app's pace)
    level_dbfs: float  # RMS over speech
    centroid_hz: float  # spectral centroid (50 Hz-5 kHz) of the voiced speech: brighter is higher
    alpha_ratio_db: float  # the app's edge feature: energy 1-5 kHz re 50 Hz-1 kHz of the voiced speech
    pauses: int  # silences of 250 ms or more between the first and last speech
    pause_ratio: float


@dataclass(frozen=True)
class Target:
    """One documented direction: `measure` of expressive against neutral, at least (`>=`) or at most `limit`."""

    measure: str  # pitch_st, range_ratio, rate_change, level_db, alpha_db, centroid_change, pause_share
    sign: str  # ">=" or "<="
    limit: float

    def met(self, value: float) -> bool:
        return value >= self.limit if self.sign == ">=" else value <= self.limit

    def __str__(self) -> str:
        return f"{self.measure} {self.sign} {self.limit:g}"


def _targets(text: str) -> tuple[Target, ...]:
    return tuple(Target(*(part if i < 2 else float(part) for i, part in enumerate(rule.split())))
                 for rule in text.split(";") if rule.strip())


# expressive vs neutral, per challenge: pitch_st and level_db are differences, range_ratio a ratio,
# alpha_db the change of the alpha ratio (the edge's feature, dB), rate_change and centroid_change
# relative changes (0.15 = +15 %), pause_share the change in the
# silent share of the speech span (0.05 = five points more silence)
TARGETS: dict[str, tuple[Target, ...]] = {
    "anger": _targets("pitch_st >= 1.5; range_ratio >= 1.5; rate_change >= 0.15; alpha_db >= 3; level_db >= 3"),
    "despair": _targets("pitch_st <= -2; range_ratio <= 0.7; rate_change <= -0.2; level_db <= -3; "
                        "pause_share >= 0.05"),
    "anxious": _targets("pitch_st >= 1; rate_change >= 0.1; pause_share >= 0.03; level_db >= 1"),
    "contempt": _targets("pitch_st <= -1; range_ratio <= 0.85; rate_change <= -0.05"),
    "withdrawal": _targets("level_db <= -6; rate_change <= -0.2; range_ratio <= 0.85; pause_share >= 0.05; "
                           "alpha_db <= -1"),
    "competence": _targets("range_ratio >= 1.1; alpha_db >= 1"),
}


@dataclass(frozen=True)
class DrillProsody:
    """A drill's neutral and expressive readings, measured, and the targets each difference meets."""

    drill_id: str
    challenge: str
    voice: str
    neutral: Measures
    expressive: Measures
    changes: dict[str, float]
    missed: tuple[str, ...]  # targets not met, e.g. "range_ratio >= 1.5 (measured 1.31)"


@dataclass(frozen=True)
class VoiceMeasure:
    """A voice on the reference text: as defined and as measured."""

    voice: str
    label: str
    pitch_st: float  # defined shift from the reader
    formant_scale: float  # defined
    median_hz: float  # measured
    median_st: float
    measured_formant_scale: float  # by spectral envelope, against the reader's own


def spectral_centroid_hz(samples: np.ndarray, rate: int) -> float:
    """Centroid (50 Hz-5 kHz) of the power spectrum averaged over voiced speech frames (20 ms, 10 ms hop)."""
    frames = _voiced_frames(samples, rate, size=320)
    power = np.mean(np.abs(np.fft.rfft(frames * np.hamming(frames.shape[1]), axis=1)) ** 2, axis=0)
    freqs = np.fft.rfftfreq(frames.shape[1], 1 / ENVELOPE_RATE)
    band = (freqs >= TILT_BAND_HZ[0]) & (freqs <= TILT_BAND_HZ[1])
    return float(np.sum(freqs[band] * power[band]) / np.sum(power[band]))


def voiced_alpha_ratio_db(samples: np.ndarray, rate: int) -> float:
    """The app's alpha ratio (trainer.analysis.voice_quality) over the clip's voiced, loud frames: 20 ms
    Hamming frames at 16 kHz, power spectra averaged (short clips too, unlike a take's 2 s minimum)."""
    from trainer.analysis.voice_quality import SPECTRUM_FFT, alpha_ratio_db

    frames = _voiced_frames(samples, rate, size=320) * np.hamming(320)
    power = np.mean(np.abs(np.fft.rfft(frames, SPECTRUM_FFT, axis=1)) ** 2, axis=0)
    return alpha_ratio_db(np.fft.rfftfreq(SPECTRUM_FFT, 1 / ENVELOPE_RATE), power)


def _voiced_frames(samples: np.ndarray, rate: int, *, size: int) -> np.ndarray:
    """Frames of `size` samples at 16 kHz centred on each 10 ms frame the analysis finds voiced and loud."""
    from trainer.analysis.activity import HOP_S, frame_powers
    from trainer.analysis.pitch import PITCH_RATE, pitch_track
    from trainer.analysis.signal import resample

    mono = np.asarray(samples, dtype=np.float32)
    x16 = resample(mono, rate, ENVELOPE_RATE)
    track = pitch_track(resample(mono, rate, PITCH_RATE), PITCH_RATE, hop_s=HOP_S)
    hop = int(ENVELOPE_RATE * HOP_S)
    padded = np.pad(x16, (size // 2, size))
    power = frame_powers(x16, ENVELOPE_RATE, HOP_S)
    count = min(len(track.f0_hz), len(power))
    loud = 10 * np.log10(power[:count] + 1e-12) > 10 * np.log10(power.max() + 1e-12) - 30
    chosen = np.flatnonzero(track.voiced[:count] & loud)
    if len(chosen) < 5:
        raise ValueError("too little voiced speech to measure a spectrum")
    starts = chosen * hop + hop // 2
    return np.stack([padded[s: s + size] for s in starts]).astype(np.float64)


def mean_envelope_db(samples: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """(frequencies, dB): the LPC spectral envelope (order 18, 16 kHz) averaged over voiced frames.

    Independent of the vocoder that makes the voices, so it can check it.
    """
    import librosa

    frames = _voiced_frames(samples, rate, size=ENVELOPE_FRAME) * np.hanning(ENVELOPE_FRAME)
    frames = frames[np.sum(frames ** 2, axis=1) > 1e-10]
    coefficients = librosa.lpc(frames, order=LPC_ORDER, axis=-1)
    response = 1.0 / np.abs(np.fft.rfft(coefficients, 4096, axis=1)) ** 2
    response /= response.sum(axis=1, keepdims=True)
    return np.fft.rfftfreq(4096, 1 / ENVELOPE_RATE), 10 * np.log10(response.mean(axis=0))


def formant_scale(reference: np.ndarray, other: np.ndarray, rate: int) -> float:
    """How far `other`'s formants sit above `reference`'s (1.15 = 15 % higher), from their spectral envelopes:
    the stretch along frequency that best lines the two mean envelopes up, 300 Hz-4 kHz."""
    low, high = ENVELOPE_BAND_HZ
    grid = np.geomspace(low / 1.5, high * 1.5, 1200)
    step = np.log(grid[1] / grid[0])
    inner = (grid >= low) & (grid <= high)
    freqs, ref_db = mean_envelope_db(reference, rate)
    a = np.interp(grid, freqs, ref_db)[inner]
    a = a - a.mean()
    freqs, other_db = mean_envelope_db(other, rate)
    b_all = np.interp(grid, freqs, other_db)
    shifts = np.arange(-int(np.log(1.5) / step) + 1, int(np.log(1.5) / step))
    scores = []
    for shift in shifts:  # b(f * e^(shift * step)) against a(f)
        b = b_all[np.flatnonzero(inner) + shift]
        b = b - b.mean()
        scores.append(float(np.sum(a * b) / np.sqrt(np.sum(a * a) * np.sum(b * b))))
    best = int(np.argmax(scores))
    offset = 0.0
    if 0 < best < len(scores) - 1:  # parabolic refinement between grid steps
        left, centre, right = scores[best - 1], scores[best], scores[best + 1]
        curve = left - 2 * centre + right
        offset = 0.5 * (left - right) / curve if curve < 0 else 0.0
    return float(np.exp((shifts[best] + offset) * step))


def sounding_s(samples: np.ndarray, rate: int, segments) -> float:
    """Seconds of sounding speech: frames above the analysis's speech threshold inside its speech
    segments, so every silence is left out, also the short ones inside a phrase (the pace's denominator)."""
    from trainer.analysis.activity import HOP_S, frame_powers, speech_threshold
    from trainer.analysis.signal import ANALYSIS_RATE, db, resample

    levels = db(frame_powers(resample(np.asarray(samples, np.float32), rate, ANALYSIS_RATE), ANALYSIS_RATE, HOP_S))
    active = levels > speech_threshold(levels).threshold_db
    inside = np.zeros(len(levels), dtype=bool)
    for segment in segments:
        inside[int(round(segment.start_s / HOP_S)): int(round(segment.end_s / HOP_S))] = True
    return float(np.count_nonzero(active & inside) * HOP_S)


def measure(samples: np.ndarray, rate: int, transcript: str) -> Measures:
    """A clip through Level Voice's analysis, words counted from its transcript."""
    from trainer.analysis import Transcript, acoustic_features, add_transcript

    features = add_transcript(acoustic_features(samples, rate), Transcript(transcript, ()))
    if features.pitch_median_hz is None or not features.speech_s or features.words is None:
        raise ValueError("the clip holds too little voiced speech to measure")
    sounding = sounding_s(samples, rate, features.segments)
    return Measures(
        pitch_median_st=features.pitch_median_st, pitch_median_hz=features.pitch_median_hz,
        pitch_range_st=features.pitch_range_st, rate_wpm=round(features.words / sounding * 60.0, 1),
        wpm=features.wpm, articulation_rate=features.articulation_rate, level_dbfs=features.loudness_dbfs,
        centroid_hz=round(spectral_centroid_hz(samples, rate), 1),
        alpha_ratio_db=round(voiced_alpha_ratio_db(samples, rate), 2), pauses=max(len(features.segments) - 1, 0),
        pause_ratio=features.pause_ratio or 0.0)


def changes(neutral: Measures, expressive: Measures) -> dict[str, float]:
    """Expressive against neutral: the quantities `TARGETS` speak of."""
    return {
        "pitch_st": round(expressive.pitch_median_st - neutral.pitch_median_st, 2),
        "range_ratio": round(expressive.pitch_range_st / neutral.pitch_range_st, 3),
        "rate_change": round(expressive.rate_wpm / neutral.rate_wpm - 1.0, 3),
        "level_db": round(expressive.level_dbfs - neutral.level_dbfs, 2),
        "centroid_change": round(expressive.centroid_hz / neutral.centroid_hz - 1.0, 3),
        "alpha_db": round(expressive.alpha_ratio_db - neutral.alpha_ratio_db, 2),
        "pause_share": round(expressive.pause_ratio - neutral.pause_ratio, 3),
    }


def _through_opus(audio: np.ndarray, level_dbfs: float) -> np.ndarray:
    """The audio as it ships: encoded as Ogg Opus (as `render` does) and decoded again."""
    import soundfile as sf

    from trainer.drills.render import encode

    decoded, _ = sf.read(io.BytesIO(encode(audio, level_dbfs)), dtype="float32")
    return decoded


def neutral_delivery(delivery: Delivery) -> Delivery:
    """The same client reading without feeling: only the voice kept."""
    return Delivery(voice=delivery.voice)


def drill_prosody(reader, drill: Drill, delivery: Delivery) -> DrillProsody:
    """Render `drill` neutrally and expressively in its voice and measure both."""
    from trainer.drills.render import OUTPUT_RATE, read_aloud, reshape_reading, set_level

    calm = neutral_delivery(delivery)
    reading, rate = read_aloud(reader, drill.transcript, calm)
    calm_audio = reshape_reading(reading, rate, calm, level=False)
    reading, rate = read_aloud(reader, drill.transcript, delivery)
    upset = _through_opus(reshape_reading(reading, rate, delivery), delivery.level_dbfs)
    neutral = measure(_through_opus(set_level(calm_audio, OUTPUT_RATE, calm.level_dbfs), calm.level_dbfs),
                      OUTPUT_RATE, drill.transcript)
    expressive = measure(upset, OUTPUT_RATE, drill.transcript)
    level_matched = measure(_through_opus(set_level(calm_audio, OUTPUT_RATE, delivery.level_dbfs),
                                          delivery.level_dbfs), OUTPUT_RATE, drill.transcript)
    found = changes(level_matched, expressive)
    found["level_db"] = round(expressive.level_dbfs - neutral.level_dbfs, 2)
    missed = tuple(f"{target} (measured {found[target.measure]:g})" for target in TARGETS.get(drill.challenge, ())
                   if not target.met(found[target.measure]))
    return DrillProsody(drill.id, drill.challenge, delivery.voice or "", neutral, expressive, found, missed)


def voice_measures(reader) -> list[VoiceMeasure]:
    """Every voice speaking `REFERENCE_TEXT` from one reading: median pitch and formant scale, measured."""
    from trainer.drills.render import OUTPUT_RATE, read_aloud, reshape_reading
    from trainer.drills.voices import VOICES

    calm = Delivery()
    reading, rate = read_aloud(reader, REFERENCE_TEXT, calm)
    plain = reshape_reading(reading, rate, replace(calm, voice=None))
    rows = []
    for voice in VOICES.values():
        audio = reshape_reading(reading, rate, replace(calm, voice=voice.id))
        found = measure(audio, OUTPUT_RATE, REFERENCE_TEXT)
        rows.append(VoiceMeasure(voice.id, voice.label, voice.pitch_st, voice.formant_scale,
                                 found.pitch_median_hz, found.pitch_median_st,
                                 round(formant_scale(plain, audio, OUTPUT_RATE), 3)))
    return rows


def too_alike(voices: list[VoiceMeasure]) -> list[str]:
    """Pairs of voices within 2 st of median pitch and 5 % of formant scale (as measured)."""
    return [f"{a.voice} and {b.voice}: {abs(a.median_st - b.median_st):.1f} st and "
            f"{abs(a.measured_formant_scale / b.measured_formant_scale - 1) * 100:.1f} % apart"
            for a, b in combinations(voices, 2)
            if abs(a.median_st - b.median_st) < DISTINCT_ST
            and abs(a.measured_formant_scale / b.measured_formant_scale - 1) < DISTINCT_FORMANT]


def check_prosody(drill_ids: list[str], *, progress: Callable[[DrillProsody], None] | None = None,
                  before: Callable[[], None] | None = None) -> tuple[list[DrillProsody], list[VoiceMeasure]]:
    """Every bundled drill (or those named) measured neutral against expressive, and the voice table.

    `before` is called once the voice has loaded, before the first drill is rendered.
    """
    from trainer.drills.loader import read_delivery
    from trainer.drills.render import load_voice, targets

    drills = targets(drill_ids)
    reader = load_voice()
    if before:
        before()
    rows = []
    for drill in drills:
        row = drill_prosody(reader, drill, read_delivery(drill))
        rows.append(row)
        if progress:
            progress(row)
    return rows, voice_measures(reader)
