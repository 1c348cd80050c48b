"""The layering the design promises: data flows one way, and only the TUI knows Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import trainer

PACKAGE = Path(trainer.__file__).parent
HEADLESS = ["analysis", "audio", "drills", "practice", "store", "session", "report", "media.py", "paths.py",
            "config.py", "errors.py"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def files_of(part: str) -> list[Path]:
    target = PACKAGE / part
    return [target] if target.suffix == ".py" else sorted(target.rglob("*.py"))


@pytest.mark.parametrize("part", HEADLESS)
def test_headless_layers_never_import_textual(part):
    offenders = [str(f.relative_to(PACKAGE)) for f in files_of(part)
                 if any(name == "textual" or name.startswith("textual.") or name.startswith("trainer.tui")
                        for name in imported_modules(f))]
    assert offenders == []


@pytest.mark.parametrize("part", ["analysis", "practice"])
def test_pure_layers_touch_no_database_sound_card_or_ui(part):
    forbidden = ("sqlite3", "sounddevice", "trainer.store", "trainer.audio", "trainer.session", "trainer.tui")
    offenders = [(str(f.relative_to(PACKAGE)), name) for f in files_of(part) for name in imported_modules(f)
                 if name.startswith(forbidden)]
    assert offenders == []


def test_the_tui_never_computes_a_metric():
    """Screens and widgets get their numbers from the session; they don't call the analysis or the rules."""
    forbidden = ("trainer.analysis", "trainer.practice", "numpy", "librosa", "scipy")
    offenders = [(str(f.relative_to(PACKAGE)), name) for f in files_of("tui") for name in imported_modules(f)
                 if name.startswith(forbidden)]
    assert offenders == []


def test_starting_the_tui_loads_no_heavy_library():
    """The first screen must not wait for numpy, librosa, faster-whisper or PortAudio."""
    code = ("import sys; from trainer.tui.app import make_app; from trainer.session import Practice; "
            "import trainer.tui.screens.today, trainer.tui.screens.drill; "
            "print(sorted(m for m in ('numpy', 'scipy', 'librosa', 'faster_whisper', 'sounddevice', 'onnxruntime', "
            "'matplotlib') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_test_extra_libraries_are_only_the_benchmarks_business():
    """swift-f0 and praat-parselmouth come with the test extra only: the app must run without them."""
    test_only = ("swift_f0", "parselmouth", "pyloudnorm")
    users = {str(f.relative_to(PACKAGE)) for f in files_of(".") for name in imported_modules(f)
             if name.split(".")[0] in test_only}
    assert users <= {"analysis/benchmark.py"}
