"""The voice's edge: how much sharper (brighter) a take sounds than this speaker's loudness explains.

A louder voice is also a brighter one: the alpha ratio (energy 1-5 kHz against 50 Hz-1 kHz)
rises about 0.4 (men) to 0.7 (women) dB per dB of level (Sundberg & Nordenberg 2006). A
forced, pressed voice is brighter still at the same level, and that is what listeners hear as
a sharp edge. So the edge is a residual: the take's alpha ratio minus what the speaker's own
line predicts at the take's loudness.

The line passes through the calm answers (median level, median alpha ratio): takes are
spontaneous answers like them. Its slope comes from three readings of one text at three
efforts (soft, comfortable, projected), which differ only in effort. It is used only when
soft and projected differ by at least `MIN_SPAN_DB` (less means the microphone's automatic
gain control or noise suppression flattened the levels) and when it is plausible
(`SLOPE_RANGE`); otherwise, and for baselines without readings, the line takes the typical
slope. Of the voice-quality measures, only the alpha ratio is modelled: its relation to level
is the published one, and it is the steadiest tilt measure (between thirds of one reading of
the shared voices: alpha ratio 1.5-4.7 dB, Hammarberg index 1.8-6.7 dB, spectral slopes
2.5-14.5 dB/kHz). The others are kept with each reading.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from trainer.errors import CalibrationError

EFFORTS = ("soft", "comfortable", "projected")
TYPICAL_SLOPE = 0.5  # dB of alpha ratio per dB of level: between men's 0.4 and women's 0.7
MIN_SPAN_DB = 8.0  # soft to projected; less suggests automatic gain control
SLOPE_RANGE = (0.1, 1.5)  # a personal slope outside this is a measuring problem, not a voice
MIN_SPEECH_S = 3.0  # a reading with less speech than this is read again
MIN_BAND_DB = 2.0  # the edge band starts at this, or at 2 SDs of the calm answers around the line if wider

AGC_HELP = ("Turn off automatic gain control, noise suppression or 'audio enhancements' for this microphone "
            "(Windows: Settings > System > Sound > the microphone > Audio enhancements: Off; macOS: Control "
            "Centre > Mic Mode: Standard; Linux: remove echo-cancel or auto-gain filters in PulseAudio/PipeWire; "
            "and in the headset's own app), then calibrate again.")


@dataclass(frozen=True)
class EffortReading:
    """One reading of the calibration text at one effort."""

    effort: str  # soft, comfortable or projected
    loudness_dbfs: float
    alpha_ratio_db: float
    hammarberg_db: float | None
    cpps_db: float | None
    source: str  # the recording

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EffortReading:
        return cls(**{key: data[key] for key in ("effort", "loudness_dbfs", "alpha_ratio_db", "hammarberg_db",
                                                 "cpps_db", "source")})


def effort_reading(effort: str, features, source: str) -> EffortReading:
    """A measured reading, or `CalibrationError` saying to read it again."""
    if effort not in EFFORTS:
        raise ValueError(f"effort must be one of {', '.join(EFFORTS)}, not {effort!r}")
    speech = features.speech_s or 0.0
    if speech < MIN_SPEECH_S or features.loudness_dbfs is None or features.alpha_ratio_db is None:
        raise CalibrationError(f"The {effort} reading has too little clear voice ({speech:.1f} s of speech; at least "
                               f"{MIN_SPEECH_S:.0f} s with 2 s of voice are needed). Read the whole text again.")
    return EffortReading(effort, float(features.loudness_dbfs), float(features.alpha_ratio_db),
                         getattr(features, "hammarberg_db", None), getattr(features, "cpps_db", None), str(source))


@dataclass(frozen=True)
class EffortFit:
    """What the readings say: the span from soft to projected, the personal slope (None when it
    cannot be trusted), and why not."""

    span_db: float | None
    slope: float | None
    warning: str | None


def fit_effort(readings: Sequence[EffortReading]) -> EffortFit:
    """The personal slope from one reading per effort (least squares of alpha ratio on level)."""
    if not readings:
        return EffortFit(None, None, None)
    by_effort = {r.effort: r for r in readings}
    missing = [e for e in EFFORTS if e not in by_effort]
    if missing or len(readings) != len(EFFORTS):
        raise CalibrationError(f"The effort readings need one each of {', '.join(EFFORTS)}; "
                               f"{'missing ' + ', '.join(missing) if missing else 'one is given twice'}.")
    span = by_effort["projected"].loudness_dbfs - by_effort["soft"].loudness_dbfs
    if span < MIN_SPAN_DB:
        return EffortFit(round(span, 2), None, (
            f"Your soft and projected readings differ by only {span:.1f} dB (at least {MIN_SPAN_DB:.0f} dB is usual): "
            f"the microphone probably evens out your level by itself. {AGC_HELP} Until then the edge uses a "
            "typical line."))
    levels = [r.loudness_dbfs for r in readings]
    tilts = [r.alpha_ratio_db for r in readings]
    mean_level, mean_tilt = statistics.fmean(levels), statistics.fmean(tilts)
    slope = (sum((x - mean_level) * (y - mean_tilt) for x, y in zip(levels, tilts))
             / sum((x - mean_level) ** 2 for x in levels))
    low, high = SLOPE_RANGE
    if not low <= slope <= high:
        return EffortFit(round(span, 2), None, (
            f"Your voice's brightness changed {slope:+.2f} dB per dB of loudness across the readings, which is "
            f"outside the usual {low}-{high}: perhaps a noise or a clipped reading. The edge uses a typical line; "
            "calibrate again for a personal one."))
    return EffortFit(round(span, 2), round(slope, 3), None)


@dataclass(frozen=True)
class EdgeLine:
    """Alpha ratio predicted from loudness: through the calm point, with `slope` dB per dB."""

    loudness_dbfs: float  # the calm answers' median level
    alpha_ratio_db: float  # the calm answers' median alpha ratio
    slope: float
    personal: bool  # the slope is this speaker's (from the effort readings), else typical
    spread_db: float | None  # SD of the calm answers around the line (None with one answer)

    def predict(self, loudness_dbfs: float) -> float:
        return self.alpha_ratio_db + self.slope * (loudness_dbfs - self.loudness_dbfs)

    def edge_db(self, features) -> float | None:
        """How far the take's alpha ratio lies above the line at its loudness (None when unmeasured)."""
        if features.alpha_ratio_db is None or features.loudness_dbfs is None:
            return None
        return float(features.alpha_ratio_db) - self.predict(float(features.loudness_dbfs))


