"""Benchmark `levelvoice report` on a long history: time and file size without audio.

    python benchmarks/report_bench.py [--takes 20000] [--days 365] [--drills 30] [--home DIR] [--runs 3]

Fills a fresh history like `store_bench.py` (a year of daily practice, realistic
features, verdicts and transcripts), then runs `levelvoice report --days DAYS` as a new
process (Python start-up and imports included) and prints the median time and the
file's size. Goal: within 10 s and under 5 MB for 20,000 takes. Figures are printed,
never asserted: this is not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from store_bench import fill  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--takes", type=int, default=20000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--drills", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--home", type=Path, help="LEVELVOICE_HOME to fill (default: a temporary folder)")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="lv-report-bench-"))
    os.environ["LEVELVOICE_HOME"] = str(home)

    from trainer.store import open_store

    with open_store() as store:
        if not store.count_takes():
            fill(store, takes=args.takes, days=args.days, drills=args.drills)
            store._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        takes = store.count_takes()
    out = home / "report.html"
    command = [sys.executable, "-m", "trainer", "report", "--days", str(args.days), "--out", str(out)]
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if done.returncode != 0:
            sys.exit(f"levelvoice report failed: {done.stderr.strip()}")
    size = out.stat().st_size
    print(f"history: {takes} takes over {args.days} days, {args.drills} drills, in {home}")
    print(f"levelvoice report --days {args.days} (new process): {statistics.median(times):6.2f} s "
          f"(median of {args.runs}; runs {', '.join(f'{t:.2f}' for t in times)})")
    print(f"report size without audio:           {size / 2**20:6.2f} MiB ({size:,} bytes), mode "
          f"{oct(out.stat().st_mode & 0o777)}")
    print(f"its own words: {done.stdout.strip().splitlines()[0]}")


if __name__ == "__main__":
    main()
