"""The verdict on one take: each measure against its band, and one level-voice score.

Targets come from the calm baseline shifted by the drill's offsets:

- loudness: baseline dBFS + offset, band +-width dB (adaptive);
- pitch: baseline median (semitones) + offset, band +-width st (adaptive);
- pitch range: baseline range, band +-width st (adaptive): below is "too flat", above "too wide";
- pace: the take's speaking rate divided by the baseline's, by the one pace rule in
  `trainer.practice.pace` (syllables per second of sounding speech, from the transcript
  and the acoustic nuclei). Target = the drill's pace ratio, band target x (1 +- width)
  (adaptive);
- latency: seconds from the end of the client's clip to your first word, fixed band
  0.2-4.0 s (below: jumped in; above: a long wait);
- overlap: seconds spoken while the client was still talking. Any overlap beyond 0.1 s
  (the resolution of onset detection) is out of band, always: talking over the client
  never becomes acceptable.

Score (shown with every verdict, see `Verdict.explain`):

- each measured metric scores 100 inside its band and loses 50 points per band
  half-width it lies outside (0 at two half-widths out); latency loses 50 points per
  second outside its band; overlap scores 0 when out of band;
- their weighted mean (weights in `RULES`: loudness 30, pitch 25, pace 20, pitch range
  10, overlap 10, latency 5; metrics that could not be measured are left out and the
  rest rescaled) is the score when every measure is in band (so 80 or more means level);
- with any measure out of band the score is 79 % of that mean (so below 80);
- with more than 1 s of talking over the client it is at most 59 (so below 60).

A new metric is one entry in `RULES` (and, if its band adapts, one staircase in
`trainer.practice.bands.STAIRCASES`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from trainer.practice.bands import BandState, bands_for
from trainer.practice.baseline import Baseline
from trainer.practice.measures import NO_OFFSETS, Measures, Offsets
from trainer.practice.pace import pace_between

Status = Literal["in", "high", "low", "missing"]

POINTS_PER_WIDTH = 50
LATENCY_BAND_S = (0.2, 4.0)
LATENCY_POINTS_PER_S = 50
OVERLAP_TOLERANCE_S = 0.1
LEVEL_SCORE = 80  # every measure in band scores at least this; a miss scores less
OUT_OF_BAND_SHARE = 0.79  # a take with a measure out of band scores this share of the weighted mean
OVERLAP_LIMIT_S = 1.0  # talking over the client longer than this ...
OVERLAP_CAP = 59  # ... caps the score here


@dataclass(frozen=True)
class Inputs:
    """Everything a rule may look at: the take's measures, the baseline, the drill's offsets,
    and the audio engine's timing (None when not given)."""

    features: Measures
    baseline: Baseline
    offsets: Offsets
    latency_s: float | None
    overlap_s: float | None


@dataclass(frozen=True)
class Rule:
    """How one metric is judged and weighed.

    `measure` returns (value, target) or (value, target, detail) for a metric judged
    against an adaptive band target +- width (target x (1 +- width) when `relative`);
    `judge`, when given, replaces that with its own fixed band (overlap, latency).
    """

    label: str
    weight: int
    words: tuple[str, str]  # what "low" and "high" mean for a person
    unit: str
    measure: Callable[[Inputs], tuple] | None = None
    relative: bool = False
    judge: Callable[[str, Inputs], MetricVerdict] | None = None


