"""Two running Level Voice processes writing to one history at the same time."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap

from trainer.store import open_store

WRITER = textwrap.dedent("""
    import sys, time
    from datetime import datetime, timedelta, timezone
    from tests.store.helpers import take_record
    from trainer.practice.bands import bands_for, update_bands
    from trainer.store import open_store

    name, count, go = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    while time.time() < go:  # both processes start writing at the same moment
        time.sleep(0.001)
    store = open_store()  # the database may not exist yet: both migrate it at once
    bands = bands_for(None)
    start = datetime(2025, 5, 1, 12, 0, tzinfo=timezone.utc)
    for i in range(count):
        bands = update_bands(bands, {"loudness": i % 3 != 0})
        take = take_record(name, start + timedelta(seconds=i), loudness=-30.0 + i / 10)
        store.add_take(take, bands=bands)
        if i % 10 == 0:
            store.set_rating(store.takes_for_drill(name, limit=1)[0].id, i % 11)
    store.close()
    print("done", name)
""")


def test_two_processes_write_takes_at_once(lv_home):
    import time

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, LEVELVOICE_HOME=str(lv_home), PYTHONPATH=root)
    go = time.time() + 2.0
    count = 150
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, name, str(count), str(go)], cwd=root, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name in ("one", "two")]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        assert out.startswith("done")

    with open_store() as store:
        assert store.integrity_check() == "ok"
        for name in ("one", "two"):
            takes = store.takes_for_drill(name)
            assert len(takes) == count  # nothing lost
            assert [t.features["loudness_dbfs"] for t in takes] == [-30.0 + i / 10 for i in range(count)]
            assert len(store.band_states(name)) == 5
        assert store.count_takes() == 2 * count
    conn = sqlite3.connect(store.path)
    ids = [r[0] for r in conn.execute("SELECT id FROM takes")]
    assert len(ids) == len(set(ids)) == 2 * count
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
