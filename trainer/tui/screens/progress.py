"""Progress: a month calendar of practice days and each drill's trend per metric."""

from __future__ import annotations


from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Static
from textual_plotext import PlotextPlot

from trainer.tui.base import LevelVoiceScreen, guarded
from trainer.tui.widgets.calendar import month_calendar
from trainer.tui.widgets.trend import chart_axis


class ProgressScreen(LevelVoiceScreen):
    DEFAULT_CSS = """
    ProgressScreen #top { height: auto; margin-bottom: 1; }
    ProgressScreen #calendar { width: 31; padding: 0 1; }
    ProgressScreen #summary { width: 1fr; padding: 0 1; }
    ProgressScreen #chart-title { height: 1; padding: 0 1; text-style: bold; }
    ProgressScreen PlotextPlot { height: 1fr; min-height: 6; }
    ProgressScreen #summary-line { height: 1; padding: 0 1; display: none; }
    ProgressScreen.short #top { display: none; }
    ProgressScreen.short #summary-line { display: block; }
    """
    SHORT_HEIGHT = 22  # below this many rows the calendar gives its place to the chart
    BINDINGS = [
        Binding("left_square_bracket", "month(-1)", "Prev month", key_display="["),
        Binding("right_square_bracket", "month(1)", "Next month", key_display="]"),
        Binding("d", "next_drill", "Next drill"),
        Binding("m", "next_metric", "Next metric"),
        Binding("r", "report", "Report", tooltip="Write a practice report for your supervisor (HTML, prints to PDF)"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._month: tuple[int, int] | None = None
        self._drill_index = 0
        self._metric_index = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="top"):
            yield Static(id="calendar")
            yield Static(id="summary")
        with Vertical():
            yield Static(id="summary-line")
            yield Static(id="chart-title")
            yield PlotextPlot()
        yield Footer()

    def on_resize(self) -> None:
        self.set_class(self.size.height < self.SHORT_HEIGHT, "short")

    def on_mount(self) -> None:
        today = self.practice.local_today()
        self._month = (today.year, today.month)
        self.refresh_all()

    @guarded
    def refresh_all(self) -> None:
        year, month = self._month
        view = self.practice.progress(year, month)
        self.query_one("#calendar", Static).update(month_calendar(year, month, view.days, view.today))
        lines = [
            f"Current streak  {view.current_streak} day{'s' if view.current_streak != 1 else ''}",
            f"Best streak     {view.best_streak}",
            f"Freezes held    {view.freezes} of 2",
            f"Goal days       {view.days_this_month} this month",
            f"Takes           {view.takes_total} in all",
        ]
        self.query_one("#summary", Static).update("\n".join(lines))
        self.query_one("#summary-line", Static).update(
            f"Streak {view.current_streak} (best {view.best_streak}) · {view.days_this_month} goal days this month"
            f" · {view.takes_total} take{'s' if view.takes_total != 1 else ''}")
        self._drills = self.practice.drills_with_takes()
        self.refresh_chart()

    @guarded
    def refresh_chart(self) -> None:
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        metrics = self.practice.trend_metrics()
        if not self._drills:
            self.query_one("#chart-title", Static).update("No takes yet: trends appear after your first drill.")
            plot.refresh()
            return
        drill = self._drills[self._drill_index % len(self._drills)]
        metric_key, metric_label = metrics[self._metric_index % len(metrics)]
        points = self.practice.trend(drill.id, metric_key)
        values = [value for _, value in points if value is not None]
        self.query_one("#chart-title", Static).update(
            f"{drill.title}: {metric_label}, {self._takes_shown(len(values), self.practice.take_count(drill.id))}")
        if values:
            takes = list(range(1, len(values) + 1))
            if len(values) > 1:
                plt.plot(takes, values, marker="braille")
            plt.scatter(takes, values, marker="●")  # each take visible, a single one too
            plt.xticks(takes if len(takes) <= 10 else takes[:: max(len(takes) // 10, 1)])
            plt.xlim(0.5, len(takes) + 0.5)
            low, high, ticks, labels = chart_axis(values, fixed=(0, 100) if metric_key == "score" else None)
            plt.ylim(low, high)
            plt.yticks(ticks, labels)
            plt.xlabel("take")
        plot.refresh()

    @staticmethod
    def _takes_shown(shown: int, counted: int) -> str:
        """How many takes the chart draws, and why not all of them when it draws fewer."""
        text = f"{shown} take{'s' if shown != 1 else ''}"
        if shown < counted:
            text += f" of {counted} (the others were not judged: no baseline yet, or this measure was missing)"
        return text

    def action_report(self) -> None:
        from trainer.session.practice import default_report_folder
        from trainer.tui.screens.report_dialog import ReportDialog

        def chosen(request) -> None:
            if request is not None:
                self.notify("Writing the report…", timeout=3)
                self.write_report(request)

        self.app.push_screen(ReportDialog(default_report_folder()), chosen)

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def write_report(self, request) -> None:
        result = self.practice.make_report(days=request.days, out=request.folder, with_audio=request.with_audio)
        recordings = (f" It holds {result.recordings} recordings: takes can contain what a client said."
                      if request.with_audio else "")
        self.app.call_from_thread(self.notify, f"Report written to {result.path} ({result.takes} takes, "
                                  f"{result.size_bytes // 1024} KB).{recordings}", title="Report", timeout=15)

    def action_month(self, step: int) -> None:
        year, month = self._month
        month += step
        year, month = (year - 1, 12) if month < 1 else (year + 1, 1) if month > 12 else (year, month)
        self._month = (year, month)
        self.refresh_all()

    def action_next_drill(self) -> None:
        self._drill_index += 1
        self.refresh_chart()

    def action_next_metric(self) -> None:
        self._metric_index += 1
        self.refresh_chart()