@dataclass(frozen=True)
class MetricVerdict:
    """One measure of a take against its band.

    `value`, `target`, `low`, `high` are in `unit`; pace is a ratio to the calm pace.
    `delta` is value - target; for latency, which has no single target, it is the
    distance outside the band (0 inside). `score` and the values are None when missing.
    `detail` says what the value is counted in (pace: "syllables/s, your calm 4.1").
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
    detail: str = ""

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
        shown = f" ×{self.value:.2f}, target ×{self.target:.2f}," if self.metric == "pace" else ""
        detail = f"; {self.detail}" if self.detail else ""
        if self.status == "in":
            return f"{self.label}:{shown} in band ({amount} from target, band {band}{detail})"
        return f"{self.label}:{shown} {amount.lstrip('+-')} {self.direction()} (band {band}{detail})"

    def direction(self) -> str:
        """What out of band means here, e.g. "too loud" (empty when in band)."""
        if self.status not in ("low", "high"):
            return ""
        low, high = RULES[self.metric].words if self.metric in RULES else ("too low", "too high")
        return high if self.status == "high" else low

    def amount(self) -> str:
        """The distance from the target, e.g. "+3.1 dB" or "+12%"."""
        if self.unit == "ratio":
            return f"{(self.value / self.target - 1) * 100:+.0f}%"
        return f"{self.delta:+.1f} {self.unit}"

    def target_text(self) -> str:
        """The target and its band, short, to stand beside the value: "×0.95 ±20%", "-24.0 dBFS ±4.0"."""
        if self.status == "missing" or self.low is None:
            return ""
        if self.metric == "overlap":
            return "none"
        if self.metric == "latency":
            return f"{self.low:.1f}-{self.high:.1f} s"
        if self.unit == "ratio":
            return f"×{self.target:.2f} {self._band()}"
        if self.metric == "pitch":
            return f"{100.0 * 2 ** (self.target / 12):.0f} Hz ±{self.high - self.target:.1f} st"
        if self.metric == "loudness":
            return f"{self.target:.1f} dBFS ±{self.high - self.target:.1f}"
        return f"{self.target:.1f} {self.unit} ±{self.high - self.target:.1f}"

    def _band(self) -> str:
        if self.unit == "ratio":
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
        """How the score was made, e.g.
        "score 73 = 79% of 92.5 (loudness out of band); 92.5 = (75x30 loudness + ...) / 100"."""
        measured = [m for m in self.metrics if m.score is not None]
        if not measured:
            return "score 0: nothing could be measured"
        total = sum(m.weight for m in measured)
        mean = sum(m.score * m.weight for m in measured) / total
        parts = " + ".join(f"{m.score}x{m.weight} {m.label.lower()}" for m in measured)
        weighted = f"({parts}) / {total}"
        off = [m for m in measured if m.status != "in"]
        if not off:
            return f"score {self.score} = {weighted}"
        names = ", ".join(m.label.lower() for m in off)
        share = f"{OUT_OF_BAND_SHARE:.0%} of {mean:.1f} ({names} out of band)"
        if _over_the_client(self.metrics):
            share = (f"{share} = {_round(OUT_OF_BAND_SHARE * mean)}, at most {OVERLAP_CAP} after more than "
                     f"{OVERLAP_LIMIT_S:.0f} s over the client")
        return f"score {self.score} = {share}; {mean:.1f} = {weighted}"

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


def _over_the_client(metrics) -> bool:
    return any(m.metric == "overlap" and m.value is not None and m.value > OVERLAP_LIMIT_S for m in metrics)


def _missing(metric: str) -> MetricVerdict:
    rule = RULES[metric]
    return MetricVerdict(metric, rule.label, None, None, None, None, None, rule.unit, "missing", None, rule.weight)


def _banded(metric: str, inputs: Inputs, width: float) -> MetricVerdict:
    """A metric judged against target +- width (or target x (1 +- width) when relative)."""
    rule = RULES[metric]
    value, target, *detail = rule.measure(inputs)
    if value is None or target is None:
        return _missing(metric)
    half = target * width if rule.relative else width
    low, high = target - half, target + half
    outside = low - value if value < low else value - high if value > high else 0.0
    status: Status = "low" if value < low else "high" if value > high else "in"
    score = max(0, _round(100 - POINTS_PER_WIDTH * outside / half))
    return MetricVerdict(metric, rule.label, value, target, low, high, value - target, rule.unit, status, score,
                         rule.weight, detail[0] if detail else "")


def _pace(inputs: Inputs) -> tuple:
    pace = pace_between(inputs.features, inputs.baseline)
    if pace is None:
        return None, None
    return pace.ratio, inputs.offsets.pace_ratio, f"{pace.unit}, your calm {pace.reference_rate:.1f}"


def _latency(metric: str, inputs: Inputs) -> MetricVerdict:
    latency_s = inputs.latency_s
    if latency_s is None:
        return _missing(metric)
    rule = RULES[metric]
    low, high = LATENCY_BAND_S
    outside = latency_s - low if latency_s < low else latency_s - high if latency_s > high else 0.0
    status: Status = "low" if latency_s < low else "high" if latency_s > high else "in"
    score = max(0, _round(100 - LATENCY_POINTS_PER_S * abs(outside)))
    return MetricVerdict(metric, rule.label, latency_s, None, low, high, outside, "s", status, score, rule.weight)


def _overlap(metric: str, inputs: Inputs) -> MetricVerdict:
    overlap_s = inputs.overlap_s
    if overlap_s is None:
        return _missing(metric)
    rule = RULES[metric]
    status: Status = "high" if overlap_s > OVERLAP_TOLERANCE_S else "in"
    return MetricVerdict(metric, rule.label, overlap_s, 0.0, 0.0, OVERLAP_TOLERANCE_S, overlap_s, "s",
                         status, 0 if status == "high" else 100, rule.weight)


def _pitch_target(i: Inputs) -> float | None:
    return None if i.baseline.pitch_median_st is None else i.baseline.pitch_median_st + i.offsets.pitch_st


RULES: dict[str, Rule] = {
    "loudness": Rule("Loudness", 30, ("too quiet", "too loud"), "dB",
                     measure=lambda i: (i.features.loudness_dbfs, i.baseline.loudness_dbfs + i.offsets.loudness_db)),
    "pitch": Rule("Pitch", 25, ("too low", "too high"), "st",
                  measure=lambda i: (i.features.pitch_median_st, _pitch_target(i))),
    "pace": Rule("Pace", 20, ("too slow", "too fast"), "ratio", measure=_pace, relative=True),
    "pitch_range": Rule("Pitch range", 10, ("too flat", "too wide"), "st",
                        measure=lambda i: (i.features.pitch_range_st, i.baseline.pitch_range_st)),
    "overlap": Rule("Overlap", 10, ("", "talked over the client"), "s", judge=_overlap),
    "latency": Rule("Response time", 5, ("jumped in", "long wait"), "s", judge=_latency),
}
WEIGHTS = {name: rule.weight for name, rule in RULES.items()}
LABELS = {name: rule.label for name, rule in RULES.items()}
WORDS = {name: rule.words for name, rule in RULES.items()}


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


def overall_score(metrics: tuple[MetricVerdict, ...]) -> int:
    """The score from the metrics' scores (see the module notes): >= 80 only when every measure is in band."""
    scored = [m for m in metrics if m.score is not None]
    weight = sum(m.weight for m in scored)
    if not weight:
        return 0
    mean = sum(m.score * m.weight for m in scored) / weight
    if all(m.status == "in" for m in scored):
        return _round(mean)
    score = _round(OUT_OF_BAND_SHARE * mean)
    return min(score, OVERLAP_CAP) if _over_the_client(scored) else score


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

    Bands not given start at their initial width. Latency and overlap come from the
    audio engine and are left out (missing) when not given.
    """
    widths = bands_for(dict(bands or {}))
    inputs = Inputs(features, baseline, offsets, latency_s, overlap_s)
    metrics = tuple(rule.judge(name, inputs) if rule.judge else _banded(name, inputs, widths[name].width)
                    for name, rule in RULES.items())
    return Verdict(metrics, overall_score(metrics), _summary(metrics))
