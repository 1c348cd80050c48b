"""`levelvoice drills render`: piper speaks the transcript with the drill's delivery."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.drills.conftest import one_error_line, run_cli
from trainer.drills import check_library, get_drill
from trainer.drills.model import Delivery
from trainer.errors import DrillError
from trainer.media import read_audio

pytest.importorskip("piper", reason="needs the optional voices extra: pip install -e '.[voices]'")


@pytest.fixture(scope="module")
def voice():
    from trainer.drills.render import load_voice

    return load_voice()


def test_render_rewrites_the_clip_and_its_duration_only(pack, lv_home):
    toml = pack / "withdrawal-1-fine" / "drill.toml"
    before_text = toml.read_text()
    before_clip = (pack / "withdrawal-1-fine" / "client.opus").read_bytes()
    done = run_cli("drills", "render", "withdrawal-1-fine", home=lv_home,
                   env_extra={"LEVELVOICE_DRILLS_DIR": str(pack)})
    assert done.returncode == 0, done.stderr
    assert "withdrawal-1-fine" in done.stdout and "Rendered 1 clip." in done.stdout
    after_text = toml.read_text()
    strip = lambda text: re.sub(r"(?m)^duration_s = .*\n", "", text)  # noqa: E731
    assert strip(after_text) == strip(before_text)
    assert (pack / "withdrawal-1-fine" / "client.opus").read_bytes() != before_clip
    drill = get_drill("withdrawal-1-fine")
    assert abs(read_audio(drill.clip_path).duration_s - drill.duration_s) < 0.01
    assert check_library() == []


def test_a_new_drill_without_a_clip_can_be_rendered(pack, lv_home):
    from trainer.drills.render import render, speech_rms_db

    folder = pack / "anger-4-new"
    folder.mkdir()
    text = (pack / "anger-1-pharmacy" / "drill.toml").read_text().replace('"anger-1-pharmacy"', '"anger-4-new"')
    (folder / "drill.toml").write_text(re.sub(r"(?m)^duration_s = .*\n", "", text))
    with pytest.raises(DrillError, match="'clip' names client.opus"):
        get_drill("anger-4-new")
    [done] = render(["anger-4-new"])
    drill = get_drill("anger-4-new")
    audio = read_audio(drill.clip_path)
    assert done.duration_s == pytest.approx(drill.duration_s, abs=0.001) and 4 <= audio.duration_s <= 25
    assert speech_rms_db(audio.samples, audio.rate) == pytest.approx(-18.0, abs=1.0)  # its level_dbfs
    assert "duration_s = " in (folder / "drill.toml").read_text()


def test_delivery_sets_rate_pauses_and_level(voice):
    from trainer.drills.render import OUTPUT_RATE, speak, speech_rms_db

    text = "I don't know. Maybe."
    quick = speak(voice, text, Delivery(length_scale=0.8, sentence_pause_s=0.1, level_dbfs=-18.0))
    slow = speak(voice, text, Delivery(length_scale=1.5, sentence_pause_s=2.0, level_dbfs=-32.0))
    assert len(slow) / OUTPUT_RATE > len(quick) / OUTPUT_RATE + 2.0
    assert speech_rms_db(quick, OUTPUT_RATE) == pytest.approx(-18.0, abs=0.5)
    assert speech_rms_db(slow, OUTPUT_RATE) == pytest.approx(-32.0, abs=0.5)
    assert abs(quick).max() < 0.9


def test_render_refuses_unknown_and_imported_drills(pack, lv_home):
    line = one_error_line(run_cli("drills", "render", "my-clip", home=lv_home,
                                  env_extra={"LEVELVOICE_DRILLS_DIR": str(pack)}))
    assert "There is no bundled drill 'my-clip'" in line


def test_without_the_voices_extra_render_says_how_to_get_it(pack, lv_home):
    clip = pack / "anger-1-pharmacy" / "client.opus"
    before = clip.read_bytes()
    code = ("import sys; sys.modules['piper'] = None; from trainer.cli import main; "
            "main(['drills', 'render', 'anger-1-pharmacy'])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "LEVELVOICE_HOME": str(lv_home),
                               "LEVELVOICE_DRILLS_DIR": str(pack)})
    line = one_error_line(done)
    assert "pip install 'levelvoice[voices]'" in line
    assert clip.read_bytes() == before
