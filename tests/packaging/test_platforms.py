"""Without Linux's parts: Windows' file lock instead of fcntl, no pulsectl, no sound server to watch.

Windows is simulated by hiding `fcntl` and installing `msvcrt_standin` as `msvcrt` (the
same calls, real locks between processes); a missing pulsectl by hiding the module.
"""

from __future__ import annotations

import logging
import os
import pkgutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import trainer
from tests.packaging import msvcrt_standin
from tests.packaging.helpers import take_with_an_answer
from tests.test_recording_lock import assert_a_crash_releases_the_lock
from trainer.errors import AlreadyRunningError
from trainer.session import lock
from trainer.session.lock import recording_lock
from trainer.session.recovery import recovery_lock

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WITHOUT_LINUX_PARTS = (
    "import sys\n"
    "sys.modules['fcntl'] = None  # `import fcntl` fails, as on Windows\n"
    "sys.modules['pulsectl'] = None  # not installed off Linux\n"
)
AS_ON_WINDOWS = (
    "import sys\n"
    "import subprocess  # it takes any msvcrt for Windows itself, so it comes first\n"
    f"sys.path.insert(0, {str(HERE)!r})\n"
    "import msvcrt_standin  # made of fcntl, imported before fcntl is hidden\n"
    "sys.modules['msvcrt'] = msvcrt_standin\n"
) + WITHOUT_LINUX_PARTS
HOLD_RECORDING = AS_ON_WINDOWS + (
    "from trainer.session.lock import recording_lock\n"
    "with recording_lock():\n"
    "    print('holding', flush=True)\n"
    "    sys.stdin.readline()\n"
)
HOLD_RECOVERY = AS_ON_WINDOWS + (
    "from pathlib import Path\n"
    "from trainer.session.recovery import recovery_lock\n"
    "with recovery_lock(Path(sys.argv[1])):\n"
    "    print('holding', flush=True)\n"
    "    sys.stdin.readline()\n"
)


@pytest.fixture
def windows(monkeypatch):
    """This process locks as on Windows: no fcntl, msvcrt's locking."""
    monkeypatch.setitem(sys.modules, "fcntl", None)
    monkeypatch.setitem(sys.modules, "msvcrt", msvcrt_standin)
    msvcrt_standin.calls.clear()
    assert lock._fcntl() is None and lock._msvcrt() is msvcrt_standin


