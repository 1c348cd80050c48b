"""Pace: one figure, the take's speaking rate as a ratio to the calm baseline's.

Two counts of the same syllables go into it, each over the same time base (sounding
speech: every silence left out, see `trainer.analysis.pace.sounding_frames`):

- acoustic: syllable nuclei per second (`articulation_rate`), always there;
- transcript: the transcript's words' syllables per second (`syllable_rate`), when the
  take and the baseline both have a transcript.

When both ratios are there and agree within `AGREEMENT` (10 %), pace is their geometric
mean: two independent counts err independently, so their mean errs less than either.
When they disagree, the transcript has most likely lost words (whisper sometimes drops a
stretch of speech) and the acoustic ratio alone is used. Words per minute (of the
same sounding time) is only a last resort, for a take or baseline without either rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from trainer.practice.measures import Measures

PACE_METHOD = 3  # 1: nuclei over speech with short pauses; 2: voicing on a fixed scale, no barely voiced words
# in the time base (earlier versions); 3: this module's rule with trainer.analysis.pace as it is now
AGREEMENT = 0.10  # the transcript's ratio may differ this much from the acoustic one and still count

BOTH = "transcript+acoustic"
ACOUSTIC = "acoustic"
TRANSCRIPT = "transcript"
WORDS = "words/min"

# what each basis counts, for a person
BASIS_WORDS = {BOTH: "syllables/s", ACOUSTIC: "syllables/s", TRANSCRIPT: "syllables/s", WORDS: "words/min"}


@dataclass(frozen=True)
class Pace:
    """The take's pace relative to a reference."""

    ratio: float  # take / reference
    basis: str  # BOTH, ACOUSTIC, TRANSCRIPT or WORDS
    reference_rate: float  # the reference's rate in `unit` (the calm figure shown beside the ratio)

    @property
    def unit(self) -> str:
        return BASIS_WORDS[self.basis]


def _ratio(take: float | None, reference: float | None) -> float | None:
    return take / reference if take and reference else None


def _syllable_rate(m) -> float | None:
    return getattr(m, "syllable_rate", None)


def pace_between(take: Measures, reference: Measures) -> Pace | None:
    """The take's pace relative to `reference` (see the module notes); None when neither has a rate.

    A reference measured by an earlier pace method (a baseline from before `PACE_METHOD`)
    gives no pace: its rates were counted over another time base and cannot be compared.
    """
    if getattr(reference, "pace_method", PACE_METHOD) != PACE_METHOD:
        return None
    acoustic = _ratio(take.articulation_rate, reference.articulation_rate)
    transcript = _ratio(_syllable_rate(take), _syllable_rate(reference))
    if acoustic is not None and transcript is not None and abs(transcript / acoustic - 1) <= AGREEMENT:
        return Pace(math.sqrt(acoustic * transcript), BOTH, _syllable_rate(reference))
    if acoustic is not None:
        return Pace(acoustic, ACOUSTIC, reference.articulation_rate)
    if transcript is not None:
        return Pace(transcript, TRANSCRIPT, _syllable_rate(reference))
    words = _ratio(take.wpm, reference.wpm)
    if words is not None:
        return Pace(words, WORDS, reference.wpm)
    return None


def describe(pace: Pace | None, reference: str = "your calm") -> str:
    """One phrase, the same everywhere: "pace ×1.31 (syllables/s, your calm 4.1)"."""
    if pace is None:
        return "pace not measured"
    return f"pace ×{pace.ratio:.2f} ({pace.unit}, {reference} {pace.reference_rate:.1f})"


def own_pace(take: Measures) -> tuple[float, str] | None:
    """A take's own speaking rate without a reference: (syllables/s, what counted them).

    The transcript's syllables when there is a transcript (the truer count), else the
    acoustic nuclei (which read lower than the text's syllables, so compare those only
    with other acoustic counts).
    """
    if _syllable_rate(take):
        return _syllable_rate(take), "from the transcript"
    if take.articulation_rate:
        return take.articulation_rate, "syllable nuclei, from the sound"
    return None
