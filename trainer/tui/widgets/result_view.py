"""The result of one take: each metric beside its target and band, the score, timing, transcript.

Values, targets, bands and the words for "out of band" all come from the verdict; this
only lays them out. Pace is one figure everywhere: the ratio to your calm pace, with
what it counts ("syllables/s, your calm 4.1").
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from trainer.tui.widgets.metric_row import IN_BAND, band_bar, metric_line

WIDE = 92  # from this width on, each row also gets its band bar
LEVEL_SCORE = 80  # the verdict scores 80 or more only when every measure is in band


def _number(value: float | None, unit: str, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f} {unit}".strip()


def _value_text(metric, features) -> str:
    """The measured value in the unit a person knows (Hz for pitch, ×ratio for pace)."""
    if metric.value is None:
        return "–"
    if metric.metric == "pitch" and features.pitch_median_hz:
        return f"{features.pitch_median_hz:.0f} Hz"
    if metric.unit == "ratio":
        return f"×{metric.value:.2f}"
    if metric.metric == "loudness":
        return f"{metric.value:.1f} dBFS"
    return _number(metric.value, metric.unit)


def _delta_text(metric) -> str:
    if metric.value is None or metric.metric in ("overlap", "latency"):
        return ""
    return metric.amount()


def _status_text(metric) -> tuple[str, bool | None]:
    if metric.status == "missing":
        return "not measured", None
    if metric.status == "in":
        return IN_BAND, True
    return metric.direction(), False


class ResultView(Static):
    """Rendered from a `TakeOutcome`; shows nothing until there is one."""

    DEFAULT_CSS = """
    ResultView { height: auto; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self._outcome = None
        self._rating: int | None = None

    def clear(self) -> None:
        self._outcome = None
        self._rating = None
        self.update("")

    def show(self, outcome) -> None:
        if self._outcome is None or self._outcome.take_id != outcome.take_id:
            self._rating = None
        self._outcome = outcome
        self.update(self._text(outcome))

    def show_rating(self, rating: int) -> None:
        self._rating = rating
        if self._outcome is not None:
            self.update(self._text(self._outcome))

    def on_resize(self) -> None:
        if self._outcome is not None:
            self.update(self._text(self._outcome))

    def _text(self, outcome) -> Text:
        text = Text()
        verdict, features, trial = outcome.verdict, outcome.features, outcome.trial
        wide = self.size.width >= WIDE
        if verdict is not None:
            text.append(f"Score {verdict.score}/100  ",
                        style="bold green" if verdict.score >= LEVEL_SCORE else "bold yellow")
            text.append(f"{verdict.summary}\n")
            text.append_text(metric_line("", "you", "target", "change", "", None, Text(""), header=True))
            text.append("\n")
            for m in verdict.metrics:
                status, in_band = _status_text(m)
                bar = band_bar(m.value, m.low, m.high) if wide else Text("")
                text.append_text(metric_line(m.label, _value_text(m, features), m.target_text(), _delta_text(m),
                                             status, in_band, bar))
                text.append("\n")
            pace = verdict.metric("pace")
            if pace is not None and pace.detail:
                text.append(f"Pace ×{pace.value:.2f} of your calm pace ({pace.detail})\n", style="dim")
        else:
            text.append(f"Measured, not judged ({outcome.unjudged or 'no baseline yet'})\n", style="bold")
            rate = features.syllable_rate or features.articulation_rate
            text.append(f"Loudness {_number(features.loudness_dbfs, 'dBFS')} · "
                        f"pitch {_number(features.pitch_median_hz, 'Hz', 0)} · "
                        f"range {_number(features.pitch_range_st, 'st')} · "
                        f"pace {_number(rate, 'syllables/s')}\n")
            if trial.latency_s is not None:
                text.append(f"Answered {trial.latency_s:.1f} s after the client finished"
                            if trial.latency_s >= 0 else f"Started {-trial.latency_s:.1f} s before the client finished")
                text.append("\n")
        if outcome.complete:
            if features.transcript:
                details = [f"{features.wpm:.0f} words/min while speaking"] if features.wpm else []
                if features.fillers:
                    details.append(f"{features.fillers} filler{'s' if features.fillers != 1 else ''}")
                text.append(f"You said ({', '.join(details)}): " if details else "You said: ", style="dim")
                text.append(f"“{features.transcript}”\n", style="italic")
        else:
            text.append("Transcript on its way…\n", style="dim")
        for warning in outcome.warnings:
            text.append(f"⚠ {warning}\n", style="yellow")
        if self._rating is None:
            text.append("How activated did you feel? Press 0 (calm) … 9 (very).", style="bold cyan")
        else:
            text.append(f"You rated this take {self._rating}. Space: the same clip again.", style="cyan")
        return text
