"""One line of the result: a metric against its band, with a small bar."""

from __future__ import annotations

from rich.text import Text

IN_BAND = "in band"
BAR_WIDTH = 17


def band_bar(value: float | None, low: float | None, high: float | None, width: int = BAR_WIDTH) -> Text:
    """`·····━━━━●━━━·····`: the band in the middle third, the marker where the value lies.

    The bar spans the band plus its own width on each side; values beyond show ◀ or ▶.
    """
    if value is None or low is None or high is None or high <= low:
        return Text("·" * width, style="dim")
    span = high - low
    left, right = low - span, high + span
    first, last = width // 3, width - width // 3 - 1
    if value < left:
        position, marker = 0, "◀"
    elif value > right:
        position, marker = width - 1, "▶"
    else:
        position, marker = min(int((value - left) / (right - left) * width), width - 1), "●"
    text = Text()
    for i in range(width):
        if i == position:
            text.append(marker, style="bold green" if low <= value <= high else "bold yellow")
        elif first <= i <= last:
            text.append("━", style="cyan")
        else:
            text.append("·", style="dim")
    return text


def metric_line(label: str, value_text: str, target_text: str, delta_text: str, status_text: str,
                in_band: bool | None, bar: Text, *, label_width: int = 14, header: bool = False) -> Text:
    """The whole row: label, your value, the target with its band, the change from it, what it means, bar.

    `header` makes the column titles (dim) instead of a metric's row.
    """
    line = Text(f"{label:<{label_width}}", style="bold")
    line.append(f"{value_text:>10}  ", style="dim" if header else "")
    line.append(f"{target_text:<18}", style="dim")
    line.append(f"{delta_text:>8}  ", style="dim" if header else "italic")
    style = "dim" if in_band is None else "green" if in_band else "yellow"
    line.append(f"{status_text:<16}"[:16], style=style)
    line.append_text(bar)
    return line
