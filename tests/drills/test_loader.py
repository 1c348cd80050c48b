"""The drill loader: the real pack loads; every kind of broken drill.toml is named precisely."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.drills.conftest import REPO_DRILLS, one_error_line, run_cli
from trainer.drills import (
    CHALLENGES,
    DIFFICULTIES,
    Drill,
    TargetOffsets,
    bundled_dir,
    check_library,
    get_drill,
    load_library,
    next_drill,
)
from trainer.errors import DrillError

SAMPLE = "anger-1-pharmacy"
BUNDLED_CHALLENGES = [c for c in CHALLENGES if c != "other"]


def test_bundled_dir_is_the_repository_pack_unless_overridden(tmp_path, monkeypatch):
    monkeypatch.delenv("LEVELVOICE_DRILLS_DIR", raising=False)
    assert bundled_dir() == Path(__file__).resolve().parents[2] / "drills"
    monkeypatch.setenv("LEVELVOICE_DRILLS_DIR", str(tmp_path))
    assert bundled_dir() == tmp_path.resolve()


def test_the_starter_pack_loads_with_every_challenge_at_every_level(lv_home):
    drills = load_library()
    assert len(drills) >= 18
    assert all(isinstance(d, Drill) and d.source == "bundled" for d in drills)
    cells = {(d.challenge, d.difficulty) for d in drills}
    assert cells >= {(c, level) for c in BUNDLED_CHALLENGES for level in DIFFICULTIES}
    for d in drills:
        assert d.clip_path.is_file() and d.clip_path.parent.name == d.id
        assert d.title and d.transcript and d.situation and d.skill_focus and d.credits and d.licence
        assert isinstance(d.offsets, TargetOffsets) and 0.5 <= d.offsets.pace_ratio <= 1.5
        assert d.duration_s is not None
    assert len({d.transcript for d in drills}) == len(drills)


def test_library_order_is_challenge_then_difficulty(lv_home):
    drills = load_library()
    keys = [(list(CHALLENGES).index(d.challenge), DIFFICULTIES.index(d.difficulty)) for d in drills]
    assert keys == sorted(keys)


def test_the_real_pack_has_no_problems(lv_home):
    assert check_library() == []


def test_get_drill_finds_and_suggests(lv_home):
    assert get_drill(SAMPLE).id == SAMPLE
    with pytest.raises(DrillError) as err:
        get_drill("anger-1-pharmacyy")
    assert "'anger-1-pharmacyy'" in str(err.value) and f"Did you mean '{SAMPLE}'" in str(err.value)
    assert "levelvoice drills list" in str(err.value)


def test_next_drill_goes_one_level_up_then_on_through_the_list(lv_home):
    drills = load_library()
    assert next_drill(None) == drills[0]
    assert next_drill("anger-1-pharmacy").id == "anger-2-rescheduled"
    assert next_drill("anger-2-rescheduled").id == "anger-3-calm-down"
    after_top = next_drill("anger-3-calm-down")
    assert (after_top.challenge, after_top.difficulty) == ("contempt", "beginner")
    assert next_drill(drills[-1].id) == drills[0]
    with pytest.raises(DrillError):
        next_drill("no-such-drill")


# --- broken drill.toml files: (name, change to the file, words the error must contain) ---

def _set(key: str, value: str):
    return lambda text: re.sub(rf"(?m)^{key} = .*$", f"{key} = {value}", text, count=1)


def _drop(key: str):
    return lambda text: re.sub(rf"(?m)^{key} = .*\n", "", text, count=1)


def _add(line: str, *, table: str | None = None):
    if table:
        return lambda text: text.replace(f"[{table}]\n", f"[{table}]\n{line}\n", 1)
    return lambda text: f"{line}\n{text}"


BROKEN = [
    ("missing title", _drop("title"), "'title' is missing"),
    ("missing challenge", _drop("challenge"), "'challenge' is missing"),
    ("missing transcript", _drop("transcript"), "'transcript' is missing"),
    ("missing credits", _drop("credits"), "'credits' is missing"),
    ("title is a number", _set("title", "12"), "'title' must be text"),
    ("situation is a list", _set("situation", '["a", "b"]'), "'situation' must be text"),
    ("empty skill focus", _set("skill_focus", '""'), "'skill_focus' is empty"),
    ("unknown challenge", _set("challenge", '"rage"'), "'challenge' is 'rage'"),
    ("unknown difficulty", _set("difficulty", '"expert"'), "'difficulty' is 'expert'"),
    ("duration is text", _set("duration_s", '"nine"'), "'duration_s' must be a number"),
    ("duration is nan", _set("duration_s", "nan"), "'duration_s' is nan"),
    ("id differs from folder", _set("id", '"anger-9-other"'), "'id' is 'anger-9-other'"),
    ("id with spaces", _set("id", '"Anger One"'), "'id' is 'Anger One'"),
    ("clip outside the folder", _set("clip", '"../anger-2-rescheduled/client.opus"'), "'clip'"),
    ("clip of an unknown kind", _set("clip", '"client.txt"'), "'clip'"),
    ("missing clip file", _set("clip", '"gone.opus"'), "'clip' names gone.opus"),
    ("pace ratio out of range", _set("pace_ratio", "3.0"), "'offsets.pace_ratio' is 3.0"),
    ("loudness offset is text", _set("loudness_db", '"loud"'), "'offsets.loudness_db' must be a number"),
    ("pitch offset is a boolean", _set("pitch_st", "true"), "'offsets.pitch_st' must be a number"),
    ("unknown offset", _add("speed = 1.0", table="offsets"), "'offsets.speed' is not a known field"),
    ("render level out of range", _set("level_dbfs", "0.0"), "'render.level_dbfs' is 0.0"),
    ("pitch range out of range", _set("pitch_range", "5.0"), "'render.pitch_range' is 5.0"),
    ("unknown voice", _set("voice", '"robot"'), "'render.voice' is 'robot'; use one of man-55"),
    ("voice is a number", _set("voice", "3"), "'render.voice' is 3"),
    ("unknown render field", _add("speed = 1.0", table="render"), "'render.speed' is not a known field; use voice"),
    ("unknown field", _add('colour = "red"'), "'colour' is not a known field"),
    ("offsets not a table", lambda t: _add("offsets = 3")(re.sub(r"\[offsets\]\n(.*\n){3}", "", t)),
     "'offsets' must be a table"),
    ("not valid TOML", _set("title", ""), "is not valid TOML"),
]


@pytest.mark.parametrize("change, expected", [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_drill_file_names_file_and_field(pack, lv_home, change, expected):
    toml = pack / SAMPLE / "drill.toml"
    toml.write_text(change(toml.read_text()))
    with pytest.raises(DrillError) as err:
        load_library()
    message = str(err.value)
    assert str(toml) in message and expected in message, message
    problems = check_library()
    assert len(problems) == 1 and str(toml) in problems[0] and expected in problems[0]
    done = run_cli("drills", "check", home=lv_home, env_extra={"LEVELVOICE_DRILLS_DIR": str(pack)})
    assert done.returncode == 1 and expected in done.stdout and "1 problem found." in done.stdout


def test_missing_drill_file_is_named(pack, lv_home):
    (pack / SAMPLE / "drill.toml").unlink()
    with pytest.raises(DrillError, match=re.escape(str(pack / SAMPLE / "drill.toml")) + " is missing"):
        load_library()


def test_not_utf8_is_named(pack, lv_home):
    (pack / SAMPLE / "drill.toml").write_bytes(b'title = "caf\xe9"\n')
    with pytest.raises(DrillError, match="is not UTF-8"):
        load_library()


def test_duplicate_id_between_pack_and_imports_names_both_files(pack, lv_home):
    imported = lv_home / "data" / "drills"
    imported.mkdir(parents=True)
    shutil.copytree(pack / SAMPLE, imported / SAMPLE)
    with pytest.raises(DrillError) as err:
        load_library()
    message = str(err.value)
    assert str(imported / SAMPLE / "drill.toml") in message and str(pack / SAMPLE / "drill.toml") in message
    assert "'id'" in message and "unique" in message


def test_imported_drills_join_the_library(pack, lv_home):
    imported = lv_home / "data" / "drills"
    imported.mkdir(parents=True)
    shutil.copytree(pack / SAMPLE, imported / "my-own")
    toml = imported / "my-own" / "drill.toml"
    toml.write_text(_set("id", '"my-own"')(toml.read_text()))
    (imported / ".import-half-done").mkdir()  # work in progress is ignored
    drills = load_library()
    mine = get_drill("my-own")
    assert mine.source == "imported" and mine in drills
    assert drills.index(mine) == drills.index(get_drill(SAMPLE)) + 1  # after the bundled drill of its level


def test_missing_bundled_folder_is_one_clear_error(tmp_path, monkeypatch, lv_home):
    monkeypatch.setenv("LEVELVOICE_DRILLS_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(DrillError, match="bundled drill folder .* is missing"):
        load_library()


def test_check_finds_wrong_duration_and_undecodable_clip(pack, lv_home):
    toml = pack / SAMPLE / "drill.toml"
    toml.write_text(_set("duration_s", "20.0")(toml.read_text()))
    (pack / "anger-2-rescheduled" / "client.opus").write_bytes(b"OggS" + bytes(range(256)) * 4)
    problems = check_library()
    assert len(problems) == 2, problems
    assert any(str(toml) in p and "'duration_s' says 20.00 s" in p for p in problems)
    assert any(str(pack / "anger-2-rescheduled" / "client.opus") in p for p in problems)
    done = run_cli("drills", "check", home=lv_home, env_extra={"LEVELVOICE_DRILLS_DIR": str(pack)})
    assert done.returncode == 1 and "2 problems found." in done.stdout


def test_check_finds_a_bundled_clip_outside_4_to_25_seconds(pack, lv_home):
    folder = pack / SAMPLE
    sf.write(folder / "client.opus", np.zeros(24000 * 2, dtype=np.float32), 24000, format="OGG", subtype="OPUS")
    toml = folder / "drill.toml"
    toml.write_text(_set("duration_s", "2.0")(toml.read_text()))
    problems = check_library()
    assert len(problems) == 1 and "must last 4-25 s" in problems[0]


def test_show_unknown_drill_is_one_line(lv_home):
    line = one_error_line(run_cli("drills", "show", "anger-1-farmacy", home=lv_home))
    assert "There is no drill 'anger-1-farmacy'" in line and "anger-1-pharmacy" in line


def test_repo_pack_is_untouched_by_these_tests():
    assert REPO_DRILLS.is_dir() and (REPO_DRILLS / SAMPLE / "drill.toml").is_file()
