"""Measuring a spoken take: pure functions on numpy arrays, frozen dataclasses out.

Nothing here imports Textual, SQLite or sounddevice. The names below are imported on
first use, so `from trainer.analysis import model` stays light.

- `acoustic_features(samples, rate)`: activity, loudness, pitch, articulation, fillers, voice quality.
- `add_transcript(features, transcript)`, `analyze(samples, rate, transcriber=)`.
- `compare(features, reference) -> Comparison`.
- `Transcriber`, `Transcript`, `Word`, `IncrementalTranscriber`.
- `SpeechDetector` (speech found live, block by block: the recorder's), `LivePitch` (its pitch).
- `warm_up()`: pay one-time costs in a background thread at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "acoustic_features": "take", "add_transcript": "take", "analyze": "take", "compare": "take",
    "without_transcript": "take", "warm_up": "take",
    "TakeFeatures": "features", "Segment": "features", "Comparison": "features",
    "Transcriber": "transcribe", "Transcript": "transcribe", "Word": "transcribe",
    "IncrementalTranscriber": "transcribe",
    "SpeechDetector": "speech", "Onset": "speech",
    "LivePitch": "pitch",
    "AudioInputError": "signal",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from trainer.analysis.features import Comparison, Segment, TakeFeatures
    from trainer.analysis.pitch import LivePitch
    from trainer.analysis.signal import AudioInputError
    from trainer.analysis.speech import Onset, SpeechDetector
    from trainer.analysis.take import acoustic_features, add_transcript, analyze, compare, warm_up, without_transcript
    from trainer.analysis.transcribe import IncrementalTranscriber, Transcriber, Transcript, Word


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"trainer.analysis.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'trainer.analysis' has no attribute {name!r}")
