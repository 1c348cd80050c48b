"""The report in a real browser: Debian's headless Chromium opens the file, as a supervisor would.

It must render with no console error and no request beyond the file itself; it is
screenshot (full page) and printed to PDF. Without Chromium these tests skip with the
reason, unless LEVELVOICE_REQUIRE_RIG=1 (CI), where a missing browser is a failure.
`LEVELVOICE_SCREENSHOTS=DIR` keeps the screenshots and PDFs there.
"""

from __future__ import annotations

import io
import os
import shutil

import pytest

from tests.browser import chromium_path, open_page
from tests.conftest import REQUIRE_RIG
from tests.report.week import GOAL, NOW

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def chromium():
    if chromium_path() is None:
        message = "the report's browser test needs Chromium (apt-get install chromium)"
        if REQUIRE_RIG:
            pytest.fail(message)
        pytest.skip(message)


def _keep(tmp_path, name: str, visit) -> None:
    folder = os.environ.get("LEVELVOICE_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        (tmp_path / f"{name}.png").write_bytes(visit.screenshot_png)
        (tmp_path / f"{name}.pdf").write_bytes(visit.pdf)
        shutil.copy(tmp_path / f"{name}.png", folder)
        shutil.copy(tmp_path / f"{name}.pdf", folder)


def _pages(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


def test_a_week_report_renders_offline_without_errors(chromium, week_store, week_period, tmp_path):
    from PIL import Image

    from trainer.report import make_report

    store, _week = week_store
    result = make_report(store, week_period, tmp_path / "week.html", now=NOW, goal_minutes=GOAL)
    visit = open_page(result.path, tmp_path / "profile")
    _keep(tmp_path, "report-week", visit)
    assert visit.requests == [result.path.resolve().as_uri()]  # the file itself, nothing else
    assert visit.console_errors() == []
    image = Image.open(io.BytesIO(visit.screenshot_png))
    assert image.size == visit.size and image.size[1] > 3000  # the whole page: summary, 4 drills, the rest
    # the page is not blank: the charts' green bands and the text are there
    colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert any(c == (200, 230, 201) and n > 10000 for n, c in colours)  # the band colour, #c8e6c9
    assert visit.pdf.startswith(b"%PDF") and _pages(visit.pdf) >= 3


def test_a_report_with_recordings_fetches_nothing_either(chromium, lv_home, week_period, tmp_path):
    import soundfile as sf

    from tests.conftest import SPEECH_FILES
    from tests.report.week import build_week
    from trainer.media import read_audio
    from trainer.report import make_report
    from trainer.store import open_store

    source = tmp_path / "answer.flac"
    audio = read_audio(SPEECH_FILES[0], mono=True)
    sf.write(source, audio.samples[: audio.rate * 3], audio.rate)
    with open_store() as store:
        build_week(store, audio_source=source, takes_dir=lv_home / "data" / "takes")
        result = make_report(store, week_period, tmp_path / "audio.html", now=NOW, goal_minutes=GOAL,
                             with_audio=True)
    visit = open_page(result.path, tmp_path / "profile")
    assert result.recordings >= 8
    assert all(url == result.path.resolve().as_uri() or url.startswith("data:") for url in visit.requests)
    assert visit.console_errors() == []


def test_the_check_sees_a_page_that_reaches_out(chromium, tmp_path):
    """The control: a page that loads a picture from elsewhere and logs an error is caught."""
    page = tmp_path / "leaky.html"
    page.write_text("<!DOCTYPE html><html><body><img src='http://127.0.0.1:9/x.png'>"
                    "<script>console.error('broken')</script></body></html>")
    visit = open_page(page, tmp_path / "profile")
    assert "http://127.0.0.1:9/x.png" in visit.requests
    assert "broken" in " ".join(visit.console_errors())
