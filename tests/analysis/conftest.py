"""Fixtures for the analysis tests: the real voices, decoded once, and one shared transcriber."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import SPEECH_FILES


@lru_cache(maxsize=None)
def voice(path: Path) -> tuple[np.ndarray, int]:
    """Mono float32 samples and rate of a speech file (cached for the session)."""
    from trainer.media import read_audio

    audio = read_audio(path, mono=True)
    audio.samples.setflags(write=False)
    return audio.samples, audio.rate


@lru_cache(maxsize=None)
def features_of(path: Path):
    from trainer.analysis import acoustic_features

    return acoustic_features(*voice(path))


@pytest.fixture(params=SPEECH_FILES, ids=lambda p: p.stem)
def speech(request) -> tuple[Path, np.ndarray, int]:
    """(path, samples, rate) for each of the three real voices."""
    samples, rate = voice(request.param)
    return request.param, samples, rate


@pytest.fixture(scope="session")
def transcriber():
    """The bundled model, loaded once for the session."""
    from trainer.analysis import Transcriber

    return Transcriber()
