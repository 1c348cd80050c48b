"""A practice history with fixed dates and values, for snapshot tests of the screens.

Everything is built through the real store and the real practice rules; only the clock
is fixed (Friday 20 November 2026, 09:30 in Berlin) and the measured features are
given instead of recorded, so the screens render the same on every machine.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from trainer import config
from trainer.analysis.features import Segment, TakeFeatures
from trainer.analysis.syllables import count_syllables
from trainer.audio.trial import TrialResult
from trainer.practice.bands import bands_for, update_bands
from trainer.practice.baseline import Baseline
from trainer.practice.verdict import judge
from trainer.session import Practice, TakeOutcome
from trainer.store import open_store
from trainer.store.records import TakeRecord

NOW = datetime(2026, 11, 20, 8, 30, tzinfo=timezone.utc)
DRILL = "anger-1-pharmacy"
TRANSCRIPT = ("I can hear how much this morning took out of you. Forty minutes, and then nothing. "
              "Tell me what that was like.")


def features(*, loudness: float, pitch_st: float, range_st: float, rate: float, transcript: str | None = TRANSCRIPT
             ) -> TakeFeatures:
    words = len(transcript.split()) if transcript else None
    syllables = count_syllables(transcript) if transcript else None
    sounding = 6.0
    return TakeFeatures(
        duration_s=9.0, onset_s=0.8, offset_s=7.9, speech_s=6.3, pause_ratio=0.11,
        segments=(Segment(0.8, 4.1), Segment(4.5, 7.9)), loudness_dbfs=loudness, loudness_lufs=loudness + 2.5,
        loudness_sd_db=2.1, peak_dbfs=loudness + 14, clipping=False,
        pitch_median_hz=round(100 * 2 ** (pitch_st / 12), 1), pitch_median_st=pitch_st, pitch_range_st=range_st,
        pitch_sd_st=range_st / 3, voiced_ratio=0.72, wpm=None if words is None else round(words / sounding * 60, 1),
        articulation_rate=rate, words=words, transcript=transcript, fillers=0 if transcript else None,
        sounding_s=sounding, syllables=syllables,
        syllable_rate=None if syllables is None else round(syllables / sounding * rate / 4.6, 3),
    )


def trial(latency: float = 0.9, overlap: float = 0.0) -> TrialResult:
    return TrialResult(
        take_path=Path("/nonexistent/take.flac"), rate=48000, clip_duration_s=8.97, latency_s=latency,
        overlap_s=overlap, speech_onset_s=9.9, speech_end_s=17.0, interrupted=False, overflows=0,
        no_response=False, stopped_by="silence", message=None, clip_start_s=0.05, clip_end_s=9.02,
        take_duration_s=18.5,
    )


BASELINE = Baseline(id=None, created_at=NOW - timedelta(days=20), device="default", loudness_dbfs=-24.0,
                    pitch_median_st=3.0, pitch_range_st=6.0, wpm=200.0, articulation_rate=4.2,
                    sources=("answer1.flac", "answer2.flac", "answer3.flac"), syllable_rate=4.0)

# (days ago, minutes practised) — a missed day 6 days ago is covered by no freeze yet
PRACTICE_DAYS = [(12, 16), (11, 15), (10, 18), (9, 15), (8, 20), (7, 16), (6, 0), (5, 15), (4, 17), (3, 6),
                 (2, 15), (1, 22)]
# (loudness dBFS, pitch st, range st, syllables/s, latency s, rating) for past takes of DRILL, oldest first
TAKES = [(-19.0, 6.2, 9.5, 5.4, 0.1, 8), (-20.5, 5.0, 8.0, 5.1, 0.3, 7), (-21.5, 4.1, 7.5, 4.9, 0.6, 6),
         (-22.0, 3.9, 7.0, 4.6, 0.8, 5), (-23.0, 3.5, 6.5, 4.4, 1.0, 4), (-23.5, 3.2, 6.2, 4.3, 1.1, 3)]


def seeded_practice(home: Path) -> Practice:
    """A Practice on a fresh LEVELVOICE_HOME with the fixed history above."""
    settings = config.update(config.Settings(), timezone="Europe/Berlin")
    config.save(settings)
    store = open_store()
    baseline = store.add_baseline(BASELINE)
    for days_ago, minutes in PRACTICE_DAYS:
        if minutes:
            start = NOW - timedelta(days=days_ago)
            store.add_practice(start, start + timedelta(minutes=minutes))
    bands = bands_for({})
    for i, (loud, pitch, rng, rate, latency, rating) in enumerate(TAKES):
        f = features(loudness=loud, pitch_st=pitch, range_st=rng, rate=rate)
        verdict = judge(f, baseline, bands=bands, latency_s=latency, overlap_s=0.0)
        bands = update_bands(bands, verdict.outcomes())
        at = NOW - timedelta(days=len(TAKES) - i, minutes=5)
        store.add_take(TakeRecord(drill_id=DRILL, at=at, features=f.to_dict(), verdict=verdict.to_dict(),
                                  rating=rating, latency_s=latency, overlap_s=0.0, baseline_id=baseline.id,
                                  difficulty="beginner"), bands=bands)
    return Practice(settings=settings, store=store, clock=lambda: NOW, transcribe=False)


def result_outcome(practice: Practice) -> TakeOutcome:
    """A take of DRILL as the drill screen receives it: judged against the fixed baseline and stored."""
    f = features(loudness=-21.2, pitch_st=5.1, range_st=6.6, rate=4.6)
    outcome = practice.judge_and_store(practice.drill(DRILL), trial(latency=0.9), f)
    return replace(outcome, complete=True)
