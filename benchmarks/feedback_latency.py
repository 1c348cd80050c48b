"""How fast the result of a take appears, measured through the real audio rig.

    python benchmarks/feedback_latency.py [--runs 3] [--mode steady|bursty] [--json]

Starts a private PulseAudio daemon (tests/rig.py), makes a calm baseline from one real
voice, then runs takes of a bundled drill through the same session layer the app uses:
a ~20 s answer (real LibriSpeech speech) is fed into the virtual microphone when it is
the therapist's turn. For each take it reports, in milliseconds after the take stopped
(end of speech plus the silence hangover), when the acoustic result and when the
complete result with transcript were ready. Targets: 200 ms and 1000 ms. `--mode bursty`
runs it on plain null sinks that deliver audio in lumps (see tests/rig.py); CI runs one
take on each rig (tests/audio/test_benchmarks_on_rig.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.rig import PulseRig  # noqa: E402

SPEECH = sorted((ROOT / "tests" / "data" / "speech").glob("*.ogg"))
DRILL = "competence-1-how-long"


def twenty_second_answer(folder: Path) -> Path:
    """About 20 s of one real voice: a whole utterance plus the start of it again, after a pause."""
    from trainer.media import read_audio

    voice = read_audio(SPEECH[1], mono=True)
    pause = np.zeros(int(0.6 * voice.rate), dtype=np.float32)
    audio = np.concatenate([voice.samples, pause, voice.samples[: int(5.0 * voice.rate)]])
    path = folder / "answer20.wav"
    sf.write(path, audio, voice.rate)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mode", choices=("steady", "bursty"), default="steady")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        root = Path(root)
        rig = PulseRig(root / "rig", mode=args.mode).start()
        os.environ.update(rig.env)
        os.environ["LEVELVOICE_HOME"] = str(root / "home")
        try:
            from trainer.session import Practice
            from trainer.session.calibration import baseline_from_files

            answer = twenty_second_answer(root)
            practice = Practice.open()
            practice.warm_up()
            baseline_from_files(practice, [SPEECH[1]])
            drill = practice.drill(DRILL)
            rows = []
            for _ in range(args.runs):
                marks: dict[str, float] = {}
                feeders = []

                def post(event) -> None:
                    name = type(event).__name__
                    marks.setdefault(name, time.perf_counter())
                    if name == "YourTurn":
                        feeders.append(rig.feed(answer, lead_s=0.5))

                outcome = practice.run_take(drill, post=post)
                for feeder in feeders:
                    feeder.wait()
                rows.append({
                    "stopped_by": outcome.trial.stopped_by,
                    "answer_s": round(outcome.features.speech_s, 1),
                    "acoustic_after_stop_ms": round((marks["ResultReady"] - marks["Stopped"]) * 1000, 1),
                    "complete_after_stop_ms": round((marks["TranscriptReady"] - marks["Stopped"]) * 1000, 1),
                    "words": outcome.features.words,
                })
        finally:
            rig.stop()
    summary = {
        "mode": args.mode,
        "runs": rows,
        "acoustic_after_stop_ms_median": statistics.median(r["acoustic_after_stop_ms"] for r in rows),
        "complete_after_stop_ms_median": statistics.median(r["complete_after_stop_ms"] for r in rows),
        "complete_after_stop_ms_worst": max(r["complete_after_stop_ms"] for r in rows),
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    for r in rows:
        print(f"{r['answer_s']:5.1f} s of speech, {r['words']} words: acoustic result {r['acoustic_after_stop_ms']:.0f} ms, "
              f"complete with transcript {r['complete_after_stop_ms']:.0f} ms after the take stopped")
    print(f"median: acoustic {summary['acoustic_after_stop_ms_median']:.0f} ms (target 200), complete "
          f"{summary['complete_after_stop_ms_median']:.0f} ms (target 1000); worst complete "
          f"{summary['complete_after_stop_ms_worst']:.0f} ms")


if __name__ == "__main__":
    main()
