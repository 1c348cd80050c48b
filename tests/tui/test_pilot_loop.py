"""The whole daily loop in the app, with real audio through the PulseAudio rig.

Open the app, go to the drill, play the client clip, answer (a real voice fed into the
virtual microphone), get a result with every metric, rate it, take the same clip again,
and see the take count, rating and practice minutes land in the database.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from textual.widgets import ProgressBar

from tests.conftest import SPEECH_FILES
from trainer.session import Practice
from trainer.session.calibration import baseline_from_files
from trainer.tui.app import make_app
from trainer.tui.screens.drill import DrillScreen
from trainer.tui.screens.today import TodayScreen
from trainer.tui.widgets.result_view import ResultView

pytestmark = [pytest.mark.audio, pytest.mark.model]
ANSWER = SPEECH_FILES[2]
DRILL = "anger-1-pharmacy"


async def wait_until(pilot, condition, timeout: float = 90.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def one_take(pilot, rig, screen: DrillScreen, after_space=None) -> None:
    """Space, answer when it is our turn, wait for the complete result."""
    await pilot.press("space")
    if after_space is not None:
        after_space()
    await wait_until(pilot, lambda: screen.state == "answer", what="your turn")
    feeder = rig.feed(ANSWER, lead_s=0.6)
    try:
        await wait_until(pilot, lambda: screen.state == "result" and screen._outcome is not None
                         and screen._outcome.complete, what="the complete result")
    finally:
        feeder.terminate()


@pytest.mark.slow
def test_play_answer_rate_repeat_and_see_it_in_the_history(pulse_rig, lv_home):
    setup = Practice.open()
    baseline_from_files(setup, [ANSWER])
    setup.close()
    practice = Practice.open()
    assert practice.store.count_takes(DRILL) == 0 and practice.minutes_today() == 0
    app = make_app(practice_factory=lambda: practice)

    async def scenario() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, TodayScreen), what="the Today screen")
            await wait_until(pilot, lambda: app.analysis_ready, what="the warm-up")
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, DrillScreen), what="the drill screen")
            screen = app.screen
            assert screen.drill.id == DRILL

            await one_take(pilot, pulse_rig, screen)
            first = screen._outcome
            assert first.take_id is not None and first.verdict is not None
            shown = {m.metric for m in first.verdict.metrics if m.status != "missing"}
            assert shown == {"loudness", "pitch", "pace", "pitch_range", "edge", "overlap", "latency"}
            assert first.features.transcript and first.features.wpm
            text = str(screen.query_one(ResultView).render())
            assert "Score" in text and "Loudness" in text and "You said" in text
            await pilot.press("4")
            await pilot.pause()

            bar = screen.query_one("#clip-progress", ProgressBar)
            assert bar.percentage > 0.9  # the first clip played to its end

            def clip_bar_starts_again():  # not the last take's 100 % while the new clip starts
                assert bar.display and bar.percentage < 0.2, bar.percentage

            await one_take(pilot, pulse_rig, screen, after_space=clip_bar_starts_again)  # the same clip again
            second = screen._outcome
            assert second.take_id != first.take_id
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, TodayScreen), what="back on Today")
            assert "of 15 minutes" in str(app.screen.query_one("#minutes-text").render())

    asyncio.run(scenario())
    store = practice.store
    takes = store.takes_for_drill(DRILL)
    assert len(takes) == 2
    assert takes[0].rating == 4 and takes[1].rating is None
    assert all(t.features["transcript"] for t in takes)
    assert all(t.verdict is not None for t in takes)
    assert practice.minutes_today() > 0
