"""The drill library: the bundled starter pack and the therapist's imported clips.

Cheap to import (no audio libraries until a clip is imported or checked). The format of
a drill folder is described in `drills/README.md`.
"""

from trainer.drills.importer import import_clip, remove_drill, set_transcript
from trainer.drills.loader import bundled_dir, check_library, get_drill, load_library, next_drill
from trainer.drills.model import CHALLENGES, DIFFICULTIES, Drill, TargetOffsets

__all__ = [
    "CHALLENGES",
    "DIFFICULTIES",
    "Drill",
    "TargetOffsets",
    "bundled_dir",
    "check_library",
    "get_drill",
    "import_clip",
    "load_library",
    "next_drill",
    "remove_drill",
    "set_transcript",
]
