"""The phrase strip after a real take, in a real terminal: the app in tmux, a real voice fed into the
rig's microphone, level for its first half and 6 dB louder after. `LEVELVOICE_SCREENSHOTS=DIR` keeps
the captured screen there (strip.txt)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import soundfile as sf

from tests.analysis.variants import level_then_louder
from tests.conftest import SPEECH_DIR
from tests.session.helpers import write_settings
from tests.tmux import Tmux, needs_tmux
from trainer.media import read_audio

pytestmark = [needs_tmux, pytest.mark.audio, pytest.mark.model, pytest.mark.timeout(600)]
VOICE = SPEECH_DIR / "male-5703-47212-0000.ogg"


def test_the_strip_shows_the_loud_second_half_of_a_real_take(pulse_rig, lv_home, tmp_path):
    from trainer.session import Practice
    from trainer.session.calibration import baseline_from_files

    audio = read_audio(VOICE, mono=True)
    louder, _split_s, level = level_then_louder(audio.samples, audio.rate)
    level_path, louder_path = tmp_path / "level.wav", tmp_path / "louder.wav"
    sf.write(level_path, level, audio.rate, subtype="FLOAT")
    sf.write(louder_path, louder, audio.rate, subtype="FLOAT")
    write_settings(lv_home)
    setup = Practice.open()
    baseline_from_files(setup, [level_path])
    setup.close()

    tmux = Tmux(dict(os.environ, LEVELVOICE_HOME=str(lv_home), TERM="xterm-256color"), width=110, height=60)

    def take(answer: Path, takes_before: int) -> str:
        tmux.keys("Space")
        tmux.wait_for("Your turn", timeout=60)
        feeder = pulse_rig.feed(answer, lead_s=0.5)
        try:
            tmux.wait_for(f"This drill: {takes_before + 1} take", timeout=180)
            return tmux.wait_for("You said", timeout=180)  # complete: the transcript and each phrase's words
        finally:
            feeder.terminate()
            feeder.wait(timeout=10)

    try:
        tmux.start(f"{sys.executable} -m trainer")
        tmux.wait_for("Streak", timeout=60)
        tmux.keys("Enter")
        tmux.wait_for("This drill:", timeout=30)
        take(level_path, 0)
        screen = take(louder_path, 1)
        folder = os.environ.get("LEVELVOICE_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            (Path(folder) / "strip.txt").write_text(screen)
        loudness = next(line for line in screen.splitlines() if line.startswith(" Loudness ") and "dBFS" not in line)
        assert "━" in loudness and "▲" in loudness
        assert loudness.rindex("━") < loudness.index("▲")  # level first, then too loud to the end
        assert "Where in the answer" in screen and "Phrase 1 · " in screen and "“" in screen.split("Phrase 1")[1]
        assert "Against your best" in screen and "this take" in screen and " best " in screen  # beside the level take
        tmux.keys("]")
        tmux.wait_for("Phrase 2 · ", timeout=10)
        tmux.keys("t")
        tmux.wait_for("A note on this take", timeout=10)
        tmux.keys("-l", "loud from the third phrase")
        tmux.keys("Enter")
        tmux.wait_for("Note: loud from the third phrase", timeout=10)
    finally:
        tmux.kill()
    from trainer.store import open_store

    with open_store() as store:
        assert [t.note for t in store.takes_for_drill("anger-1-pharmacy")] == [None, "loud from the third phrase"]
