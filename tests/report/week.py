"""A week of practice with known figures: the golden data of the report tests and its screenshot.

Built through the real store and the real practice rules (judge, staircases); only the
measured features are given instead of recorded. The therapist practises four bundled
drills from Saturday 14 to Friday 20 November 2026 (Berlin): loud, high and quick at
first, levelling out through the week; ratings fall from 8 to 2; three takes are too
short to count; one day is recorded on the laptop's microphone; the rule suggests moving
anger up to intermediate on Wednesday and the therapist does so on Thursday.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from trainer.analysis.features import Segment, TakeFeatures
from trainer.practice.bands import bands_for, update_bands
from trainer.practice.baseline import Baseline
from trainer.practice.counting import counts_as_take
from trainer.practice.verdict import judge
from trainer.store.records import TakeRecord

TZ = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 20, 17, 30, tzinfo=timezone.utc)  # Friday 18:30 in Berlin
FIRST_DAY = datetime(2026, 11, 14, tzinfo=TZ).date()
GOAL = 15
HEADSET = "USB headset"
LAPTOP = "Laptop microphone"
BASELINE = Baseline(None, datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc), HEADSET, -26.0, 7.0, 5.0, 150.0, 4.2,
                    ("answer1.flac", "answer2.flac", "answer3.flac"), alpha_ratio_db=-12.0)
# day offset from FIRST_DAY -> (minutes of practice, [(drill, difficulty), ...] in order)
PLAN = {
    0: (18, [("anger-1-pharmacy", "beginner")] * 5 + [("despair-1-same-every-week", "beginner")] * 3),
    1: (16, [("anger-1-pharmacy", "beginner")] * 4 + [("competence-1-how-long", "beginner")] * 3),
    2: (8, [("despair-1-same-every-week", "beginner")] * 3),
    3: (0, []),
    4: (21, [("anger-1-pharmacy", "beginner")] * 6 + [("competence-1-how-long", "beginner")] * 3),
    5: (17, [("anger-2-rescheduled", "intermediate")] * 5 + [("despair-1-same-every-week", "beginner")] * 3),
    6: (19, [("anger-2-rescheduled", "intermediate")] * 6 + [("competence-1-how-long", "beginner")] * 2),
}
LAPTOP_DAY = 2
SHORT_TAKES = {(0, 2), (4, 7), (6, 0)}  # (day, take number that day): less than 3 s of speech
NOTES = {(0, 0): "Loud from the first word: I braced for the shouting.",
         (1, 3): "Caught myself speeding up on 'I hear you'.",
         (4, 5): "Felt level; slowed the second sentence on purpose.",
         (6, 0): "Started before she finished, again."}
DEVICE_LOST = (5, 7)
OVERFLOW_TAKE = (4, 2)


@dataclass(frozen=True)
class Week:
    takes: list[TakeRecord]  # as stored, with ids
    baseline: Baseline
    practice: list[tuple[datetime, datetime]]


def _features(progress: float, rng: random.Random, short: bool) -> TakeFeatures:
    """A take `progress` (0 .. 1) through the week: from tense to level."""
    loud = -26.0 + 6.0 * (1 - progress) + rng.gauss(0, 1.0)
    pitch = 7.0 + 2.8 * (1 - progress) + rng.gauss(0, 0.4)
    spread = 5.0 + 2.5 * (1 - progress) + rng.gauss(0, 0.4)
    rate = 4.2 * (1.0 + 0.28 * (1 - progress)) + rng.gauss(0, 0.1)
    speech = 1.6 if short else round(rng.uniform(7, 16), 2)
    onset = 0.6
    return TakeFeatures(
        duration_s=round(onset + speech * 1.2 + 1.5, 2), onset_s=onset, offset_s=round(onset + speech * 1.2, 2),
        speech_s=speech, pause_ratio=0.15, segments=(Segment(onset, round(onset + speech * 1.2, 2)),),
        loudness_dbfs=round(loud, 2), loudness_lufs=round(loud + 2, 2), loudness_sd_db=2.0, peak_dbfs=round(loud + 15, 2),
        clipping=False, pitch_median_hz=round(100 * 2 ** (pitch / 12), 1), pitch_median_st=round(pitch, 2),
        pitch_range_st=round(spread, 2), pitch_sd_st=round(spread / 3, 2), voiced_ratio=0.7, wpm=None,
        articulation_rate=round(rate, 2), words=None, transcript=None, fillers=0,
        # brighter with loudness along the typical line, and a pressed edge of 2.5 dB that fades
        alpha_ratio_db=round(-12.0 + 0.5 * (loud + 26.0) + 2.5 * (1 - progress), 2),
    )


def build_week(store, *, audio_source: Path | None = None, takes_dir: Path | None = None, seed: int = 17) -> Week:
    """Fill an empty store with the week (and two takes the week before); returns what was stored.

    With `audio_source` (a sound file) and `takes_dir`, every take gets a real recording (a
    copy of that file), for the tests of embedded audio.
    """
    rng = random.Random(seed)
    baseline = store.add_baseline(BASELINE)
    for drill_id, title in (("anger-1-pharmacy", "Nobody does their job"),):
        store.register_drill(drill_id, title=title, now=BASELINE.created_at)
    bands: dict[str, dict] = {}
    stored: list[TakeRecord] = []
    practice = []
    total = sum(len(p[1]) for p in PLAN.values())
    number = 0
    earlier = [(FIRST_DAY - timedelta(days=6), "anger-1-pharmacy"), (FIRST_DAY - timedelta(days=5), "anger-1-pharmacy")]
    for day, drill_id in earlier:
        start = datetime.combine(day, datetime.min.time(), TZ).replace(hour=19)
        f = _features(0.0, rng, False)
        drill_bands = bands.setdefault(drill_id, bands_for({}))
        verdict = judge(f, baseline, bands=drill_bands, latency_s=0.3, overlap_s=0.0)
        bands[drill_id] = update_bands(drill_bands, verdict.outcomes())
        stored.append(_store(store, TakeRecord(drill_id=drill_id, at=start, features=f.to_dict(),
                                               verdict=verdict.to_dict(), rating=8, device=HEADSET, latency_s=0.3,
                                               overlap_s=0.0, baseline_id=baseline.id, difficulty="beginner"),
                             bands[drill_id], audio_source, takes_dir))
        practice.append((start, start + timedelta(minutes=16)))
    for day_offset, (minutes, plan) in sorted(PLAN.items()):
        day = FIRST_DAY + timedelta(days=day_offset)
        start = datetime.combine(day, datetime.min.time(), TZ).replace(hour=8, minute=10)
        if minutes:
            practice.append((start, start + timedelta(minutes=minutes)))
        for i, (drill_id, difficulty) in enumerate(plan):
            progress = number / (total - 1)
            number += 1
            short = (day_offset, i) in SHORT_TAKES
            f = _features(progress, rng, short)
            latency = round(0.1 + 1.1 * progress + rng.gauss(0, 0.1), 2)
            overlap = 1.2 if (progress < 0.35 and i % 3 == 0) or (day_offset, i) == (6, 0) else 0.0
            drill_bands = bands.setdefault(drill_id, bands_for({}))
            verdict = judge(f, baseline, bands=drill_bands, latency_s=latency, overlap_s=overlap)
            counted = counts_as_take(f.speech_s)
            if counted:
                bands[drill_id] = update_bands(drill_bands, verdict.outcomes())
            rating = None if i % 4 == 3 else max(0, min(10, round(8 - 6 * progress + rng.gauss(0, 0.6))))
            if difficulty == "beginner" and drill_id == "anger-1-pharmacy" and day_offset == 4 and i >= 2:
                rating = min(rating if rating is not None else 2, 2)  # calm enough for the rule to suggest up
            take = TakeRecord(
                drill_id=drill_id, at=start + timedelta(minutes=1 + 2 * i), features=f.to_dict(),
                verdict=verdict.to_dict(), rating=rating, device=LAPTOP if day_offset == LAPTOP_DAY else HEADSET,
                overflows=2 if (day_offset, i) == OVERFLOW_TAKE else 0, interrupted=(day_offset, i) == DEVICE_LOST,
                latency_s=latency, overlap_s=overlap, baseline_id=baseline.id, difficulty=difficulty,
                stopped_by="device_lost" if (day_offset, i) == DEVICE_LOST else "silence", counted=counted,
                note=NOTES.get((day_offset, i)))
            stored.append(_store(store, take, bands[drill_id] if counted else None, audio_source, takes_dir))
    for begin, end in practice:
        store.add_practice(begin, end)
    return Week(stored, baseline, practice)


def _store(store, take: TakeRecord, bands, audio_source: Path | None, takes_dir: Path | None) -> TakeRecord:
    from dataclasses import replace

    if audio_source is not None and takes_dir is not None:
        path = takes_dir / f"{take.at.astimezone(TZ):%Y-%m-%d}" / f"{take.at.astimezone(TZ):%H%M%S}-{take.drill_id}.flac"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(audio_source, path)
        take = replace(take, audio_path=path)
    take_id = store.add_take(take, bands=bands)
    return replace(take, id=take_id)
