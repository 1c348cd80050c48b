"""One take from samples to `TakeFeatures`: the acoustic pass, the transcript, the comparison."""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np

from trainer.analysis import features as F
from trainer.analysis.activity import HOP_S, PAUSE_S, frame_powers, segments_of, speech_mask, speech_threshold
from trainer.analysis.features import Comparison, TakeFeatures
from trainer.analysis.loudness import clips, loudness_blocks, loudness_spread_db, peak_dbfs, speech_rms_dbfs
from trainer.analysis.pace import acoustic_fillers, articulation_rate, count_words, is_filler, sounding_frames, split_words
from trainer.analysis.syllables import count_syllables
from trainer.analysis.pitch import PITCH_RATE, pitch_stats, pitch_track
from trainer.analysis.signal import ANALYSIS_RATE, Prepared, db, prepare, resample
from trainer.analysis.transcribe import Transcriber, Transcript
from trainer.errors import ModelError

MIN_SPEECH_S = 0.3  # less speech than this counts as none
SHORT_S = 1.0  # less speech than this gets a "too short" warning
LOW_LEVEL_DBFS = -45.0
PAUSE_FRAMES = int(round(PAUSE_S / HOP_S))


def acoustic_features(samples: np.ndarray, rate: int) -> TakeFeatures:
    """Everything measurable without a transcript: activity, loudness, pitch, articulation, fillers.

    `samples`: (n,) or (n, channels), float or integer, any sample rate. Transcript
    fields (wpm, words, transcript) are None; `fillers` is the acoustic count.
    """
    return _acoustic(prepare(samples, rate))


def _acoustic(prep: Prepared) -> TakeFeatures:
    powers = frame_powers(prep.mono16k, ANALYSIS_RATE, HOP_S)
    levels = db(powers)
    active = levels > speech_threshold(levels).threshold_db
    mono8k = resample(prep.mono16k, ANALYSIS_RATE, PITCH_RATE)
    track = pitch_track(mono8k, PITCH_RATE, hop_s=HOP_S, focus=active, frames=_widen(active, PAUSE_FRAMES))
    voiced = track.voiced[: len(levels)]
    speech = speech_mask(levels, voiced, HOP_S)
    speech_s = float(np.count_nonzero(speech) * HOP_S)
    if speech_s < MIN_SPEECH_S:
        speech[:] = False
        speech_s = 0.0
    segments = segments_of(speech, HOP_S)
    channels, rate = prep.channels, prep.rate
    blocks = loudness_blocks(channels, rate)
    peak = peak_dbfs(channels)
    clipping = clips(channels)
    warnings: list[str] = []
    if clipping:
        warnings.append(f"{F.CLIPPING}: the take hits full scale, which distorts it. Move back from the "
                        "microphone or turn the input level down.")
    base = dict(duration_s=round(prep.duration_s, 3), loudness_lufs=_round(blocks.integrated()),
                peak_dbfs=_round(peak), clipping=clipping, wpm=None, words=None, transcript=None)
    if not segments:
        warnings.insert(0, f"{F.NO_SPEECH}: the take holds only silence or steady noise. Check the "
                           "microphone and speak a little closer to it.")
        return TakeFeatures(onset_s=None, offset_s=None, speech_s=0.0, pause_ratio=None, segments=(),
                            loudness_dbfs=None, loudness_sd_db=None, pitch_median_hz=None, pitch_median_st=None,
                            pitch_range_st=None, pitch_sd_st=None, voiced_ratio=None, articulation_rate=None,
                            fillers=None, warnings=tuple(warnings), **base)
    onset, offset = segments[0].start_s, segments[-1].end_s
    level = speech_rms_dbfs(prep.mono, rate, segments)
    pitch = pitch_stats(track, speech)
    sounding = sounding_frames(active, speech, HOP_S)
    articulation = articulation_rate(mono8k, PITCH_RATE, track.aperiodicity[: len(levels)], sounding, HOP_S)
    fillers = acoustic_fillers(prep.mono16k, track.f0_hz, speech, HOP_S)
    if speech_s < SHORT_S:
        warnings.append(f"{F.TOO_SHORT}: only {speech_s:.1f} s of speech; pitch and pace need at least "
                        f"{SHORT_S:.0f} s to mean much.")
    if level is not None and level < LOW_LEVEL_DBFS:
        warnings.append(f"{F.LOW_LEVEL}: speech averages {level:.0f} dBFS. Move closer to the microphone or "
                        "turn the input level up.")
    return TakeFeatures(
        onset_s=onset, offset_s=offset, speech_s=round(speech_s, 3),
        pause_ratio=round(max(0.0, 1.0 - speech_s / (offset - onset)), 4), segments=segments,
        loudness_dbfs=_round(level), loudness_sd_db=_round(loudness_spread_db(blocks, speech, HOP_S)),
        pitch_median_hz=_round(pitch and pitch.median_hz), pitch_median_st=_round(pitch and pitch.median_st),
        pitch_range_st=_round(pitch and pitch.range_st), pitch_sd_st=_round(pitch and pitch.sd_st),
        voiced_ratio=round(float(np.count_nonzero(voiced & speech) / np.count_nonzero(speech)), 4),
        articulation_rate=_round(articulation, 3), fillers=len(fillers), warnings=tuple(warnings),
        sounding_s=round(float(np.count_nonzero(sounding) * HOP_S), 3), **base)


