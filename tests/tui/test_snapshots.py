"""SVG snapshots of the main screens at 100x30 with a fixed history and a fixed clock.

Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`,
then look at the report before committing the new SVGs.
"""

from __future__ import annotations

import pytest

from tests.tui.fixed_data import BASELINE, DRILL, NOW, features, result_outcome, seeded_practice, trial
from trainer import config
from trainer.session import Practice
from trainer.store import open_store
from trainer.session import TranscriptReady
from trainer.tui.app import make_app
from trainer.tui.messages import SessionEvent

SIZE = (100, 30)


@pytest.fixture
def app(lv_home):
    practice = seeded_practice(lv_home)
    return make_app(practice_factory=lambda: practice, warm_up=False, check_devices=False)


def test_today_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE)


def test_drill_result_screen(snap_compare, app):
    async def show_result(pilot):
        await pilot.press("enter")
        await pilot.pause()
        screen = pilot.app.screen
        screen.post_message(SessionEvent(TranscriptReady(result_outcome(pilot.app.practice))))
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=show_result)


@pytest.mark.parametrize("size", [(60, 15), (80, 24)], ids=["60x15", "80x24"])
def test_drill_result_in_a_small_terminal(snap_compare, app, size):
    """The score, the summary and every measure's verdict stay on screen."""
    async def show_result(pilot):
        await pilot.press("enter")
        await pilot.pause()
        pilot.app.screen.post_message(SessionEvent(TranscriptReady(result_outcome(pilot.app.practice))))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=show_result)


def test_progress_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, press=["p"])


def test_drill_first_view(snap_compare, app):
    """What to do is on the screen before anything else happens."""
    assert snap_compare(app, terminal_size=SIZE, press=["enter"])


def test_progress_one_take(snap_compare, lv_home):
    """One take: an upright axis around its value (here loudness, a negative number)."""
    settings = config.update(config.Settings(), timezone="Europe/Berlin")
    config.save(settings)
    store = open_store()
    store.add_baseline(BASELINE)
    practice = Practice(settings=settings, store=store, clock=lambda: NOW, transcribe=False)
    practice.judge_and_store(practice.drill(DRILL), trial(latency=0.0),
                             features(loudness=-21.1, pitch_st=5.1, range_st=6.6, rate=4.6))
    one_take = make_app(practice_factory=lambda: practice, warm_up=False, check_devices=False)
    assert snap_compare(one_take, terminal_size=SIZE, press=["p", "m"])
