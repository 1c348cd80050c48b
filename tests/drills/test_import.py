"""Importing the therapist's own clips: WAV and MP4, exact cuts, privacy, every bad input."""

from __future__ import annotations

import json
import re
import stat
import tomllib

import numpy as np
import pytest
import soundfile as sf

from tests.drills.conftest import burst_onsets, imported_entries, make_mp4, one_error_line, run_cli, tone_bursts
from trainer.drills import get_drill, import_clip, load_library, remove_drill, set_transcript
from trainer.errors import AudioFileError, DrillError
from trainer.media import read_audio

CUT_TOLERANCE_S = 0.05


@pytest.fixture
def speech_wav(tmp_path, speech_file):
    """A real LibriSpeech recording as a 44.1 kHz stereo WAV (what a recorder might export)."""
    import soxr

    audio = read_audio(speech_file, mono=True)
    samples = soxr.resample(audio.samples, audio.rate, 44100)
    path = tmp_path / f"{speech_file.stem}.wav"
    sf.write(path, np.stack([samples, samples * 0.8], axis=1), 44100)
    return path


@pytest.fixture(scope="module")
def female_words():
    return ("harm", "calling", "explained", "white")


def _assert_private(home):
    root = home / "data" / "drills"
    for entry in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(entry.stat().st_mode)
        assert mode == (0o700 if entry.is_dir() else 0o600), (entry, oct(mode))


@pytest.mark.model
def test_import_a_wav_transcribes_it_and_stores_mono_opus_privately(tmp_path, lv_home, speech_wav):
    done = run_cli("drills", "import", str(speech_wav), "--title", "Tuesday, the long pause",
                   "--challenge", "withdrawal", "--difficulty", "advanced", home=lv_home)
    assert done.returncode == 0, done.stderr
    drill = get_drill("my-tuesday-the-long-pause")
    assert (drill.source, drill.challenge, drill.difficulty) == ("imported", "withdrawal", "advanced")
    assert drill.title == "Tuesday, the long pause"
    assert str(drill.toml_path) in done.stdout and "edit" in done.stdout
    assert re.fullmatch(r"Transcribing 1[3-8] s of audio\.\.\.", done.stderr.strip()), done.stderr
    stored = read_audio(drill.clip_path)
    source = read_audio(speech_wav)
    assert drill.clip_path.name == "client.opus" and stored.channels == 1 and stored.rate == 24000
    assert abs(stored.duration_s - source.duration_s) < CUT_TOLERANCE_S
    assert abs(drill.duration_s - source.duration_s) < 0.01
    assert len(drill.transcript.split()) >= 15 and f'"{drill.transcript}"' in done.stdout
    assert drill.clip_path.stat().st_size < 0.15 * speech_wav.stat().st_size  # compact
    _assert_private(lv_home)
    assert imported_entries(lv_home) == [drill.id]


@pytest.mark.model
def test_import_the_audio_track_of_an_mp4(tmp_path, lv_home, female_words):
    from tests.conftest import SPEECH_DIR

    video = make_mp4(SPEECH_DIR / "female-198-209-0000.ogg", tmp_path / "session.mp4")
    drill = import_clip(video, challenge="anger")
    assert drill.id == "my-session" and drill.title == "session"
    assert drill.situation == "From session.mp4."
    words = drill.transcript.lower()
    assert sum(word in words for word in female_words) >= 3, drill.transcript
    assert abs(read_audio(drill.clip_path).duration_s - 13.9) < 0.1
    _assert_private(lv_home)


@pytest.mark.parametrize("container", ["wav", "mp4"])
def test_segment_is_cut_to_within_50_ms(tmp_path, lv_home, container):
    source = tone_bursts(tmp_path / "bursts.wav", length_s=12.0, bursts=[1.0, 4.3, 9.1])
    if container == "mp4":
        source = make_mp4(source, tmp_path / "bursts.mp4")
    done = run_cli("drills", "import", str(source), "--start", "0:03.8", "--end", "9.55", "--no-transcript",
                   "--id", "cut", home=lv_home)
    assert done.returncode == 0, done.stderr
    drill = get_drill("cut")
    audio = read_audio(drill.clip_path, mono=True)
    assert abs(audio.duration_s - 5.75) < CUT_TOLERANCE_S
    onsets = burst_onsets(audio.samples, audio.rate)
    assert len(onsets) == 2, onsets  # the burst at 1.0 s is outside the segment
    assert abs(onsets[0] - 0.5) < CUT_TOLERANCE_S and abs(onsets[1] - 5.3) < CUT_TOLERANCE_S, onsets
    assert "0:03.8 to 0:09.6" in drill.title and drill.transcript == ""


