"""The practice history: SQLite in the private data folder (no Textual, no sound).

`open_store()` returns a `Store`; records are plain frozen dataclasses.
"""

from trainer.store.records import DrillStats, Stats, TakeRecord, TrendPoint
from trainer.store.store import DrillRecord, Store, open_store

__all__ = ["DrillRecord", "DrillStats", "Stats", "Store", "TakeRecord", "TrendPoint", "open_store"]
