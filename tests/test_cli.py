"""The command line: help, version, errors as one line, devices as JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from trainer import __version__
from trainer.cli import COMMANDS, cli


def run(*args, home, env_extra=None):
    env = dict(os.environ, LEVELVOICE_HOME=str(home), **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "trainer", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_version(lv_home):
    done = run("--version", home=lv_home)
    assert done.returncode == 0
    assert done.stdout.splitlines()[0] == f"levelvoice {__version__}"  # then model, data folder (tests/packaging)


@pytest.mark.parametrize("command", [[]] + [[name] for name in sorted(COMMANDS)])
def test_help_on_every_command(lv_home, command):
    done = run(*command, "--help", home=lv_home)
    assert done.returncode == 0, done.stderr
    assert "Usage: levelvoice" in done.stdout


def test_every_group_subcommand_has_help(lv_home):
    import click

    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        if isinstance(command, click.Group):
            for sub in command.list_commands(ctx):
                done = run(name, sub, "--help", home=lv_home)
                assert done.returncode == 0 and "Usage:" in done.stdout, (name, sub, done.stderr)


def test_unknown_command_fails_cleanly(lv_home):
    done = run("nonsense", home=lv_home)
    assert done.returncode == 2
    assert "No such command" in done.stderr


def test_bad_config_is_one_line_without_traceback(lv_home):
    config_dir = lv_home / "config"
    config_dir.mkdir(parents=True)
    (config_dir / "config.toml").write_text("daily_goal_minutes = -5\n")
    done = run("config", "show", home=lv_home)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("levelvoice: Setting 'daily_goal_minutes'") and "-5" in lines[0]


def test_debug_flag_shows_the_traceback(lv_home):
    config_dir = lv_home / "config"
    config_dir.mkdir(parents=True)
    (config_dir / "config.toml").write_text("daily_goal_minutes = -5\n")
    done = run("--debug", "config", "show", home=lv_home)
    assert done.returncode == 1
    assert "Traceback" in done.stderr


def test_config_set_validates_and_saves(lv_home):
    done = run("config", "set", "daily_goal_minutes", "25", home=lv_home)
    assert done.returncode == 0, done.stderr
    assert "daily_goal_minutes = 25" in run("config", "show", home=lv_home).stdout
    bad = run("config", "set", "daily_goal_minutes", "lots", home=lv_home)
    assert bad.returncode == 1 and "daily_goal_minutes" in bad.stderr and "lots" in bad.stderr


def test_devices_json_is_a_list_of_devices(lv_home):
    done = run("devices", "--json", home=lv_home)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert isinstance(found, list)
    for device in found:
        assert {"index", "name", "max_input_channels", "max_output_channels", "default_samplerate",
                "is_default_input", "is_default_output"} <= set(device)


def test_no_sound_server_means_a_failing_doctor_with_advice(lv_home):
    done = run("doctor", home=lv_home, env_extra={"PULSE_SERVER": "unix:/nonexistent/socket"})
    assert done.returncode == 1
    assert "Microphone" in done.stdout and "FAIL" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
