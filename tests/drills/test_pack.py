"""The committed starter pack: clips decode, match drill.toml, stay small, and sound as labelled."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

import numpy as np
import pytest

from tests.drills.conftest import REPO_DRILLS, one_error_line, run_cli
from trainer.drills import DIFFICULTIES
from trainer.drills.loader import drill_folders, read_drill
from trainer.media import read_audio

PACK_LIMIT_BYTES = 3 * 1024 * 1024
LOUD_FAST = ("anger", "anxious")


@pytest.fixture(scope="module")
def bundled():
    """The committed pack, read straight from the repository's drills/ folder."""
    return [read_drill(folder, "bundled") for folder in drill_folders(REPO_DRILLS)]


@pytest.fixture(scope="module")
def measured(bundled):
    """Each clip through the analysis engine; words per minute from the drill's own words."""
    from trainer.analysis import Transcript, acoustic_features, add_transcript

    found = {}
    for drill in bundled:
        audio = read_audio(drill.clip_path, mono=True)
        found[drill.id] = add_transcript(acoustic_features(audio.samples, audio.rate), Transcript(drill.transcript, ()))
    return found


def test_every_clip_decodes_as_mono_4_to_25_s_and_matches_its_toml(bundled):
    for drill in bundled:
        assert drill.clip_path.suffix == ".opus"
        audio = read_audio(drill.clip_path)
        assert audio.channels == 1, drill.id
        assert 4.0 <= audio.duration_s <= 25.0, (drill.id, audio.duration_s)
        assert drill.duration_s is not None and abs(audio.duration_s - drill.duration_s) <= 0.1, drill.id
        assert np.abs(audio.samples).max() < 1.0, drill.id  # no clipping
        assert audio.samples.std() > 0.005, drill.id  # not silence


def test_the_whole_pack_is_under_3_mb():
    size = sum(p.stat().st_size for p in REPO_DRILLS.rglob("*") if p.is_file())
    assert size < PACK_LIMIT_BYTES, size


def test_credits_and_licence_name_the_voice_and_its_licence(bundled):
    for drill in bundled:
        assert "Level Voice" in drill.credits and "en_US-joe-medium" in drill.credits and "WORLD" in drill.credits
        assert "CC0" in drill.licence and "MIT" in drill.licence


def test_difficulty_rises_within_each_challenge_by_how_personal_and_intense(bundled, measured):
    """Within the loud challenge types the client gets louder with each level."""
    for challenge in LOUD_FAST:
        levels = [measured[d.id].loudness_dbfs for level in DIFFICULTIES
                  for d in bundled if d.challenge == challenge and d.difficulty == level]
        assert levels == sorted(levels), (challenge, levels)


def delivery_wpm(features) -> float:
    """Words per minute from first to last word, pauses included: how fast the clip is delivered
    (the features' `wpm` counts sounding speech only, like pace)."""
    return features.words / (features.offset_s - features.onset_s) * 60


def test_angry_and_anxious_clients_measure_louder_and_faster_than_withdrawn_ones(bundled, measured):
    loud = [d.id for d in bundled if d.challenge in LOUD_FAST]
    withdrawn = [d.id for d in bundled if d.challenge == "withdrawal"]
    assert len(loud) >= 6 and len(withdrawn) >= 3
    for fast_id in loud:
        for slow_id in withdrawn:
            fast, slow = measured[fast_id], measured[slow_id]
            assert fast.loudness_dbfs >= slow.loudness_dbfs + 6.0, (fast_id, slow_id, fast, slow)
            assert delivery_wpm(fast) >= 1.5 * delivery_wpm(slow), (fast_id, slow_id, fast, slow)
    mean_rate = {group: np.mean([measured[i].articulation_rate for i in ids])
                 for group, ids in (("loud", loud), ("withdrawn", withdrawn))}
    assert mean_rate["loud"] >= 1.1 * mean_rate["withdrawn"], mean_rate


