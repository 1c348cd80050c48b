"""The places where a newcomer stumbled on a first morning, driven with Textual's pilot.

The drill's first view, a one-take Progress chart, the Settings form (focus, the
unsaved-changes question, the theme and cue as words and shapes), and the import dialog
with a path pasted from a file manager. Real store, real drills, real import
(transcribed by the bundled model); the clock is fixed where dates would show.
"""

from __future__ import annotations

import asyncio
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from textual.widgets import Input, ProgressBar, Select, Static, TextArea
from textual_plotext import PlotextPlot

from tests.conftest import SPEECH_FILES
from tests.tui.fixed_data import BASELINE, DRILL, features, seeded_practice, trial
from trainer import config
from trainer.session import Practice
from trainer.store import open_store
from trainer.tui.app import make_app
from trainer.tui.screens.dialogs import UnsavedChangesDialog
from trainer.tui.screens.drill import DrillScreen
from trainer.tui.screens.import_clip import ImportClipDialog
from trainer.tui.screens.library import LibraryScreen
from trainer.tui.screens.progress import ProgressScreen
from trainer.tui.screens.settings import SettingsScreen
from trainer.tui.screens.today import TodayScreen
from trainer.tui.screens.transcript import TranscriptDialog
from trainer.tui.widgets.level_meter import LevelMeter
from trainer.tui.widgets.tick_box import TickBox

NOW = datetime(2026, 11, 20, 8, 30, tzinfo=timezone.utc)


def run(app, scenario, size=(100, 30)):
    async def main():
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(main())


async def wait_for(pilot, condition, what: str, timeout: float = 120.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


# ---- the drill's first view ----


def test_the_drill_screen_opens_with_what_to_do(lv_home):
    practice = seeded_practice(lv_home)
    app = make_app(practice_factory=lambda: practice, warm_up=False, check_devices=False)

    async def scenario(pilot):
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen) and screen.state == "ready"
        assert text_of(screen, "#status").startswith("Press Space to hear the client.")
        # no empty bar or silent meter before anything happens
        assert not screen.query_one("#clip-progress", ProgressBar).display
        assert not screen.query_one(LevelMeter).display
        assert "This drill: 6 takes" in text_of(screen, "#recent-row")
        # the next drill opens the same way
        await pilot.press("n")
        await pilot.pause()
        assert text_of(screen, "#status").startswith("Press Space to hear the client.")
        assert "This drill: 0 takes" in text_of(screen, "#recent-row")

    run(app, scenario)


# ---- a Progress chart with one take ----


def axis_labels(plot: PlotextPlot) -> list[float]:
    """The value axis's labels, top to bottom, as the chart draws them."""
    labels = []
    for line in plot.render().plain.splitlines():
        if "┤" in line:
            labels.append(float(line.split("┤")[0]))
    return labels


def marker_label(plot: PlotextPlot) -> float:
    """The axis value at the height of the take's marker (the nearest labelled row)."""
    lines = plot.render().plain.splitlines()
    row = next(i for i, line in enumerate(lines) if "●" in line)
    labelled = [(abs(i - row), float(line.split("┤")[0])) for i, line in enumerate(lines) if "┤" in line]
    return min(labelled)[1]


@pytest.fixture
def one_take(lv_home):
    """A history with one take: loudness -21.1 dBFS (negative), answered 0.0 s after the client (zero),
    pitch 5.1 st (positive)."""
    settings = config.update(config.Settings(), timezone="Europe/Berlin")
    config.save(settings)
    store = open_store()
    store.add_baseline(BASELINE)
    practice = Practice(settings=settings, store=store, clock=lambda: NOW, transcribe=False)
    practice.judge_and_store(practice.drill(DRILL), trial(latency=0.0),
                             features(loudness=-21.1, pitch_st=5.1, range_st=6.6, rate=4.6))
    return practice


@pytest.mark.parametrize("size", [(100, 30), (80, 24), (60, 15)])
def test_a_one_take_chart_has_an_upright_axis_for_negative_zero_and_positive_values(one_take, size):
    app = make_app(practice_factory=lambda: one_take, warm_up=False, check_devices=False)
    wanted = {"score": None, "loudness": -21.1, "pitch": 5.1, "latency": 0.0}

    async def scenario(pilot):
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        plot = screen.query_one(PlotextPlot)
        assert plot.size.height >= 8, "the chart must have room at this size"
        seen = set()
        for _ in screen.practice.trend_metrics():
            key = screen.practice.trend_metrics()[screen._metric_index % len(screen.practice.trend_metrics())][0]
            title = text_of(screen, "#chart-title")
            assert title.endswith(", 1 take"), title
            labels = axis_labels(plot)
            assert len(labels) >= 3
            assert labels == sorted(labels, reverse=True) and labels[0] > labels[-1], (key, labels)  # upright
            assert plot.render().plain.count("●") == 1  # the one take is drawn
            if key in wanted:
                seen.add(key)
                value = wanted[key]
                if value is None:  # the score: always 0 to 100
                    assert labels[0] == 100 and labels[-1] == 0
                else:
                    assert labels[-1] < value < labels[0]
                    step = labels[0] - labels[1]
                    assert abs(marker_label(plot) - value) <= step, (key, labels)
            await pilot.press("m")
            await pilot.pause()
        assert seen == set(wanted)

    run(app, scenario, size=size)


