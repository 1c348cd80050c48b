"""Where in the answer the voice went: each phrase of a take against the take's own bands.

The take's verdict says, per measure, what band the answer had to stay in. The review
puts every phrase against that same band: in band, above or below, so a therapist sees
"level for the first sentence, loud on the third". The stretch spoken while the client
was still talking is marked.

A measure is one entry of `PHRASE_METRICS`: the verdict metric it is judged with, and
how to read its value from a phrase and the calm baseline (in the verdict metric's unit).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

Status = Literal["in", "high", "low", "missing"]


@dataclass(frozen=True)
class PhraseMetric:
    """A measure shown phrase by phrase, judged with the verdict's band of the same name."""

    name: str  # the verdict metric
    label: str
    value: Callable[[Any, Any], float | None]  # (phrase, baseline or None) -> value in the verdict metric's unit


PHRASE_METRICS: tuple[PhraseMetric, ...] = (
    PhraseMetric("loudness", "Loudness", lambda phrase, baseline: phrase.loudness_dbfs),
    PhraseMetric("pitch", "Pitch", lambda phrase, baseline: phrase.pitch_median_st),
)


@dataclass(frozen=True)
class PhraseCell:
    """One measure of one phrase against the take's band."""

    metric: str
    value: float | None
    delta: float | None  # value - target (None without a target)
    status: Status
    words: str  # what "high"/"low" mean here ("too loud"), "" in band or missing
    unit: str = ""  # of value and delta, as the verdict has it ("dB", "st")


@dataclass(frozen=True)
class PhraseReview:
    """One phrase: where it lies in the take, what was said, and each measure's status."""

    index: int
    start_s: float  # in the analysed answer
    end_s: float
    cells: tuple[PhraseCell, ...]
    over_client: bool  # some of it was spoken while the client was still talking
    text: str = ""  # the words said in it (once the transcript is there)

    def cell(self, metric: str) -> PhraseCell | None:
        return next((c for c in self.cells if c.metric == metric), None)


@dataclass(frozen=True)
class TakeReview:
    """A take phrase by phrase. Times are seconds of the analysed answer, which begins
    `answer_start_s` into the take's recording (where playback from a phrase starts)."""

    phrases: tuple[PhraseReview, ...]
    metrics: tuple[tuple[str, str], ...]  # (name, label) of each row, in order
    answer_start_s: float
    span_s: float  # the answer's length as analysed
    client_until_s: float | None  # the client was talking until here (in answer time), when overlapped
    judged: bool  # False without a verdict: statuses are all missing

    def play_from_s(self, index: int) -> float:
        """Where in the recording phrase `index` starts (a little before, so its first sound is heard)."""
        phrase = self.phrases[index]
        return max(0.0, self.answer_start_s + phrase.start_s - 0.15)

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer_start_s": self.answer_start_s, "span_s": self.span_s, "client_until_s": self.client_until_s,
            "judged": self.judged,
            "phrases": [{"index": p.index, "start_s": p.start_s, "end_s": p.end_s, "over_client": p.over_client,
                         "text": p.text,
                         "metrics": {c.metric: {"value": c.value, "delta": c.delta, "status": c.status}
                                     for c in p.cells}} for p in self.phrases],
        }


def _cell(entry: PhraseMetric, phrase, verdict, baseline) -> PhraseCell:
    value = entry.value(phrase, baseline)
    judged = None if verdict is None else verdict.metric(entry.name)
    if value is None or judged is None or judged.status == "missing" or judged.high is None:
        return PhraseCell(entry.name, value, None, "missing", "", "" if judged is None else judged.unit)
    delta = None if judged.target is None else round(value - judged.target, 2)
    if judged.low is not None and value < judged.low:
        status: Status = "low"
    elif value > judged.high:
        status = "high"
    else:
        status = "in"
    words = replace(judged, status=status).direction()
    return PhraseCell(entry.name, value, delta, status, words, judged.unit)


def review_take(phrases: Sequence, verdict, *, answer_start_s: float, span_s: float,
                client_until_s: float | None = None, texts: Sequence[str] = (), baseline=None,
                metrics: Sequence[PhraseMetric] = PHRASE_METRICS) -> TakeReview:
    """Each phrase (`trainer.analysis.phrases.Phrase`) against the take's `verdict` bands.

    `baseline`: the calm baseline the verdict was judged with (a measure relative to the
    speaker, like the edge, needs it to read a phrase's value).
    `client_until_s`: when the answer began before the client finished, where (in answer
    time) the client stopped; phrases starting before it are marked. `texts`: the words of
    each phrase (`words_by_phrase`), when there is a transcript.
    """
    rows = []
    for i, phrase in enumerate(phrases):
        over = client_until_s is not None and phrase.start_s < client_until_s
        rows.append(PhraseReview(phrase.index, phrase.start_s, phrase.end_s,
                                 tuple(_cell(entry, phrase, verdict, baseline) for entry in metrics), over,
                                 texts[i] if i < len(texts) else ""))
    return TakeReview(tuple(rows), tuple((m.name, m.label) for m in metrics), round(answer_start_s, 3),
                      round(span_s, 3), client_until_s, verdict is not None)