def _widen(mask: np.ndarray, frames: int) -> np.ndarray:
    """`mask` grown by `frames` on each side."""
    return np.convolve(mask.astype(np.float32), np.ones(2 * frames + 1, np.float32), mode="same") > 0.5


def _round(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(float(value), places)


def add_transcript(features: TakeFeatures, transcript: Transcript) -> TakeFeatures:
    """Fill wpm, words, syllables, transcript and fillers from a transcript of the same take.

    Words per minute and syllables per second are over the same time base as the acoustic
    pace (sounding speech, silences left out), so they move with it.
    """
    if features.speech_s <= 0 or features.onset_s is None or features.offset_s is None:
        return features
    tokens = split_words(transcript.text)
    words, spoken_fillers = count_words(tokens)
    syllables = count_syllables(" ".join(w for w in tokens if not is_filler(w)))
    sounding = features.sounding_s or (features.offset_s - features.onset_s)  # older features lack sounding_s
    return replace(features, wpm=round(words / sounding * 60.0, 1) if sounding > 0 else None, words=words,
                   transcript=transcript.text, fillers=max(features.fillers or 0, spoken_fillers),
                   syllables=syllables,
                   syllable_rate=round(syllables / sounding, 3) if sounding and syllables else None)


def without_transcript(features: TakeFeatures, reason: str) -> TakeFeatures:
    """The features with a warning that the transcript is missing, and why."""
    return replace(features, warnings=features.warnings + (f"{F.NO_TRANSCRIPT}: {reason}",))


_default: Transcriber | None = None
_default_lock = threading.Lock()


def default_transcriber() -> Transcriber:
    """The shared transcriber with the bundled model."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Transcriber()
        return _default


def analyze(samples: np.ndarray, rate: int, *, transcriber: Transcriber | None = None) -> TakeFeatures:
    """Acoustic features plus the transcript (the bundled model unless `transcriber` is given).

    When no model can be loaded, the acoustic features come back with the transcript
    fields None and a warning that says why.
    """
    prep = prepare(samples, rate)
    features = _acoustic(prep)
    if features.speech_s <= 0:
        return features
    try:
        transcript = (transcriber or default_transcriber()).transcribe(prep.mono16k, ANALYSIS_RATE)
    except ModelError as err:
        return without_transcript(features, str(err))
    return add_transcript(features, transcript)


def compare(features: TakeFeatures, reference: TakeFeatures) -> Comparison:
    """The take relative to a reference: dB, semitones and a pace ratio (None where a side lacks it)."""

    def diff(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else round(a - b, 2)

    from trainer.practice.pace import describe, pace_between  # the same rule as the practice verdict

    pace = pace_between(features, reference)
    return Comparison(
        loudness_db=diff(features.loudness_dbfs, reference.loudness_dbfs),
        pitch_st=diff(features.pitch_median_st, reference.pitch_median_st),
        pitch_range_st=diff(features.pitch_range_st, reference.pitch_range_st),
        pace_ratio=None if pace is None else round(pace.ratio, 3),
        pace_basis=None if pace is None else pace.basis,
        pace_text=describe(pace, "baseline"),
    )


def warm_up(model: str | None = None, *, transcribe: bool = True) -> None:
    """Pay the one-time costs (imports, first calls, model load) now; safe in a background thread.

    Failures to load the model are left for the real call to report.
    """
    t = np.arange(int(1.5 * ANALYSIS_RATE)) / ANALYSIS_RATE
    phase = 2 * np.pi * np.cumsum(120 + 40 * t) / ANALYSIS_RATE  # a voice-like sound: gliding pitch,
    syllables = np.maximum(np.sin(2 * np.pi * 4 * t), 0) * (t > 0.2)  # four "syllables" a second
    voice = (0.05 * syllables * sum(np.sin(k * phase) / k for k in range(1, 20))).astype(np.float32)
    acoustic_features(voice, ANALYSIS_RATE)
    if transcribe:
        transcriber = default_transcriber() if model is None else Transcriber(model)
        try:
            transcriber.transcribe(voice, ANALYSIS_RATE)
        except ModelError:
            pass