def test_import_names_the_id_after_the_file_and_keeps_ids_unique(tmp_path, lv_home):
    source = tone_bursts(tmp_path / "Session 12 (client B).wav", length_s=3.0, bursts=[0.5])
    first = import_clip(source, transcribe=False)
    second = import_clip(source, transcribe=False, difficulty="beginner")
    assert (first.id, second.id) == ("my-session-12-client-b", "my-session-12-client-b-2")
    assert (first.challenge, first.difficulty, second.difficulty) == ("other", "intermediate", "beginner")
    assert [d.id for d in load_library() if d.source == "imported"] == [second.id, first.id]


def test_the_transcript_is_editable_in_drill_toml(tmp_path, lv_home):
    drill = import_clip(tone_bursts(tmp_path / "a.wav", length_s=3.0, bursts=[0.5]), transcribe=False)
    text = drill.toml_path.read_text()
    assert "correct them here" in text
    data = tomllib.loads(text)
    assert data["transcript"] == ""
    drill.toml_path.write_text(text.replace('transcript = ""', 'transcript = "You never \\"listen\\" to me."'))
    assert get_drill(drill.id).transcript == 'You never "listen" to me.'


def test_set_transcript_changes_only_the_words_and_only_of_imported_drills(tmp_path, lv_home):
    drill = import_clip(tone_bursts(tmp_path / "a.wav", length_s=3.0, bursts=[0.5]), title="Mine",
                        transcribe=False)
    before = drill.toml_path.read_text()
    changed = set_transcript(drill.id, '  You never "listen"\n to me.  ')
    assert changed.transcript == get_drill(drill.id).transcript == 'You never "listen" to me.'
    after = drill.toml_path.read_text()
    assert [a for a, b in zip(before.splitlines(), after.splitlines()) if a != b] == ['transcript = ""']
    assert stat.S_IMODE(drill.toml_path.stat().st_mode) == 0o600
    with pytest.raises(DrillError, match="bundled starter pack"):
        set_transcript("anger-1-pharmacy", "Something else.")
    # a file edited by hand into a shape the line cannot be replaced in safely: said, and left alone
    drill.toml_path.write_text(after.replace('transcript = "You never \\"listen\\" to me."',
                                             'transcript = """You never\nlisten."""'))
    edited = drill.toml_path.read_text()
    with pytest.raises(DrillError, match="edit the transcript in"):
        set_transcript(drill.id, "Other words.")
    assert drill.toml_path.read_text() == edited


def test_odd_titles_are_written_as_valid_toml(tmp_path, lv_home):
    title = 'He said "no"\\ then \x7f left\ttwice'
    drill = import_clip(tone_bursts(tmp_path / "a.wav", length_s=3.0, bursts=[0.5]), title=title,
                        transcribe=False)
    assert drill.title == title.strip()


def test_remove_asks_first_and_deletes_the_clip(tmp_path, lv_home):
    drill = import_clip(tone_bursts(tmp_path / "a.wav", length_s=3.0, bursts=[0.5]), transcribe=False)
    kept = run_cli("drills", "remove", drill.id, home=lv_home, stdin="n\n")
    assert kept.returncode == 0 and "Nothing removed." in kept.stdout and drill.clip_path.exists()
    gone = run_cli("drills", "remove", drill.id, home=lv_home, stdin="y\n")
    assert gone.returncode == 0 and f"Removed '{drill.id}'" in gone.stdout
    assert not drill.folder.exists() and imported_entries(lv_home) == []
    again = import_clip(tone_bursts(tmp_path / "b.wav", length_s=3.0, bursts=[0.5]), transcribe=False)
    assert run_cli("drills", "remove", again.id, "--yes", home=lv_home).returncode == 0
    assert imported_entries(lv_home) == []
    line = one_error_line(run_cli("drills", "remove", again.id, "--yes", home=lv_home))
    assert f"There is no drill '{again.id}'" in line


def test_remove_drill_refuses_bundled_drills(lv_home):
    with pytest.raises(DrillError, match="bundled starter pack"):
        remove_drill("anger-1-pharmacy")


def test_list_json_includes_imported_drills(tmp_path, lv_home):
    import_clip(tone_bursts(tmp_path / "a.wav", length_s=3.0, bursts=[0.5]), transcribe=False, drill_id="mine")
    drills = json.loads(run_cli("drills", "list", "--json", home=lv_home).stdout)
    mine = [d for d in drills if d["id"] == "mine"]
    assert mine and mine[0]["source"] == "imported" and mine[0]["clip_path"].endswith("mine/client.opus")


# --- bad input: one clear line, exit status, nothing half-written -------------------------

@pytest.fixture
def ten_seconds(tmp_path):
    return tone_bursts(tmp_path / "ten.wav", length_s=10.0, bursts=[2.0, 6.0])


def _no_video_audio(tmp_path):
    import subprocess

    out = tmp_path / "silent-film.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "2",
                    "-an", "-c:v", "mpeg4", str(out)], check=True, timeout=60)
    return out