# ---- Settings ----


def test_settings_focus_the_first_field_and_ask_before_dropping_changes(lv_home):
    practice = seeded_practice(lv_home)
    app = make_app(practice_factory=lambda: practice, warm_up=False, check_devices=False)

    async def scenario(pilot):
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        assert app.focused is screen.query_one("#input_device", Select)  # Enter opens the microphone list
        # the theme reads as the settings say; the cue says on or off in its shape
        theme = screen.query_one("#theme", Select)
        assert theme.value == "dark" and str(theme.query_one("SelectCurrent #label").render()) == "Dark"
        cue = screen.query_one("#cue_sound", TickBox)
        assert cue.value and cue.render().plain.startswith("☑")
        cue.toggle()
        await pilot.pause()
        assert cue.render().plain.startswith("☐")
        cue.toggle()
        await pilot.pause()

        await pilot.press("escape")  # nothing changed: leaves at once
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)

        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        goal = screen.query_one("#daily_goal_minutes", Input)
        goal.value = "25"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesDialog)
        await pilot.press("escape")  # stay
        await pilot.pause()
        assert app.screen is screen and goal.value == "25"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("d")  # discard
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        assert config.load().daily_goal_minutes == 15 and practice.settings.daily_goal_minutes == 15

        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#daily_goal_minutes", Input).value = "20"
        screen.query_one("#theme", Select).value = "light"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s")  # save
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        saved = config.load()
        assert saved.daily_goal_minutes == 20 and saved.theme == "light" and app.theme == "textual-light"

        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#theme", Select).value == "light"
        screen.query_one("#daily_goal_minutes", Input).value = "-3"  # not a valid goal
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s")  # save fails: the form stays, with the reason
        await pilot.pause()
        assert app.screen is screen
        assert "Not saved" in text_of(screen, "#settings-status")
        assert config.load().daily_goal_minutes == 20

    run(app, scenario)


def test_settings_keep_a_microphone_that_is_not_plugged_in(lv_home):
    practice = seeded_practice(lv_home)
    practice.save_settings(input_device="USB Mic")
    app = make_app(practice_factory=lambda: practice, warm_up=False, check_devices=False)

    async def scenario(pilot):
        await pilot.press("s")
        screen = app.screen
        await wait_for(pilot, lambda: not any(w.is_running for w in screen.workers), "the device list")
        await pilot.pause()
        select = screen.query_one("#input_device", Select)
        assert select.value == "USB Mic"
        assert not screen.unsaved
        await pilot.press("ctrl+s")  # saving other settings does not drop it
        await pilot.pause()
        assert config.load().input_device == "USB Mic"

    run(app, scenario)


# ---- the import dialog ----


@pytest.mark.model
def test_import_a_pasted_quoted_path_then_correct_the_words(lv_home, tmp_path):
    practice = seeded_practice(lv_home)
    clip = tmp_path / "my session clip.ogg"
    shutil.copy(SPEECH_FILES[2], clip)
    app = make_app(practice_factory=lambda: practice, warm_up=False, check_devices=False)

    async def scenario(pilot):
        await pilot.press("l")
        await pilot.pause()
        library = app.screen
        assert isinstance(library, LibraryScreen)
        await pilot.press("i")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ImportClipDialog)
        path = dialog.query_one("#path", Input)
        assert app.focused is path

        # two failed imports, pressing the Import button: the focus comes back to the file field each time
        button = dialog.query_one("#import")
        for attempt in range(2):
            path.value = f"/nowhere/clip-{attempt}.mp4"
            # (a button ignores presses during its 0.2 s pressed look, quicker than a person presses again)
            await wait_for(pilot, lambda: not button.has_class("-active"), "the button to be pressable")
            button.focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: f"clip-{attempt}.mp4" in text_of(dialog, "#import-status"), "the failure")
            assert text_of(dialog, "#import-status").startswith("Not imported:")
            assert "file not found" in text_of(dialog, "#import-status")
            assert app.focused is path
        await pilot.press("tab")
        assert app.focused is dialog.query_one("#start", Input)  # Tab still moves between fields
        await pilot.press("shift+tab")
        await pilot.press("ctrl+u")  # typing goes into the field
        await pilot.press(*f"'{clip}' ")  # as a file manager pastes it: quoted, with a trailing space
        assert path.value == f"'{clip}' "
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TranscriptDialog), "the imported drill's words")
        await pilot.pause()

        editor = app.screen
        area = editor.query_one(TextArea)
        assert app.focused is area
        heard = area.text
        assert "Clip imported." in text_of(editor, "Static")
        drill_id = editor.drill.id
        assert practice.drill(drill_id).source == "imported" and practice.drill(drill_id).transcript == heard
        assert len(heard.split()) >= 10  # the model heard the speech
        area.text = heard + " Corrected by hand."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is library
        assert practice.drill(drill_id).transcript == heard + " Corrected by hand."

        # the library's e opens the same editor for the selected imported drill
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, TranscriptDialog) and app.screen.drill.id == drill_id
        await pilot.press("escape")  # keeps the words as they are
        await pilot.pause()
        assert practice.drill(drill_id).transcript == heard + " Corrected by hand."

    run(app, scenario)


