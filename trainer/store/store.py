"""The practice history in SQLite: one private file, WAL mode, one connection per thread.

Every write is one immediate transaction, so a take, its audio file reference and the
drill's updated bands are stored together or not at all, and a second running Level
Voice waits for the lock (up to `BUSY_TIMEOUT_S`) instead of failing or corrupting.

A row that cannot be read (a time that is not a time, measures that are not JSON) never
blocks the others: it is left out of what is returned and named in `Store.skipped`,
which the commands print.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from trainer import paths
from trainer.errors import DiskFullError, StoreError
from trainer.practice.bands import BandState
from trainer.practice.baseline import Baseline
from trainer.practice.edge import EffortReading
from trainer.practice.streaks import Interval, day_start, streak_status
from trainer.practice.trend import trend_word
from trainer.practice.verdict import WEIGHTS
from trainer.store import schema
from trainer.store.records import DrillStats, Stats, TakeRecord, TrendPoint, clean_json, iso, parse_time

BUSY_TIMEOUT_S = 15.0  # how long a second instance waits for the write lock
IDLE_LIMIT_S = 300.0  # a longer gap between two signs of activity is idle time, not practice
RECENT_SCORES = 10
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class DrillRecord:
    """A drill known to the history: bundled, or imported from the therapist's own clip."""

    id: str
    source: str  # "bundled" or "imported"
    title: str
    clip_path: Path | None
    added_at: datetime


def _guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Turn SQLite failures into one-line errors a person can act on."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        store = args[0]
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as err:
            raise _translate(err, store.path) from err  # type: ignore[attr-defined]

    return wrapper


