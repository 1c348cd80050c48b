"""The edge line: the personal slope from three efforts, the warning when the levels hardly differ,
the typical line without readings, and the edge of a take against the line."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from tests.practice.standins import Features, calm_baseline
from trainer.errors import CalibrationError
from trainer.practice.baseline import build_baseline
from trainer.practice.edge import (
    MIN_SPAN_DB,
    TYPICAL_SLOPE,
    EffortReading,
    edge_line,
    effort_reading,
    effort_warning,
    fit_effort,
)

WHEN = datetime(2025, 3, 1, 10, 0, tzinfo=timezone.utc)


def readings(levels=(-34.0, -24.0, -14.0), slope=0.6, at_calm=-12.0) -> list[EffortReading]:
    """One reading per effort whose alpha ratio follows `slope` dB per dB through (-24 dBFS, at_calm)."""
    return [EffortReading(effort, level, at_calm + slope * (level + 24.0), 25.0, 9.0, f"{effort}.flac")
            for effort, level in zip(("soft", "comfortable", "projected"), levels)]


CALM = [Features(loudness_dbfs=-25.0, alpha_ratio_db=-12.4), Features(loudness_dbfs=-24.0, alpha_ratio_db=-12.0),
        Features(loudness_dbfs=-23.0, alpha_ratio_db=-11.8)]


def test_three_efforts_give_the_personal_slope():
    fit = fit_effort(readings(slope=0.62))
    assert fit.slope == pytest.approx(0.62, abs=1e-3) and fit.span_db == 20.0 and fit.warning is None


def test_a_small_span_means_automatic_gain_control_and_says_how_to_turn_it_off():
    fit = fit_effort(readings(levels=(-27.0, -24.0, -21.5), slope=1.4))
    assert fit.slope is None and fit.span_db == 5.5
    assert "5.5 dB" in fit.warning and f"{MIN_SPAN_DB:.0f} dB" in fit.warning
    assert "automatic gain control" in fit.warning and "Audio enhancements: Off" in fit.warning
    assert "Mic Mode" in fit.warning and "calibrate again" in fit.warning


def test_just_enough_span_is_trusted():
    assert fit_effort(readings(levels=(-28.0, -24.0, -20.0))).slope == pytest.approx(0.6, abs=1e-3)


@pytest.mark.parametrize("slope", [-0.3, 2.5])
def test_an_implausible_slope_is_not_used(slope):
    fit = fit_effort(readings(slope=slope))
    assert fit.slope is None and "typical line" in fit.warning and f"{slope:+.2f}" in fit.warning


def test_no_readings_no_fit_and_no_warning():
    fit = fit_effort([])
    assert (fit.span_db, fit.slope, fit.warning) == (None, None, None)


def test_readings_come_one_per_effort():
    soft, comfortable, projected = readings()
    with pytest.raises(CalibrationError, match="missing projected"):
        fit_effort([soft, comfortable])
    with pytest.raises(CalibrationError, match="given twice"):
        fit_effort([soft, comfortable, projected, projected])


@pytest.mark.parametrize("unusable", [Features(speech_s=2.0), Features(alpha_ratio_db=None),
                                      Features(loudness_dbfs=None)])
def test_a_reading_without_enough_voice_is_read_again(unusable):
    with pytest.raises(CalibrationError, match=r"^The projected reading has too little clear voice .* again"):
        effort_reading("projected", unusable, "p.flac")
    assert effort_reading("soft", Features(), "s.flac").alpha_ratio_db == -12.0


def test_the_line_runs_through_the_calm_answers_with_the_personal_slope():
    baseline = build_baseline(CALM, device="mic", created_at=WHEN, effort=readings(slope=0.6, at_calm=-15.0))
    assert baseline.effort_slope == pytest.approx(0.6, abs=1e-3)
    assert baseline.alpha_ratio_db == -12.0  # the calm answers' median: spontaneous speech, like takes
    line = edge_line(baseline)
    assert line.personal and line.loudness_dbfs == -24.0
    assert line.predict(-18.0) == pytest.approx(-12.0 + 0.6 * 6)
    # residuals around the line: -12.4-(-12.6)=+0.2, 0, -11.8-(-11.4)=-0.4
    assert baseline.alpha_sd_db == pytest.approx(0.306, abs=1e-3)


def test_edge_of_a_take_is_what_loudness_does_not_explain():
    line = edge_line(build_baseline(CALM, device="mic", created_at=WHEN, effort=readings(slope=0.6)))
    assert line.edge_db(Features(loudness_dbfs=-24.0, alpha_ratio_db=-8.0)) == pytest.approx(4.0)  # brighter
    assert line.edge_db(Features(loudness_dbfs=-18.0, alpha_ratio_db=-12.0 + 3.6)) == pytest.approx(0.0)  # louder
    assert line.edge_db(Features(loudness_dbfs=-18.0, alpha_ratio_db=-12.0)) == pytest.approx(-3.6)
    assert line.edge_db(Features(alpha_ratio_db=None)) is None


def test_without_readings_the_line_takes_the_typical_slope():
    baseline = build_baseline(CALM, device="mic", created_at=WHEN)
    line = edge_line(baseline)
    assert baseline.effort_slope is None and baseline.effort == ()
    assert not line.personal and line.slope == TYPICAL_SLOPE
    assert effort_warning(baseline) is None


def test_a_flattened_reading_keeps_the_typical_line_and_the_warning():
    baseline = build_baseline(CALM, device="mic", created_at=WHEN, effort=readings(levels=(-26.0, -24.0, -22.0)))
    assert baseline.effort_slope is None and len(baseline.effort) == 3
    assert edge_line(baseline).slope == TYPICAL_SLOPE
    assert "automatic gain control" in effort_warning(baseline)


def test_an_older_baseline_without_brightness_has_no_line():
    assert edge_line(calm_baseline(alpha_ratio_db=None)) is None
    assert edge_line(calm_baseline(alpha_ratio_db=-11.0)).slope == TYPICAL_SLOPE


def test_one_calm_answer_has_no_spread():
    baseline = build_baseline(CALM[:1], device="mic", created_at=WHEN)
    assert baseline.alpha_ratio_db == -12.4 and baseline.alpha_sd_db is None


def test_the_baseline_with_its_readings_is_json_ready():
    baseline = replace(build_baseline(CALM, device="mic", created_at=WHEN, effort=readings()), id=3)
    data = json.loads(json.dumps(baseline.to_dict()))
    assert data["effort_slope"] == pytest.approx(0.6, abs=1e-3)
    assert [EffortReading.from_dict(r) for r in data["effort"]] == list(baseline.effort)
