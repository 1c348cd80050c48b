"""The report's charts: matplotlib figures rendered to SVG text, to be put inline in the page.

No pyplot (no global state, no window); text stays text (`svg.fonttype: none`), so a chart
is small, sharp when printed and uses the reader's own sans-serif font. A chart with up to
`MAX_POINTS` takes shows each take (green in band, orange outside); with more, it shows the
median of each day (each week, for periods over 90 days) and the middle 80 % of the takes,
which keeps a year's report small.
"""

from __future__ import annotations

import io
import logging
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from trainer.practice.verdict import LATENCY_BAND_S, OVERLAP_TOLERANCE_S
from trainer.report.content import REPORT_METRICS, Point, ReportContent, ReportMetric

MAX_POINTS = 60  # more takes than this in a chart: drawn as daily (or weekly) medians
WIDTH_IN = 7.2  # fits an A4 page with its margins
ROW_IN = 1.05
BOTTOM_IN = 0.3
IN_BAND = "#2e7d32"
OUT_OF_BAND = "#d84315"
NEUTRAL = "#455a64"
BAND = "#c8e6c9"
SPREAD = "#cfd8dc"
STYLE = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": 7.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e0e0e0",
    "grid.linewidth": 0.5,
    "axes.edgecolor": "#9e9e9e",
    "axes.linewidth": 0.6,
    "xtick.color": "#616161",
    "ytick.color": "#616161",
    "path.simplify": True,
}


def _quiet() -> None:
    """matplotlib's own notices (e.g. building its font cache on first use) stay out of a person's terminal."""
    logging.getLogger("matplotlib").setLevel(logging.ERROR)


def _figure(rows: int, row_in: float = ROW_IN):
    """A figure of `rows` charts over one shared time axis (fixed margins: no layout engine to pay for)."""
    _quiet()
    import matplotlib
    from matplotlib.figure import Figure

    height = row_in * rows + BOTTOM_IN + 0.1
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(WIDTH_IN, height))
        axes = figure.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    figure.subplots_adjust(left=0.11, right=0.985, top=1 - 0.1 / height, bottom=BOTTOM_IN / height, hspace=0.18)
    return figure, axes


