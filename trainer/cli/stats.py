"""`levelvoice stats`: today's practice, streaks and each drill's trend."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import click

SPARKS = "▁▂▃▄▅▆▇█"
SCORE_RULE = ("Score: each measure scores 100 inside its band and loses 50 points per band half-width outside; "
              "the weighted mean (loudness 30, pitch 25, pace 20, pitch range 10, overlap 10, response time 5; "
              "unmeasured ones left out) is the score when every measure is in band, so 80 or more means level; "
              "with any measure out of band the score is 79% of it, and at most 59 after more than 1 s over "
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
    for d in stats.drills:
        last = "-" if d.last_score is None else str(d.last_score)
        pace = "-" if d.last_pace is None else f"×{d.last_pace:.2f}"
        lines.append(f"{d.id:<{width}}  {d.takes:>5}  {last:>4}  {pace:>5}  {d.trend:<6}  {sparkline(d.recent_scores)}")
    lines += ["", SCORE_RULE, PACE_RULE]
    return lines


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(as_json: bool) -> None:
    """Show today's practice minutes, streaks and each drill's recent scores."""
    from trainer import config
    from trainer.practice.clock import zone
    from trainer.store import open_store

    settings = config.load()
    tz = zone(settings.timezone)
    with open_store() as store:
        figures = store.stats(datetime.now(timezone.utc), tz, settings.daily_goal_minutes)
        baseline = store.latest_baseline()
    if as_json:
        data = figures.to_dict()
        data["baseline"] = None if baseline is None else baseline.to_dict()
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(render(figures, baseline, tz)))
