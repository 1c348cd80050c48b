"""`levelvoice stats`: today's practice, streaks and each drill's trend."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import click

from trainer.store.store import RECENT_SCORES

SPARKS = "▁▂▃▄▅▆▇█"
UNSCORED_NOTE = ("* Fewer bars than takes: takes made before your first calibration count, but were not judged, "
                 "so they have no score.")
SCORE_RULE = ("Score: each measure scores 100 inside its band and loses 50 points per band half-width outside; "
              "the weighted mean (loudness 25, pitch 20, pace 15, edge 15, pitch range 10, overlap 10, response "
              "time 5; unmeasured ones left out) is the score when every measure is in band, so 80 or more means "
              "level; with any measure out of band the score is 79% of it, and at most 59 after more than 1 s over "
              "the client.")
PACE_RULE = ("Pace: the last take's speaking rate as a multiple of your calm pace, in syllables per second of "
             "speech (pauses left out), counted from the transcript and the sound.")


def sparkline(scores: tuple[int, ...]) -> str:
    return "".join(SPARKS[min(len(SPARKS) - 1, score * len(SPARKS) // 101)] for score in scores)


def render(stats, baseline, tz) -> list[str]:
    """The stats as lines of text for a person."""
    goal, minutes = stats.daily_goal_minutes, stats.today_minutes
    filled = min(10, int(minutes / goal * 10))
    progress = "goal reached" if stats.goal_met_today else f"{goal - minutes:.0f} min to go"
    lines = [
        f"Today        {minutes:.0f} of {goal} min  {'█' * filled}{'░' * (10 - filled)}  {progress}"
        f"  ({stats.takes_today} take{'s' if stats.takes_today != 1 else ''})",
        f"Streak       {stats.current_streak} day{'s' if stats.current_streak != 1 else ''} (best {stats.best_streak})"
        f"   freezes {stats.freezes} of 2   {stats.days_this_month} practice day"
        f"{'s' if stats.days_this_month != 1 else ''} this month",
    ]
    if baseline is None:
        lines.append("Baseline     none yet: run `levelvoice calibrate` so your takes can be judged")
    else:
        lines.append(f"Baseline     {baseline.created_at.astimezone(tz):%d %b %Y} on {baseline.device or 'the default microphone'}")
    lines.append("")
    if not stats.drills:
        lines.append("No takes yet. Open the app with `levelvoice` and practise a drill.")
        return lines
    width = max(5, *(len(d.id) for d in stats.drills))
    lines.append(f"{'Drill':<{width}}  takes  last   pace  trend   last 10 scores")
    unscored = False
    for d in stats.drills:
        last = "-" if d.last_score is None else str(d.last_score)
        pace = "-" if d.last_pace is None else f"×{d.last_pace:.2f}"
        bars = sparkline(d.recent_scores)
        if len(d.recent_scores) < min(d.takes, RECENT_SCORES):
            bars += "*"
            unscored = True
        lines.append(f"{d.id:<{width}}  {d.takes:>5}  {last:>4}  {pace:>5}  {d.trend:<6}  {bars}")
    if unscored:
        lines += ["", UNSCORED_NOTE]
    lines += ["", SCORE_RULE, PACE_RULE]
    return lines


MARKS = {"in": "✓", "high": "↑", "low": "↓"}


def _cell(value: float | None, digits: int, status: str = "") -> str:
    """A value and its status mark, 12 wide (the mark in the last column)."""
    return f"{'-' if value is None else f'{value:.{digits}f}':>10} {MARKS.get(status, ' ')}"


def render_best(drill_id: str, last, comparison, tz) -> list[str]:
    """The drill's last take beside its personal best and the calm baseline, measure by measure."""
    when = f"{last.at.astimezone(tz):%d %b %H:%M}"
    score = "" if comparison.this_score is None else f", score {comparison.this_score}"
    if comparison.best_take_id is None:
        head = f"Last take of {drill_id} ({when}{score}): no earlier judged take to compare with yet"
    else:
        best_when = f"{comparison.best_at.astimezone(tz):%d %b %H:%M}"
        head = (f"Last take of {drill_id} ({when}{score}) against your best ({best_when}, score "
                f"{comparison.best_score}){' - a new best' if comparison.new_best else ''}")
    lines = [head, f"  {'':<20}{'last':>10}  {'best':>10}  {'calm':>10}"]
    for row in comparison.rows:
        label = f"{row.label} ({row.unit})"
        lines.append(f"  {label:<20}{_cell(row.this, row.digits, row.this_status)}"
                     f"{_cell(row.best, row.digits, row.best_status)}{_cell(row.calm, row.digits)}".rstrip())
    lines.append("  (✓ in band, ↑ above, ↓ below, as each take was judged)")
    return lines


def _against_best(store, figures, drill_id: str | None):
    """(drill id, its last take that counts, the comparison) for `drill_id`, else the drill practised last."""
    from trainer.errors import TrainerError
    from trainer.session.review import against_best

    chosen = drill_id
    if drill_id is None:
        if not figures.drills:
            return None
        drill_id = figures.drills[0].id
    last = store.takes_for_drill(drill_id, limit=1)
    if not last and chosen is None:
        return None  # the drill practised last has no take that counts and can be read: nothing to compare
    if not last:
        raise TrainerError(f"No take of the drill '{drill_id}' counts yet: see `levelvoice drills list` for the ids.")
    return drill_id, last[0], against_best(store, drill_id, last[0].id)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--drill", "drill_id", metavar="ID",
              help="Compare this drill's last take with your best (default: the drill you practised last).")
def stats(as_json: bool, drill_id: str | None) -> None:
    """Show today's practice minutes, streaks, each drill's recent scores, and your last take against your best."""
    from trainer.cli.history import history

    with history() as practice:
        settings, tz, store = practice.settings, practice.tz, practice.store
        figures = store.stats(datetime.now(timezone.utc), tz, settings.daily_goal_minutes)
        baseline = store.latest_baseline()
        best = _against_best(store, figures, drill_id)
    if as_json:
        data = figures.to_dict()
        data["baseline"] = None if baseline is None else baseline.to_dict()
        data["against_best"] = None if best is None else {"drill_id": best[0], "take_id": best[1].id,
                                                          **best[2].to_dict()}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        lines = render(figures, baseline, tz)
        if best is not None:
            lines += ["", *render_best(best[0], best[1], best[2], tz)]
        click.echo("\n".join(lines))
