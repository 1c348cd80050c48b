"""`scripts/start` on systems without apt: it says what to install there, and carries on.

Each test gives the script a PATH of its own: the few real tools it needs, plus
stand-ins for what tells one system from another (a `dnf` that must never run, an
`ldconfig` that knows or does not know PortAudio, a `uname` that says Darwin).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("bash", "dirname", "uname", "sha256sum", "cut", "grep", "id", "cat")
PORTAUDIO_KNOWN = "\tlibportaudio.so.2 (libc6,x86-64) => /usr/lib64/libportaudio.so.2\n"


def _stand_in(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.unlink(missing_ok=True)  # a link to the real tool: replace the link, never write through it
    with open(path, "x") as script:
        script.write(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


@pytest.fixture
def system(tmp_path):
    """A PATH with the basic tools and no apt; returns a function that adds stand-ins."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in TOOLS:
        os.symlink(shutil.which(tool), folder / tool)
    os.symlink(sys.executable, folder / "python3")

    def add(name: str, body: str) -> Path:
        _stand_in(folder, name, body)
        return folder

    add("ldconfig", "exit 0")  # knows no libraries
    return add


def _bootstrap(folder: Path, call: str) -> subprocess.CompletedProcess:
    script = f'source "{ROOT}/scripts/bootstrap.sh"\n{call} && echo "status=0" || echo "status=$?"\n'
    return subprocess.run(["/bin/bash", "-c", script], env={"PATH": str(folder), "HOME": str(folder)},
                          capture_output=True, text=True, timeout=60)


def test_on_fedora_it_names_the_dnf_package_and_never_runs_dnf(system, tmp_path):
    folder = system("dnf", f'touch "{tmp_path}/dnf-ran"; exit 1')
    done = _bootstrap(folder, "lv_system_packages libportaudio2")
    assert "status=1" in done.stdout
    assert "levelvoice setup: missing: libportaudio2 (Debian's names). Install it with: sudo dnf install portaudio" \
        in done.stderr
    assert not (tmp_path / "dnf-ran").exists()


def test_on_fedora_with_portaudio_there_is_nothing_to_say(system):
    system("dnf", "exit 1")
    folder = system("ldconfig", f"printf '{PORTAUDIO_KNOWN}'")
    done = _bootstrap(folder, "lv_system_packages libportaudio2")
    assert "status=0" in done.stdout and done.stderr == ""


def test_on_arch_it_names_pacman_packages(system):
    folder = system("pacman", "exit 1")
    done = _bootstrap(folder, "lv_system_packages libportaudio2 pulseaudio-utils")
    assert "Install it with: sudo pacman -S portaudio libpulse" in done.stderr


def test_on_macos_portaudio_comes_with_the_wheels_and_test_tools_from_homebrew(system):
    folder = system("uname", "echo Darwin")
    done = _bootstrap(folder, "lv_system_packages libportaudio2")
    assert "status=0" in done.stdout and done.stderr == ""
    done = _bootstrap(folder, "lv_system_packages libportaudio2 pulseaudio pulseaudio-utils sox")
    assert "status=1" in done.stdout
    assert "missing: pulseaudio sox (Debian's names). Install it with Homebrew (https://brew.sh): brew install " \
           "pulseaudio sox" in done.stderr


def test_without_any_known_package_manager_it_still_says_what_is_needed(system):
    done = _bootstrap(system("unused", "exit 0"), "lv_system_packages libportaudio2")
    assert "status=1" in done.stdout
    assert "Install these with your system's package manager: libportaudio2 (Debian's names; yours may differ)." \
        in done.stderr


def test_on_windows_the_scripts_point_to_pipx(system):
    folder = system("uname", "echo MINGW64_NT-10.0")
    done = _bootstrap(folder, "lv_system_packages libportaudio2")
    assert "status=0" in done.stdout  # PortAudio is inside the sounddevice wheel there
    done = _bootstrap(folder, 'lv_venv ""')
    assert "status=1" in done.stdout and "install Level Voice with pipx" in done.stderr


def test_start_without_apt_says_what_to_install_and_opens_the_app(system, tmp_path):
    """The whole `scripts/start`, on a Fedora-like system, with a venv that is already set up."""
    folder = system("dnf", f'touch "{tmp_path}/dnf-ran"; exit 1')
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    os.symlink(sys.executable, venv / "bin" / "python")
    os.symlink(Path(sys.executable).with_name("levelvoice"), venv / "bin" / "levelvoice")
    stamp = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16] + "[]"
    (venv / ".levelvoice-installed").write_text(stamp + "\n")
    env = {"PATH": str(folder), "HOME": str(tmp_path), "LV_VENV": str(venv), "LEVELVOICE_HOME": str(tmp_path / "lv")}
    done = subprocess.run([str(ROOT / "scripts" / "start"), "--version"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert "sudo dnf install portaudio" in done.stderr and "continuing without it" in done.stderr
    assert done.stdout.startswith("levelvoice ")
    assert not (tmp_path / "dnf-ran").exists()
