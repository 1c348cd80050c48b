"""False "device unplugged" stops on sound servers that deliver audio in lumps.

    python benchmarks/bursty_takes.py [--takes 50] [--mode bursty|steady]

Starts the test rig (tests/rig.py; "bursty" = plain null sinks, as on many real
systems), then runs takes through real PortAudio: a drill-like take (a 3 s client clip,
then a 6 s answer fed into the virtual microphone) and, every other time, a
calibration-like take (no clip, the answer alone). Prints how every take ended; any
`device_lost` is a false stop, since no device was removed. Needs PulseAudio.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.audio.truth import excerpt  # noqa: E402
from tests.conftest import SPEECH_FILES  # noqa: E402
from tests.rig import PulseRig  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--takes", type=int, default=50)
    parser.add_argument("--mode", choices=("bursty", "steady"), default="bursty")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="lv-bursty-"))
    rig = PulseRig(root, mode=args.mode).start()
    os.environ.update(rig.env)
    import numpy as np

    from trainer.audio.events import YourTurn
    from trainer.audio.trial import run_trial
    from trainer.media import Audio, read_audio

    clip = read_audio(SPEECH_FILES[1], start_s=1.0, end_s=4.0, mono=True)
    nothing = Audio(np.zeros(800, dtype=np.float32), 16000)  # what calibration plays
    answers = [excerpt(voice, 6.0, root) for voice in SPEECH_FILES]
    ends: collections.Counter = collections.Counter()
    messages = []
    started = time.monotonic()
    try:
        for i in range(args.takes):
            kind, played = ("calibration", nothing) if i % 2 else ("drill", clip)
            feeders: list = []

            def on_event(event, feeders=feeders, i=i):
                if isinstance(event, YourTurn) and not feeders:
                    feeders.append(rig.feed(answers[i % 3], lead_s=0.5))

            result = run_trial(played, root / f"take{i}.flac", on_event=on_event, cue=kind == "drill",
                               hangover_s=1.5, no_response_s=10.0)
            for feeder in feeders:
                feeder.terminate()
            ends[result.stopped_by] += 1
            if result.stopped_by == "device_lost":
                messages.append(f"take {i} ({kind}) after {result.take_duration_s:.1f} s: {result.message}")
            print(f"take {i + 1:2d}/{args.takes} {kind:<11} {result.stopped_by:<12} {result.take_duration_s:5.1f} s",
                  flush=True)
    finally:
        rig.stop()
    print(f"\n{args.takes} takes on the {args.mode} rig in {time.monotonic() - started:.0f} s: "
          + ", ".join(f"{reason} {count}" for reason, count in ends.most_common()))
    print(f"false device-lost stops: {ends['device_lost']}")
    for line in messages:
        print("  " + line)


if __name__ == "__main__":
    main()
