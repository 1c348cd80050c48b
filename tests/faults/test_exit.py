"""A take that fails while its phrases are being transcribed must not abort the process on exit.

The disk-full probe saw `levelvoice take` end with exit status 134 ("terminate called
without an active exception"): the take failed, the command exited, and the transcription
model was still working on the answer's phrases in a background thread. `TakeRunner`
now closes the incremental transcriber whatever happens, and `close()` waits for the
phrase in progress; here a process queues a phrase, closes, and exits at once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import SPEECH_FILES
from tests.session.helpers import ROOT

PROBE = textwrap.dedent("""
    import sys, time
    from trainer.analysis import Transcriber
    from trainer.media import read_audio

    audio = read_audio(sys.argv[1], mono=True)
    incremental = Transcriber().incremental()
    incremental.add_phrase(audio.samples, audio.rate, 0.0)  # the model loads and works in the background
    time.sleep(float(sys.argv[2]))
    incremental.close()
    sys.exit(1)  # the take failed: the command exits with its error
""")


@pytest.mark.model
@pytest.mark.parametrize("after_s", [0.2, 0.6, 1.2])
def test_exiting_while_a_phrase_is_transcribed_does_not_abort(after_s):
    done = subprocess.run([sys.executable, "-c", PROBE, str(SPEECH_FILES[1]), str(after_s)], cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1"),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, (done.returncode, done.stderr[-500:])
    assert "terminate called" not in done.stderr
