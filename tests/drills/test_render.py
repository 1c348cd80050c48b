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


@pytest.fixture(scope="module")
def reading(voice):
    """One reading by piper's reader (piper varies from reading to reading, so changes are made to this one)."""
    from trainer.drills.render import read_aloud

    return read_aloud(voice, "I don't think you understand. I have tried everything, every single week, and nothing "
                             "ever changes. So what exactly are we doing here?", Delivery())


def _praat_range_st(samples, rate) -> float:
    """10-90 % pitch span by Praat (the tests' independent reference; praat-parselmouth is in the test extra)."""
    import numpy as np
    import parselmouth

    f0 = parselmouth.Sound(samples.astype(np.float64), rate).to_pitch_ac(
        time_step=0.01, pitch_floor=40, pitch_ceiling=600).selected_array["frequency"]
    low, high = np.percentile(f0[f0 > 0], [10, 90])
    return 12 * np.log2(high / low)


def test_the_render_pipeline_widens_the_pitch_contour_by_the_set_scale(reading):
    """A contour scaled 1.5x measures 1.5x within 10 % (Praat), pooled over three voices made from one reading.

    Level Voice's own tracker reads the same clips about 1.3x: its second pass (0.75 x the first
    quartile and up) trims the widened contour's low tail. It must still read a clear widening.
    """
    from trainer.analysis import acoustic_features
    from trainer.drills.render import OUTPUT_RATE, reshape_reading

    audio, rate = reading
    plain = wide = ours_plain = ours_wide = 0.0
    for name in ("man-35", "boy-16", "woman-30"):
        before = reshape_reading(audio, rate, Delivery(voice=name))
        after = reshape_reading(audio, rate, Delivery(voice=name, pitch_range=1.5))
        assert len(after) == len(before)  # the timing is untouched
        plain, wide = plain + _praat_range_st(before, OUTPUT_RATE), wide + _praat_range_st(after, OUTPUT_RATE)
        ours_plain += acoustic_features(before, OUTPUT_RATE).pitch_range_st
        ours_wide += acoustic_features(after, OUTPUT_RATE).pitch_range_st
    assert wide / plain == pytest.approx(1.5, rel=0.10)
    assert ours_wide / ours_plain > 1.2


def test_the_render_pipeline_gives_each_voice_its_pitch_and_formants(reading):
    from trainer.analysis import acoustic_features
    from trainer.drills.prosody import formant_scale
    from trainer.drills.render import OUTPUT_RATE, reshape_reading
    from trainer.drills.voices import VOICES

    audio, rate = reading
    reader = reshape_reading(audio, rate, Delivery())
    base = acoustic_features(reader, OUTPUT_RATE).pitch_median_st
    for name in ("woman-30", "man-55"):
        clip = reshape_reading(audio, rate, Delivery(voice=name))
        assert formant_scale(reader, clip, OUTPUT_RATE) == pytest.approx(VOICES[name].formant_scale, rel=0.05)
        moved = acoustic_features(clip, OUTPUT_RATE).pitch_median_st - base
        assert moved == pytest.approx(VOICES[name].pitch_st, abs=0.5), name


def test_phrase_pauses_lengthen_the_pauses_at_commas(voice):
    from trainer.analysis import acoustic_features
    from trainer.drills.render import OUTPUT_RATE, speak

    text = "I get up, I go to work, I come home, and nothing changes."
    plain = acoustic_features(speak(voice, text, Delivery(lead_in_s=0.5)), OUTPUT_RATE)
    paused = acoustic_features(speak(voice, text, Delivery(lead_in_s=0.5, phrase_pause_s=0.6)), OUTPUT_RATE)
    assert paused.duration_s >= plain.duration_s + 3 * 0.6 - 0.3  # three commas
    assert len(paused.segments) >= 4 and paused.pause_ratio > plain.pause_ratio + 0.1


def test_check_prosody_measures_neutral_against_expressive_and_the_voices(pack, lv_home):
    import json
    import shutil

    for folder in pack.iterdir():
        if folder.is_dir() and folder.name != "anger-3-calm-down":
            shutil.rmtree(folder)
    done = run_cli("drills", "check", "--prosody", "--json", home=lv_home,
                   env_extra={"LEVELVOICE_DRILLS_DIR": str(pack)})
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    [row] = report["drills"]
    assert row["drill_id"] == "anger-3-calm-down" and row["voice"] == "woman-30"
    change = row["changes"]  # one random reading each: the directions, with room for piper's variation
    assert change["pitch_st"] >= 1.0 and change["range_ratio"] >= 1.3 and change["rate_change"] >= 0.1
    assert change["level_db"] >= 3 and change["centroid_change"] > 0.1 and change["alpha_db"] >= 2.5
    assert (done.returncode == 0) == (row["missed"] == [] and report["too_alike"] == [])
    voices = {v["voice"]: v for v in report["voices"]}
    assert len(voices) >= 5 and report["too_alike"] == []
    assert voices["woman-30"]["median_hz"] > voices["man-35"]["median_hz"] * 2 ** (8 / 12)


def test_sharp_peaks_do_not_clip_once_encoded():
    """A tense, bright voice is a train of sharp pulses: the codec overshoots them, so the encoder limits lower."""
    import io

    import numpy as np
    import soundfile as sf

    from trainer.drills.render import CEILING, OUTPUT_RATE, encode, set_level, speech_rms_db

    pulses = np.zeros(OUTPUT_RATE * 3, dtype=np.float32)
    pulses[:: OUTPUT_RATE // 110] = 1.0
    pulses = np.convolve(pulses, np.hanning(9), mode="same") * np.repeat([1.0, 0.4, 1.0], OUTPUT_RATE)
    loud = set_level(pulses.astype(np.float32), OUTPUT_RATE, -20.0)
    assert np.abs(loud).max() <= CEILING
    plain = io.BytesIO()
    sf.write(plain, loud, OUTPUT_RATE, format="OGG", subtype="OPUS")
    plain.seek(0)
    assert np.abs(sf.read(plain, dtype="float32")[0]).max() > 0.95  # encoded as it is, it would overshoot
    decoded, _ = sf.read(io.BytesIO(encode(loud, -20.0)), dtype="float32")
    assert np.abs(decoded).max() <= 0.95
    assert speech_rms_db(decoded, OUTPUT_RATE) == pytest.approx(speech_rms_db(loud, OUTPUT_RATE), abs=0.5)


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