def _svg(figure, name: str) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({**STYLE, "svg.hashsalt": f"levelvoice-{name}"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def date_ticks(start: datetime, end: datetime, tz, most: int = 8) -> list[datetime]:
    """Local midnights to label: every day, every 2 days, weekly (Mondays) or monthly (the 1st)."""
    first, last = start.astimezone(tz).date(), (end - timedelta(microseconds=1)).astimezone(tz).date()
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    for step in (1, 2):
        if len(days[::step]) <= most:
            return [_midnight(d, tz) for d in days[::step]]
    for weeks in (1, 2, 4):
        mondays = [d for d in days if d.weekday() == 0][::weeks]
        if len(mondays) <= most:
            return [_midnight(d, tz) for d in mondays]
    for months in (1, 2, 3, 6, 12):
        firsts = [d for d in days if d.day == 1 and (d.month - 1) % months == 0]
        if len(firsts) <= most:
            return [_midnight(d, tz) for d in firsts]
    return [_midnight(days[0], tz), _midnight(days[-1], tz)]


def _midnight(day, tz) -> datetime:
    return datetime.combine(day, datetime.min.time(), tz)


def _time_axis(axis, start: datetime, end: datetime, tz) -> None:
    from matplotlib.dates import DateFormatter, date2num
    from matplotlib.ticker import FixedLocator

    axis.set_xlim(start, end)
    axis.xaxis.set_major_locator(FixedLocator(date2num(date_ticks(start, end, tz))))
    axis.xaxis.set_major_formatter(DateFormatter("%d %b", tz=tz))


@dataclass(frozen=True)
class Bucket:
    """The takes of one day (or week): their median and middle 80 %, and the median band."""

    at: datetime
    median: float
    p10: float
    p90: float
    low: float | None
    high: float | None


def buckets(points: Sequence[Point], start: datetime, end: datetime, tz) -> list[Bucket]:
    """Points grouped by local day, or by week when the period is longer than 90 days."""
    size = 1 if (end - start).days <= 90 else 7
    first = start.astimezone(tz).date()
    groups: dict[int, list[Point]] = {}
    for p in points:
        groups.setdefault((p.at.date() - first).days // size, []).append(p)  # points are in local time
    out = []
    for index, group in sorted(groups.items()):
        values = sorted(p.value for p in group)
        lows = [p.low for p in group if p.low is not None]
        highs = [p.high for p in group if p.high is not None]
        middle = _midnight(first + timedelta(days=index * size), tz) + timedelta(hours=12 * size)
        out.append(Bucket(middle, statistics.median(values), _quantile(values, 0.1), _quantile(values, 0.9),
                          statistics.median(lows) if lows else None, statistics.median(highs) if highs else None))
    return out


def _quantile(ordered: Sequence[float], q: float) -> float:
    position = q * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def _steps(xs: Sequence[datetime], lows: Sequence[float | None], highs: Sequence[float | None], end: datetime):
    """A band as a step function, only where it changes (it moves only when the staircase does)."""
    out_x, out_low, out_high = [], [], []
    for x, low, high in zip(xs, lows, highs):
        if out_x and (low, high) == (out_low[-1], out_high[-1]):
            continue
        out_x.append(x)
        out_low.append(low)
        out_high.append(high)
    if out_x:
        out_x.append(end)
        out_low.append(out_low[-1])
        out_high.append(out_high[-1])
    return out_x, out_low, out_high


def _band(axis, xs, lows, highs, values: Sequence[float], end: datetime) -> None:
    """The band each take was judged against, shaded."""
    chosen = [(x, lo, hi) for x, lo, hi in zip(xs, lows, highs) if hi is not None]
    if not chosen:
        return
    if any(lo is None for _, lo, _ in chosen):  # one-sided: in band is anything up to the top
        floor = min(min(values), min(hi for *_, hi in chosen)) - 1.0
        chosen = [(x, floor, hi) for x, _, hi in chosen]
    bx, blow, bhigh = _steps(*zip(*chosen), end)
    axis.fill_between(bx, blow, bhigh, step="post", color=BAND, linewidth=0, zorder=0)


def _series(axis, points: Sequence[Point], start: datetime, end: datetime, tz, *, connect: bool = True) -> str:
    """Draw one measure; returns "takes" or "daily"/"weekly" (what a point stands for)."""
    if len(points) <= MAX_POINTS:
        _band(axis, [p.at for p in points], [p.low for p in points], [p.high for p in points],
              [p.value for p in points], end)
        if connect:
            axis.plot([p.at for p in points], [p.value for p in points], color="#b0bec5", linewidth=0.6, zorder=1)
        for wanted, colour in ((True, IN_BAND), (False, OUT_OF_BAND)):
            chosen = [p for p in points if (p.status == "in") == wanted]
            if chosen:
                axis.scatter([p.at for p in chosen], [p.value for p in chosen], s=9, color=colour, zorder=2,
                             linewidths=0)
        return "takes"
    groups = buckets(points, start, end, tz)
    xs = [b.at for b in groups]
    _band(axis, xs, [b.low for b in groups], [b.high for b in groups], [b.p10 for b in groups], end)
    axis.fill_between(xs, [b.p10 for b in groups], [b.p90 for b in groups], color=SPREAD, alpha=0.7, linewidth=0,
                      zorder=1)
    axis.plot(xs, [b.median for b in groups], color=NEUTRAL, linewidth=0.9, zorder=2)
    return "daily" if (end - start).days <= 90 else "weekly"


class Charts:
    """Makes the report's charts. One figure per layout is built once and emptied between charts:
    building axes and their ticks costs more than drawing them (a year's report draws 30 drills)."""

    def __init__(self) -> None:
        self._figures: dict[tuple[int, float], tuple] = {}

    def _blank(self, rows: int, row_in: float = ROW_IN):
        key = (rows, row_in)
        if key not in self._figures:
            self._figures[key] = _figure(rows, row_in)
        figure, axes = self._figures[key]
        for axis in axes:
            for artist in [*axis.lines, *axis.collections, *axis.patches, *axis.texts]:
                artist.remove()
            axis.relim()
            axis.set_autoscaley_on(True)
            axis.set_ylabel("")
        return figure, axes

    def measures(self, points_by_metric: dict[str, Sequence[Point]], start: datetime, end: datetime, tz, name: str,
                 metrics: Sequence[ReportMetric] = REPORT_METRICS) -> str:
        """One drill's measures over the period, one row each, with the band drawn."""
        figure, axes = self._blank(len(metrics))
        for axis, metric in zip(axes, metrics):
            points = list(points_by_metric.get(metric.name, ()))
            axis.set_ylabel(f"{metric.label}\n({metric.unit})", fontsize=7)
            if points:
                _series(axis, points, start, end, tz)
            else:
                axis.text(0.5, 0.5, "not measured", transform=axis.transAxes, ha="center", va="center",
                          color="#9e9e9e")
            _time_axis(axis, start, end, tz)
        return _svg(figure, name)

    def timing(self, content: ReportContent, name: str = "timing") -> str:
        """Response time (with its fixed band) and talking over the client, take by take."""
        period, tz = content.period, content.period.tz
        start, end = period.start.astimezone(tz), period.end.astimezone(tz)
        figure, axes = self._blank(2)
        latency = [Point(at, v, LATENCY_BAND_S[0], LATENCY_BAND_S[1],
                         "in" if LATENCY_BAND_S[0] <= v <= LATENCY_BAND_S[1] else "high")
                   for at, v, _ in content.timing if v is not None]
        overlap = [Point(at, v, None, OVERLAP_TOLERANCE_S, "in" if v <= OVERLAP_TOLERANCE_S else "high")
                   for at, _, v in content.timing if v is not None]
        for axis, label, points, connect in ((axes[0], "Response time\n(s)", latency, True),
                                             (axes[1], "Over the client\n(s)", overlap, False)):
            axis.set_ylabel(label, fontsize=7)
            if points:
                _series(axis, points, start, end, tz, connect=connect)
            _time_axis(axis, start, end, tz)
        axes[1].set_ylim(bottom=0)
        return _svg(figure, name)

    def minutes(self, content: ReportContent, name: str = "minutes") -> str:
        """Minutes of practice per day against the daily goal."""
        period, tz = content.period, content.period.tz
        figure, (axis,) = self._blank(1, 1.3)
        days = period.dates()
        minutes = [content.minutes_by_day.get(d, 0.0) for d in days]
        centres = [_midnight(d, tz) + timedelta(hours=12) for d in days]
        colours = [IN_BAND if m >= content.goal_minutes else "#90a4ae" for m in minutes]
        axis.bar(centres, minutes, width=0.8 if len(days) <= 120 else 1.0, color=colours, linewidth=0)
        axis.axhline(content.goal_minutes, color=NEUTRAL, linewidth=0.8, linestyle="--")
        axis.set_ylabel("Minutes", fontsize=7)
        _time_axis(axis, period.start.astimezone(tz), period.end.astimezone(tz), tz)
        return _svg(figure, name)

    def ratings(self, content: ReportContent, name: str = "ratings") -> str:
        """Self-rated activation (0 calm .. 10 very activated) take by take."""
        period, tz = content.period, content.period.tz
        start, end = period.start.astimezone(tz), period.end.astimezone(tz)
        figure, axes = self._blank(1, 1.25)
        axis = axes[0]
        points = [Point(at, float(r), None, None, "in" if r <= 3 else "high") for at, r in content.ratings]
        if points:
            _series(axis, points, start, end, tz)
        axis.set_ylim(-0.5, 10.5)
        axis.set_ylabel("Activation\n(0-10)", fontsize=7)
        _time_axis(axis, start, end, tz)
        return _svg(figure, name)