def _hold(script: str, *args: str) -> subprocess.Popen:
    other = subprocess.Popen([sys.executable, "-c", script, *args], env=dict(os.environ), stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    assert other.stdout.readline().strip() == "holding"
    return other


def test_on_windows_a_second_instance_gets_a_clear_error_until_the_first_one_ends(lv_home, windows):
    other = _hold(HOLD_RECORDING)
    try:
        with pytest.raises(AlreadyRunningError, match="Another Level Voice window is recording"):
            with recording_lock():
                pass
        assert (msvcrt_standin.LK_NBLCK, 0, 1) in msvcrt_standin.calls  # the first byte, without waiting
        assert_a_crash_releases_the_lock(other)
    finally:
        if other.poll() is None:
            other.kill()
    assert msvcrt_standin.calls[-1] == (msvcrt_standin.LK_UNLCK, 0, 1)  # unlocked before the file closes
    assert oct((lv_home / "data" / "recording.lock").stat().st_mode & 0o777) == "0o600"


def test_on_windows_recovery_waits_while_another_instance_recovers(lv_home, windows):
    folder = lv_home / "data" / "takes"
    folder.mkdir(parents=True)
    other = _hold(HOLD_RECOVERY, str(folder))
    got_it = threading.Event()

    def recover():
        with recovery_lock(folder):
            got_it.set()

    waiter = threading.Thread(target=recover, daemon=True)
    try:
        waiter.start()
        assert not got_it.wait(1.0), "both instances held the recovery lock at once"
        other.stdin.write("done\n")
        other.stdin.flush()
        other.wait(timeout=10)
        assert got_it.wait(10), "the waiting instance never got the lock"
    finally:
        if other.poll() is None:
            other.kill()
        waiter.join(timeout=10)


def test_on_windows_the_lock_is_taken_again_and_again(lv_home, windows):
    for _ in range(3):
        with recording_lock():
            pass
    done = subprocess.run([sys.executable, "-c", HOLD_RECORDING], input="\n", env=dict(os.environ),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "holding", done.stderr


def test_without_any_file_lock_recording_goes_on_and_the_log_says_why_once(lv_home, monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "fcntl", None)
    monkeypatch.setitem(sys.modules, "msvcrt", None)
    monkeypatch.setattr(lock, "_warned", False)
    with caplog.at_level(logging.WARNING, logger="levelvoice.lock"):
        for _ in range(2):
            with recording_lock():
                pass
    warnings = [r.getMessage() for r in caplog.records if r.name == "levelvoice.lock"]
    assert warnings == [lock.NO_LOCKS_WARNING]
    assert "one window at a time" in warnings[0]


def _modules() -> list[str]:
    names = [info.name for info in pkgutil.walk_packages(trainer.__path__, "trainer.")]
    return [name for name in names if name != "trainer.__main__"]


def test_every_module_imports_without_fcntl_and_pulsectl():
    script = WITHOUT_LINUX_PARTS + (
        "import importlib\n"
        f"for name in {_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "print('imported')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "imported" and len(_modules()) > 50


def test_without_pulsectl_the_microphone_watch_stays_off(monkeypatch):
    from trainer.audio.pulse_watch import SourceWatch, sound_server

    monkeypatch.setitem(sys.modules, "pulsectl", None)
    watch = SourceWatch()
    assert watch.start() is False
    assert watch.lost() is False
    watch.close()
    assert sound_server() is None


def test_without_a_sound_server_the_microphone_watch_stays_off(monkeypatch, tmp_path):
    from trainer.audio.pulse_watch import SourceWatch, sound_server

    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path / 'no-server'}")
    watch = SourceWatch()
    assert watch.start() is False
    assert watch.lost() is False
    watch.close()
    assert sound_server() is None


def _doctor(*, hide_pulsectl: bool, home: Path) -> subprocess.CompletedProcess:
    hide = "import sys; sys.modules['pulsectl'] = None\n" if hide_pulsectl else ""
    script = hide + "from trainer.cli import main\nmain(['doctor'])\n"
    return subprocess.run([sys.executable, "-c", script], env=dict(os.environ, LEVELVOICE_HOME=str(home)),
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.audio
def test_doctor_says_which_way_an_unplugged_microphone_is_noticed(pulse_rig, lv_home):
    with_watch = _doctor(hide_pulsectl=False, home=lv_home)
    without = _doctor(hide_pulsectl=True, home=lv_home)
    for done in (with_watch, without):
        assert done.returncode == 0, done.stdout + done.stderr
        assert "All checks passed." in done.stdout
    line = next(row for row in with_watch.stdout.splitlines() if "Unplug detection" in row)
    assert line.startswith("ok") and "pulseaudio" in line.lower() and "noticed at once" in line
    line = next(row for row in without.stdout.splitlines() if "Unplug detection" in row)
    assert line.startswith("ok") and "no PulseAudio or PipeWire here; PortAudio reports" in line


@pytest.mark.audio
@pytest.mark.slow
def test_a_take_as_on_windows_records_and_measures_the_answer(pulse_rig, lv_home, tmp_path):
    from trainer.drills import get_drill
    from trainer.media import read_audio

    drill = get_drill("anger-1-pharmacy")
    script = AS_ON_WINDOWS + "from trainer.cli import main\nmain()\n"
    locks = tmp_path / "locking.log"
    result, stderr = take_with_an_answer(
        [sys.executable, "-c", script, "take", "--drill", drill.id, "--json"],
        env=dict(os.environ, LEVELVOICE_HOME=str(lv_home), **{msvcrt_standin.LOG_ENV: str(locks)}),
        rig=pulse_rig, home=lv_home,
        clip_s=read_audio(drill.clip_path).duration_s, work=tmp_path, cwd=ROOT)
    assert result["stopped_by"] == "silence" and result["interrupted"] is False
    assert result["analysis"]["speech_s"] > 2.0 and result["analysis"]["transcript"]
    assert "Traceback" not in stderr
    # the take held the microphone through Windows' lock, and gave it back
    calls = locks.read_text().splitlines()
    assert f"{msvcrt_standin.LK_NBLCK} 0 1" in calls and calls[-1] == f"{msvcrt_standin.LK_UNLCK} 0 1"
