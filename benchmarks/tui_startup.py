"""Time from launching `levelvoice` to its first screen, in a real terminal (tmux).

    python benchmarks/tui_startup.py [--runs 5]

Starts the app in a fresh tmux session with an empty LEVELVOICE_HOME, polls the
screen every 10 ms until the Today screen's text is there, and prints the median and
worst time in milliseconds. Needs tmux.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid


def first_screen_ms(home: str) -> float:
    name = f"lvstart-{uuid.uuid4().hex[:6]}"
    env = dict(os.environ, LEVELVOICE_HOME=home, TERM="xterm-256color")
    started = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "100", "-y", "30",
                    f"{sys.executable} -m trainer"], env=env, check=True)
    try:
        while True:
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", name], capture_output=True, text=True).stdout
            if "Streak" in screen and "Practise" in screen:
                return (time.perf_counter() - started) * 1000
            if time.perf_counter() - started > 30:
                raise SystemExit(f"no first screen within 30 s; the screen shows:\n{screen}")
            time.sleep(0.01)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    # one tmux server for all runs: starting a server per run would be timed too, and a server
    # that is still shutting down refuses the next session
    keeper = f"lvstart-keeper-{uuid.uuid4().hex[:6]}"
    subprocess.run(["tmux", "new-session", "-d", "-s", keeper, "sleep 3600"], check=True)
    try:
        with tempfile.TemporaryDirectory() as home:
            first_screen_ms(home)  # the first run creates the data folder and database; not counted
            times = [first_screen_ms(home) for _ in range(args.runs)]
    finally:
        subprocess.run(["tmux", "kill-session", "-t", keeper], capture_output=True)
    print(f"time to first screen: median {statistics.median(times):.0f} ms, worst {max(times):.0f} ms "
          f"over {args.runs} runs ({', '.join(f'{t:.0f}' for t in times)})")


if __name__ == "__main__":
    main()
