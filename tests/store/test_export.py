"""Export round trip: what is exported and read back equals what was stored."""

from __future__ import annotations

import csv
import dataclasses
import json
import stat
from datetime import datetime, timedelta, timezone

import pytest

from tests.practice.standins import calm_baseline
from tests.store.helpers import take_record
from trainer.store import open_store
from trainer.store.export import export_history, read_export

T0 = datetime(2025, 5, 1, 16, 0, tzinfo=timezone.utc)
NOW = datetime(2025, 6, 1, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def store(lv_home, tmp_path):
    with open_store() as opened:
        opened.add_baseline(calm_baseline(id=None))
        awkward = take_record("angry-1", T0, audio=tmp_path / "a.flac", rating=0, interrupted=True, overflows=3,
                              latency_s=0.4, overlap_s=1.25, difficulty="advanced")
        awkward.features.update(transcript='42', warnings=["clipping at 3.2 s", 'quote " and, comma'],
                                segments=[], fillers=0)
        opened.add_take(awkward)
        odd_text = take_record("angry-1", T0 + timedelta(minutes=1), judged=False, rating=None,
                               note='Loud on "I hear you", then level')
        odd_text.features.update(transcript="Ich höre, dass Sie wütend sind.\nZweite Zeile", wpm=None, words=0)
        opened.add_take(odd_text)
        for i, text in enumerate(["", "null", "true", "[1]", '"quoted"', "  spaced  "]):
            take = take_record("calm-2", T0 + timedelta(days=1, minutes=i), loudness=-20.0 - i / 3)
            take.features["transcript"] = text
            opened.add_take(take)
        opened.add_take(dataclasses.replace(take_record("calm-2", T0 + timedelta(days=2)), device=""))
        sharp = take_record("calm-2", T0 + timedelta(days=2, minutes=1))
        sharp.features["alpha_ratio_db"] += 3.0  # brighter than the line: a sharp edge, band open below
        sharp.verdict["metrics"]["edge"].update(value=3.5, delta=3.5, status="high", score=38)
        opened.add_take(sharp)
        yield opened


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_then_read_back_equals_the_stored_takes(store, tmp_path, fmt):
    out = tmp_path / "exports"
    path = export_history(store, out, fmt, now=NOW)
    assert path.parent == out and path.name == f"levelvoice-takes-20250601-093000.{fmt}"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = list(store.iter_takes())
    assert len(stored) == 10
    assert read_export(path) == stored


def test_json_export_has_baselines_and_takes_with_all_metrics(store, tmp_path):
    data = json.loads(export_history(store, tmp_path, "json", now=NOW).read_text())
    assert data["format"] == "levelvoice-history" and data["exported_at"].startswith("2025-06-01T09:30")
    assert data["baselines"][0]["loudness_dbfs"] == -24.0
    first = data["takes"][0]
    assert first["verdict"]["metrics"]["overlap"]["status"] == "high"
    assert first["features"]["transcript"] == "42" and first["score"] == first["verdict"]["score"]


def test_csv_export_is_a_flat_table_for_spreadsheets(store, tmp_path):
    with export_history(store, tmp_path, "csv", now=NOW).open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 10
    first = rows[0]
    assert first["drill_id"] == "angry-1" and first["verdict.metrics.loudness.status"] == "in"
    assert first["features.loudness_dbfs"] == "-24.0" and first["features.transcript"] == '"42"'
    assert first["verdict.metrics.loudness.band"] == "[-28.0, -20.0]"
    assert rows[1]["verdict.score"] == ""  # not judged
    assert rows[1]["features.transcript"].startswith("Ich höre")
    assert rows[-1]["verdict.metrics.edge.status"] == "high" and rows[-1]["verdict.metrics.edge.band"] == "[null, 2.0]"
    assert float(rows[-1]["features.cpps_db"]) == 9.8


def test_an_empty_history_exports_an_empty_file(lv_home, tmp_path):
    with open_store() as store:
        assert read_export(export_history(store, tmp_path, "json", now=NOW)) == []
        path = export_history(store, tmp_path, "csv", now=NOW + timedelta(seconds=1))
        assert read_export(path) == []
