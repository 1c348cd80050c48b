"""One definition of a take that counts, seen the same everywhere.

A history with every kind of take a first week brings: takes before the first
calibration (they count, but have no score), judged takes, a failed take (too little
speech), takes interrupted by a lost device (with and without enough speech), a take
recovered after a crash, and takes of a drill imported from the therapist's own clip.
The Library, the drill screen, Today, Progress (summary and chart), `levelvoice stats`
and the export must all give the same counts, and the numbers a person would count by
hand from the rule "a take with less than 3 s of speech is kept but does not count".

Every take is measured from real speech (LibriSpeech excerpts) and stored through the
real session, store and rules; only the clock is fixed, at the moment the test runs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from tests.conftest import SPEECH_FILES
from tests.session.helpers import crashed_take, excerpt, levelvoice, open_practice, with_baseline, write_settings
from trainer import paths
from trainer.analysis import acoustic_features
from trainer.audio.trial import TrialResult
from trainer.drills import import_clip
from trainer.media import read_audio
from trainer.tui.app import make_app
from trainer.tui.screens.drill import DrillScreen
from trainer.tui.screens.library import LibraryScreen
from trainer.tui.screens.progress import ProgressScreen

BUNDLED = "competence-1-how-long"
VOICE = SPEECH_FILES[2]


def trial(path: Path, *, stopped_by: str = "silence", interrupted: bool = False) -> TrialResult:
    return TrialResult(
        take_path=path, rate=16000, clip_duration_s=7.0, latency_s=0.8, overlap_s=0.0, speech_onset_s=7.8,
        speech_end_s=14.0, interrupted=interrupted, overflows=0, no_response=False, stopped_by=stopped_by,
        message="The microphone went away during the take." if interrupted else None,
        clip_start_s=0.05, clip_end_s=7.05, take_duration_s=16.0,
    )


def measured(path: Path):
    audio = read_audio(path, mono=True)
    return acoustic_features(audio.samples, audio.rate)


@pytest.fixture
def settings_home(lv_home) -> Path:
    write_settings(lv_home)
    return lv_home


@pytest.fixture
def history(settings_home, tmp_path):
    """The history described above; returns (practice, imported drill id, what a person counts by hand)."""
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    practice = open_practice(lambda: now, transcribe=False)
    full, short = VOICE, excerpt(VOICE, 1.5, tmp_path)
    answer, false_start = measured(full), measured(short)
    assert answer.speech_s >= 3 and false_start.speech_s < 3  # the two sides of the rule
    bundled = practice.drill(BUNDLED)

    def take(drill, features, **kind):
        return practice.judge_and_store(drill, trial(full, **kind), features)

    take(bundled, answer)  # before calibrating: counts, no score
    take(bundled, answer)
    with_baseline(practice, full)
    for _ in range(3):
        take(bundled, answer)  # judged
    take(bundled, false_start)  # failed: kept, does not count
    take(bundled, answer, stopped_by="device_lost", interrupted=True)  # interrupted, enough speech: counts
    take(bundled, false_start, stopped_by="device_lost", interrupted=True)  # interrupted at once: does not count
    crashed_take(paths.takes_dir() / now.strftime("%Y-%m-%d") / f"{now:%H%M%S}-{BUNDLED}.flac.partial", full,
                 at=now)
    assert len(practice.recover_interrupted()) == 1  # recovered after a crash: counts

    imported = import_clip(VOICE, end_s=6.0, title="My angry client", challenge="anger", difficulty="beginner",
                           transcribe=False)
    practice._library = None  # (the app reloads its library after an import the same way)
    drill = practice.drill(imported.id)
    take(drill, answer)
    take(drill, answer)
    take(drill, false_start)

    expected = {BUNDLED: {"kept": 9, "counted": 7, "scored": 5}, imported.id: {"kept": 3, "counted": 2, "scored": 2}}
    yield practice, imported.id, expected
    practice.close()


def test_library_drill_screen_today_progress_stats_and_export_agree(history, settings_home, tmp_path):
    practice, imported_id, expected = history
    total_counted = sum(e["counted"] for e in expected.values())
    total_kept = sum(e["kept"] for e in expected.values())
    seen: dict[str, dict] = {drill_id: {} for drill_id in expected}
    app = make_app(practice_factory=lambda: practice, warm_up=False, check_devices=False)

    async def look() -> dict:
        shown = {}
        async with app.run_test(size=(120, 40)) as pilot:
            shown["today"] = str(app.screen.query_one("#minutes-text", Static).render())
            await pilot.press("l")
            await pilot.pause()
            assert isinstance(app.screen, LibraryScreen)
            table = app.screen.query_one(DataTable)
            takes_column = [c.label.plain for c in table.columns.values()].index("Takes")
            last_column = [c.label.plain for c in table.columns.values()].index("Last")
            for drill_id in expected:
                row = table.get_row(drill_id)
                seen[drill_id]["library"] = int(row[takes_column])
                seen[drill_id]["library_last"] = row[last_column]
            for drill_id in expected:
                app.open_screen("drill", drill_id=drill_id)
                await pilot.pause()
                assert isinstance(app.screen, DrillScreen)
                seen[drill_id]["drill_screen"] = str(app.screen.query_one("#recent-row", Static).render())
                await pilot.press("escape")
                await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("p")
            await pilot.pause()
            assert isinstance(app.screen, ProgressScreen)
            shown["progress"] = str(app.screen.query_one("#summary", Static).render())
            for _ in range(len(app.screen._drills)):
                title = str(app.screen.query_one("#chart-title", Static).render())
                drill = app.screen._drills[app.screen._drill_index % len(app.screen._drills)]
                seen[drill.id]["chart"] = title
                await pilot.press("d")
                await pilot.pause()
        return shown

    shown = asyncio.run(look())

    stats = levelvoice("stats", "--json", home=settings_home)
    assert stats.returncode == 0, stats.stderr
    figures = json.loads(stats.stdout)
    by_drill = {d["id"]: d for d in figures["drills"]}
    export = levelvoice("export", "--format", "json", "--out", str(tmp_path / "out"), home=settings_home)
    assert export.returncode == 0, export.stderr
    assert f"Exported {total_kept} takes" in export.stdout
    assert f"{total_counted} of them count; {total_kept - total_counted} were kept" in export.stdout
    exported = json.loads(next((tmp_path / "out").glob("levelvoice-takes-*.json")).read_text())["takes"]

    assert f"{total_counted} takes today" in shown["today"]
    assert figures["takes_today"] == total_counted
    assert f"Takes           {total_counted} in all" in shown["progress"]
    for drill_id, count in expected.items():
        look_at = seen[drill_id]
        assert look_at["library"] == count["counted"]
        assert f"This drill: {count['counted']} takes" in look_at["drill_screen"]
        chart = f"{count['scored']} takes" + (f" of {count['counted']}" if count["scored"] < count["counted"] else ",")
        assert chart in look_at["chart"] + ",", look_at["chart"]
        assert by_drill[drill_id]["takes"] == count["counted"]
        assert len(by_drill[drill_id]["recent_scores"]) == count["scored"]
        assert look_at["library_last"] == str(by_drill[drill_id]["last_score"])
        rows = [t for t in exported if t["drill_id"] == drill_id]
        assert len(rows) == count["kept"]  # nothing lost
        assert sum(t["counted"] for t in rows) == count["counted"]
    plain = levelvoice("stats", home=settings_home).stdout
    row = next(line for line in plain.splitlines() if line.startswith(BUNDLED))
    assert row.split()[1] == str(expected[BUNDLED]["counted"]) and row.endswith("*")  # fewer bars than takes…
    assert "* Fewer bars than takes: takes made before your first calibration" in plain  # …and why
    recovered = [t for t in exported if t["stopped_by"] == "recovered"]
    interrupted = [t for t in exported if t["stopped_by"] == "device_lost"]
    assert len(recovered) == 1 and recovered[0]["counted"]
    assert [t["counted"] for t in interrupted] == [True, False]
    assert imported_id in by_drill and practice.drill(imported_id).source == "imported"