def _corrupt(tmp_path):
    out = tmp_path / "broken.mp3"
    out.write_bytes(np.random.default_rng(3).integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    return out


def _truncated_mp4(tmp_path, ten_seconds):
    full = make_mp4(ten_seconds, tmp_path / "full.mp4")
    out = tmp_path / "cut-off.mp4"
    out.write_bytes(full.read_bytes()[:3000])
    return out


def _long_file(tmp_path):
    out = tmp_path / "whole-session.flac"
    sf.write(out, np.full(8000 * 200, 0.01, dtype=np.float32), 8000)
    return out


BAD = [
    # (name, file maker, extra arguments, words in the error, exit status)
    ("missing file", lambda t, ten: t / "nope.wav", [], "file not found", 2),
    ("a folder", lambda t, ten: t, [], "is a folder", 2),
    ("empty file", lambda t, ten: (t / "empty.m4a").open("wb").close() or t / "empty.m4a", [], "is empty", 2),
    ("no audio track", lambda t, ten: _no_video_audio(t), [], "has no audio track", 2),
    ("corrupt", lambda t, ten: _corrupt(t), [], "could not be read", 2),
    ("truncated video", _truncated_mp4, [], "could not be read", 2),
    ("start after the end", lambda t, ten: ten, ["--start", "0:30"], "lies outside", 2),
    ("end after the end", lambda t, ten: ten, ["--start", "5", "--end", "0:30"], "runs past the end", 2),
    ("zero length", lambda t, ten: ten, ["--start", "5", "--end", "5"], "has no length", 2),
    ("end before start", lambda t, ten: ten, ["--start", "6", "--end", "5"], "has no length", 2),
    ("too short", lambda t, ten: ten, ["--start", "5", "--end", "5.4"], "at least 1 s", 1),
    ("too long without a segment", lambda t, ten: _long_file(t), [], "Pick it with --start and --end", 1),
    ("too long a segment", lambda t, ten: _long_file(t), ["--start", "0", "--end", "3:10"], "at most 3 minutes", 1),
    ("bad time", lambda t, ten: ten, ["--start", "1:7x"], "--start: '1:7x' is not a time", 1),
    ("bad difficulty", lambda t, ten: ten, ["--difficulty", "expert"], "Unknown difficulty 'expert'", 1),
    ("bad challenge", lambda t, ten: ten, ["--challenge", "rage"], "Unknown challenge 'rage'", 1),
    ("bad id", lambda t, ten: ten, ["--id", "My Clip"], "The id 'My Clip' is not usable", 1),
    ("id of a bundled drill", lambda t, ten: ten, ["--id", "anger-1-pharmacy"],
     "There is already a drill 'anger-1-pharmacy'", 1),
]


@pytest.mark.parametrize("make, args, expected, status", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_one_clear_line_and_writes_nothing(tmp_path, lv_home, ten_seconds, make, args, expected,
                                                        status):
    source = make(tmp_path, ten_seconds)
    done = run_cli("drills", "import", str(source), *args, home=lv_home)
    line = one_error_line(done)
    assert expected in line, line
    assert done.returncode == status
    assert imported_entries(lv_home) == []


def test_silent_segment_is_refused(tmp_path, lv_home):
    path = tmp_path / "gap.wav"
    sf.write(path, np.concatenate([np.zeros(44100 * 3), np.full(44100, 0.1)]).astype(np.float32), 44100)
    line = one_error_line(run_cli("drills", "import", str(path), "--end", "2.5", home=lv_home))
    assert "is silent" in line and imported_entries(lv_home) == []


def test_duplicate_id_is_refused_and_the_first_drill_stays(tmp_path, lv_home, ten_seconds):
    first = run_cli("drills", "import", str(ten_seconds), "--id", "same", "--no-transcript", home=lv_home)
    assert first.returncode == 0, first.stderr
    before = (lv_home / "data" / "drills" / "same" / "client.opus").read_bytes()
    line = one_error_line(run_cli("drills", "import", str(ten_seconds), "--id", "same", "--start", "2",
                                  home=lv_home))
    assert "There is already a drill 'same'" in line and "levelvoice drills remove same" in line
    assert imported_entries(lv_home) == ["same"]
    assert (lv_home / "data" / "drills" / "same" / "client.opus").read_bytes() == before


def test_a_failure_while_saving_leaves_nothing(tmp_path, lv_home, ten_seconds, monkeypatch):
    """If the final rename fails (e.g. the disk is full), the staging folder is cleaned away."""
    from trainer.drills import importer

    def failing_rename(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(importer.os, "rename", failing_rename)
    with pytest.raises(DrillError, match="Cannot save the drill .* No space left on device"):
        import_clip(ten_seconds, transcribe=False)
    assert imported_entries(lv_home) == []


def test_api_errors_are_trainer_errors(tmp_path, lv_home):
    with pytest.raises(AudioFileError):
        import_clip(tmp_path / "missing.wav")
    with pytest.raises(DrillError):
        import_clip(tmp_path / "missing.wav", difficulty="hard")