# ---- help and README ----


def test_every_key_the_help_lists_is_in_the_readme():
    """The help screen reads the screens' own bindings; the README must not miss one (it missed `r`)."""
    from trainer.tui.screens.help import bindings_table

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    table = bindings_table()
    keys = [str(cell) for cell in table.columns[1].cells]
    single = {key for key in keys if len(key) == 1} | {"0-9"}
    assert {"r", "y", "c", "n", "e", "i"} <= single
    missing = [key for key in sorted(single) if f"`{key}`" not in readme and not (key == "0-9" and "`0`-`9`" in readme)]
    assert missing == []


# ---- the result in a small terminal ----


def visible(app) -> list[str]:
    """The terminal's lines as a person sees them now."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def interrupted(outcome):
    """The same take, stopped early by a microphone that went away (the reason shows on top)."""
    from dataclasses import replace

    trial = replace(outcome.trial, interrupted=True, stopped_by="device_lost",
                    message="The microphone stopped sending sound; check that it is still plugged in.")
    return replace(outcome, trial=trial, warnings=(trial.message, *outcome.warnings))


@pytest.mark.parametrize("size", [(60, 15), (80, 24), (100, 30)])
@pytest.mark.parametrize("stopped_early", [False, True], ids=["finished", "stopped-early"])
def test_a_result_keeps_score_summary_and_every_verdict_on_screen(lv_home, size, stopped_early):
    from tests.tui.fixed_data import result_outcome
    from trainer.session import TranscriptReady
    from trainer.tui.messages import SessionEvent

    practice = seeded_practice(lv_home)
    app = make_app(practice_factory=lambda: practice, warm_up=False, check_devices=False)

    async def scenario(pilot):
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        outcome = result_outcome(practice)
        if stopped_early:
            outcome = interrupted(outcome)
        screen.post_message(SessionEvent(TranscriptReady(outcome)))
        await pilot.pause()
        await pilot.pause()
        lines = visible(app)
        shown = "\n".join(lines)
        verdict = outcome.verdict
        assert f"Score {verdict.score}/100" in shown
        summary = " ".join(shown.split())
        assert " ".join(verdict.summary.split()) in summary  # (wrapped in a narrow terminal)
        for metric in verdict.metrics:
            word = "in band" if metric.status == "in" else metric.direction()
            row = next((line for line in lines if line.strip().startswith(metric.label)), None)
            assert row is not None, f"{metric.label} is off the screen:\n{shown}"
            assert word in row, row  # the verdict on the measure's own row
        if stopped_early:
            assert "Take stopped early." in shown
        # the rating is asked once, and its keys are in the footer
        text = str(screen.query_one("ResultView").render()) + str(screen.query_one("#status").render())
        assert text.count("How activated did you feel?") == 1 and "Rate how you felt" not in text
        assert "0-9 Rate" in lines[-1]

    run(app, scenario, size=size)


def test_today_counts_one_practice_day_in_the_singular_and_explains_its_question(one_take):
    start = NOW.replace(hour=7)
    one_take.store.add_practice(start, start + timedelta(minutes=16))  # one day with the goal met
    app = make_app(practice_factory=lambda: one_take, warm_up=False, check_devices=False)

    async def scenario(pilot):
        streak = text_of(app.screen, "#streak")
        assert "1 practice day this month" in streak and "days this month" not in streak
        assert "1 take today" in text_of(app.screen, "#minutes-text")
        question = text_of(app.screen, "#question")
        assert question.startswith("Today's question, to reflect on as you practise (no answer needed):\n")

    run(app, scenario)


@pytest.mark.parametrize("values", [[-21.1], [-21.1] * 4, [0.0], [0.0] * 3, [5.1], [5.1] * 5, [1.0, 1.0],
                                    [-60.0], [250.0]])
def test_an_axis_for_one_value_or_equal_values_is_upright_and_holds_them(values):
    from trainer.tui.widgets.trend import chart_axis

    low, high, ticks, labels = chart_axis(values)
    assert low < values[0] < high
    assert ticks == sorted(ticks) and ticks[0] == low and ticks[-1] == high and 3 <= len(ticks) <= 8
    assert len(set(labels)) == len(labels)  # every tick reads differently
