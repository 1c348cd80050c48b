"""The report as one self-contained HTML page: inline style, inline SVG charts, no script.

A Content-Security-Policy in the page forbids every fetch (only inline styles and, with
--with-audio, `data:` audio are allowed), so the page cannot reach the network even if a
browser wanted to. The print style keeps sections together on A4 pages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from trainer.practice.counting import MIN_COUNTED_SPEECH_S
from trainer.practice.verdict import (LATENCY_BAND_S, LEVEL_SCORE, OUT_OF_BAND_SHARE, OVERLAP_CAP, OVERLAP_LIMIT_S,
                                      OVERLAP_TOLERANCE_S)
from trainer.report.content import TABLE_METRICS, DrillSection, MeasureValue, ReportContent, TakeView

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; media-src data:; "
       "base-uri 'none'; form-action 'none'")

CSS = """
:root { --ink: #212121; --muted: #616161; --line: #e0e0e0; --in: #2e7d32; --out: #d84315; --warn-bg: #fff3e0; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 56rem; padding: 1.5rem; line-height: 1.45; font-size: 15px;
       background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .4rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .2rem; }
p { margin: .3rem 0 .6rem; }
.muted, .caption { color: var(--muted); }
.caption { font-size: .85rem; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 .8rem; font-size: .9rem; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; background: #fafafa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td:first-child { white-space: nowrap; }
.in { color: var(--in); }
.out { color: var(--out); font-weight: 600; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .6rem; margin: .8rem 0; }
.fact { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .7rem; }
.fact b { display: block; font-size: 1.35rem; }
.warning { background: var(--warn-bg); border-left: 5px solid #ef6c00; padding: .6rem .9rem; margin: .8rem 0; }
.private { border: 1px solid var(--line); padding: .5rem .8rem; font-size: .85rem; color: var(--muted); }
figure { margin: .3rem 0 1rem; }
figure svg { width: 100%; height: auto; display: block; }
audio { width: 100%; max-width: 22rem; }
ul { margin: .3rem 0 .8rem; padding-left: 1.2rem; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2, h3, h3 + p, h3 + p + p { break-after: avoid-page; page-break-after: avoid; }
  figure, table, .facts, .warning { break-inside: avoid-page; page-break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  audio { display: none; }
}
"""

SYMBOL = {"in": "✓", "high": "↑", "low": "↓", "missing": ""}


def _n(value: float | None, digits: int, unit: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:.{digits}f}"
    return f"{text} {unit}".strip() if unit else text


def _signed(value: float | None, digits: int) -> str:
    return "–" if value is None else f"{value:+.{digits}f}"


def _measure(value: MeasureValue, digits: int) -> str:
    if value.value is None:
        return "–"
    css = "in" if value.status == "in" else "out" if value.status in ("high", "low") else ""
    title = f' title="{escape(value.words)}"' if value.words else ""
    mark = SYMBOL.get(value.status, "")
    return f'<span class="{css}"{title}>{_n(value.value, digits)} {mark}</span>'


def _when(view: TakeView | None) -> str:
    return "–" if view is None else f"{view.at.day} {view.at:%b %H:%M}"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _percent(part: int, whole: int) -> str:
    return "–" if not whole else f"{round(100 * part / whole)}%"


def header(content: ReportContent, with_audio: bool) -> str:
    period = content.period
    parts = [
        "<header>",
        "<h1>Level Voice practice report</h1>",
        f'<p class="muted">{escape(period.describe())} · made {content.generated_at:%d %b %Y %H:%M} '
        f"({escape(str(period.tz))})</p>",
        '<p class="private">Private: the measures of a therapist\'s voice in deliberate practice, and their own notes. '
        "Made offline by Level Voice on the therapist's own computer; this file fetches nothing from anywhere.</p>",
    ]
    if with_audio:
        parts.append('<div class="warning"><b>This report contains recordings.</b> The takes below are '
                     "recordings of spoken answers to difficult client statements; a take can contain what a "
                     "client said (a clip heard through speakers, or words about a client). Share this file only "
                     "as you would share session material, and only with someone who should hear it.</div>")
    parts.append("</header>")
    return "\n".join(parts)


def summary(content: ReportContent, minutes_svg: str) -> str:
    days = content.period.days
    counted_rule = (f"{_plural(content.not_counted, 'more take')} {'was' if content.not_counted == 1 else 'were'} "
                    f"kept but did not count (less than {MIN_COUNTED_SPEECH_S:.0f} s of speech) and "
                    f"{'is' if content.not_counted == 1 else 'are'} left out of every count, share and chart below."
                    if content.not_counted else "Every take in the period counted.")
    per_day = content.minutes / content.practice_days if content.practice_days else 0.0
    return "\n".join([
        '<section id="summary">',
        "<h2>Practice</h2>",
        '<div class="facts">',
        f'<div class="fact"><b>{content.goal_days} of {days}</b>days reached the {content.goal_minutes}-minute goal'
        f" ({content.practice_days} with some practice)</div>",
        f'<div class="fact"><b>{content.minutes:.0f} min</b>of active practice'
        f"{f' ({per_day:.0f} per practice day)' if content.practice_days else ''}</div>",
        f'<div class="fact"><b>{_plural(content.current_streak, "day")}</b>streak at the end of the period '
        f"(best so far {content.best_streak})</div>",
        f'<div class="fact"><b>{_plural(content.takes, "take")}</b>that count, on '
        f"{_plural(len(content.drills), 'drill')}</div>",
        "</div>",
        f'<p id="not-counted">{counted_rule}</p>',
        f'<figure id="minutes-chart">{minutes_svg}<figcaption class="caption">Minutes of active practice per day; '
        f"the dashed line is the daily goal ({content.goal_minutes} min).</figcaption></figure>",
        "</section>",
    ])


def _take_table(section: DrillSection) -> str:
    views = (("First", section.first), ("Best", section.best), ("Last", section.last))
    head = "".join(f'<th class="num">{name}<br><span class="muted">{_when(v)}</span></th>' for name, v in views)
    rows = [f"<tr><th>Measure</th>{head}<th class=\"num\">Change<br><span class=\"muted\">last − first</span></th></tr>"]
    for metric in TABLE_METRICS:
        cells = "".join(f'<td class="num">{"–" if v is None else _measure(v.measures[metric.name], metric.digits)}'
                        "</td>" for _, v in views)
        rows.append(f"<tr><td>{escape(metric.label)} <span class=\"muted\">{escape(metric.unit)}</span></td>{cells}"
                    f'<td class="num">{_signed(section.change[metric.name], metric.digits)}</td></tr>')
    scores = "".join(f'<td class="num">{"–" if v is None or v.score is None else v.score}</td>' for _, v in views)
    score_change = (None if section.first.score is None or section.last.score is None
                    else section.last.score - section.first.score)
    rows.append(f"<tr><td><b>Score</b> <span class=\"muted\">0-100</span></td>{scores}"
                f'<td class="num">{_signed(score_change, 0)}</td></tr>')
    ratings = "".join(f'<td class="num">{"–" if v is None or v.rating is None else v.rating}</td>' for _, v in views)
    rows.append(f'<tr><td>Self-rating <span class="muted">0 calm – 10 activated</span></td>{ratings}<td></td></tr>')
    return "<table>" + "".join(rows) + "</table>"


def drill(section: DrillSection, chart_svg: str) -> str:
    info = section.info
    where = " · ".join(x for x in (info.challenge, info.difficulty) if x)
    not_counted = f" ({section.not_counted} more did not count)" if section.not_counted else ""
    share = (f"{section.all_in_band} of {section.judged} judged takes ({_percent(section.all_in_band, section.judged)})"
             " had every measure in band." if section.judged else "No take was judged (no baseline yet).")
    return "\n".join([
        f'<section class="drill" id="drill-{escape(section.drill_id)}">',
        f"<h3>{escape(info.title)}</h3>",
        f'<p class="muted">{escape(where)}{" · " if where else ""}{escape(section.drill_id)}</p>',
        f"<p><b>{_plural(section.takes, 'take')}</b>{not_counted}. {share}</p>",
        _take_table(section),
        '<p class="caption">✓ in band, ↑ above it, ↓ below it, as judged at the time (bands narrow as practice '
        "goes well). Pitch is the median in Hz; pace is the speaking rate against the calm pace.</p>",
        f"<figure>{chart_svg}<figcaption class=\"caption\">Each take's measures over the period; the green area is "
        "the band it was judged against, orange points lie outside it.</figcaption></figure>",
        "</section>",
    ])


def timing(content: ReportContent, chart_svg: str) -> str:
    low, high = LATENCY_BAND_S
    median = "–" if content.latency_median is None else f"{content.latency_median:.1f} s"
    return "\n".join([
        '<section id="timing">',
        "<h2>Response time and talking over the client</h2>",
        f"<p>Median response time {median}; {content.latency_in_band} of {content.latency_measured} takes "
        f"({_percent(content.latency_in_band, content.latency_measured)}) answered within {low:.1f}-{high:.1f} s "
        "of the client's last word. "
        f"Talked over the client (more than {OVERLAP_TOLERANCE_S:.1f} s) in {content.overlaps} of "
        f"{content.overlap_measured} takes ({_percent(content.overlaps, content.overlap_measured)}).</p>",
        f"<figure>{chart_svg}<figcaption class=\"caption\">Top: seconds from the client's last word to the "
        "first word of the answer (green: the band). Bottom: seconds spoken while the client was still talking."
        "</figcaption></figure>",
        "</section>",
    ])


def ratings_and_moves(content: ReportContent, chart_svg: str) -> str:
    parts = ['<section id="ratings">', "<h2>Self-ratings and difficulty</h2>"]
    if content.ratings:
        values = [r for _, r in content.ratings]
        parts.append(f"<p>{_plural(len(values), 'take')} of {content.takes} rated; activation averaged "
                     f"{content.rating_mean:.1f} (0 calm, 10 very activated; lowest {min(values)}, highest "
                     f"{max(values)}).</p>")
        parts.append(f'<figure>{chart_svg}<figcaption class="caption">How activated the therapist felt after each '
                     "take (green: 3 or less).</figcaption></figure>")
    else:
        parts.append("<p>No take in the period was rated.</p>")
    parts.append("<h3>Difficulty moves suggested</h3>")
    if content.suggestions:
        parts.append("<table><tr><th>When</th><th>At</th><th>Suggested</th><th>Why</th></tr>" + "".join(
            f"<tr><td>{s.at:%d %b %H:%M}</td><td>{escape(s.level)}</td>"
            f"<td>{'up' if s.move == 'up' else 'down'} to {escape(s.to)}</td><td>{escape(s.reason)}</td></tr>"
            for s in content.suggestions) + "</table>")
    else:
        parts.append("<p>The rule suggested no move in this period.</p>")
    parts.append("<h3>Difficulty moves taken</h3>")
    if content.moves:
        parts.append("<table><tr><th>When</th><th>From</th><th>To</th><th>Suggested?</th></tr>" + "".join(
            f"<tr><td>{m.at:%d %b %H:%M}</td><td>{escape(m.from_level)}</td><td>{escape(m.to_level)}"
            f"</td><td>{'yes' if m.suggested else 'no'}</td></tr>" for m in content.moves) + "</table>")
    else:
        parts.append("<p>No move between difficulty levels in this period.</p>")
    parts.append("</section>")
    return "\n".join(parts)


def baseline(content: ReportContent) -> str:
    parts = ['<section id="baseline">', "<h2>Baseline and recording</h2>"]
    if content.baselines:
        parts.append("<table><tr><th>Calm baseline of</th><th>Microphone</th><th class=\"num\">Loudness</th>"
                     "<th class=\"num\">Pitch</th><th class=\"num\">Range</th><th class=\"num\">Pace</th>"
                     "<th class=\"num\">Takes judged</th></tr>")
        for use in content.baselines:
            b = use.baseline
            hz = None if b.pitch_median_st is None else 100 * 2 ** (b.pitch_median_st / 12)
            parts.append(f"<tr><td>{use.created_local:%d %b %Y %H:%M}</td><td>{escape(b.device or 'default')}</td>"
                         f'<td class="num">{_n(b.loudness_dbfs, 1, "dBFS")}</td><td class="num">{_n(hz, 0, "Hz")}</td>'
                         f'<td class="num">{_n(b.pitch_range_st, 1, "st")}</td>'
                         f'<td class="num">{_n(b.articulation_rate, 1, "syll/s")}</td>'
                         f'<td class="num">{use.takes}</td></tr>')
        parts.append("</table>")
    else:
        parts.append("<p>No baseline was used: takes in this period were measured but not judged.</p>")
    parts.append("<h3>Device warnings</h3>")
    if content.device_warnings:
        parts.append("<ul>" + "".join(f"<li>{escape(w)}</li>" for w in content.device_warnings) + "</ul>")
    else:
        parts.append("<p>None: every take was recorded on its baseline's microphone without lost audio.</p>")
    parts.append("</section>")
    return "\n".join(parts)


def notes(content: ReportContent, titles: Mapping[str, str]) -> str:
    parts = ['<section id="notes">', "<h2>Notes on takes</h2>"]
    if content.notes:
        parts.append("<table><tr><th>When</th><th>Drill</th><th class=\"num\">Score</th><th>Note</th></tr>")
        for view in content.notes:
            counted = "" if view.counted else ' <span class="muted">(did not count)</span>'
            parts.append(f"<tr><td>{view.at:%d %b %H:%M}</td><td>{escape(titles.get(view.drill_id, view.drill_id))}"
                         f"{counted}</td><td class=\"num\">{'–' if view.score is None else view.score}</td>"
                         f"<td>{escape(view.note or '')}</td></tr>")
        parts.append("</table>")
    else:
        parts.append("<p>No notes on takes in this period.</p>")
    parts.append("</section>")
    return "\n".join(parts)


def recordings(items: Sequence[tuple[str, TakeView, str | None]]) -> str:
    """`items`: (what, take, data URI or None when the file is gone)."""
    parts = ['<section id="recordings">', "<h2>Recordings</h2>",
             '<p class="caption">The first, best and last take of each drill, and every take with a note.</p>',
             "<table><tr><th>Take</th><th>When</th><th>Listen</th></tr>"]
    for what, view, uri in items:
        player = (f'<audio controls preload="none" src="{uri}"></audio>' if uri
                  else '<span class="muted">the recording is no longer on this computer</span>')
        parts.append(f"<tr><td>{escape(what)}</td><td>{view.at:%d %b %H:%M}</td><td>{player}</td></tr>")
    parts.append("</table></section>")
    return "\n".join(parts)


def reading_guide() -> str:
    return "\n".join([
        '<section id="guide">', "<h2>How to read this report</h2>",
        "<p>Each take is judged against the therapist's own calm baseline: loudness, pitch, pitch range and pace "
        "each have a band around it (a drill may shift the target), and the bands narrow after three takes in a "
        "row in band and widen after two misses, so the goal stays just beyond reach. The edge is how much "
        "brighter (more pressed) the voice was than its loudness explains, in dB above the therapist's own line; "
        "its band is open below. Response time has a fixed "
        f"band of {LATENCY_BAND_S[0]:.1f}-{LATENCY_BAND_S[1]:.1f} s; talking over the client beyond "
        f"{OVERLAP_TOLERANCE_S:.1f} s is always out of band. The score (0-100) comes from the weighted mean of the "
        f"measures (100 inside a band, 50 points less per band half-width outside): {LEVEL_SCORE} or more only "
        f"when every measure is in band, since a miss scores {OUT_OF_BAND_SHARE:.0%} of the mean, and at most "
        f"{OVERLAP_CAP} after more than {OVERLAP_LIMIT_S:g} s spoken over the client.</p>",
        f"<p>A take with less than {MIN_COUNTED_SPEECH_S:.0f} s of speech is kept in the history but does not "
        "count: it is left out of every figure here.</p>",
        "</section>",
    ])


def page(content: ReportContent, *, charts: Mapping[str, str], titles: Mapping[str, str], with_audio: bool,
         recordings_html: str = "") -> str:
    """The whole page. `charts`: "minutes", "timing", "ratings" and "drill-<id>" SVG texts."""
    body = [header(content, with_audio), summary(content, charts["minutes"]), '<section id="drills">',
            "<h2>Drills</h2>"]
    body += [drill(s, charts[f"drill-{s.drill_id}"]) for s in content.drills]
    body.append("</section>")
    body += [timing(content, charts["timing"]), ratings_and_moves(content, charts["ratings"]), baseline(content),
             notes(content, titles)]
    if with_audio:
        body.append(recordings_html)
    body.append(reading_guide())
    period = content.period
    title = f"Level Voice practice report, {period.first:%d %b %Y} to {period.last:%d %b %Y}"
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="referrer" content="no-referrer">\n'
            f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")

