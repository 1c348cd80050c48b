"""The verdict on one take: each measure against its band, and one level-voice score.

Targets come from the calm baseline shifted by the drill's offsets:

- loudness: baseline dBFS + offset, band +-width dB (adaptive);
- pitch: baseline median (semitones) + offset, band +-width st (adaptive);
- pitch range: baseline range, band +-width st (adaptive): below is "too flat", above "too wide";
- edge: how far the take's alpha ratio (brightness) lies above what the speaker's own line
  predicts at the take's loudness (trainer.practice.edge), in dB. One-sided band: up to
  +width is in band, above is a "sharp edge"; below the line is in band (adaptive, starting
  at 2 dB or twice the calm answers' spread around the line, whichever is wider);
- pace: the take's articulation rate (syllables per second of speech, pauses excluded)
  divided by the baseline's; words per minute is used only when either articulation rate
  is missing. Target = the drill's pace ratio, band target x (1 +- width) (adaptive);
- latency: seconds from the end of the client's clip to your first word, fixed band
  0.2-4.0 s (below: jumped in; above: a long wait);
- overlap: seconds spoken while the client was still talking. Any overlap beyond 0.1 s
  (the resolution of onset detection) is out of band, always: talking over the client
  never becomes acceptable.

Score (shown with every verdict, see `Verdict.explain`):

- each measured metric scores 100 inside its band and loses 50 points per band
  half-width it lies outside (0 at two half-widths out); latency loses 50 points per
  second outside its band; overlap scores 0 when out of band;
- the overall score is the weighted mean of the measured metrics' scores, rounded,
  with weights loudness 25, pitch 20, pace 15, edge 15, pitch range 10, overlap 10, latency 5.
  Metrics that could not be measured are left out (the weights of the rest are rescaled).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from trainer.practice.bands import BandState, bands_for
from trainer.practice.baseline import Baseline
from trainer.practice.edge import edge_band_start, edge_line
from trainer.practice.measures import NO_OFFSETS, Measures, Offsets

Status = Literal["in", "high", "low", "missing"]

WEIGHTS = {"loudness": 25, "pitch": 20, "pace": 15, "edge": 15, "pitch_range": 10, "overlap": 10, "latency": 5}
LABELS = {
    "loudness": "Loudness",
    "edge": "Edge",
    "pitch": "Pitch",
    "pace": "Pace",
    "pitch_range": "Pitch range",
    "overlap": "Overlap",
    "latency": "Response time",
}
# what "low" and "high" mean for a person, per metric
WORDS = {
    "loudness": ("too quiet", "too loud"),
    "pitch": ("too low", "too high"),
    "pace": ("too slow", "too fast"),
    "pitch_range": ("too flat", "too wide"),
    "edge": ("", "sharp edge"),
    "overlap": ("", "talked over the client"),
    "latency": ("jumped in", "long wait"),
}
POINTS_PER_WIDTH = 50
LATENCY_BAND_S = (0.2, 4.0)
LATENCY_POINTS_PER_S = 50
OVERLAP_TOLERANCE_S = 0.1


@dataclass(frozen=True)
class MetricVerdict:
    """One measure of a take against its band.

    `value`, `target`, `low`, `high` are in `unit`; pace is a ratio to the calm pace.
    `delta` is value - target; for latency, which has no single target, it is the
    distance outside the band (0 inside). `score` and the values are None when missing.
    """

    metric: str
    label: str
    value: float | None
    target: float | None
    low: float | None
    high: float | None
    delta: float | None
    unit: str
    status: Status
    score: int | None
    weight: int

    def note(self) -> str:
        """One phrase for a person, e.g. "Loudness: 3.1 dB too loud (band ±2.0 dB)"."""
        if self.status == "missing" or self.value is None:
            return f"{self.label}: not measured"
        if self.metric == "overlap":
            return (f"{self.label}: talked over the client for {self.value:.1f} s" if self.status == "high"
                    else f"{self.label}: none")
        if self.metric == "latency":
            where = f"aim for {self.low:.1f}-{self.high:.1f} s"
            if self.status == "in":
                return f"{self.label}: {self.value:.1f} s ({where})"
            return f"{self.label}: {self.value:.1f} s, {self.direction()} ({where})"
        amount, band = self.amount(), self._band()
        if self.status == "in":
            return f"{self.label}: in band ({amount} from target, band {band})"
        return f"{self.label}: {amount.lstrip('+-')} {self.direction()} (band {band})"

    def direction(self) -> str:
        """What out of band means here, e.g. "too loud" (empty when in band)."""
        if self.status not in ("low", "high"):
            return ""
        low, high = WORDS[self.metric]
        return high if self.status == "high" else low

    def amount(self) -> str:
        """The distance from the target, e.g. "+3.1 dB" or "+12%"."""
        if self.metric == "pace":
            return f"{(self.value / self.target - 1) * 100:+.0f}%"
        return f"{self.delta:+.1f} {self.unit}"

    def _band(self) -> str:
        if self.low is None:  # one-sided (the edge): anything up to the top is in band
            return f"up to {self.high - self.target:+.1f} {self.unit}"
        if self.metric == "pace":
            return f"±{(self.high / self.target - 1) * 100:.0f}%"
        return f"±{(self.high - self.target):.1f} {self.unit}"


@dataclass(frozen=True)
class Verdict:
    """All measures of a take against their bands, and the overall score 0-100."""

    metrics: tuple[MetricVerdict, ...]
    score: int
    summary: str

    def metric(self, name: str) -> MetricVerdict | None:
        return next((m for m in self.metrics if m.metric == name), None)

    def outcomes(self) -> dict[str, bool]:
        """Measured metrics -> inside the band (what the staircases step on)."""
        return {m.metric: m.status == "in" for m in self.metrics if m.status != "missing"}

    def explain(self) -> str:
        """How the score was made, e.g. "score 78 = (100x30 + 50x25 + 100x20) / 75"."""
        measured = [m for m in self.metrics if m.score is not None]
        if not measured:
            return "score 0: nothing could be measured"
        parts = " + ".join(f"{m.score}x{m.weight} {m.label.lower()}" for m in measured)
        return f"score {self.score} = ({parts}) / {sum(m.weight for m in measured)}"

    def report(self) -> list[str]:
        """The verdict as lines for a terminal: score and summary, one line per measure, the score's sum."""
        return [f"Score {self.score}: {self.summary}", *(f"  {m.note()}" for m in self.metrics), f"  ({self.explain()})"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: overall score and summary, and per metric value, band, status and score."""
        metrics = {}
        for m in self.metrics:
            entry = asdict(m)
            del entry["metric"]
            entry["band"] = [entry.pop("low"), entry.pop("high")]
            metrics[m.metric] = entry
        return {"score": self.score, "summary": self.summary, "metrics": metrics}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict:
        metrics = []
        for name, entry in data["metrics"].items():
            fields = {k: v for k, v in entry.items() if k != "band"}
            low, high = entry["band"]
            metrics.append(MetricVerdict(metric=name, low=low, high=high, **fields))
        return cls(tuple(metrics), int(data["score"]), str(data["summary"]))


def _round(x: float) -> int:
    """Round half up (92.5 -> 93), as a person recomputing the score would."""
    return math.floor(x + 0.5)


def _missing(metric: str, unit: str) -> MetricVerdict:
    return MetricVerdict(metric, LABELS[metric], None, None, None, None, None, unit, "missing", None, WEIGHTS[metric])


def _banded(metric: str, value: float | None, target: float | None, width: float, unit: str,
            relative: bool = False) -> MetricVerdict:
    """A metric judged against target +- width (or target x (1 +- width) when `relative`)."""
    if value is None or target is None:
        return _missing(metric, unit)
    half = target * width if relative else width
    low, high = target - half, target + half
    outside = low - value if value < low else value - high if value > high else 0.0
    status: Status = "low" if value < low else "high" if value > high else "in"
    score = max(0, _round(100 - POINTS_PER_WIDTH * outside / half))
    return MetricVerdict(metric, LABELS[metric], value, target, low, high, value - target, unit, status, score,
                         WEIGHTS[metric])


def _pace_ratio(features: Measures, baseline: Baseline) -> float | None:
    if features.articulation_rate and baseline.articulation_rate:
        return features.articulation_rate / baseline.articulation_rate
    if features.wpm and baseline.wpm:
        return features.wpm / baseline.wpm
    return None


def _edge(features: Measures, baseline: Baseline, width: float) -> MetricVerdict:
    """Brightness above the speaker's line at the take's loudness; one-sided band [.., +width]."""
    line = edge_line(baseline)
    value = None if line is None else line.edge_db(features)
    if value is None:
        return _missing("edge", "dB")
    value = round(value, 2)
    outside = max(0.0, value - width)
    return MetricVerdict("edge", LABELS["edge"], value, 0.0, None, width, value, "dB",
                         "high" if outside > 0 else "in", max(0, _round(100 - POINTS_PER_WIDTH * outside / width)),
                         WEIGHTS["edge"])


def _latency(latency_s: float | None) -> MetricVerdict:
    if latency_s is None:
        return _missing("latency", "s")
    low, high = LATENCY_BAND_S
    outside = latency_s - low if latency_s < low else latency_s - high if latency_s > high else 0.0
    status: Status = "low" if latency_s < low else "high" if latency_s > high else "in"
    score = max(0, _round(100 - LATENCY_POINTS_PER_S * abs(outside)))
    return MetricVerdict("latency", LABELS["latency"], latency_s, None, low, high, outside, "s", status, score,
                         WEIGHTS["latency"])


def _overlap(overlap_s: float | None) -> MetricVerdict:
    if overlap_s is None:
        return _missing("overlap", "s")
    status: Status = "high" if overlap_s > OVERLAP_TOLERANCE_S else "in"
    return MetricVerdict("overlap", LABELS["overlap"], overlap_s, 0.0, 0.0, OVERLAP_TOLERANCE_S, overlap_s, "s",
                         status, 0 if status == "high" else 100, WEIGHTS["overlap"])


def _summary(metrics: tuple[MetricVerdict, ...]) -> str:
    measured = [m for m in metrics if m.status != "missing"]
    if not measured:
        return "Nothing could be judged: no speech was measured in this take."
    off = [m for m in measured if m.status != "in"]
    if not off:
        return "Level: every measure in band."
    phrases = []
    for m in off:
        if m.metric == "overlap":
            phrases.append(f"talked over the client ({m.value:.1f} s)")
        elif m.metric == "latency":
            phrases.append(f"{m.direction()} ({m.value:.1f} s)")
        else:
            # "too low" alone could be loudness; pitch is the one direction that needs its name
            subject = "pitch " if m.metric == "pitch" else ""
            phrases.append(f"{subject}{m.direction()} ({m.amount()})")
    rest = "; the rest in band." if len(off) < len(measured) else "."
    text = ", ".join(phrases) + rest
    return text[0].upper() + text[1:]


def judge(
    features: Measures,
    baseline: Baseline,
    *,
    offsets: Offsets = NO_OFFSETS,
    bands: Mapping[str, BandState] | None = None,
    latency_s: float | None = None,
    overlap_s: float | None = None,
) -> Verdict:
    """Judge a take against the baseline shifted by the drill's `offsets`, within the drill's `bands`.

    Bands not given start at their initial width (the edge's from the baseline). Latency and
    overlap come from the audio engine and are left out (missing) when not given.
    """
    widths = bands_for(dict(bands or {}), starts={"edge": edge_band_start(baseline)})
    pitch_target = (baseline.pitch_median_st + offsets.pitch_st) if baseline.pitch_median_st is not None else None
    metrics = (
        _banded("loudness", features.loudness_dbfs, baseline.loudness_dbfs + offsets.loudness_db,
                widths["loudness"].width, "dB"),
        _edge(features, baseline, widths["edge"].width),
        _banded("pitch", features.pitch_median_st, pitch_target, widths["pitch"].width, "st"),
        _banded("pace", _pace_ratio(features, baseline), offsets.pace_ratio, widths["pace"].width, "ratio",
                relative=True),
        _banded("pitch_range", features.pitch_range_st, baseline.pitch_range_st, widths["pitch_range"].width, "st"),
        _overlap(overlap_s),
        _latency(latency_s),
    )
    scored = [m for m in metrics if m.score is not None]
    weight = sum(m.weight for m in scored)
    score = _round(sum(m.score * m.weight for m in scored) / weight) if weight else 0
    return Verdict(metrics, score, _summary(metrics))