def calm_point(answers: Sequence, slope: float) -> tuple[float | None, float | None]:
    """The calm answers' median alpha ratio and their spread (SD) around the line through the
    median level; (None, None) when no answer has an alpha ratio."""
    pairs = [(a.loudness_dbfs, a.alpha_ratio_db) for a in answers
             if getattr(a, "alpha_ratio_db", None) is not None and a.loudness_dbfs is not None]
    if not pairs:
        return None, None
    level = statistics.median(a.loudness_dbfs for a in answers if a.loudness_dbfs is not None)
    tilt = statistics.median(t for _, t in pairs)
    residuals = [t - (tilt + slope * (x - level)) for x, t in pairs]
    spread = statistics.stdev(residuals) if len(residuals) > 1 else None
    return float(tilt), None if spread is None else round(float(spread), 3)


def edge_line(baseline) -> EdgeLine | None:
    """The baseline's line, or None when its calm answers have no alpha ratio (not measured)."""
    if baseline.alpha_ratio_db is None:
        return None
    personal = baseline.effort_slope is not None
    return EdgeLine(baseline.loudness_dbfs, baseline.alpha_ratio_db,
                    baseline.effort_slope if personal else TYPICAL_SLOPE, personal, baseline.alpha_sd_db)


def effort_warning(baseline) -> str | None:
    """Why the baseline's effort readings give no personal line (automatic gain control, an odd
    slope); None when they do, or when there are none."""
    return fit_effort(baseline.effort).warning


def edge_band_start(baseline) -> float:
    """Where a drill's edge band starts: 2 dB, or twice the calm answers' spread around the line
    when that is wider (answers that differ among themselves earn a wider band)."""
    spread = getattr(baseline, "alpha_sd_db", None)
    return max(MIN_BAND_DB, 2.0 * spread) if spread is not None else MIN_BAND_DB
