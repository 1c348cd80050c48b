"""Headless orchestration of the practice loop: play → record → analyse → judge → store.

Both the TUI and `levelvoice take` use `Practice`. Long calls (`run_take`, `warm_up`,
`calibrate_answer`) block the calling thread and report progress through a `post(event)`
callable; nothing here knows about Textual, so the whole loop is testable without it.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from trainer import config, paths
from trainer.errors import TrainerError

Post = Callable[[Any], None]


# ---- events the session adds to the audio engine's own (trainer.audio.events) ----

@dataclass(frozen=True)
class AnalysisWaiting:
    """The take is recorded, but the analysis engine is still loading."""

    reason: str


@dataclass(frozen=True)
class ResultReady:
    """Acoustic result of a take (transcript may follow in `TranscriptReady`)."""

    outcome: "TakeOutcome"


@dataclass(frozen=True)
class TranscriptReady:
    """The same take, now with transcript, words per minute and fillers."""

    outcome: "TakeOutcome"


@dataclass(frozen=True)
class TakeFailed:
    """The take could not be made or analysed; `message` says what to do."""

    message: str
    take_path: Path | None = None


@dataclass(frozen=True)
class WarmUpDone:
    """Heavy libraries and the model are loaded; `problem` is set when the model is unusable."""

    seconds: float
    problem: str | None = None


# ---- what the session returns ----

@dataclass(frozen=True)
class TakeOutcome:
    take_id: int | None
    drill_id: str
    take_path: Path
    trial: Any  # trainer.audio.trial.TrialResult
    features: Any  # trainer.analysis.features.TakeFeatures
    verdict: Any | None  # trainer.practice.verdict.Verdict, None without a baseline
    complete: bool  # True once the transcript is in
    warnings: tuple[str, ...] = ()