def test_withdrawn_clients_leave_long_silences(bundled, measured):
    """Angry clients hardly pause; anxious ones hesitate (MARY's rule for anxiety), but less than withdrawn ones."""
    withdrawn = [measured[d.id].pause_ratio for d in bundled if d.challenge == "withdrawal"]
    assert min(withdrawn) > 0.5, withdrawn
    for drill in bundled:
        pauses = measured[drill.id].pause_ratio
        if drill.challenge == "anger":
            assert pauses < 0.4, (drill.id, pauses)
        elif drill.challenge == "anxious":
            assert pauses < min(withdrawn), (drill.id, pauses, withdrawn)


def test_each_client_sounds_like_their_voice(bundled, measured):
    """Within a challenge, a clip whose voice is set 4 st or more higher measures higher (women above men)."""
    from trainer.drills.voices import VOICES

    pairs = 0
    for a in bundled:
        for b in bundled:
            if a.challenge == b.challenge and VOICES[a.voice].pitch_st >= VOICES[b.voice].pitch_st + 4:
                pairs += 1
                assert measured[a.id].pitch_median_st > measured[b.id].pitch_median_st, (a.id, b.id)
    assert pairs >= 6


def test_angry_clients_swing_their_pitch_far_more_than_despairing_or_withdrawn_ones(bundled, measured):
    """Anger widens the pitch contour, despair and withdrawal flatten it (MARY's emotion rules)."""
    wide = [measured[d.id].pitch_range_st for d in bundled if d.challenge == "anger"]
    flat = [measured[d.id].pitch_range_st for d in bundled if d.challenge in ("despair", "withdrawal")]
    assert len(wide) >= 3 and len(flat) >= 6
    assert min(wide) >= 2 * max(flat), (wide, flat)


def _words(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]", " ", text.lower()).split()


@pytest.mark.model
@pytest.mark.slow
def test_every_clip_says_its_transcript(bundled):
    from trainer.drills.importer import transcribe_samples

    for drill in bundled:
        audio = read_audio(drill.clip_path, mono=True)
        said, heard = _words(drill.transcript), _words(transcribe_samples(audio.samples, audio.rate))
        matched = sum(block.size for block in SequenceMatcher(a=said, b=heard).get_matching_blocks())
        assert matched >= 0.8 * len(said), (drill.id, drill.transcript, heard)


def test_list_on_a_fresh_install_shows_the_whole_pack(lv_home):
    done = run_cli("drills", "list", home=lv_home)
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if " bundled " in line]
    assert len(rows) >= 18
    assert re.search(r"^(\d+) drills \(\1 bundled, 0 imported\)", done.stdout.splitlines()[-1], re.M)
    assert not (lv_home / "data").exists()  # listing creates nothing


def test_list_json_has_every_field(lv_home):
    import json

    done = run_cli("drills", "list", "--json", home=lv_home)
    drills = json.loads(done.stdout)
    assert len(drills) >= 18
    assert {"id", "title", "transcript", "situation", "challenge", "challenge_label", "difficulty", "skill_focus",
            "offsets", "clip_path", "duration_s", "credits", "licence", "source"} <= set(drills[0])
    assert set(drills[0]["offsets"]) == {"loudness_db", "pitch_st", "pace_ratio"}


def test_show_prints_the_transcript_and_where_to_edit(lv_home):
    done = run_cli("drills", "show", "withdrawal-1-fine", home=lv_home)
    assert done.returncode == 0, done.stderr
    assert "The week was fine" in done.stdout and "withdrawal-1-fine/drill.toml" in done.stdout
    assert "pace x0.90" in done.stdout


def test_bundled_drills_cannot_be_removed(lv_home):
    line = one_error_line(run_cli("drills", "remove", "anger-1-pharmacy", "--yes", home=lv_home))
    assert "part of the bundled starter pack and cannot be removed" in line
    assert (REPO_DRILLS / "anger-1-pharmacy" / "client.opus").is_file()
