"""The history database: a real SQLite file, private, WAL, transactions, queries and errors."""

from __future__ import annotations

import sqlite3
import stat
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.practice.standins import calm_baseline
from tests.store.helpers import features_dict, take_record
from trainer import paths
from trainer.errors import StoreError
from trainer.practice.bands import BandState, bands_for, update_bands
from trainer.store import open_store
from trainer.store.schema import LATEST

T0 = datetime(2025, 5, 1, 16, 0, tzinfo=timezone.utc)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def store(lv_home):
    with open_store() as opened:
        yield opened


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_opens_the_private_database_in_the_data_folder_in_wal_mode(store, lv_home):
    assert store.path == paths.database_file()
    store.add_take(take_record("angry-1", T0))
    files = [store.path, Path(f"{store.path}-wal"), Path(f"{store.path}-shm")]
    assert all(f.exists() for f in files)
    assert {mode(f) for f in files} == {0o600}
    assert mode(store.path.parent) == 0o700
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST


def test_take_round_trip(store, tmp_path):
    take = take_record("angry-1", T0, audio=tmp_path / "take.flac", rating=3, overflows=2, interrupted=True,
                       latency_s=0.8, overlap_s=0.0, difficulty="beginner")
    take_id = store.add_take(take)
    stored = store.take(take_id)
    assert stored.id == take_id
    assert stored == type(take)(**{**take.__dict__, "id": take_id})
    assert stored.score == take.verdict["score"]
    assert stored.at.tzinfo is not None and stored.at == T0


def test_nan_in_features_is_stored_as_missing(store):
    take = take_record("d", T0)
    take.features["pitch_sd_st"] = float("nan")
    stored = store.take(store.add_take(take))
    assert stored.features["pitch_sd_st"] is None


def test_take_and_bands_are_one_transaction(store):
    good = bands_for(None)
    store.add_take(take_record("d", T0), bands=good)
    assert store.band_states("d") == good
    broken = {**good, "pitch": BandState("pitch", -1.0)}  # violates the width check
    with pytest.raises(StoreError):
        store.add_take(take_record("d", T0 + timedelta(minutes=1)), bands=broken)
    assert store.count_takes("d") == 1  # the take was not stored without its bands
    assert store.band_states("d") == good


def test_band_states_persist_per_drill(store):
    states = update_bands(bands_for(None), {"loudness": True})
    store.save_band_states("a", states)
    assert store.band_states("a")["loudness"].streak_in == 1
    assert store.band_states("b") == {}


def test_ratings(store):
    take_id = store.add_take(take_record("d", T0))
    assert store.take(take_id).rating is None
    store.set_rating(take_id, 7)
    assert store.take(take_id).rating == 7
    store.set_rating(take_id, None)
    assert store.take(take_id).rating is None
    for bad in (11, -1, 3.5, True):
        with pytest.raises(StoreError, match="from 0 .calm. to 10"):
            store.set_rating(take_id, bad)
    with pytest.raises(StoreError, match="no take number 999"):
        store.set_rating(999, 3)


def test_takes_for_drill_oldest_first_and_limited_to_the_latest(store):
    for i in range(5):
        store.add_take(take_record("d", T0 + timedelta(minutes=i), loudness=-24.0 + i))
    store.add_take(take_record("other", T0))
    takes = store.takes_for_drill("d")
    assert [t.features["loudness_dbfs"] for t in takes] == [-24.0, -23.0, -22.0, -21.0, -20.0]
    assert [t.features["loudness_dbfs"] for t in store.takes_for_drill("d", limit=2)] == [-21.0, -20.0]


