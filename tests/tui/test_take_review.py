"""The take review under the result: the phrase strip, the take against your best, the note; and the
report from the Progress screen. A fixed history and clock (tests/tui/fixed_data.py); the review is
made by the real practice rules from given phrase measures, as the session makes it from audio."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.tui.fixed_data import DRILL, result_outcome, seeded_practice
from trainer.analysis.phrases import Phrase
from trainer.practice.review import review_take
from trainer.session import ResultReady, ReviewReady, TranscriptReady
from trainer.session.review import against_best
from trainer.tui.app import make_app
from trainer.tui.messages import SessionEvent
from trainer.tui.screens.note import NoteDialog
from trainer.tui.widgets.best_compare import BestCompare
from trainer.tui.widgets.phrase_strip import PhraseStrip, cell_widths, visible_window
from trainer.tui.widgets.take_review import TakeReviewPanel

SIZE = (100, 40)
# level for two phrases, then loud; the first one spoken over the client's last words
PHRASES = [Phrase(0, 0.0, 1.4, -23.0, 3.2, 120.3, 1.0), Phrase(1, 1.8, 3.6, -24.5, 3.6, 123.1, 1.3),
           Phrase(2, 4.0, 6.1, -17.2, 5.6, 138.1, 1.6), Phrase(3, 6.5, 7.4, -29.5, None, None, 0.2)]
WORDS = ["I can hear how much", "this morning took out of you", "forty minutes and then nothing", "tell me"]


def reviewed(practice, outcome):
    review = review_take(PHRASES, outcome.verdict, answer_start_s=8.8, span_s=8.0, client_until_s=0.3, texts=WORDS)
    return replace(outcome, review=review, best=against_best(practice.store, DRILL, outcome.take_id))


@pytest.fixture
def practice(lv_home):
    return seeded_practice(lv_home)


async def _result_on_screen(pilot, practice):
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    outcome = result_outcome(practice)
    screen.post_message(SessionEvent(ResultReady(outcome)))
    await pilot.pause()
    panel = screen.query_one(TakeReviewPanel)
    assert not panel.display  # nothing to show before the review
    full = reviewed(practice, outcome)
    screen.post_message(SessionEvent(ReviewReady(full)))
    await pilot.pause()
    return screen, panel, full


def test_the_strip_shows_each_phrase_and_the_keys_choose_one(practice):
    app = make_app(practice_factory=lambda: practice, warm_up=False, check_devices=False)

    async def scenario():
        async with app.run_test(size=SIZE) as pilot:
            screen, panel, outcome = await _result_on_screen(pilot, practice)
            assert panel.display
            strip = panel.query_one(PhraseStrip)
            rendered = strip.render().plain
            rows = {line.split()[0]: line for line in rendered.splitlines() if line.split()}
            # cells follow time: phrase 3 (the loud one) is the widest run of ▲ in the loudness row
            assert "▲" in rows["Loudness"] and "━" in rows["Loudness"] and "▼" in rows["Loudness"]
            assert rows["Loudness"].index("▲") > rows["Loudness"].index("━")
            assert "▒" in rows["Client"] and rows["Client"].count("▒") < rows["Loudness"].count("━")
            assert "·" in rows["Pitch"]  # the last phrase had no pitch
            assert "Phrase 1 · 0.0-1.4 s · “I can hear how much”" in rendered
            await pilot.press("right_square_bracket", "right_square_bracket")
            assert strip.selected == 2
            detail = strip.render().plain
            assert "Phrase 3 · 4.0-6.1 s · “forty minutes and then nothing” · Loudness +6.8 dB too loud" in detail
            assert panel.play_from_s() == pytest.approx(8.8 + 4.0 - 0.15)
            await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
            assert strip.selected == 3  # stops at the last phrase
            await pilot.press("left_square_bracket")
            assert strip.selected == 2
            # the transcript's completion keeps the chosen phrase
            screen.post_message(SessionEvent(TranscriptReady(replace(outcome, complete=True))))
            await pilot.pause()
            assert strip.selected == 2 and panel.display
            # a new take clears the review
            screen.show_drill(screen.drill)
            await pilot.pause()
            assert not panel.display

    import asyncio
    asyncio.run(scenario())


def test_the_take_beside_the_best_and_the_baseline(practice):
    app = make_app(practice_factory=lambda: practice, warm_up=False, check_devices=False)

    async def scenario():
        async with app.run_test(size=SIZE) as pilot:
            screen, panel, outcome = await _result_on_screen(pilot, practice)
            text = panel.query_one(BestCompare).render().plain
            best = outcome.best
            assert best.best_take_id is not None and best.best_audio_path is None  # the fixed takes have no audio
            assert "Against your best" in text and "b hears your best take" in text
            loud = next(line for line in text.splitlines() if line.startswith("Loudness (dBFS)"))
            assert loud.split()[2:] == ["-21.2", "↑" if best.rows[0].this_status == "high" else "✓",
                                        f"{best.rows[0].best:.1f}", "✓" if best.rows[0].best_status == "in" else "↑",
                                        "-24.0"]
            await pilot.press("b")  # no recording of the best take: said so, nothing plays
            await pilot.pause()
            assert any("best take" in n.message for n in app._notifications)

    import asyncio
    asyncio.run(scenario())


def test_a_note_typed_on_the_result_screen_is_kept(practice):
    app = make_app(practice_factory=lambda: practice, warm_up=False, check_devices=False)

    async def scenario():
        async with app.run_test(size=SIZE) as pilot:
            screen, panel, outcome = await _result_on_screen(pilot, practice)
            await pilot.press("t")
            await pilot.pause()
            assert isinstance(app.screen, NoteDialog)
            await pilot.press(*"got loud on 3")  # digits go to the note, not to the rating
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is screen
            assert practice.store.take(outcome.take_id).note == "got loud on 3"
            assert practice.store.take(outcome.take_id).rating is None
            assert "Note: got loud on 3" in str(panel.query_one("#take-note").render())
            await pilot.press("t")
            await pilot.pause()
            await pilot.press("escape")  # cancelled: unchanged
            await pilot.pause()
            assert practice.store.take(outcome.take_id).note == "got loud on 3"

    import asyncio
    asyncio.run(scenario())


def test_cells_share_the_width_by_duration():
    assert cell_widths([1.0, 3.0], 20) == [6, 12]  # 3 each, then the 13 spare (less the gap) by duration
    assert sum(cell_widths([0.5, 2.0, 1.0, 4.0], 60)) <= 60 - 3
    assert cell_widths([1.0] * 30, 60) is None  # 30 cells of 3 and 29 gaps do not fit in 60
    assert visible_window(30, 0, 60) == (0, 15)
    assert visible_window(30, 29, 60) == (15, 30)
    assert visible_window(30, 14, 60) == (7, 22)
    assert visible_window(4, 3, 60) == (0, 4)


def test_the_progress_screen_writes_a_report(practice, tmp_path):
    import asyncio
    import stat
    import time

    from textual.widgets import Input

    from trainer.tui.screens.report_dialog import ReportDialog

    app = make_app(practice_factory=lambda: practice, warm_up=False, check_devices=False)

    async def scenario():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("p")
            await pilot.pause()
            await pilot.press("r")
            await pilot.pause()
            assert isinstance(app.screen, ReportDialog)
            app.screen.query_one("#report-folder", Input).value = str(tmp_path / "missing")
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ReportDialog)  # a folder that does not exist: said, nothing written
            assert "does not exist" in str(app.screen.query_one("#report-error").render())
            app.screen.query_one("#report-folder", Input).value = str(tmp_path)
            await pilot.press("enter")
            deadline = time.monotonic() + 60
            while not any("Report written" in n.message for n in app._notifications):
                assert time.monotonic() < deadline, [n.message for n in app._notifications]
                await pilot.pause(0.1)

    asyncio.run(scenario())
    (report,) = tmp_path.glob("levelvoice-report-*.html")
    assert report.name == "levelvoice-report-2026-11-14-to-2026-11-20.html"  # the last 7 days of the fixed clock
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    page = report.read_text()
    assert f'id="drill-{DRILL}"' in page and "<audio" not in page
