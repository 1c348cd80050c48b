"""Settings: defaults, round trip, and errors that name the key and value."""

from __future__ import annotations

import pytest

from trainer import config, paths
from trainer.errors import ConfigError


def test_defaults_when_no_file(lv_home):
    settings = config.load()
    assert settings.daily_goal_minutes == 15
    assert settings.transcription_model == "tiny.en"
    assert settings.input_device == "" and settings.output_device == ""
    assert settings.sample_rate == 0
    assert settings.silence_hangover_s == 1.5 and settings.max_take_s == 90.0


def test_save_and_load_round_trip_private(lv_home):
    changed = config.update(config.Settings(), daily_goal_minutes=20, input_device="USB Mic \"Pro\"",
                            cue_sound=False, silence_hangover_s=2)
    path = config.save(changed)
    assert path == paths.config_file()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert config.load() == changed


def test_partial_file_keeps_other_defaults(lv_home):
    paths.config_file().parent.mkdir(parents=True)
    paths.config_file().write_text("daily_goal_minutes = 30\n")
    settings = config.load()
    assert settings.daily_goal_minutes == 30
    assert settings.cue_sound is True


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("daily_goal_minutes = 0", "daily_goal_minutes", "0"),
        ('daily_goal_minutes = "fifteen"', "daily_goal_minutes", "'fifteen'"),
        ("sample_rate = 100", "sample_rate", "100"),
        ("cue_sound = 1", "cue_sound", "1"),
        ('theme = "purple"', "theme", "'purple'"),
        ("silence_hangover_s = 60", "silence_hangover_s", "60"),
        ("input_device = -3", "input_device", "-3"),
    ],
)
def test_bad_value_names_key_value_and_file(lv_home, text, key, value):
    paths.config_file().parent.mkdir(parents=True)
    paths.config_file().write_text(text + "\n")
    with pytest.raises(ConfigError) as caught:
        config.load()
    message = str(caught.value)
    assert f"'{key}'" in message and value in message and str(paths.config_file()) in message
    assert "\n" not in message


def test_unknown_key_is_named(lv_home):
    paths.config_file().parent.mkdir(parents=True)
    paths.config_file().write_text("daily_goal = 10\n")
    with pytest.raises(ConfigError, match="Unknown setting 'daily_goal'"):
        config.load()


def test_broken_toml_says_how_to_recover(lv_home):
    paths.config_file().parent.mkdir(parents=True)
    paths.config_file().write_text("daily_goal_minutes = = 3\n")
    with pytest.raises(ConfigError, match="not valid TOML.*line 1.*levelvoice config reset"):
        config.load()