def test_trend_of_score_verdict_metric_and_feature(store):
    store.add_take(take_record("d", T0, loudness=-24.0))
    store.add_take(take_record("d", T0 + timedelta(minutes=1), loudness=-14.0))
    store.add_take(take_record("d", T0 + timedelta(minutes=2), judged=False))
    scores = store.trend("d", "score")
    assert [p.value for p in scores] == [100, store.takes_for_drill("d")[1].score]
    loud = store.trend("d", "loudness")
    assert [(p.value, p.status) for p in loud] == [(-24.0, "in"), (-14.0, "high")]
    assert (loud[0].low, loud[0].high) == (-28.0, -20.0)
    assert [p.value for p in store.trend("d", "wpm")] == [138.0] * 3
    assert [p.value for p in store.trend("d", "loudness", limit=1)] == [-14.0]
    with pytest.raises(ValueError):
        store.trend("d", "x') OR 1=1 --")


def test_baselines_keep_every_one_and_use_the_newest(store):
    assert store.latest_baseline() is None
    first = store.add_baseline(calm_baseline(id=None, created_at=T0, device="USB mic"))
    second = store.add_baseline(calm_baseline(id=None, created_at=T0 + timedelta(days=3), device="Laptop",
                                              wpm=None))
    assert first.id and second.id and first.id != second.id
    assert store.latest_baseline() == second
    assert store.baselines() == [first, second]


def test_a_baseline_keeps_its_edge_line_and_effort_readings(store):
    from trainer.practice.edge import EffortReading

    readings = tuple(EffortReading(effort, level, -14.0 + 0.5 * (level + 24), 25.0, 9.1, f"/c/{effort}.flac")
                     for effort, level in (("soft", -34.0), ("comfortable", -24.0), ("projected", -14.0)))
    saved = store.add_baseline(calm_baseline(id=None, alpha_ratio_db=-12.5, alpha_sd_db=0.6, effort_slope=0.5,
                                             effort=readings))
    assert store.latest_baseline() == saved and saved.effort == readings and saved.effort_slope == 0.5
    plain = store.add_baseline(calm_baseline(id=None, created_at=T0 + timedelta(days=1), alpha_ratio_db=None))
    assert (plain.alpha_ratio_db, plain.effort_slope, plain.effort) == (None, None, ())
    store.set_baseline_tilt(plain.id, -11.0, 0.8)  # measured later from its own recordings
    assert (store.latest_baseline().alpha_ratio_db, store.latest_baseline().alpha_sd_db) == (-11.0, 0.8)
    assert store.baselines()[0] == saved


def test_only_active_practice_counts(store):
    session = store.start_session(T0)
    assert store.touch_session(session, T0 + timedelta(minutes=2)) == 120  # first take ended
    assert store.touch_session(session, T0 + timedelta(minutes=4)) == 120
    assert store.touch_session(session, T0 + timedelta(minutes=30)) == 0  # 26 idle minutes are not practice
    assert store.touch_session(session, T0 + timedelta(minutes=33)) == 180
    assert store.end_session(session, T0 + timedelta(minutes=34)) == 60
    intervals = store.practice_intervals()
    assert intervals == [(T0, T0 + timedelta(minutes=4)), (T0 + timedelta(minutes=30), T0 + timedelta(minutes=34))]
    row = sqlite3.connect(store.path).execute("SELECT active_s, ended_at FROM sessions").fetchone()
    assert row[0] == 480 and row[1] is not None
    with pytest.raises(StoreError, match="no practice session"):
        store.touch_session(12345, T0)


def test_stats_today_streak_and_drills(store):
    now = datetime(2025, 5, 3, 20, 0, tzinfo=BERLIN)
    for day in (1, 2, 3):
        start = datetime(2025, 5, day, 18, 0, tzinfo=BERLIN)
        store.add_practice(start, start + timedelta(minutes=16))
    for i in range(7):
        store.add_take(take_record("calm-1", now - timedelta(hours=1, minutes=i), loudness=-24.0 - i))
    store.add_take(take_record("angry-2", now - timedelta(days=1), judged=False))
    stats = store.stats(now, BERLIN, 15)
    assert stats.today_minutes == pytest.approx(16) and stats.goal_met_today
    assert (stats.current_streak, stats.best_streak, stats.days_this_month, stats.takes_today) == (3, 3, 3, 7)
    by_id = {d.id: d for d in stats.drills}
    assert by_id["calm-1"].takes == 7 and by_id["calm-1"].last_score == 100
    assert len(by_id["calm-1"].recent_scores) == 7 and by_id["calm-1"].trend in {"up", "down", "steady"}
    assert by_id["angry-2"].last_score is None and by_id["angry-2"].trend == "new"
    assert stats.drills[0].id == "calm-1"  # most recently practised first
    data = stats.to_dict()
    assert {"today_minutes", "daily_goal_minutes", "current_streak", "best_streak", "freezes",
            "days_this_month", "drills"} <= set(data)
    assert {"id", "takes", "last_score", "trend"} <= set(data["drills"][0])


