"""Where in the answer: a strip over the take's time, one cell per phrase, one row per measure.

Each cell says whether that phrase was in band (━), above (▲) or below (▼) for the row's
measure; ▒ marks phrases spoken while the client was still talking. The statuses come
from the session's review (`trainer.practice.review.TakeReview`); this only lays them out,
cells as wide as their phrases are long.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

LABEL_WIDTH = 11
MIN_CELL = 3
GAP = 1
GLYPHS = {"in": ("━", "green"), "high": ("▲", "bold red"), "low": ("▼", "bold blue"), "missing": ("·", "dim")}
OVER_CLIENT = ("▒", "red")


def cell_widths(durations: list[float], width: int, *, minimum: int = MIN_CELL, gap: int = GAP) -> list[int] | None:
    """Widths (characters) for cells of the given durations that fill `width`, each at least `minimum`,
    the rest shared out by duration; None when they do not all fit."""
    count = len(durations)
    spare = width - count * minimum - (count - 1) * gap
    if count == 0 or spare < 0:
        return None
    total = sum(durations) or 1.0
    widths = [minimum + int(spare * d / total) for d in durations]
    return widths


def visible_window(count: int, selected: int, width: int) -> tuple[int, int]:
    """The phrases [first, last) shown when not all fit at the narrowest: a window around `selected`."""
    fits = max(1, (width + GAP) // (MIN_CELL + GAP))
    if count <= fits:
        return 0, count
    first = min(max(0, selected - fits // 2), count - fits)
    return first, first + fits


class PhraseStrip(Widget):
    """The review's phrases as a strip; `[`/`]` on the screen move the selection."""

    DEFAULT_CSS = """
    PhraseStrip { height: auto; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.review = None
        self.selected = 0

    def show(self, review, *, keep_selection: bool = False) -> None:
        self.review = review
        count = len(review.phrases) if review is not None else 0
        self.selected = min(self.selected, max(0, count - 1)) if keep_selection else 0
        self.refresh(layout=True)

    def select(self, step: int) -> None:
        if self.review is not None and self.review.phrases:
            self.selected = max(0, min(len(self.review.phrases) - 1, self.selected + step))
            self.refresh(layout=True)

    @property
    def selected_phrase(self):
        if self.review is None or not self.review.phrases:
            return None
        return self.review.phrases[self.selected]

    def render(self) -> Text:
        review = self.review
        if review is None:
            return Text("")
        title = Text("Where in the answer", style="bold")
        if not review.phrases:
            title.append("  no speech was measured, so there are no phrases to show", style="dim")
            return title
        title.append("   [ ] choose a phrase · f plays from it", style="dim")
        if not review.judged:
            title.append("  (not judged: no calm baseline yet)", style="yellow")
        width = max(20, (self.size.width or 80) - LABEL_WIDTH)
        first, last = visible_window(len(review.phrases), self.selected, width)
        shown = review.phrases[first:last]
        widths = cell_widths([p.end_s - p.start_s for p in shown], width) or [MIN_CELL] * len(shown)
        lines = [title, self._numbers(shown, widths, first)]
        if any(p.over_client for p in review.phrases):
            lines.append(self._row("Client", shown, widths, lambda p: OVER_CLIENT if p.over_client else (" ", "")))
        for name, label in review.metrics:
            lines.append(self._row(label, shown, widths, lambda p, name=name: GLYPHS[p.cell(name).status]))
        lines.append(self._detail(review.phrases[self.selected]))
        legend = Text("━ in band  ▲ above  ▼ below  · not measured", style="dim")
        if any(p.over_client for p in review.phrases):
            legend.append("  ▒ over the client", style="dim")
        if first or last < len(review.phrases):
            legend.append(f"   phrases {first + 1}-{last} of {len(review.phrases)}", style="dim")
        lines.append(legend)
        return Text("\n").join(lines)

    def _numbers(self, shown, widths: list[int], first: int) -> Text:
        line = Text(" " * LABEL_WIDTH)
        for i, (phrase, cells) in enumerate(zip(shown, widths)):
            number = str(first + i + 1)
            style = "bold reverse" if first + i == self.selected else "dim"
            line.append(number.center(cells)[:cells], style=style)
            line.append(" " * GAP)
        return line

    @staticmethod
    def _row(label: str, shown, widths: list[int], glyph) -> Text:
        line = Text(f"{label:<{LABEL_WIDTH}}"[:LABEL_WIDTH], style="bold")
        for phrase, cells in zip(shown, widths):
            char, style = glyph(phrase)
            line.append(char * cells, style=style)
            line.append(" " * GAP)
        return line

    def _detail(self, phrase) -> Text:
        line = Text(f"Phrase {self.selected + 1}", style="bold")
        line.append(f" · {phrase.start_s:.1f}-{phrase.end_s:.1f} s")
        if phrase.text:
            line.append(f" · “{phrase.text}”", style="italic")
        for cell, (_name, label) in zip(phrase.cells, self.review.metrics):
            line.append(f" · {label} ")
            if cell.status == "missing":
                line.append("not measured", style="dim")
            elif cell.status == "in":
                line.append("in band", style="green")
            else:
                line.append(f"{cell.delta:+.1f} {cell.unit} {cell.words}".replace("  ", " "), style="bold red"
                            if cell.status == "high" else "bold blue")
        if phrase.over_client:
            line.append(" · over the client", style="red")
        return line
