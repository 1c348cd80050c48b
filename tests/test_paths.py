"""Data locations: the override, privacy of what is written, nothing done at import."""

from __future__ import annotations

import importlib
import os
import stat
import subprocess
import sys

import pytest

from trainer import paths


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_levelvoice_home_overrides_every_location(lv_home):
    assert paths.config_dir() == lv_home / "config"
    assert paths.data_dir() == lv_home / "data"
    assert paths.cache_dir() == lv_home / "cache"
    assert paths.database_file().parent == lv_home / "data"


def test_without_override_locations_follow_platform_conventions(monkeypatch, tmp_path):
    monkeypatch.delenv("LEVELVOICE_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    assert paths.data_dir() == tmp_path / "xdg-data" / "levelvoice"
    assert paths.config_dir() == tmp_path / "xdg-config" / "levelvoice"


def test_nothing_is_created_at_import(tmp_path):
    home = tmp_path / "home"
    code = "import trainer.paths, trainer.config, trainer.cli, trainer.errors"
    subprocess.run([sys.executable, "-c", code], env=dict(os.environ, LEVELVOICE_HOME=str(home)), check=True)
    assert not home.exists()


def test_data_folder_is_created_0700_and_files_0600(lv_home):
    folder = paths.ensure_data_dir()
    assert mode(folder) == 0o700
    target = folder / "takes" / "take.flac"
    with paths.private_open(target) as handle:
        handle.write(b"x")
    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700
    paths.write_private_bytes(folder / "note.txt", b"hello")
    assert mode(folder / "note.txt") == 0o600
    assert (folder / "note.txt").read_bytes() == b"hello"
    assert paths.check_private(folder) == []


def test_private_open_ignores_a_permissive_umask(lv_home):
    old = os.umask(0)
    try:
        target = paths.data_dir() / "x.bin"
        with paths.private_open(target) as handle:
            handle.write(b"1")
    finally:
        os.umask(old)
    assert mode(target) == 0o600
    assert mode(paths.data_dir()) == 0o700


def test_an_existing_open_data_folder_is_tightened(lv_home):
    folder = paths.data_dir()
    folder.mkdir(parents=True, mode=0o755)
    folder.chmod(0o755)
    paths.ensure_data_dir()
    assert mode(folder) == 0o700


def test_check_private_reports_a_readable_file(lv_home):
    folder = paths.ensure_data_dir()
    leaky = folder / "leaky.flac"
    leaky.write_bytes(b"x")
    leaky.chmod(0o644)
    problems = paths.check_private(folder)
    assert len(problems) == 1 and "leaky.flac" in problems[0]


def test_reloading_paths_module_creates_nothing(lv_home):
    importlib.reload(paths)
    assert not lv_home.exists()


@pytest.mark.parametrize("typed, plain", [
    ("'/home/me/my session clip.mp4' ", "/home/me/my session clip.mp4"),  # dragged from a file manager
    ('"/home/me/clip.mp4"', "/home/me/clip.mp4"),
    ("file:///home/me/my%20clip.mp4", "/home/me/my clip.mp4"),
    ("/home/me/my\\ session\\ clip.mp4", "/home/me/my session clip.mp4"),  # a terminal's escaped spaces
    ("  /home/me/clip.mp4\n", "/home/me/clip.mp4"),
    ("~/clip.mp4", "~/clip.mp4"),
])
def test_a_pasted_path_is_made_plain(typed, plain):
    assert paths.pasted_path(typed) == plain


def test_a_path_with_a_real_backslash_is_kept(tmp_path):
    odd = tmp_path / "odd\\ name.wav"
    odd.write_bytes(b"x")
    assert paths.pasted_path(str(odd)) == str(odd)
