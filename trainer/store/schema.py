"""The history database's schema, as numbered migrations (PRAGMA user_version).

Migration N turns a version N-1 database into version N; an empty file is version 0.
Never edit a released migration: add the next one. Times are UTC in ISO 8601 text
("2025-03-30T07:15:02.123456+00:00"), which sorts in time order.
"""

from __future__ import annotations

import sqlite3

from trainer.errors import StoreError

MIGRATIONS: tuple[str, ...] = (
    # 1: drills, practice sessions and their active intervals, takes, baselines
    """
    CREATE TABLE drills (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL DEFAULT 'bundled' CHECK (source IN ('bundled', 'imported')),
        title TEXT NOT NULL DEFAULT '',
        clip_path TEXT,
        added_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        last_active_at TEXT NOT NULL,
        active_s REAL NOT NULL DEFAULT 0
    );
    CREATE TABLE practice (
        id INTEGER PRIMARY KEY,
        session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT NOT NULL,
        CHECK (ended_at >= started_at)
    );
    CREATE TABLE baselines (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        device TEXT NOT NULL,
        loudness_dbfs REAL NOT NULL,
        pitch_median_st REAL,
        pitch_range_st REAL,
        wpm REAL,
        articulation_rate REAL,
        sources TEXT NOT NULL
    );
    CREATE TABLE takes (
        id INTEGER PRIMARY KEY,
        drill_id TEXT NOT NULL REFERENCES drills(id),
        at TEXT NOT NULL,
        session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
        baseline_id INTEGER REFERENCES baselines(id),
        difficulty TEXT,
        audio_path TEXT,
        features TEXT NOT NULL,
        verdict TEXT,
        score INTEGER CHECK (score BETWEEN 0 AND 100),
        rating INTEGER CHECK (rating BETWEEN 0 AND 10),
        device TEXT NOT NULL DEFAULT '',
        overflows INTEGER NOT NULL DEFAULT 0,
        interrupted INTEGER NOT NULL DEFAULT 0 CHECK (interrupted IN (0, 1)),
        latency_s REAL,
        overlap_s REAL
    );
    """,
    # 2: the adaptive band of each drill and metric
    """
    CREATE TABLE band_state (
        drill_id TEXT NOT NULL REFERENCES drills(id),
        metric TEXT NOT NULL,
        width REAL NOT NULL CHECK (width > 0),
        streak_in INTEGER NOT NULL DEFAULT 0,
        streak_out INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (drill_id, metric)
    ) WITHOUT ROWID;
    """,
    # 3: indexes for per-drill history and trends, and for streaks
    """
    CREATE INDEX takes_by_drill ON takes (drill_id, at, score);
    CREATE INDEX takes_by_time ON takes (at);
    CREATE INDEX practice_by_time ON practice (started_at);
    CREATE INDEX practice_by_session ON practice (session_id, ended_at);
    """,
    # 4: why each take ended, and whether it counts (trainer.practice.counting: 3 s of speech)
    """
    ALTER TABLE takes ADD COLUMN stopped_by TEXT;
    ALTER TABLE takes ADD COLUMN counted INTEGER NOT NULL DEFAULT 1 CHECK (counted IN (0, 1));
    UPDATE takes SET counted = 0
        WHERE NOT json_valid(features) OR json_extract(features, '$.speech_s') < 3.0;
    CREATE INDEX takes_counted_by_drill ON takes (counted, drill_id, at);
    """,
    # 5: the baseline's pace from its transcripts (syllables per second), and which pace method
    # measured it (trainer.practice.pace.PACE_METHOD; earlier baselines are method 1)
    """
    ALTER TABLE baselines ADD COLUMN syllable_rate REAL;
    ALTER TABLE baselines ADD COLUMN pace_method INTEGER NOT NULL DEFAULT 1;
    """,
    # 6: reconciling the takes folder with the history (trainer.session.recovery): which
    # recordings the history holds (by audio path), when this history began (a recording
    # older than that belongs to an earlier history and is reported, not stored), and the
    # state of each takes folder when it was last reconciled (unchanged ones are skipped)
    """
    CREATE INDEX takes_by_audio_path ON takes (audio_path);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    INSERT INTO meta (key, value) VALUES ('created_at', COALESCE(
        (SELECT MIN(t) FROM (SELECT MIN(at) AS t FROM takes WHERE julianday(at) IS NOT NULL
                             UNION ALL SELECT MIN(started_at) FROM sessions
                             UNION ALL SELECT MIN(started_at) FROM practice
                             UNION ALL SELECT MIN(created_at) FROM baselines)),
        strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')));
    CREATE TABLE takes_folders (folder TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL) WITHOUT ROWID;
    """,
    # 7: the voice's edge line (trainer.practice.edge): calm alpha ratio and its spread, the personal
    # slope from the effort readings, and the readings themselves (JSON list)
    """
    ALTER TABLE baselines ADD COLUMN alpha_ratio_db REAL;
    ALTER TABLE baselines ADD COLUMN alpha_sd_db REAL;
    ALTER TABLE baselines ADD COLUMN effort_slope REAL;
    ALTER TABLE baselines ADD COLUMN effort TEXT NOT NULL DEFAULT '[]';
    """,
    # 8: the therapist's own short note on a take (typed on the result screen; shown in the report)
    """
    ALTER TABLE takes ADD COLUMN note TEXT;
    """,
)
LATEST = len(MIGRATIONS)


def version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, *, target: int = LATEST) -> int:
    """Bring the database up to `target`, one transaction per step; returns the version before.

    Safe when two processes open a new database at once: each step re-reads the version
    inside an immediate (write-locked) transaction.
    """
    before = version(conn)
    if before > LATEST:
        raise StoreError(
            f"The history database was written by a newer Level Voice (schema {before}, this one knows {LATEST}). "
            "Update Level Voice to open it."
        )
    if before >= target:  # nothing to do: no write lock needed (another window may hold it for a while)
        return before
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = version(conn)
            if current >= target:
                conn.execute("COMMIT")
                return before
            for statement in _statements(MIGRATIONS[current]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {current + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _statements(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit on its own)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return [s for s in statements if s]
