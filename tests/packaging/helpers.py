"""Running `levelvoice take` through the rig as a person would: the app records, a voice answers."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from tests.audio.truth import excerpt
from tests.conftest import SPEECH_FILES
from tests.rig import PulseRig

ANSWER_S = 4.0


def take_with_an_answer(command: list[str], *, env: dict[str, str], rig: PulseRig, home: Path, clip_s: float,
                        work: Path, cwd: Path | None = None) -> tuple[dict, str]:
    """Run a `take --drill ... --json` command, answer after the clip; (the JSON result, stderr).

    Fails the test with stderr when the take does not finish with status 0.
    """
    answer = excerpt(SPEECH_FILES[0], ANSWER_S, work)
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    feeder = None
    try:
        deadline = time.monotonic() + 90
        while not list((home / "data" / "takes").rglob("*.partial")) and time.monotonic() < deadline:
            if process.poll() is not None:
                break
            time.sleep(0.02)
        # recording has just started; the clip follows within a fraction of a second
        feeder = rig.feed(answer, lead_s=clip_s + 2.5)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
        if feeder:
            feeder.terminate()
    assert process.returncode == 0, stderr
    return json.loads(stdout), stderr
