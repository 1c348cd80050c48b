"""The result row's band bar, including a band open below (the edge)."""

from __future__ import annotations

from trainer.tui.widgets.metric_row import BAR_WIDTH, band_bar


def marker(bar) -> tuple[int, str, str]:
    """Where the marker is, which one, and its colour."""
    for span in bar.spans:
        char = bar.plain[span.start]
        if char in "●◀▶":
            return span.start, char, str(span.style)
    raise AssertionError(bar.plain)


def test_a_two_sided_band_sits_in_the_middle_third():
    bar = band_bar(0.0, -2.0, 2.0)
    assert bar.plain[: BAR_WIDTH // 3] == "·" * (BAR_WIDTH // 3)
    assert marker(bar)[2] == "bold green"
    assert marker(band_bar(-3.0, -2.0, 2.0))[2] == "bold yellow"


def test_a_band_open_below_runs_from_the_left_end_and_only_its_top_is_a_limit():
    bar = band_bar(1.0, None, 2.0, target=0.0)
    assert bar.plain.startswith("━") and bar.plain.endswith("·" * (BAR_WIDTH // 3))
    assert marker(bar)[2] == "bold green"
    far_below = band_bar(-30.0, None, 2.0, target=0.0)
    assert marker(far_below)[:2] == (0, "◀") and marker(far_below)[2] == "bold green"
    above = marker(band_bar(3.1, None, 2.0, target=0.0))
    assert above[1] == "●" and above[2] == "bold yellow" and above[0] > BAR_WIDTH - BAR_WIDTH // 3 - 1
    assert band_bar(1.0, None, 2.0).plain == "·" * BAR_WIDTH  # no target: nothing to draw against
