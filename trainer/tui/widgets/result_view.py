"""The result of one take: each metric against its band, the score, timing, transcript."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from trainer.tui.widgets.metric_row import band_bar, metric_line


def _number(value: float | None, unit: str, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f} {unit}".strip()


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

    def show(self, outcome, practice) -> None:
        if self._outcome is None or self._outcome.take_id != outcome.take_id:
            self._rating = None
        self._outcome = outcome
        self.update(self._render(outcome))

    def show_rating(self, rating: int) -> None:
        self._rating = rating
        if self._outcome is not None:
            self.update(self._render(self._outcome))

    def _render(self, outcome) -> Text:
        text = Text()
        verdict = outcome.verdict
        if verdict is not None:
            text.append("Level-voice score ", style="bold")
            text.append(f"{verdict.score}", style="bold green" if verdict.score >= 70 else "bold yellow")
            text.append(" / 100", style="bold")
            text.append(f"   {verdict.summary}\n", style="dim")
            for m in verdict.metrics:
                digits = 2 if m.unit == "×" else 1
                value = _number(m.value, m.unit_display if hasattr(m, "unit_display") else m.unit, digits)
                delta = "" if m.delta is None else f"{m.delta:+.{digits}f}"
                text.append_text(metric_line(m.label, value, delta, m.status, band_bar(m.value, m.low, m.high)))
                text.append("\n")
        else:
            features = outcome.features
            text.append("Measured (no baseline yet, so not judged: calibrate from the Today screen)\n", style="bold")
            text.append(f"Loudness {_number(features.loudness_dbfs, 'dBFS')}   "
                        f"Pitch {_number(features.pitch_median_hz, 'Hz', 0)}   "
                        f"Range {_number(features.pitch_range_st, 'st')}   "
                        f"Pace {_number(features.articulation_rate, 'syll/s')}\n")
        trial = outcome.trial
        text.append("Response ", style="bold")
        if trial.latency_s is not None:
            text.append(f"started {trial.latency_s:.1f} s after the client finished" if trial.latency_s >= 0
                        else f"started {-trial.latency_s:.1f} s before the client finished")
        if trial.overlap_s and trial.overlap_s > 0.05:
            text.append(f"  · talked over the client for {trial.overlap_s:.1f} s", style="yellow")
        text.append("\n")
        features = outcome.features
        if outcome.complete:
            if features.transcript:
                pace = f"{features.wpm:.0f} wpm" if features.wpm else ""
                fillers = f", {features.fillers} filler{'s' if features.fillers != 1 else ''}" if features.fillers else ""
                text.append(f"You said ({pace}{fillers}): ", style="dim")
                text.append(f"“{features.transcript}”\n", style="italic")
        else:
            text.append("Transcript on its way…\n", style="dim")
        for warning in outcome.warnings:
            text.append(f"⚠ {warning}\n", style="yellow")
        if self._rating is None:
            text.append("How activated did you feel? Press 0 (calm) … 9 (very).", style="cyan")
        else:
            text.append(f"You rated this take {self._rating} (press another digit to change).", style="cyan")
        return text
