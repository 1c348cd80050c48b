"""`levelvoice report`: what it says about a known week (every figure checked against the store itself),
the page it writes, and the one-line answers when there is nothing to report."""

from __future__ import annotations

import base64
import io
import json
import re
import sqlite3
import stat
from datetime import timedelta

import pytest
import soundfile as sf

from tests.report.week import (DEVICE_LOST, FIRST_DAY, GOAL, LAPTOP, NOTES, NOW, OVERFLOW_TAKE, PLAN, SHORT_TAKES,
                               TZ, build_week)
from trainer.report import ReportError, make_report, period_from, render
from trainer.report.content import REPORT_METRICS

SECTIONS = ("summary", "not-counted", "minutes-chart", "drills", "timing", "ratings", "baseline", "notes", "guide")


def _rows(store, period):
    """The period's takes read straight from the database file, not through the store's code."""
    conn = sqlite3.connect(store.path)
    conn.row_factory = sqlite3.Row
    rows = conn.execute("SELECT * FROM takes WHERE at >= ? AND at < ? ORDER BY at, id",
                        (period.start.isoformat(timespec="microseconds"),
                         period.end.isoformat(timespec="microseconds"))).fetchall()
    conn.close()
    return [dict(r) for r in rows]


def test_the_week_in_figures_matches_the_store(week_store, week_period, week_content):
    store, week = week_store
    content = week_content
    rows = _rows(store, week_period)
    counted = [r for r in rows if r["counted"]]
    assert content.takes == len(counted) == sum(len(p[1]) for p in PLAN.values()) - len(SHORT_TAKES)
    assert content.not_counted == len(rows) - len(counted) == len(SHORT_TAKES)

    # practice: the minutes of the plan, the days that reached the goal, the streak at the week's end
    assert content.minutes == pytest.approx(sum(m for m, _ in PLAN.values()))
    assert content.goal_days == sum(1 for m, _ in PLAN.values() if m >= GOAL)
    assert content.practice_days == sum(1 for m, _ in PLAN.values() if m > 0)
    assert (content.current_streak, content.best_streak) == (3, 3)  # Wed to Fri; Sat and Sun were 2

    # per drill: takes that count, the share with every measure in band, first, best and last take
    drills = {s.drill_id: s for s in content.drills}
    assert set(drills) == {r["drill_id"] for r in counted}
    for drill_id, section in drills.items():
        mine = [r for r in counted if r["drill_id"] == drill_id]
        verdicts = [json.loads(r["verdict"]) for r in mine]
        in_band = sum(all(m["status"] in ("in", "missing") for m in v["metrics"].values()) for v in verdicts)
        assert (section.takes, section.judged, section.all_in_band) == (len(mine), len(mine), in_band)
        assert section.not_counted == sum(1 for r in rows if r["drill_id"] == drill_id and not r["counted"])
        assert section.first.id == mine[0]["id"] and section.last.id == mine[-1]["id"]
        best = max(mine, key=lambda r: (r["score"], r["at"]))
        assert section.best.id == best["id"] and section.best.score == best["score"]
        first_loud = json.loads(mine[0]["verdict"])["metrics"]["loudness"]["value"]
        last_loud = json.loads(mine[-1]["verdict"])["metrics"]["loudness"]["value"]
        assert section.change["loudness"] == pytest.approx(last_loud - first_loud)
        for metric in REPORT_METRICS:  # one chart point per take that counts, with its band
            assert len(section.series[metric.name]) == len(mine)
        points = section.series["pitch"]
        assert points[0].value == pytest.approx(100 * 2 ** (verdicts[0]["metrics"]["pitch"]["value"] / 12))
        assert points[0].high == pytest.approx(100 * 2 ** (verdicts[0]["metrics"]["pitch"]["band"][1] / 12))
    assert drills["anger-1-pharmacy"].info.challenge == "Hostile anger at you"
    assert drills["anger-1-pharmacy"].not_counted == 1

    # response time and overlap
    latencies = sorted(r["latency_s"] for r in counted)
    assert content.latency_median == pytest.approx(latencies[len(latencies) // 2] if len(latencies) % 2 else
                                                   (latencies[len(latencies) // 2 - 1] + latencies[len(latencies) // 2]) / 2)
    assert content.overlaps == sum(1 for r in counted if r["overlap_s"] > 0.1)
    assert content.latency_in_band == sum(1 for v in latencies if 0.2 <= v <= 4.0)

    # ratings, the difficulty the rule suggested and the move taken
    assert [r for _, r in content.ratings] == [r["rating"] for r in counted if r["rating"] is not None]
    assert any(s.level == "beginner" and s.move == "up" and s.to == "intermediate" for s in content.suggestions)
    assert [(m.from_level, m.to_level, m.suggested) for m in content.moves] == [("beginner", "intermediate", True)]
    first_intermediate = next(r for r in counted if r["difficulty"] == "intermediate")
    assert content.moves[0].at == week.takes[[t.id for t in week.takes].index(first_intermediate["id"])].at

    # baseline and device warnings
    (use,) = content.baselines
    assert use.baseline.device == "USB headset" and use.takes == len(counted)
    laptop = sum(1 for r in rows if r["device"] == LAPTOP)
    assert any(w.startswith(f"{laptop} takes were recorded with '{LAPTOP}'") for w in content.device_warnings)
    assert any("lost 2 moment(s)" in w for w in content.device_warnings)
    assert any("went away" in w for w in content.device_warnings)

    # notes: every take with one, counted or not
    assert sorted(v.note for v in content.notes) == sorted(NOTES.values())
    assert any(not v.counted for v in content.notes)  # the note on a take too short to count is kept


def test_the_page_has_every_section_and_the_figures(week_store, week_period, tmp_path):
    store, _week = week_store
    result = make_report(store, week_period, tmp_path, now=NOW, goal_minutes=GOAL)
    assert result.path == tmp_path / "levelvoice-report-2026-11-14-to-2026-11-20.html"
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
    page = result.path.read_text(encoding="utf-8")
    assert result.size_bytes == len(page.encode("utf-8"))
    for section in SECTIONS:
        assert f'id="{section}"' in page, section
    for drill_id in ("anger-1-pharmacy", "anger-2-rescheduled", "despair-1-same-every-week", "competence-1-how-long"):
        assert f'id="drill-{drill_id}"' in page
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", " ", page, flags=re.S)))
    assert "Sat 14 Nov 2026 to Fri 20 Nov 2026 (7 days)" in page
    assert "5 of 7" in text and "99 min" in text and "3 days" in text
    assert f"{result.takes} takes" in text and result.takes == 40
    assert "3 more takes were kept but did not count (less than 3 s of speech)" in text
    assert "Caught myself speeding up on &#x27;I hear you&#x27;." in page  # notes are escaped
    # the charts are matplotlib's SVG, inline: one per drill, minutes, timing and ratings
    assert page.count("<svg") == len(result_drills(page)) + 3
    assert "matplotlib" in page.lower()
    # self-contained: no script, nothing fetched, a policy that forbids fetching
    assert "<script" not in page.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:|//|file:)""", page, re.I)
    assert not re.search(r"url\(\s*(?!#)", page) and "@import" not in page  # only the charts' own clip paths
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "<audio" not in page and "contains recordings" not in page


def result_drills(page: str) -> list[str]:
    return re.findall(r'<section class="drill" id="drill-([^"]+)"', page)


def test_with_audio_the_recordings_are_embedded_with_a_warning(lv_home, week_period, tmp_path):
    from tests.conftest import SPEECH_FILES
    from trainer.media import read_audio
    from trainer.store import open_store

    source = tmp_path / "answer.flac"
    audio = read_audio(SPEECH_FILES[1], mono=True)
    sf.write(source, audio.samples[: audio.rate * 4], audio.rate)
    with open_store() as store:
        week = build_week(store, audio_source=source, takes_dir=lv_home / "data" / "takes")
        week.takes[-1].audio_path.unlink()  # the last take's recording is gone: said so, nothing breaks
        result = make_report(store, week_period, tmp_path / "with-audio.html", now=NOW, goal_minutes=GOAL,
                             with_audio=True)
    page = result.path.read_text(encoding="utf-8")
    assert "This report contains recordings" in page and "what a client said" in page
    assert 'id="recordings"' in page and "no longer on this computer" in page
    uris = re.findall(r'<audio controls preload="none" src="data:audio/ogg;base64,([^"]+)"', page)
    # first, best and last of 4 drills (some the same take) and the noted takes, less the missing file
    assert len(uris) == result.recordings >= 8
    decoded, rate = sf.read(io.BytesIO(base64.b64decode(uris[0])))
    assert rate == 24000 and len(decoded) / rate == pytest.approx(4.0, abs=0.1)
    assert sf.info(io.BytesIO(base64.b64decode(uris[0]))).subtype == "OPUS"


def test_an_empty_history_says_so_in_one_line(lv_home, tmp_path):
    from tests.session.helpers import levelvoice

    out = tmp_path / "out"
    out.mkdir()
    done = levelvoice("report", "--out", str(out), home=lv_home)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().splitlines() == ["levelvoice: No takes in your practice history yet: practise a "
                                                "drill, then make a report."]
    assert list(out.iterdir()) == []


def test_a_period_without_takes_says_so_in_one_line(week_store, tmp_path):
    store, _week = week_store
    period = period_from(today=FIRST_DAY - timedelta(days=14), tz=TZ, days=3)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ReportError) as caught:
        make_report(store, period, out, now=NOW, goal_minutes=GOAL)
    assert "\n" not in str(caught.value) and str(caught.value).startswith("No takes from 29 Oct 2026 to 31 Oct 2026")
    assert "your first take was on 08 Nov 2026" in str(caught.value)
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("args, message", [
    (["--days", "0"], "--days is a number of days from 1 to 3660, not 0."),
    (["--from", "2026-13-01"], "--from '2026-13-01' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-02."),
    (["--days", "7", "--from", "2026-11-01"], "Give either --days or --from/--to, not both."),
    (["--to", "2026-11-01"], "--to needs --from too (the first day of the report)."),
    (["--from", "2026-11-10", "--to", "2026-11-01"], "--to 2026-11-01 is before --from 2026-11-10."),
    (["--out", "/nonexistent/folder/report.html"], "The folder /nonexistent/folder does not exist: create it or "
                                                   "choose another --out."),
])
def test_bad_options_get_one_line(lv_home, args, message):
    from tests.session.helpers import levelvoice
    from trainer.store import open_store

    with open_store() as store:
        build_week(store)
    done = levelvoice("report", *args, home=lv_home)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"levelvoice: {message}"]


def test_the_command_writes_the_week(lv_home, tmp_path):
    """As a person runs it: the settings' time zone, --from/--to, --out a file; it says what it wrote."""
    from tests.session.helpers import levelvoice, write_settings
    from trainer.store import open_store

    write_settings(lv_home, daily_goal_minutes=GOAL)
    with open_store() as store:
        build_week(store)
    out = tmp_path / "week.html"
    done = levelvoice("report", "--from", "2026-11-14", "--to", "2026-11-20", "--out", str(out), home=lv_home)
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("Wrote the report of Sat 14 Nov 2026 to Fri 20 Nov 2026 (7 days): 40 takes (3 more did "
                            "not count) on 4 drills, ") and first.endswith(f"to {out}")
    assert "private" in done.stdout
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and 'id="drill-anger-2-rescheduled"' in out.read_text()


def test_a_drill_no_longer_in_the_library_keeps_its_section(week_store, week_period):
    """Takes of a removed drill (or a clip practised without a drill) are reported under their id."""
    from trainer.report import gather

    store, _week = week_store
    content = gather(store, week_period, now=NOW, drills={}, goal_minutes=GOAL)
    titles = {s.drill_id: s.info.title for s in content.drills}
    assert titles["competence-1-how-long"] == "competence-1-how-long"
    page, embedded = render(content)
    assert embedded == 0 and 'id="drill-competence-1-how-long"' in page


def test_overflow_and_device_loss_come_from_the_plan():
    """The golden data has the conditions the warnings are about (a guard on week.py itself)."""
    assert OVERFLOW_TAKE in {(d, i) for d, (_, plan) in PLAN.items() for i in range(len(plan))}
    assert DEVICE_LOST in {(d, i) for d, (_, plan) in PLAN.items() for i in range(len(plan))}
