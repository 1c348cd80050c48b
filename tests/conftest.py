"""Shared fixtures: a private data folder, the real speech files, the PulseAudio rig."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.rig import MODES, PulseRig, missing_tools

SPEECH_DIR = Path(__file__).parent / "data" / "speech"
SPEECH_FILES = sorted(SPEECH_DIR.glob("*.ogg"))
REQUIRE_RIG = os.environ.get("LEVELVOICE_REQUIRE_RIG") == "1"
# both rig modes by default (CI); LEVELVOICE_RIG_MODES=steady (or bursty) narrows a local run
RIG_MODES = tuple(m for m in os.environ.get("LEVELVOICE_RIG_MODES", ",".join(MODES)).split(",") if m)


@pytest.fixture
def lv_home(tmp_path, monkeypatch) -> Path:
    """A fresh LEVELVOICE_HOME for one test (config, data and cache all inside)."""
    home = tmp_path / "lvhome"
    monkeypatch.setenv("LEVELVOICE_HOME", str(home))
    return home


@pytest.fixture(params=SPEECH_FILES, ids=lambda p: p.stem)
def speech_file(request) -> Path:
    """Each of the three real LibriSpeech recordings in turn (CC-BY 4.0, see data/speech/README.md)."""
    return request.param


@pytest.fixture(scope="session", params=RIG_MODES)
def pulse_rig(request, tmp_path_factory):
    """A running private PulseAudio daemon; this process is routed to it while its tests run.

    Every test that uses it runs twice: on the "steady" rig and on the "bursty" one (plain
    null sinks that deliver audio in lumps, like many real sound systems; see tests/rig.py).
    Skips when PulseAudio is not installed, unless LEVELVOICE_REQUIRE_RIG=1 (CI), where
    a missing rig is a failure.
    """
    missing = missing_tools()
    if missing:
        message = f"the virtual audio rig needs {', '.join(missing)} (apt-get install pulseaudio pulseaudio-utils)"
        if REQUIRE_RIG:
            pytest.fail(message)
        pytest.skip(message)
    rig = PulseRig(tmp_path_factory.mktemp(f"rig-{request.param}"), mode=request.param).start()
    saved = {key: os.environ.get(key) for key in rig.env}
    os.environ.update(rig.env)
    from trainer.audio import portaudio

    portaudio.rescan()  # PortAudio may have been initialised before the rig existed
    try:
        yield rig
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        rig.stop()
