"""The Calibrate screen's effort steps in the app, with real audio through the PulseAudio rig: the
text read softly, comfortably and projected becomes the baseline's edge line; readings whose levels
hardly differ show the automatic-gain-control warning; `s` skips the readings.

The three calm answers before them are tested elsewhere (tests/session/test_commands.py); here the
screen starts at its effort step with three answers measured from real recordings."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.conftest import SPEECH_FILES
from tests.session.helpers import effort_readings
from tests.tui.test_pilot_loop import wait_until
from trainer.analysis import acoustic_features
from trainer.media import read_audio
from trainer.session import Practice
from trainer.session.calibration import CalibrationAnswer
from trainer.tui.app import make_app
from trainer.tui.screens.calibrate import CalibrateScreen
from trainer.tui.screens.today import TodayScreen

pytestmark = [pytest.mark.audio, pytest.mark.slow]


def calm_answers() -> list[CalibrationAnswer]:
    answers = []
    for path in SPEECH_FILES:
        audio = read_audio(path, mono=True)
        answers.append(CalibrationAnswer(path, acoustic_features(audio.samples, audio.rate)))
    return answers


async def at_effort_step(pilot, app) -> CalibrateScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, TodayScreen), what="the Today screen")
    await pilot.press("c")
    await wait_until(pilot, lambda: isinstance(app.screen, CalibrateScreen), what="the Calibrate screen")
    screen = app.screen
    screen._answers = calm_answers()
    screen.step = "effort"
    await pilot.pause()
    return screen


def shown(screen, widget: str) -> str:
    return str(screen.query_one(widget).render())


async def read_three(pilot, rig, screen, files: dict[str, Path]) -> None:
    for number, effort in enumerate(("soft", "comfortable", "projected"), start=1):
        assert f"Reading {number} of 3: read it" in shown(screen, "#cal-prompt")
        await pilot.press("space")
        await wait_until(pilot, lambda: screen.step == "reading", what="recording")
        feeder = rig.feed(files[effort], lead_s=0.3)
        try:
            await wait_until(pilot, lambda: len(screen._readings) == number or screen.step == "done",
                             timeout=120, what=f"the {effort} reading")
        finally:
            feeder.terminate()
        if number < 3:
            assert f"{effort.capitalize()} reading measured" in shown(screen, "#cal-status")


def run(rig, files: dict[str, Path] | None):
    practice = Practice.open(transcribe=False)
    app = make_app(practice_factory=lambda: practice)
    seen = {}

    async def scenario() -> None:
        async with app.run_test(size=(100, 36)) as pilot:
            screen = await at_effort_step(pilot, app)
            seen["prompt"] = shown(screen, "#cal-prompt")
            if files is None:
                await pilot.press("s")
            else:
                await read_three(pilot, rig, screen, files)
            await wait_until(pilot, lambda: screen.step == "done", timeout=60, what="the saved baseline")
            seen["status"] = screen.query_one("#cal-status").content  # the Rich Text as set
            seen["done"] = shown(screen, "#cal-prompt")

    asyncio.run(scenario())
    baseline = practice.store.latest_baseline()
    practice.close()
    return baseline, seen


def test_three_readings_become_the_personal_edge_line(pulse_rig, lv_home, tmp_path):
    files = effort_readings(SPEECH_FILES[1], tmp_path, seconds=7.0)
    baseline, seen = run(pulse_rig, files)
    assert "softly" in seen["prompt"] and "the light passes through" in seen["prompt"]
    assert "Baseline saved" in seen["done"]
    assert [r.effort for r in baseline.effort] == ["soft", "comfortable", "projected"]
    assert baseline.effort_slope is not None and 0.2 < baseline.effort_slope < 0.7
    assert "as your readings show" in str(seen["status"]) and "automatic gain" not in str(seen["status"])


def test_readings_flattened_by_the_microphone_show_how_to_turn_gain_control_off(pulse_rig, lv_home, tmp_path):
    files = effort_readings(SPEECH_FILES[1], tmp_path, seconds=7.0, levels=(-2.0, 0.0, 3.0))
    baseline, seen = run(pulse_rig, files)
    status = seen["status"]
    assert "differ by only" in str(status) and "automatic gain control" in str(status)
    warning_at = str(status).index("Your soft and projected")
    assert any(span.style == "yellow" and span.start <= warning_at < span.end for span in status.spans)
    assert baseline.effort_slope is None and len(baseline.effort) == 3


def test_s_skips_the_readings(pulse_rig, lv_home):
    baseline, seen = run(pulse_rig, None)
    assert "rising a typical 0.5 dB per dB" in str(seen["status"])
    assert baseline.effort == () and baseline.effort_slope is None and baseline.alpha_ratio_db is not None