def test_purge_drill_removes_takes_and_bands_and_returns_audio(store, tmp_path):
    for i in range(3):
        store.add_take(take_record("d", T0 + timedelta(minutes=i), audio=tmp_path / f"{i}.flac"),
                       bands=bands_for(None))
    store.add_take(take_record("d", T0 + timedelta(minutes=5)))  # no audio kept
    store.add_take(take_record("keep", T0, audio=tmp_path / "keep.flac"))
    files = store.purge_drill("d")
    assert sorted(files) == [tmp_path / f"{i}.flac" for i in range(3)]
    assert store.count_takes("d") == 0 and store.band_states("d") == {}
    assert store.count_takes("keep") == 1


def test_drills_registry(store, tmp_path):
    store.register_drill("imported-1", source="imported", title="Angry father", clip_path=tmp_path / "clip.m4a")
    store.add_take(take_record("bundled-1", T0))
    drills = {d.id: d for d in store.drills()}
    assert drills["imported-1"].source == "imported" and drills["imported-1"].clip_path == tmp_path / "clip.m4a"
    assert drills["bundled-1"].source == "bundled"


def test_one_connection_per_thread_and_writes_from_threads(store):
    seen = []

    def work(n):
        seen.append(id(store._conn()))
        for i in range(20):
            store.add_take(take_record(f"t{n}", T0 + timedelta(seconds=i)))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(seen)) == 4
    assert store.count_takes() == 80
    assert store.integrity_check() == "ok"


def test_a_damaged_file_is_one_clear_error(lv_home):
    paths.ensure_data_dir()
    paths.database_file().write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="damaged or not a Level Voice database"):
        open_store()


def test_a_newer_schema_is_refused(lv_home):
    with open_store() as store:
        store._conn().execute(f"PRAGMA user_version = {LATEST + 1}")
    with pytest.raises(StoreError, match="newer Level Voice"):
        open_store()


def test_times_must_be_timezone_aware(store):
    with pytest.raises(ValueError):
        store.add_take(take_record("d", datetime(2025, 5, 1, 12, 0)))


def test_features_are_stored_as_json(store):
    take_id = store.add_take(take_record("d", T0))
    raw = sqlite3.connect(store.path).execute("SELECT features FROM takes WHERE id = ?", (take_id,)).fetchone()[0]
    import json

    assert json.loads(raw) == features_dict()


def test_add_takes_is_all_or_nothing(store):
    good = [take_record("d", T0 + timedelta(minutes=i)) for i in range(3)]
    bad = take_record("d", T0 + timedelta(minutes=9), rating=12)
    with pytest.raises(StoreError):
        store.add_takes([*good, bad])
    assert store.count_takes() == 0
    assert store.add_takes(good) == 3


def test_recent_takes_across_drills_and_by_difficulty(store):
    for i, (drill, level) in enumerate([("a", "beginner"), ("b", "intermediate"), ("c", "beginner"),
                                        ("a", "beginner")]):
        store.add_take(take_record(drill, T0 + timedelta(minutes=i), difficulty=level, rating=i))
    assert [t.rating for t in store.recent_takes(3)] == [1, 2, 3]
    assert [(t.drill_id, t.rating) for t in store.recent_takes(5, difficulty="beginner")] == [("a", 0), ("c", 2),
                                                                                            ("a", 3)]


