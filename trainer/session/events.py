"""What the session reports while it works, beside the audio engine's own events.

The audio engine posts PlaybackProgress, YourTurn, Live, SpeechStarted and Stopped
(trainer.audio.events); the session adds the analysis side below. All are small frozen
values, handed to a `post(event)` callable from the worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class TakeOutcome:
    """A take as measured and judged. Posted twice: acoustic first, then `complete` with transcript."""

    take_id: int | None
    drill_id: str
    take_path: Path
    trial: Any  # trainer.audio.trial.TrialResult
    features: Any  # trainer.analysis.features.TakeFeatures
    verdict: Any | None  # trainer.practice.verdict.Verdict; None without a baseline or without speech
    complete: bool
    warnings: tuple[str, ...] = ()
    counted: bool = True  # counts as a take (trainer.practice.counting)
    unjudged: str | None = None  # why there is no verdict, in a few words (None when judged)
    review: Any | None = None  # trainer.practice.review.TakeReview: phrase by phrase (after ReviewReady)
    best: Any | None = None  # trainer.practice.best.BestComparison: beside the personal best (after ReviewReady)

    def to_dict(self) -> dict:
        """JSON-ready: what `levelvoice take --json` prints."""
        data = {"take_id": self.take_id, "drill_id": self.drill_id, "take_path": str(self.take_path),
                "counted": self.counted, "unjudged": self.unjudged}
        data.update({k: v for k, v in self.trial.to_dict().items() if k != "take_path"})
        data["analysis"] = self.features.to_dict()
        data["verdict"] = None if self.verdict is None else self.verdict.to_dict()
        pace = None if self.verdict is None else self.verdict.metric("pace")
        data["pace"] = None if pace is None or pace.value is None else {
            "ratio": round(pace.value, 3), "target": pace.target, "counted": pace.detail,
            "text": f"pace ×{pace.value:.2f} ({pace.detail})"}
        data["warnings"] = list(self.warnings)
        data["phrases"] = None if self.review is None else self.review.to_dict()
        data["against_best"] = None if self.best is None else self.best.to_dict()
        return data


@dataclass(frozen=True)
class AnalysisWaiting:
    """The take is recorded; its analysis waits for the engine to finish loading."""

    reason: str


@dataclass(frozen=True)
class ResultReady:
    """The acoustic result, judged and stored; the transcript follows."""

    outcome: TakeOutcome


@dataclass(frozen=True)
class ReviewReady:
    """The same take reviewed: phrase by phrase (`outcome.review`) and beside the personal best
    (`outcome.best`). Posted between ResultReady and TranscriptReady."""

    outcome: TakeOutcome


@dataclass(frozen=True)
class TranscriptReady:
    """The same take completed with transcript, words per minute and fillers."""

    outcome: TakeOutcome


@dataclass(frozen=True)
class TakeFailed:
    """No result for this take; `message` says why and what to do. The audio is kept."""

    message: str
    take_path: Path | None = None
    trial: Any | None = None  # trainer.audio.trial.TrialResult, when the recording was made


@dataclass(frozen=True)
class WarmUpDone:
    """Heavy libraries are loaded; `problem` says why transcription is off, if it is."""

    seconds: float
    problem: str | None = None
    recovered_takes: int = 0
