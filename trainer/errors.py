"""Errors a therapist can act on.

Every error the app raises on purpose is a `TrainerError`: its message is one plain
sentence that says what happened and what to do next. The command line prints it as a
single line on stderr and exits with `exit_code`; the TUI shows it as a notice.
"""

from __future__ import annotations


class TrainerError(Exception):
    """Base of all expected errors. `str(err)` is the one-line message for a person."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))

    @property
    def message(self) -> str:
        return str(self)


class ConfigError(TrainerError):
    """The settings file has a bad key or value."""


class DataFolderError(TrainerError):
    """The private data folder cannot be created, written or kept private."""


class AudioFileError(TrainerError):
    """An input audio or video file is missing, empty, corrupt or has no audio."""

    exit_code = 2


class AudioDeviceError(TrainerError):
    """A microphone or speaker is missing, busy, unsupported or went away."""


class DiskFullError(TrainerError):
    """The disk filled up while writing."""


class ModelError(TrainerError):
    """The transcription model cannot be found or loaded."""


class DrillError(TrainerError):
    """A drill file is invalid, missing or clashes with another."""


class StoreError(TrainerError):
    """The practice history database cannot be read or written."""


class AlreadyRunningError(TrainerError):
    """Another Level Voice window is already recording."""


class NoBaselineError(TrainerError):
    """No calm-voice baseline has been recorded yet."""


class CalibrationError(TrainerError):
    """The calm-voice recordings cannot make a baseline (no speech, nothing measurable)."""
