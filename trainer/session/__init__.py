"""Headless orchestration of the practice loop: play → record → analyse → judge → store.

`Practice` is what the TUI and the command line use; nothing here knows about Textual.
Blocking calls report progress through a `post(event)` callable (see events.py).
"""

from trainer.session.events import (
    AnalysisWaiting,
    ResultReady,
    ReviewReady,
    TakeFailed,
    TakeOutcome,
    TranscriptReady,
    WarmUpDone,
)
from trainer.session.practice import DrillCard, Practice, ProgressView, RecentTake, TodaySummary

__all__ = [
    "AnalysisWaiting", "DrillCard", "Practice", "ProgressView", "RecentTake", "ResultReady", "ReviewReady",
    "TakeFailed",
    "TakeOutcome", "TodaySummary", "TranscriptReady", "WarmUpDone",
]
