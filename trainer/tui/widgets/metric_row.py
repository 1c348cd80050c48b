"""One line of the result: a metric against its band, with a small bar."""

from __future__ import annotations

from rich.text import Text

IN_BAND = "in band"
BAR_WIDTH = 17


def band_bar(value: float | None, low: float | None, high: float | None, width: int = BAR_WIDTH, *,
             target: float | None = None) -> Text:
    """`·····━━━━●━━━·····`: the band in the middle third, the marker where the value lies.

    The bar spans the band plus its own width on each side; values beyond show ◀ or ▶. A band
    open below (`low` None, `target` given: the edge, where anything up to `high` is in band)
    is drawn from the left end to its top: `━━━━━━━━━●━━·····`.
    """
    open_below = low is None and high is not None and target is not None and high > target
    if open_below:
        low = 2 * target - high
    if value is None or low is None or high is None or high <= low:
        return Text("·" * width, style="dim")
    span = high - low
    left, right = low - span, high + span
    first, last = 0 if open_below else width // 3, width - width // 3 - 1
    if value < left:
        position, marker = 0, "◀"
    elif value > right:
        position, marker = width - 1, "▶"
    else:
        position, marker = min(int((value - left) / (right - left) * width), width - 1), "●"
    text = Text()
    for i in range(width):
        if i == position:
            inside = value <= high if open_below else low <= value <= high
            text.append(marker, style="bold green" if inside else "bold yellow")
        elif first <= i <= last:
            text.append("━", style="cyan")
        else:
            text.append("·", style="dim")
    return text


def metric_line(label: str, value_text: str, target_text: str, delta_text: str, status_text: str,
                in_band: bool | None, bar: Text, *, label_width: int = 14, header: bool = False,
                with_target: bool = True) -> Text:
    """The whole row: label, your value, the target with its band, the change from it, what it means, bar.

    `header` makes the column titles (dim) instead of a metric's row; without `with_target`
    (a narrow terminal) the target column is left out and the row fits in 52 columns.
    """
    line = Text(f"{label:<{label_width}}", style="bold")
    line.append(f"{value_text:>10}  ", style="dim" if header else "")
    if with_target:
        line.append(f"{target_text:<18}", style="dim")
    line.append(f"{delta_text:>8}  ", style="dim" if header else "italic")
    style = "dim" if in_band is None else "green" if in_band else "yellow"
    line.append(f"{status_text:<16}"[:16], style=style)
    line.append_text(bar)
    return line
