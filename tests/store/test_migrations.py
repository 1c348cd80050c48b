"""Schema migrations: from an empty file and from every older version, keeping the data."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone

import pytest

from trainer.practice.bands import bands_for
from trainer.store import open_store
from trainer.store.schema import LATEST, MIGRATIONS, migrate, version

T0 = datetime(2025, 5, 1, 16, 0, tzinfo=timezone.utc)


def tables(path) -> set[str]:
    conn = sqlite3.connect(path)
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")}


def test_from_an_empty_file(tmp_path):
    path = tmp_path / "history.sqlite3"
    path.touch()
    with open_store(path) as store:
        assert version(store._conn()) == LATEST == len(MIGRATIONS)
    assert {"drills", "sessions", "practice", "takes", "baselines", "band_state", "takes_by_drill"} <= tables(path)


def test_opening_twice_does_not_migrate_again(tmp_path):
    path = tmp_path / "history.sqlite3"
    open_store(path).close()
    with open_store(path) as store:
        assert version(store._conn()) == LATEST


@pytest.mark.parametrize("old", range(1, LATEST))
def test_from_an_older_version_keeps_the_history(tmp_path, old):
    path = tmp_path / "history.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=old)
    assert version(conn) == old
    conn.execute("INSERT INTO drills (id, added_at) VALUES ('angry-1', ?)", (T0.isoformat(),))
    conn.execute(
        "INSERT INTO takes (drill_id, at, features, verdict, score, rating, device) VALUES (?, ?, ?, ?, ?, ?, ?)",
        ("angry-1", T0.isoformat(), json.dumps({"wpm": 120.0}), json.dumps({"score": 80, "summary": "", "metrics": {}}),
         80, 4, "USB mic"))
    conn.execute("INSERT INTO baselines (created_at, device, loudness_dbfs, sources) VALUES (?, 'USB mic', -22.5, '[]')",
                 (T0.isoformat(),))
    conn.close()
    assert "band_state" not in tables(path) or old >= 2

    with open_store(path) as store:
        assert version(store._conn()) == LATEST
        (take,) = store.takes_for_drill("angry-1")
        assert (take.features, take.score, take.rating, take.device) == ({"wpm": 120.0}, 80, 4, "USB mic")
        old_baseline = store.latest_baseline()
        assert old_baseline.loudness_dbfs == -22.5
        assert (old_baseline.alpha_ratio_db, old_baseline.effort_slope, old_baseline.effort) == (None, None, ())
        store.save_band_states("angry-1", bands_for(None))  # the newer tables work
        assert len(store.band_states("angry-1")) == 5
        assert store.integrity_check() == "ok"
    assert "takes_by_drill" in tables(path)


def test_a_failing_migration_leaves_the_previous_version(tmp_path, monkeypatch):
    from trainer.store import schema

    path = tmp_path / "history.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=1)
    monkeypatch.setattr(schema, "MIGRATIONS", (*MIGRATIONS[:1], "CREATE TABLE band_state (x);\nCREATE TABLE oops (;"))
    with pytest.raises(sqlite3.OperationalError):
        schema.migrate(conn, target=2)
    assert version(conn) == 1
    assert "band_state" not in tables(path)  # the half-done step was rolled back
