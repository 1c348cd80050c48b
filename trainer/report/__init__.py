"""`levelvoice report`: a practice report to hand a supervisor, as one self-contained HTML file.

- period.py: the report's days (--days, --from/--to) and `ReportError`;
- content.py: what the report says, from the history (only takes that count);
- charts.py: matplotlib figures as inline SVG;
- html.py: the page (no script, no fetch: a Content-Security-Policy forbids it);
- audio.py: takes embedded as Ogg Opus, only when asked for.

No Textual here; the Progress screen reaches it through the session layer.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from trainer.report.period import DEFAULT_DAYS, Period, ReportError, period_from

__all__ = ["DEFAULT_DAYS", "Period", "ReportError", "ReportResult", "default_name", "drill_infos", "gather",
           "make_report", "period_from", "render", "write_private"]


@dataclass(frozen=True)
class ReportResult:
    path: Path
    size_bytes: int
    takes: int  # that count
    not_counted: int
    drills: int
    recordings: int  # takes embedded (--with-audio)
    seconds: float


def default_name(period: Period) -> str:
    return f"levelvoice-report-{period.first.isoformat()}-to-{period.last.isoformat()}.html"


def drill_infos(store) -> dict:
    """Title, challenge and level of every drill the history or the library knows."""
    from trainer.errors import TrainerError
    from trainer.report.content import DrillInfo

    infos = {d.id: DrillInfo(d.title or d.id, "", None) for d in store.drills()}
    try:
        from trainer.drills import load_library

        library = load_library()
    except TrainerError:  # a broken imported drill must not stop the report: titles fall back to ids
        library = []
    for d in library:
        infos[d.id] = DrillInfo(d.title, d.challenge_label, d.difficulty)
    return infos


def gather(store, period: Period, *, now: datetime, drills: dict, goal_minutes: int):
    """The report's content from the history; `ReportError` when there is nothing to report."""
    from trainer.practice.difficulty import LEVELS, WINDOW
    from trainer.report.content import build_content

    first = store.first_take_at()
    if first is None:
        raise ReportError("No takes in your practice history yet: practise a drill, then make a report.")
    takes = store.takes_between(period.start, period.end, features=False)
    if not takes:
        raise ReportError(f"No takes from {period.first:%d %b %Y} to {period.last:%d %b %Y} (your first take was on "
                          f"{first.astimezone(period.tz):%d %b %Y}); choose another period with --days or --from/--to.")
    before = {level: store.takes_before(period.start, WINDOW, difficulty=level) for level in LEVELS}
    return build_content(period=period, now=now, takes=takes, before=before, intervals=store.practice_intervals(),
                         baselines=store.baselines(), drills=drills, goal_minutes=goal_minutes)


def render(content, *, with_audio: bool = False) -> tuple[str, int]:
    """The page's HTML and how many recordings it embeds."""
    from trainer.report import charts, html

    tz = content.period.tz
    start, end = content.period.start.astimezone(tz), content.period.end.astimezone(tz)
    maker = charts.Charts()
    svg = {"minutes": maker.minutes(content), "timing": maker.timing(content), "ratings": maker.ratings(content)}
    for number, section in enumerate(content.drills):
        svg[f"drill-{section.drill_id}"] = maker.measures(section.series, start, end, tz, f"drill{number}")
    titles = {s.drill_id: s.info.title for s in content.drills}
    recordings_html, embedded = "", 0
    if with_audio:
        from trainer.report.audio import data_uri

        items, seen = [], set()
        for section in content.drills:
            for what, view in (("first", section.first), ("best", section.best), ("last", section.last)):
                if view is not None and view.id not in seen:
                    seen.add(view.id)
                    items.append((f"{section.info.title}: {what} take", view, data_uri(view.audio_path)))
        for view in content.notes:
            if view.id not in seen:
                seen.add(view.id)
                items.append((f"{titles.get(view.drill_id, view.drill_id)}: take with a note", view,
                              data_uri(view.audio_path)))
        embedded = sum(1 for *_, uri in items if uri)
        recordings_html = html.recordings(items)
    page = html.page(content, charts=svg, titles=titles, with_audio=with_audio, recordings_html=recordings_html)
    return page, embedded


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` readable only by this user (0600): a private temporary file, then a rename."""
    folder = path.parent
    if not folder.is_dir():
        raise ReportError(f"The folder {folder} does not exist: create it or choose another --out.")
    tmp = folder / f".{path.name}.tmp-{os.getpid()}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        with open(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise ReportError(f"Cannot write the report {path}: {err.strerror or err}.") from err


def make_report(store, period: Period, out: Path | None, *, now: datetime, goal_minutes: int,
                with_audio: bool = False, drills: dict | None = None) -> ReportResult:
    """Gather, render and write the report; `out` is a file or a folder (default: the current folder)."""
    started = time.perf_counter()
    target = Path(out) if out is not None else Path(".")
    if target.is_dir():
        target = target / default_name(period)
    if not target.parent.is_dir():  # said before any work is done
        raise ReportError(f"The folder {target.parent} does not exist: create it or choose another --out.")
    content = gather(store, period, now=now, drills=drill_infos(store) if drills is None else drills,
                     goal_minutes=goal_minutes)
    page, embedded = render(content, with_audio=with_audio)
    write_private(target, page)
    return ReportResult(target, len(page.encode("utf-8")), content.takes, content.not_counted, len(content.drills),
                        embedded, time.perf_counter() - started)
