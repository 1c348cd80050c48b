"""Errors from the layers below become one readable notice; the app keeps running."""

from __future__ import annotations

import asyncio

from trainer import config
from trainer.session import Practice
from trainer.tui.app import make_app
from trainer.tui.screens.drill import DrillScreen


def test_a_missing_microphone_is_one_notice_and_the_drill_stays_usable(lv_home):
    config.save(config.update(config.Settings(), input_device="USB Headset That Is Not There"))
    practice = Practice.open(transcribe=False)
    app = make_app(practice_factory=lambda: practice, warm_up=False, check_devices=False)

    async def scenario() -> list:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, DrillScreen)
            await pilot.press("space")
            for _ in range(100):
                await pilot.pause(0.05)
                if list(app._notifications) and screen.state == "ready":
                    break
            assert screen.state == "ready"
            assert isinstance(app.screen, DrillScreen) and app.is_running
            return list(app._notifications)

    notices = asyncio.run(scenario())
    assert len(notices) == 1
    assert notices[0].severity == "error"
    assert "microphone" in notices[0].message.lower() and "Traceback" not in notices[0].message
    assert practice.store.count_takes() == 0
