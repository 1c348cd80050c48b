"""Layering: the practice rules and the store stay free of UI, sound and heavy numeric imports."""

from __future__ import annotations

import json
import subprocess
import sys

MODULES = ["trainer.practice.baseline", "trainer.practice.bands", "trainer.practice.verdict",
           "trainer.practice.difficulty", "trainer.practice.streaks", "trainer.practice.clock",
           "trainer.practice.trend", "trainer.store", "trainer.store.export", "trainer.cli.stats",
           "trainer.cli.export", "trainer.cli.purge"]


def test_no_textual_sounddevice_or_numpy():
    code = (f"import sys, json; [__import__(m) for m in {MODULES!r}]; "
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('textual', 'sounddevice', 'numpy', 'librosa', 'faster_whisper'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []
