"""Run `levelvoice bench-audio` against the virtual PulseAudio rig, with real speech fed in.

    python benchmarks/bench_audio_on_rig.py [--minutes 5] [--json]

Starts a private PulseAudio daemon (tests/rig.py), plays the LibriSpeech voices from
tests/data/speech into the virtual microphone over and over, and runs the benchmark
command in that environment. Its fresh data folder gets one saved take of real speech
(the voices, 20 s), so the analysis load is the real one, transcription included.
Arguments are passed on to `levelvoice bench-audio`.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.rig import PulseRig

SPEECH = sorted((ROOT / "tests" / "data" / "speech").glob("*.ogg"))


def save_previous_take(home: Path) -> None:
    """20 s of the real voices as a saved take: what the benchmark analyses while recording."""
    import numpy as np
    import soundfile as sf

    voices = [sf.read(path, dtype="float32") for path in SPEECH]
    rate = voices[0][1]
    speech = np.concatenate([samples for samples, _ in voices])[: 20 * rate]
    folder = home / "data" / "takes" / "bench"
    folder.mkdir(parents=True)
    sf.write(folder / "take.flac", speech, rate)


def main() -> int:
    with tempfile.TemporaryDirectory() as root:
        save_previous_take(Path(root) / "home")
        rig = PulseRig(Path(root) / "rig").start()
        done = threading.Event()

        def feed_forever() -> None:
            for path in itertools.cycle(SPEECH):
                if done.is_set():
                    return
                rig.feed(path).wait()

        feeder = threading.Thread(target=feed_forever, daemon=True)
        feeder.start()
        env = dict(os.environ, **rig.env, LEVELVOICE_HOME=str(Path(root) / "home"), PYTHONPATH=str(ROOT))
        try:
            return subprocess.run([sys.executable, "-m", "trainer", "bench-audio", *sys.argv[1:]], env=env).returncode
        finally:
            done.set()
            rig.stop()


if __name__ == "__main__":
    sys.exit(main())
