"""The feedback benchmark runs end to end on both rigs (one take each), as CI asks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_RIG
from tests.rig import MODES, missing_tools

pytestmark = [pytest.mark.audio, pytest.mark.model, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("mode", MODES)
def test_feedback_latency_benchmark_completes_a_take_on_each_rig(mode, lv_home):
    if missing_tools() and not REQUIRE_RIG:
        pytest.skip(f"the benchmark's rig needs {', '.join(missing_tools())}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}  # the benchmark starts its own rig
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "feedback_latency.py"), "--runs", "1",
                           "--mode", mode, "--json"], env=dict(env, PYTHONPATH=str(ROOT)), capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    (run,) = summary["runs"]
    assert summary["mode"] == mode and run["stopped_by"] == "silence"
    assert run["answer_s"] > 10 and run["words"] > 20
    assert 0 < run["acoustic_after_stop_ms"] <= run["complete_after_stop_ms"]
