"""Takes embedded in the report (--with-audio only): mono Ogg Opus in a `data:` URI.

Opus at 24 kHz keeps all of a voice at about 4 KB a second, so a 20 s take adds about
100 KB to the page, where its FLAC would add a megabyte.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from trainer.errors import TrainerError

RATE = 24000  # Opus needs 8, 12, 16, 24 or 48 kHz


def data_uri(path: Path | str | None) -> str | None:
    """The take at `path` as an `audio/ogg` data URI; None when the file is gone or unreadable."""
    if path is None or not Path(path).is_file():
        return None
    import numpy as np
    import soundfile as sf
    import soxr

    from trainer.media import read_audio

    try:
        audio = read_audio(path, mono=True)
    except TrainerError:
        return None
    samples = audio.samples if audio.rate == RATE else soxr.resample(audio.samples, audio.rate, RATE)
    buffer = io.BytesIO()
    sf.write(buffer, np.clip(samples, -1.0, 1.0), RATE, format="OGG", subtype="OPUS")
    return "data:audio/ogg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