def test_a_take_that_does_not_count_is_kept_but_left_out_of_counts_trends_and_stats(store):
    store.add_take(take_record("d", T0))
    short = store.add_take(take_record("d", T0 + timedelta(minutes=1), interrupted=True, counted=False,
                                       stopped_by="device_lost"))
    assert store.take(short).counted is False and store.take(short).stopped_by == "device_lost"
    assert store.count_takes("d") == store.count_takes() == 1
    assert len(store.takes_for_drill("d")) == 1 and short not in [t.id for t in store.takes_for_drill("d")]
    assert short not in [t.id for t in store.recent_takes(5)]
    assert short not in [p.take_id for p in store.trend("d", "score")]
    assert short not in [p.take_id for p in store.trend("d", "loudness")]
    stats = store.stats(T0 + timedelta(minutes=2), timezone.utc, 15)
    assert stats.takes_today == 1 and stats.drills[0].takes == 1
    assert [t.id for t in store.iter_takes()][-1] == short  # the history keeps it


def test_migration_4_marks_old_takes_with_little_speech_as_not_counted(lv_home):
    from trainer.store import schema

    path = paths.database_file()
    paths.ensure_private_dir(path.parent)
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, target=3)
    for features in ('{"speech_s": 12.0}', '{"speech_s": 1.2}', "not json", '{"wpm": 120.0}'):
        conn.execute("INSERT INTO drills (id, added_at) VALUES ('d', '2025-01-01') ON CONFLICT DO NOTHING")
        conn.execute("INSERT INTO takes (drill_id, at, features) VALUES ('d', '2025-01-01T00:00:00+00:00', ?)",
                     (features,))
    schema.migrate(conn)
    assert [r[0] for r in conn.execute("SELECT counted FROM takes ORDER BY id")] == [1, 0, 0, 1]
    conn.close()


def test_notes_are_kept_trimmed_and_limited(tmp_path):
    from trainer.errors import StoreError
    from trainer.store import open_store
    from trainer.store.records import TakeRecord

    at = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    with open_store(tmp_path / "h.sqlite3") as store:
        take_id = store.add_take(TakeRecord("d", at, {"speech_s": 5.0}, note="  first\nthought  "))
        assert store.take(take_id).note == "first thought"
        store.set_note(take_id, "Got loud on 'I hear you'.")
        assert store.take(take_id).note == "Got loud on 'I hear you'."
        store.set_note(take_id, "   ")
        assert store.take(take_id).note is None
        with pytest.raises(StoreError, match="at most 500 characters"):
            store.set_note(take_id, "x" * 501)
        with pytest.raises(StoreError, match="no take number 99"):
            store.set_note(99, "hello")


def test_the_best_take_and_takes_in_a_period(tmp_path):
    from trainer.store import open_store
    from trainer.store.records import TakeRecord

    t0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)

    def take(hours, score, *, counted=True, drill="d"):
        verdict = None if score is None else {"score": score, "summary": "", "metrics": {}}
        return TakeRecord(drill, t0 + timedelta(hours=hours), {"speech_s": 5.0 if counted else 1.0}, verdict,
                          counted=counted)

    with open_store(tmp_path / "h.sqlite3") as store:
        ids = [store.add_take(t) for t in (take(0, 70), take(1, 90), take(2, 90), take(3, 99, counted=False),
                                           take(4, None), take(5, 95, drill="other"), take(6, 80))]
        assert store.best_take("d").id == ids[2]  # 90 twice: the later one; 99 did not count
        assert store.best_take("d", exclude=ids[2]).id == ids[1]
        assert store.best_take("other", exclude=ids[5]) is None
        assert store.best_take("nothing") is None
        between = store.takes_between(t0 + timedelta(hours=1), t0 + timedelta(hours=4))
        assert [t.id for t in between] == ids[1:4]  # uncounted takes included, the end excluded
        slim = store.takes_between(t0, t0 + timedelta(days=1), features=False)
        assert all(t.features == {} for t in slim) and [t.score for t in slim][:3] == [70, 90, 90]
        assert [t.id for t in store.takes_before(t0 + timedelta(hours=3), 2)] == ids[1:3]
        assert store.first_take_at() == t0
