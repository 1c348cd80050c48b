"""How long `q` takes to close the app, in a real terminal (tmux).

    python benchmarks/quit_time.py [--runs 10]

Starts `levelvoice` with an empty LEVELVOICE_HOME, waits for the first screen, then
presses `q` right away (the model is still loading), 2 s later, and once idle (after
the warm-up: 15 s), and measures until the process has exited. Prints the median and
worst of each. Needs tmux.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.tmux import Tmux  # noqa: E402

MOMENTS = {"at once": 0.0, "after 2 s": 2.0, "idle": 15.0}


def quit_seconds(home: str, after_s: float, folder: Path) -> float:
    tmux = Tmux(dict(os.environ, LEVELVOICE_HOME=home, TERM="xterm-256color"))
    status = folder / f"status-{time.monotonic_ns()}"
    tmux.start_shell_command(f"{shlex.quote(sys.executable)} -m trainer", status_file=status)
    try:
        tmux.wait_for("Streak", timeout=30)
        time.sleep(after_s)
        pressed = time.monotonic()
        tmux.keys("q")
        while not (status.exists() and status.read_text().strip()):
            if time.monotonic() - pressed > 60:
                raise SystemExit("the app did not quit within 60 s")
            time.sleep(0.005)
        return time.monotonic() - pressed
    finally:
        tmux.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as folder:
        quit_seconds(home, 0.0, Path(folder))  # the first run creates the data folder; not counted
        for moment, after_s in MOMENTS.items():
            times = [quit_seconds(home, after_s, Path(folder)) * 1000 for _ in range(args.runs)]
            print(f"quit {moment:<9}: median {statistics.median(times):.0f} ms, worst {max(times):.0f} ms "
                  f"({', '.join(f'{t:.0f}' for t in times)})", flush=True)


if __name__ == "__main__":
    main()
