"""Only trainer/audio talks to PortAudio, and only through trainer.audio.portaudio.sounddevice()."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import trainer

PACKAGE = Path(trainer.__file__).parent
IMPORT = re.compile(r"^\s*(import\s+sounddevice|from\s+sounddevice\s+import)", re.MULTILINE)


def test_sounddevice_is_imported_only_by_the_portaudio_module():
    offenders = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                 if IMPORT.search(path.read_text()) and path != PACKAGE / "audio" / "portaudio.py"]
    assert offenders == []


def test_importing_the_audio_engine_does_not_load_portaudio_or_models():
    code = ("import sys, trainer.audio.trial, trainer.audio.recovery, trainer.cli.take, trainer.cli.bench_audio; "
            "print(sorted(m for m in ('sounddevice', 'onnxruntime', 'swift_f0', 'librosa', 'faster_whisper') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
