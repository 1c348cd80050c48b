"""Benchmark the practice history: a year of daily practice, then `levelvoice stats` and trends.

    python benchmarks/store_bench.py [--takes 20000] [--days 365] [--drills 30] [--home DIR]

Fills a fresh history (in a temporary LEVELVOICE_HOME unless --home is given) with
realistic takes (features and verdicts shaped like the real ones, a 40-word transcript
each), one practice interval per day, then prints the median time of:
`levelvoice stats` (in process: open the store, compute, render; and --json), a per-drill
trend query (score and loudness), the whole `levelvoice stats` command as a new process
(Python start-up included), and the database size per 1,000 takes. Goal: stats and a
trend query under 100 ms. Figures are printed, never asserted: this is not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

WORDS = ("I hear how angry you are and I want to understand what happened when you felt "
         "let down by me last week it makes sense that you would feel that way").split()


@dataclass(frozen=True)
class _Measured:
    loudness_dbfs: float
    pitch_median_st: float
    pitch_range_st: float
    wpm: float
    articulation_rate: float
    speech_s: float


def _features(rng: random.Random) -> tuple[dict, _Measured]:
    m = _Measured(loudness_dbfs=rng.gauss(-24, 3), pitch_median_st=rng.gauss(8, 1.2), pitch_range_st=rng.gauss(6, 1.5),
                  wpm=rng.gauss(140, 15), articulation_rate=rng.gauss(4.5, 0.5), speech_s=rng.uniform(6, 25))
    segments = sorted(round(rng.uniform(0, 25), 2) for _ in range(12))
    features = {
        "duration_s": m.speech_s + 3, "onset_s": rng.uniform(0.2, 1.5), "offset_s": m.speech_s + 2,
        "speech_s": m.speech_s, "pause_ratio": rng.uniform(0.1, 0.3),
        "segments": [segments[i:i + 2] for i in range(0, 12, 2)], "loudness_dbfs": m.loudness_dbfs,
        "loudness_lufs": m.loudness_dbfs + 1.1, "loudness_sd_db": rng.uniform(1, 4), "peak_dbfs": -3.0,
        "clipping": False, "pitch_median_hz": 100 * 2 ** (m.pitch_median_st / 12),
        "pitch_median_st": m.pitch_median_st, "pitch_range_st": m.pitch_range_st, "pitch_sd_st": 1.8,
        "voiced_ratio": 0.6, "wpm": m.wpm, "articulation_rate": m.articulation_rate, "words": 40,
        "transcript": " ".join(rng.choice(WORDS) for _ in range(40)), "fillers": rng.randint(0, 3), "warnings": [],
    }
    return features, m


def fill(store, *, takes: int, days: int, drills: int, seed: int = 7) -> None:
    from trainer.practice.bands import bands_for
    from trainer.practice.baseline import Baseline
    from trainer.practice.verdict import judge
    from trainer.store import TakeRecord

    rng = random.Random(seed)
    start = datetime.now(timezone.utc).replace(hour=17, minute=0, second=0, microsecond=0) - timedelta(days=days - 1)
    baseline = store.add_baseline(Baseline(None, start - timedelta(days=1), "USB mic", -24.0, 8.0, 6.0, 140.0, 4.5,
                                           ("Answer 1", "Answer 2", "Answer 3")))
    bands = bands_for(None)
    per_day = takes / days
    records = []
    for n in range(takes):
        day = int(n / per_day)
        at = start + timedelta(days=day, seconds=(n - day * per_day) * 40)
        features, measured = _features(rng)
        verdict = judge(measured, baseline, bands=bands, latency_s=rng.uniform(0, 3), overlap_s=rng.choice([0.0] * 9 + [1.0]))
        drill = f"drill-{n % drills:02d}"
        records.append(TakeRecord(
            drill_id=drill, at=at, features=features, verdict=verdict.to_dict(),
            audio_path=Path(f"/home/therapist/.local/share/levelvoice/takes/{at:%Y-%m-%d}/{drill}-{at:%H%M%S}.flac"),
            rating=rng.randint(0, 10) if rng.random() < 0.6 else None, device="USB mic", baseline_id=baseline.id,
            difficulty="intermediate", latency_s=verdict.metric("latency").value,
            overlap_s=verdict.metric("overlap").value))
    store.add_takes(records)
    for day in range(days):
        if rng.random() < 0.9:
            begin = start + timedelta(days=day)
            store.add_practice(begin, begin + timedelta(minutes=rng.uniform(12, 30)))
    for i in range(drills):
        store.save_band_states(f"drill-{i:02d}", bands)


def median_ms(action, runs: int) -> float:
    action()  # warm up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        action()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--takes", type=int, default=20000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--drills", type=int, default=30)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--home", type=Path, help="LEVELVOICE_HOME to fill (default: a temporary folder)")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="lv-bench-"))
    os.environ["LEVELVOICE_HOME"] = str(home)

    from click.testing import CliRunner

    from trainer.cli import cli
    from trainer.store import open_store

    with open_store() as store:
        if store.count_takes():
            sys.exit(f"{home} already has a history; give an empty --home")
        t0 = time.perf_counter()
        fill(store, takes=args.takes, days=args.days, drills=args.drills)
        fill_s = time.perf_counter() - t0
        store._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = store.path.stat().st_size

        runner = CliRunner()

        def stats_command(*extra: str):
            result = runner.invoke(cli, ["stats", *extra])
            assert result.exit_code == 0, result.output

        stats_ms = median_ms(stats_command, args.runs)
        stats_json_ms = median_ms(lambda: stats_command("--json"), args.runs)
        score_trend_ms = median_ms(lambda: store.trend("drill-03", "score"), args.runs)
        loud_trend_ms = median_ms(lambda: store.trend("drill-03", "loudness"), args.runs)
        points = len(store.trend("drill-03", "loudness"))

    env = dict(os.environ, LEVELVOICE_HOME=str(home))
    command = [sys.executable, "-m", "trainer", "stats"]
    process_ms = median_ms(lambda: subprocess.run(command, env=env, check=True, capture_output=True), 5)

    print(f"history: {args.takes} takes over {args.days} days, {args.drills} drills, in {home}")
    print(f"fill (one transaction):              {fill_s:8.1f} s")
    print(f"database size:                       {size / 2**20:8.1f} MiB = {size / args.takes:.0f} B per take "
          f"= {size / args.takes * 1000 / 2**20:.2f} MiB per 1,000 takes")
    print(f"levelvoice stats (in process):       {stats_ms:8.1f} ms (median of {args.runs})")
    print(f"levelvoice stats --json (in process):{stats_json_ms:8.1f} ms")
    print(f"trend: one drill's score:            {score_trend_ms:8.1f} ms")
    print(f"trend: one drill's loudness:         {loud_trend_ms:8.1f} ms ({points} points)")
    print(f"levelvoice stats as a new process:   {process_ms:8.1f} ms (Python start-up included; median of 5)")


if __name__ == "__main__":
    main()
