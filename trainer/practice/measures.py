"""What the practice rules need from other layers, as small protocols.

`trainer.analysis.features.TakeFeatures` satisfies `Measures`, and
`trainer.drills.TargetOffsets` satisfies `Offsets`; the practice rules depend only on
these attributes, so they can be tested with plain stand-in objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Measures(Protocol):
    """The measurements of one spoken answer (None where they could not be measured)."""

    @property
    def loudness_dbfs(self) -> float | None: ...  # level over speech, dB full scale

    @property
    def pitch_median_st(self) -> float | None: ...  # semitones re 100 Hz

    @property
    def pitch_range_st(self) -> float | None: ...  # spread of pitch, semitones

    @property
    def wpm(self) -> float | None: ...  # words per minute (needs a transcript)

    @property
    def articulation_rate(self) -> float | None: ...  # syllables per second of speech

    @property
    def speech_s(self) -> float | None: ...  # seconds of speech in the answer

    @property
    def alpha_ratio_db(self) -> float | None: ...  # spectral tilt of the voiced speech (brighter: higher)


class Offsets(Protocol):
    """A drill's shift of the target away from the calm baseline."""

    @property
    def loudness_db(self) -> float: ...

    @property
    def pitch_st(self) -> float: ...

    @property
    def pace_ratio(self) -> float: ...


@dataclass(frozen=True)
class NoOffsets:
    """The target is the calm baseline itself."""

    loudness_db: float = 0.0
    pitch_st: float = 0.0
    pace_ratio: float = 1.0


NO_OFFSETS = NoOffsets()
