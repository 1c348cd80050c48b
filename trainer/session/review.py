"""Reviewing a take after its result: where in the answer the voice went, and against your best.

Both are made right after the result is on screen (`TakeRunner.measure` posts them as
`ReviewReady`), so the score never waits for them.
"""

from __future__ import annotations

from collections.abc import Sequence


def client_until_s(trial, answer_start_s: float) -> float | None:
    """Where, in answer time, the client stopped talking, when the answer began before that."""
    clip_end = getattr(trial, "clip_end_s", None)
    if not trial.overlap_s or clip_end is None or clip_end <= answer_start_s:
        return None
    return round(clip_end - answer_start_s, 3)


def measure_phrases(features, audio) -> tuple:
    """The answer's phrases (`trainer.analysis.phrases.Phrase`), measured on `audio` (the answer as
    analysed, whose speech segments `features` holds)."""
    from trainer.analysis.phrases import phrase_measures

    return phrase_measures(audio.samples, audio.rate, features.segments) if features.segments else ()


def review_of(phrases: Sequence, verdict, trial, answer_start_s: float, span_s: float, words: Sequence = (),
              baseline=None):
    """The phrases against the take's bands (`trainer.practice.review.TakeReview`).

    The answer starts `answer_start_s` into the recording; `words` are a transcript's words
    in recording time, when there is one.
    """
    from trainer.analysis.phrases import words_by_phrase
    from trainer.practice.review import review_take

    texts = words_by_phrase(phrases, words, offset_s=answer_start_s) if words else ()
    return review_take(phrases, verdict, answer_start_s=answer_start_s, span_s=span_s,
                       client_until_s=client_until_s(trial, answer_start_s), texts=texts, baseline=baseline)


def against_best(store, drill_id: str, take_id: int | None):
    """This stored take beside the drill's personal best before it and the calm baseline
    (`trainer.practice.best.BestComparison`); None when the take was not stored."""
    from trainer.practice.best import compare_with_best

    if take_id is None:
        return None
    this = store.take(take_id)
    if this is None:
        return None
    baseline = None
    if this.baseline_id is not None:
        baseline = next((b for b in store.baselines() if b.id == this.baseline_id), None)
    return compare_with_best(this, store.best_take(drill_id, exclude=take_id), baseline or store.latest_baseline())