def _translate(err: sqlite3.Error, path: Path) -> StoreError | DiskFullError:
    text = str(err).lower()
    if "full" in text or ("disk i/o" in text and _nearly_full(path)):
        return DiskFullError(f"The disk is full: the practice history ({path}) could not be saved. Free some space.")
    if "locked" in text or "busy" in text:
        return StoreError(
            f"The practice history is busy: another Level Voice kept it locked for over {BUSY_TIMEOUT_S:.0f} s. "
            "Close the other window and try again."
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StoreError(_damaged(path))
    if "readonly" in text or "unable to open" in text or "disk i/o" in text:
        return StoreError(f"Cannot write the practice history {path} ({err}). Check that the folder is yours and writable.")
    return StoreError(f"The practice history {path} could not be used: {err}.")


def _nearly_full(path: Path) -> bool:
    """SQLite reports a full disk as an I/O error when its WAL index cannot grow: look at the free space."""
    try:
        return shutil.disk_usage(path.parent).free < 1024 * 1024
    except OSError:
        return False


def _damaged(path: Path) -> str:
    return (f"The practice history {path} is damaged or not a Level Voice database. Move it aside "
            "(your recordings are kept) and Level Voice starts a new one.")


def _reason(err: Exception) -> str:
    return str(err) or type(err).__name__


def _loads(text: Any, what: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        raise ValueError(f"its stored {what} are not valid JSON" if what == "measures" else
                         f"its stored {what} is not valid JSON") from None


def _time(text: Any) -> datetime:
    try:
        return parse_time(text)
    except (TypeError, ValueError):
        raise ValueError(f"its time {text!r} is not a date and time") from None


class Store:
    """The practice history. Use `open_store()`; share one Store between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._skipped: dict[tuple[str, int], str] = {}

    @property
    def skipped(self) -> list[str]:
        """One line for each row that could not be read and was left out (oldest first)."""
        with self._lock:
            return list(self._skipped.values())

    def _skip(self, table: str, row_id: int, err: Exception) -> None:
        what = {"takes": "Take", "baselines": "Baseline", "practice": "Practice interval",
                "drills": "Drill"}[table]
        with self._lock:
            self._skipped.setdefault((table, row_id), (
                f"{what} {row_id} in the practice history cannot be read ({_reason(err)}); it is left out. "
                "The other entries are unharmed."))

    def _takes(self, rows: Iterable[tuple]) -> list[TakeRecord]:
        """Rows as takes; an unreadable row is left out and named in `skipped`."""
        takes = []
        for row in rows:
            try:
                takes.append(_take(row))
            except (ValueError, TypeError, KeyError) as err:
                self._skip("takes", row[0], err)
        return takes

    # -- connections and transactions ---------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _prepare(self) -> None:
        conn = self._conn()
        self._use_wal(conn)
        if 0 < schema.version(conn) < schema.LATEST:
            self.quick_check()  # a migration writes: never into a damaged file
        schema.migrate(conn)
        self._make_files_private()

    @staticmethod
    def _use_wal(conn: sqlite3.Connection) -> None:
        """Switch to WAL (kept in the file). The switch needs the file to itself and SQLite does
        not wait for that on its own, so retry while another instance is opening it too."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _make_files_private(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            paths.make_private(Path(f"{self.path}{suffix}"))

    def close(self) -> None:
        """Close every thread's connection (the store cannot be used afterwards)."""
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- drills ------------------------------------------------------------------------

    @_guarded
    def register_drill(self, drill_id: str, *, source: str = "bundled", title: str = "",
                       clip_path: Path | None = None, now: datetime | None = None) -> None:
        """Record (or update) a drill: bundled, or imported from a clip at `clip_path`."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO drills (id, source, title, clip_path, added_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET source = excluded.source, title = excluded.title, "
                "clip_path = excluded.clip_path",
                (drill_id, source, title, None if clip_path is None else str(clip_path), iso(now or _now())),
            )

    @_guarded
    def drills(self) -> list[DrillRecord]:
        rows = self._conn().execute("SELECT rowid, id, source, title, clip_path, added_at FROM drills ORDER BY id")
        drills = []
        for r in rows:
            try:
                drills.append(DrillRecord(r[1], r[2], r[3], None if r[4] is None else Path(r[4]), parse_time(r[5])))
            except (ValueError, TypeError) as err:
                self._skip("drills", r[0], err)
        return drills

    # -- takes -------------------------------------------------------------------------

    @_guarded
    def add_take(self, take: TakeRecord, *, bands: Mapping[str, BandState] | None = None) -> int:
        """Store a take (and the drill's bands after it, when given) in one transaction; returns its id."""
        with self._write() as conn:
            take_id = self._insert_take(conn, take)
            if bands:
                self._save_bands(conn, take.drill_id, bands, take.at)
            return take_id

    @_guarded
    def add_takes(self, takes: Iterable[TakeRecord]) -> int:
        """Store many takes in one transaction (imports, benchmarks); returns how many."""
        with self._write() as conn:
            return sum(1 for take in takes if self._insert_take(conn, take))

    @staticmethod
    def _insert_take(conn: sqlite3.Connection, take: TakeRecord) -> int:
        if take.rating is not None:
            _check_rating(take.rating)
        conn.execute("INSERT OR IGNORE INTO drills (id, added_at) VALUES (?, ?)", (take.drill_id, iso(take.at)))
        cursor = conn.execute(
            "INSERT INTO takes (drill_id, at, session_id, baseline_id, difficulty, audio_path, features, verdict, "
            "score, rating, device, overflows, interrupted, latency_s, overlap_s, stopped_by, counted, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (take.drill_id, iso(take.at), take.session_id, take.baseline_id, take.difficulty,
             None if take.audio_path is None else str(take.audio_path), _json(take.features),
             None if take.verdict is None else _json(take.verdict), take.score, take.rating, take.device,
             take.overflows, int(take.interrupted), take.latency_s, take.overlap_s, take.stopped_by,
             int(take.counted), _clean_note(take.note)),
        )
        return int(cursor.lastrowid)

    @_guarded
    def set_rating(self, take_id: int, rating: int | None) -> None:
        """Set (or clear, with None) the self-rating of a stored take."""
        if rating is not None:
            _check_rating(rating)
        with self._write() as conn:
            if conn.execute("UPDATE takes SET rating = ? WHERE id = ?", (rating, take_id)).rowcount != 1:
                raise StoreError(f"There is no take number {take_id} in the practice history.")

    @_guarded
    def set_note(self, take_id: int, note: str | None) -> None:
        """Set (or clear, with None or blank text) the therapist's note on a stored take."""
        with self._write() as conn:
            if conn.execute("UPDATE takes SET note = ? WHERE id = ?", (_clean_note(note), take_id)).rowcount != 1:
                raise StoreError(f"There is no take number {take_id} in the practice history.")

    @_guarded
    def update_take_result(self, take_id: int, features: Mapping[str, Any], verdict: Mapping[str, Any] | None, *,
                           bands: Mapping[str, BandState] | None = None) -> None:
        """Replace a stored take's features and verdict (with its score), and the drill's bands after
        it when given, in one transaction: the transcript completes a take after its acoustic result."""
        with self._write() as conn:
            row = conn.execute("SELECT drill_id, at FROM takes WHERE id = ?", (take_id,)).fetchone()
            if row is None:
                raise StoreError(f"There is no take number {take_id} in the practice history.")
            conn.execute("UPDATE takes SET features = ?, verdict = ?, score = ? WHERE id = ?",
                         (_json(features), None if verdict is None else _json(verdict),
                          None if verdict is None else verdict["score"], take_id))
            if bands:
                self._save_bands(conn, row[0], bands, parse_time(row[1]))

    @_guarded
    def take(self, take_id: int) -> TakeRecord | None:
        row = self._conn().execute(f"SELECT {_TAKE_COLUMNS} FROM takes WHERE id = ?", (take_id,)).fetchone()
        if row is None:
            return None
        try:
            return _take(row)
        except (ValueError, TypeError, KeyError) as err:
            raise StoreError(f"Take {take_id} in the practice history cannot be read ({_reason(err)}).") from err

    @_guarded
    def takes_for_drill(self, drill_id: str, limit: int | None = None) -> list[TakeRecord]:
        """A drill's takes that count, oldest first; with `limit`, only the most recent ones."""
        rows = self._conn().execute(
            f"SELECT {_TAKE_COLUMNS} FROM takes WHERE counted AND drill_id = ? ORDER BY at DESC, id DESC LIMIT ?",
            (drill_id, -1 if limit is None else limit),
        ).fetchall()
        return self._takes(reversed(rows))

    @_guarded
    def recent_takes(self, limit: int, *, difficulty: str | None = None) -> list[TakeRecord]:
        """The most recent takes that count, of any drill (at one difficulty level, when given), oldest first."""
        if difficulty is None:
            rows = self._conn().execute(f"SELECT {_TAKE_COLUMNS} FROM takes WHERE counted "
                                        "ORDER BY at DESC, id DESC LIMIT ?", (limit,)).fetchall()
        else:
            rows = self._conn().execute(f"SELECT {_TAKE_COLUMNS} FROM takes WHERE counted AND difficulty = ? "
                                        "ORDER BY at DESC, id DESC LIMIT ?", (difficulty, limit)).fetchall()
        return self._takes(reversed(rows))

    @_guarded
    def best_take(self, drill_id: str, *, exclude: int | None = None) -> TakeRecord | None:
        """The drill's personal best (trainer.practice.best): of the judged takes that count, the highest
        score, the most recent of equal scores; `exclude` leaves one take out (the one just made)."""
        row = self._conn().execute(
            f"SELECT {_TAKE_COLUMNS} FROM takes WHERE counted AND drill_id = ? AND score IS NOT NULL AND id IS NOT ? "
            "ORDER BY score DESC, at DESC, id DESC LIMIT 1", (drill_id, exclude)).fetchone()
        return None if row is None else _take(row)

    @_guarded
    def takes_between(self, start: datetime, end: datetime, *, features: bool = True) -> list[TakeRecord]:
        """Every take recorded in [start, end), counted or not, oldest first. With `features=False` the
        takes come without their features ({}: much quicker for a year of takes that only need verdicts)."""
        columns = _TAKE_COLUMNS if features else _TAKE_COLUMNS.replace("features", "'{}'")
        rows = self._conn().execute(f"SELECT {columns} FROM takes WHERE at >= ? AND at < ? ORDER BY at, id",
                                    (iso(start), iso(end))).fetchall()
        return [_take(row) for row in rows]

    @_guarded
    def takes_before(self, moment: datetime, limit: int, *, difficulty: str | None = None) -> list[TakeRecord]:
        """The `limit` takes that count recorded before `moment` (at one difficulty, when given), oldest first."""
        sql = f"SELECT {_TAKE_COLUMNS} FROM takes WHERE counted AND at < ?"
        args: tuple[Any, ...] = (iso(moment),)
        if difficulty is not None:
            sql += " AND difficulty = ?"
            args += (difficulty,)
        rows = self._conn().execute(f"{sql} ORDER BY at DESC, id DESC LIMIT ?", (*args, limit)).fetchall()
        return [_take(row) for row in reversed(rows)]

    @_guarded
    def first_take_at(self) -> datetime | None:
        """When the first take (of any kind) was recorded; None for an empty history."""
        row = self._conn().execute("SELECT MIN(at) FROM takes").fetchone()
        return None if row is None or row[0] is None else parse_time(row[0])

    def iter_takes(self) -> Iterator[TakeRecord]:
        """Every take, oldest first, streamed from one consistent snapshot (fine for a long history)."""
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            conn.execute("BEGIN")  # one read snapshot while the caller iterates
            for row in conn.execute(f"SELECT {_TAKE_COLUMNS} FROM takes ORDER BY at, id"):
                yield from self._takes([row])
        except sqlite3.Error as err:
            raise _translate(err, self.path) from err
        finally:
            conn.close()

    @_guarded
    def count_takes(self, drill_id: str | None = None, *, kept: bool = False) -> int:
        """How many takes count (all drills, or one); with `kept`, every take kept, counting or not."""
        where = "1" if kept else "counted"
        if drill_id is None:
            return self._conn().execute(f"SELECT COUNT(*) FROM takes WHERE {where}").fetchone()[0]
        return self._conn().execute(f"SELECT COUNT(*) FROM takes WHERE {where} AND drill_id = ?",
                                    (drill_id,)).fetchone()[0]

    @_guarded
    def drills_with_takes(self) -> list[str]:
        return [r[0] for r in self._conn().execute(
            "SELECT DISTINCT drill_id FROM takes WHERE counted ORDER BY drill_id")]

    @_guarded
    def trend(self, drill_id: str, metric: str, limit: int | None = None) -> list[TrendPoint]:
        """A metric over a drill's takes that count, oldest first; with `limit`, only the most recent.

        `metric` is "score" (overall score), a verdict metric ("loudness", "pitch", "pace",
        "pitch_range", "edge", "overlap", "latency": value, band and status as judged), or a
        feature name (e.g. "wpm": the measured value). Takes without a value are left out.
        """
        if not _NAME.match(metric):
            raise ValueError(f"not a metric name: {metric!r}")
        if metric == "score":
            sql = ("SELECT id, at, score, NULL, NULL, NULL FROM takes WHERE counted AND drill_id = ? "
                   "AND score IS NOT NULL")
            args: tuple[Any, ...] = (drill_id,)
        elif metric in WEIGHTS:
            entry = f"$.metrics.{metric}"
            sql = ("SELECT id, at, json_extract(v, ?), json_extract(v, ?), json_extract(v, ?), json_extract(v, ?) "
                   f"FROM (SELECT id, at, {_VALID_VERDICT} AS v FROM takes WHERE counted AND drill_id = ?) "
                   "WHERE json_extract(v, ?) IS NOT NULL")
            args = (f"{entry}.value", f"{entry}.band[0]", f"{entry}.band[1]", f"{entry}.status", drill_id,
                    f"{entry}.value")
        else:
            sql = ("SELECT id, at, json_extract(f, ?), NULL, NULL, NULL "
                   f"FROM (SELECT id, at, {_VALID_FEATURES} AS f FROM takes WHERE counted AND drill_id = ?) "
                   "WHERE json_extract(f, ?) IS NOT NULL")
            args = (f"$.{metric}", drill_id, f"$.{metric}")
        rows = self._conn().execute(f"{sql} ORDER BY at DESC, id DESC LIMIT ?", (*args, -1 if limit is None else limit))
        points = []
        for r in reversed(rows.fetchall()):
            try:
                points.append(TrendPoint(r[0], _time(r[1]), r[2], r[3], r[4], r[5]))
            except (ValueError, TypeError) as err:
                self._skip("takes", r[0], err)
        return points

    @_guarded
    def purge_drill(self, drill_id: str, *, remove_files: Callable[[list[Path]], Any] | None = None) -> list[Path]:
        """Delete a drill's takes and band state; returns the takes' audio files.

        `remove_files(files)` is called inside the transaction, before the rows go: a
        recording is never left behind without its take (it would be stored again as a take
        the history does not know). If the deletion fails after that, the takes stay, without
        their recordings, and purging again removes them.
        """
        with self._write() as conn:
            files = [Path(r[0]) for r in conn.execute(
                "SELECT audio_path FROM takes WHERE drill_id = ? AND audio_path IS NOT NULL", (drill_id,))]
            if remove_files is not None:
                remove_files(files)
            conn.execute("DELETE FROM takes WHERE drill_id = ?", (drill_id,))
            conn.execute("DELETE FROM band_state WHERE drill_id = ?", (drill_id,))
        return files

    # -- reconciling with the takes folder ------------------------------------------------

    @_guarded
    def audio_paths(self) -> set[str]:
        """Every audio path the history holds, as stored (text)."""
        return {r[0] for r in self._conn().execute("SELECT audio_path FROM takes WHERE audio_path IS NOT NULL")}

    @_guarded
    def move_audio_path(self, old: Path, new: Path) -> int:
        """Point the takes that hold `old` at `new` (an interrupted recording closed properly); returns how many."""
        with self._write() as conn:
            return conn.execute("UPDATE takes SET audio_path = ? WHERE audio_path = ?", (str(new), str(old))).rowcount

    @_guarded
    def add_found_take(self, take: TakeRecord, *, bands: Mapping[str, BandState] | None = None,
                       partial: Path | None = None) -> int | None:
        """Store a recording found in the takes folder, unless the history already holds it.

        In one transaction: a take that holds `partial` (the recording before it was closed)
        is pointed at `take.audio_path`; a take that holds `take.audio_path` already is left
        as it is; only otherwise is `take` stored (with `bands`). Returns the new take's id,
        or None when nothing was added, so a recording is never stored twice.
        """
        if take.audio_path is None:
            raise ValueError("a found take has a recording")
        with self._write() as conn:
            if partial is not None and conn.execute("UPDATE takes SET audio_path = ? WHERE audio_path = ?",
                                                    (str(take.audio_path), str(partial))).rowcount:
                return None
            if conn.execute("SELECT 1 FROM takes WHERE audio_path = ? LIMIT 1", (str(take.audio_path),)).fetchone():
                return None
            take_id = self._insert_take(conn, take)
            if bands:
                self._save_bands(conn, take.drill_id, bands, take.at)
            return take_id

    @_guarded
    def created_at(self) -> datetime:
        """When this history began (a recording older than that belongs to an earlier one)."""
        row = self._conn().execute("SELECT value FROM meta WHERE key = 'created_at'").fetchone()
        try:
            return parse_time(row[0])
        except (TypeError, ValueError):
            return datetime.min.replace(tzinfo=timezone.utc)

    @_guarded
    def folder_marks(self) -> dict[str, int]:
        """Each takes folder's modification time (ns) when it was last reconciled."""
        return {r[0]: r[1] for r in self._conn().execute("SELECT folder, mtime_ns FROM takes_folders")}

    @_guarded
    def set_folder_marks(self, marks: Mapping[str, int | None]) -> None:
        """Remember folders as reconciled (None forgets one)."""
        with self._write() as conn:
            for folder, mtime_ns in marks.items():
                if mtime_ns is None:
                    conn.execute("DELETE FROM takes_folders WHERE folder = ?", (folder,))
                else:
                    conn.execute("INSERT INTO takes_folders (folder, mtime_ns) VALUES (?, ?) ON CONFLICT (folder) "
                                 "DO UPDATE SET mtime_ns = excluded.mtime_ns", (folder, mtime_ns))

    # -- baselines ---------------------------------------------------------------------

    @_guarded
    def add_baseline(self, baseline: Baseline) -> Baseline:
        """Keep a new baseline (older ones stay); returns it with its id."""
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO baselines (created_at, device, loudness_dbfs, pitch_median_st, pitch_range_st, wpm, "
                "articulation_rate, sources, syllable_rate, pace_method, alpha_ratio_db, alpha_sd_db, effort_slope, "
                "effort) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (iso(baseline.created_at), baseline.device, baseline.loudness_dbfs, baseline.pitch_median_st,
                 baseline.pitch_range_st, baseline.wpm, baseline.articulation_rate, json.dumps(list(baseline.sources)),
                 baseline.syllable_rate, baseline.pace_method, baseline.alpha_ratio_db, baseline.alpha_sd_db,
                 baseline.effort_slope, json.dumps([r.to_dict() for r in baseline.effort])),
            )
        return replace(baseline, id=int(cursor.lastrowid))

    @_guarded
    def set_baseline_tilt(self, baseline_id: int, alpha_ratio_db: float | None, alpha_sd_db: float | None) -> None:
        """Fill in the calm alpha ratio of a baseline saved before it was measured (from its answers)."""
        with self._write() as conn:
            conn.execute("UPDATE baselines SET alpha_ratio_db = ?, alpha_sd_db = ? WHERE id = ?",
                         (alpha_ratio_db, alpha_sd_db, baseline_id))

    @_guarded
    def latest_baseline(self) -> Baseline | None:
        """The baseline in use: the newest."""
        rows = self._conn().execute(f"SELECT {_BASELINE_COLUMNS} FROM baselines ORDER BY created_at DESC, id DESC")
        for row in rows:  # the newest that can be read
            try:
                return _baseline(row)
            except (ValueError, TypeError) as err:
                self._skip("baselines", row[0], err)
        return None

    @_guarded
    def baselines(self) -> list[Baseline]:
        """Every baseline, oldest first."""
        baselines = []
        for row in self._conn().execute(f"SELECT {_BASELINE_COLUMNS} FROM baselines ORDER BY created_at, id"):
            try:
                baselines.append(_baseline(row))
            except (ValueError, TypeError) as err:
                self._skip("baselines", row[0], err)
        return baselines

    # -- bands -------------------------------------------------------------------------

    @_guarded
    def band_states(self, drill_id: str) -> dict[str, BandState]:
        rows = self._conn().execute(
            "SELECT metric, width, streak_in, streak_out FROM band_state WHERE drill_id = ?", (drill_id,))
        return {r[0]: BandState(r[0], r[1], r[2], r[3]) for r in rows}

    @_guarded
    def save_band_states(self, drill_id: str, states: Mapping[str, BandState], *, now: datetime | None = None) -> None:
        """Store a drill's bands on their own (after a take, pass them to `add_take` instead)."""
        with self._write() as conn:
            conn.execute("INSERT OR IGNORE INTO drills (id, added_at) VALUES (?, ?)", (drill_id, iso(now or _now())))
            self._save_bands(conn, drill_id, states, now or _now())

    @staticmethod
    def _save_bands(conn: sqlite3.Connection, drill_id: str, states: Mapping[str, BandState], now: datetime) -> None:
        conn.executemany(
            "INSERT INTO band_state (drill_id, metric, width, streak_in, streak_out, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (drill_id, metric) DO UPDATE SET width = excluded.width, "
            "streak_in = excluded.streak_in, streak_out = excluded.streak_out, updated_at = excluded.updated_at",
            [(drill_id, s.metric, s.width, s.streak_in, s.streak_out, iso(now)) for s in states.values()],
        )

    # -- practice time -----------------------------------------------------------------

    @_guarded
    def start_session(self, now: datetime) -> int:
        """A drill screen opened: start a session; returns its id."""
        with self._write() as conn:
            cursor = conn.execute("INSERT INTO sessions (started_at, last_active_at) VALUES (?, ?)",
                                  (iso(now), iso(now)))
            return int(cursor.lastrowid)

    @_guarded
    def touch_session(self, session_id: int, now: datetime, *, idle_limit_s: float = IDLE_LIMIT_S,
                      counts: bool = True) -> float:
        """A sign of practice (a take started or ended): the time since the previous one counts as
        practice unless it is longer than `idle_limit_s`, or `counts` is False (a take that does not
        count just ended: its time is skipped). Returns the seconds added."""
        with self._write() as conn:
            return self._touch(conn, session_id, now, idle_limit_s if counts else -1.0)

    @_guarded
    def end_session(self, session_id: int, now: datetime, *, idle_limit_s: float = IDLE_LIMIT_S) -> float:
        """The drill screen closed: count the last stretch (unless idle) and close the session."""
        with self._write() as conn:
            added = self._touch(conn, session_id, now, idle_limit_s)
            conn.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (iso(now), session_id))
            return added

    @staticmethod
    def _touch(conn: sqlite3.Connection, session_id: int, now: datetime, idle_limit_s: float) -> float:
        row = conn.execute("SELECT last_active_at FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise StoreError(f"There is no practice session number {session_id}.")
        last = parse_time(row[0])
        gap = (now - last).total_seconds()
        if gap <= 0:
            return 0.0
        conn.execute("UPDATE sessions SET last_active_at = ? WHERE id = ?", (iso(now), session_id))
        if gap > idle_limit_s:  # idle (or a negative limit: skipped on purpose)
            return 0.0
        extended = conn.execute("UPDATE practice SET ended_at = ? WHERE session_id = ? AND ended_at = ?",
                                (iso(now), session_id, row[0])).rowcount
        if not extended:
            conn.execute("INSERT INTO practice (session_id, started_at, ended_at) VALUES (?, ?, ?)",
                         (session_id, row[0], iso(now)))
        conn.execute("UPDATE sessions SET active_s = active_s + ? WHERE id = ?", (gap, session_id))
        return gap

    @_guarded
    def add_practice(self, start: datetime, end: datetime) -> None:
        """Record an interval of active practice directly."""
        if end < start:
            raise ValueError("practice cannot end before it starts")
        with self._write() as conn:
            conn.execute("INSERT INTO practice (started_at, ended_at) VALUES (?, ?)", (iso(start), iso(end)))

    @_guarded
    def practice_intervals(self, since: datetime | None = None) -> list[Interval]:
        """Intervals of active practice, oldest first (those ending after `since`, when given)."""
        rows = self._conn().execute(
            "SELECT id, started_at, ended_at FROM practice WHERE ended_at > ? ORDER BY started_at",
            ("" if since is None else iso(since),))
        intervals = []
        for row_id, start, end in rows:
            try:
                intervals.append((_time(start), _time(end)))
            except (ValueError, TypeError) as err:
                self._skip("practice", row_id, err)
        return intervals

    # -- summaries ---------------------------------------------------------------------

    @_guarded
    def stats(self, now: datetime, tz: tzinfo, goal_minutes: int) -> Stats:
        """Today's minutes, streaks and each drill's history at a glance."""
        status = streak_status(self.practice_intervals(), now=now, tz=tz, goal_minutes=goal_minutes)
        conn = self._conn()
        today_start = iso(day_start(status.today, tz))
        tomorrow_start = iso(day_start(status.today + timedelta(days=1), tz))
        takes_today = conn.execute("SELECT COUNT(*) FROM takes WHERE counted AND at >= ? AND at < ?",
                                   (today_start, tomorrow_start)).fetchone()[0]
        drills = []
        for row_id, at in conn.execute(f"SELECT id, at FROM takes WHERE NOT {_GOOD_TIME}").fetchall():
            self._skip("takes", row_id, ValueError(f"its time {at!r} is not a date and time"))
        for drill_id, count, last_at in conn.execute(
                f"SELECT drill_id, COUNT(*), MAX(at) FROM takes WHERE counted AND {_GOOD_TIME} GROUP BY drill_id "
                "ORDER BY MAX(at) DESC").fetchall():
            scores = [r[0] for r in conn.execute(
                f"SELECT score FROM takes WHERE counted AND drill_id = ? AND score IS NOT NULL AND {_GOOD_TIME} "
                "ORDER BY at DESC LIMIT ?", (drill_id, RECENT_SCORES))][::-1]
            pace = conn.execute(
                "SELECT json_extract(verdict, '$.metrics.pace.value'), json_extract(verdict, '$.metrics.pace.detail') "
                f"FROM takes WHERE counted AND drill_id = ? AND json_valid(verdict) AND {_GOOD_TIME} "
                "ORDER BY at DESC LIMIT 1", (drill_id,)).fetchone()
            drills.append(DrillStats(drill_id, count, parse_time(last_at), scores[-1] if scores else None,
                                     tuple(scores), trend_word(scores), last_pace=pace[0] if pace else None,
                                     last_pace_detail=(pace[1] or "") if pace else ""))
        return Stats(
            today=status.today,
            today_minutes=status.today_minutes,
            daily_goal_minutes=goal_minutes,
            current_streak=status.current_streak,
            best_streak=status.best_streak,
            freezes=status.freezes,
            days_this_month=status.days_this_month,
            takes_today=takes_today,
            drills=tuple(drills),
        )

    @_guarded
    def integrity_check(self) -> str:
        """SQLite's own check of the whole file: "ok" when sound."""
        return "; ".join(r[0] for r in self._conn().execute("PRAGMA integrity_check"))

    def quick_check(self) -> None:
        """Refuse a damaged history before anything is written into it (`PRAGMA quick_check`, about
        40 ms for a year of practice); `StoreError` saying what to do."""
        try:
            result = "; ".join(r[0] for r in self._conn().execute("PRAGMA quick_check"))
        except sqlite3.Error as err:
            raise _translate(err, self.path) from err
        if result != "ok":
            raise StoreError(_damaged(self.path))


# rows whose time is not a time with its zone (as `iso` writes them) are left out, and named
_GOOD_TIME = ("(julianday(at) IS NOT NULL AND "
              "at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*[+-][0-9][0-9]:[0-9][0-9]')")
_VALID_VERDICT = "CASE WHEN json_valid(verdict) THEN verdict END"
_VALID_FEATURES = "CASE WHEN json_valid(features) THEN features END"
_TAKE_COLUMNS = ("id, drill_id, at, session_id, baseline_id, difficulty, audio_path, features, verdict, rating, "
                 "device, overflows, interrupted, latency_s, overlap_s, stopped_by, counted, note")
NOTE_MAX_CHARS = 500
_BASELINE_COLUMNS = ("id, created_at, device, loudness_dbfs, pitch_median_st, pitch_range_st, wpm, "
                     "articulation_rate, sources, syllable_rate, pace_method, alpha_ratio_db, alpha_sd_db, "
                     "effort_slope, effort")


def _take(row: tuple) -> TakeRecord:
    """A take row as a record; `ValueError` (or `TypeError`) when a value cannot be what it says."""
    features = _loads(row[7], "measures")
    verdict = None if row[8] is None else _loads(row[8], "verdict")
    at = _time(row[2])
    if not isinstance(features, dict):
        raise ValueError("its stored measures are not a set of named values")
    if verdict is not None and not (isinstance(verdict, dict) and isinstance(verdict.get("score"), (int, float))):
        raise ValueError("its stored verdict has no score")
    return TakeRecord(
        id=row[0], drill_id=row[1], at=at, session_id=row[3], baseline_id=row[4],
        difficulty=row[5], audio_path=None if row[6] is None else Path(row[6]), features=features,
        verdict=verdict, rating=row[9], device=row[10],
        overflows=row[11], interrupted=bool(row[12]), latency_s=row[13], overlap_s=row[14], stopped_by=row[15],
        counted=bool(row[16]), note=row[17],
    )


def _baseline(row: tuple) -> Baseline:
    return Baseline(row[0], parse_time(row[1]), row[2], row[3], row[4], row[5], row[6], row[7],
                    tuple(json.loads(row[8])), row[9], row[10], alpha_ratio_db=row[11], alpha_sd_db=row[12],
                    effort_slope=row[13], effort=tuple(EffortReading.from_dict(r) for r in json.loads(row[14])))


def _json(value: Mapping[str, Any]) -> str:
    return json.dumps(clean_json(value), ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _clean_note(note: str | None) -> str | None:
    """A note as kept: one line of plain text, trimmed; None when blank."""
    if note is None:
        return None
    if not isinstance(note, str):
        raise StoreError(f"A note on a take is text, not {type(note).__name__}.")
    text = " ".join(note.split())
    if len(text) > NOTE_MAX_CHARS:
        raise StoreError(f"A note on a take is at most {NOTE_MAX_CHARS} characters; this one has {len(text)}.")
    return text or None


def _check_rating(rating: int) -> None:
    if isinstance(rating, bool) or not isinstance(rating, int) or not 0 <= rating <= 10:
        raise StoreError(f"A self-rating is a whole number from 0 (calm) to 10 (very activated), not {rating!r}.")


def _now() -> datetime:
    return datetime.now().astimezone()


def open_store(path: Path | None = None) -> Store:
    """Open (creating and migrating as needed) the practice history; by default the one in the data folder."""
    path = path or paths.database_file()
    paths.ensure_private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, paths.PRIVATE_FILE_MODE)  # private before SQLite opens it
        os.close(fd)
    except OSError as err:
        raise StoreError(f"Cannot create the practice history {path}: {err.strerror or err}.") from err
    store = Store(path)
    try:
        _guarded(Store._prepare)(store)
    except BaseException:
        store.close()
        raise
    return store
