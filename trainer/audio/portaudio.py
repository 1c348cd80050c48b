"""Loading PortAudio through sounddevice, quietly.

PortAudio's ALSA backend prints diagnostics straight to file descriptor 2 while it
probes devices. Those lines mean nothing to a therapist and would scribble over the
terminal UI, so every call into PortAudio that may probe runs inside `quiet_stderr()`.
While streams run, ALSA itself reports underruns ("snd_pcm_recover) underrun occurred"),
which bursty sound servers cause all the time: ALSA's error handler is replaced by a
silent one, so file descriptor 2 stays free for Level Voice's own messages.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import tempfile
import threading
from types import ModuleType

from trainer.errors import AudioDeviceError

INSTALL_HINT = "sudo apt-get install libportaudio2"

_lock = threading.RLock()
_depth = 0
_saved_fd: int | None = None
_module: ModuleType | None = None
_scratch = None
_captured = ""


def last_diagnostics() -> str:
    """What PortAudio printed during the last quiet call (for --debug and logs)."""
    return _captured


@contextlib.contextmanager
def quiet_stderr():
    """Send fd 2 to a scratch file for the duration; keep what was written for debugging.

    Re-entrant: only the outermost call swaps the descriptor.
    """
    global _depth, _saved_fd, _scratch, _captured
    with _lock:
        if _depth == 0:
            _scratch = tempfile.TemporaryFile(mode="w+b")
            try:
                _saved_fd = os.dup(2)
                os.dup2(_scratch.fileno(), 2)
            except OSError:  # no fd 2 at all: nothing to hide
                _saved_fd = None
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _saved_fd is not None:
                    os.dup2(_saved_fd, 2)
                    os.close(_saved_fd)
                    _saved_fd = None
                _scratch.seek(0)
                _captured = _scratch.read().decode("utf-8", "replace")
                _scratch.close()
                _scratch = None


def close_stream(stream) -> None:
    """Stop a PortAudio stream at once and close it. A device that went away may refuse either;
    that is ignored, so stopping never fails (what was recorded or played is already handled)."""
    with quiet_stderr():
        for step in (stream.abort, stream.close):
            try:
                step()
            except Exception:
                pass


# void handler(const char *file, int line, const char *function, int err, const char *fmt, ...)
_ALSA_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p)
_silent_alsa = None  # kept alive for as long as ALSA may call it


def _silence_alsa() -> None:
    """Give ALSA's library a handler that prints nothing (only where ALSA exists)."""
    global _silent_alsa
    name = ctypes.util.find_library("asound")
    if _silent_alsa is not None or name is None:
        return
    try:
        library = ctypes.CDLL(name)
        _silent_alsa = _ALSA_HANDLER(lambda *_args: None)
        library.snd_lib_error_set_handler(_silent_alsa)
    except (OSError, AttributeError):
        _silent_alsa = None


def sounddevice() -> ModuleType:
    """The sounddevice module, with PortAudio initialised; `AudioDeviceError` if unusable."""
    global _module
    if _module is None:
        with _lock, quiet_stderr():
            try:
                import sounddevice as sd
            except OSError as err:
                raise AudioDeviceError(
                    f"The sound library PortAudio is not installed. Install it with: {INSTALL_HINT}"
                ) from err
            _silence_alsa()
            _module = sd
    return _module


def rescan() -> ModuleType:
    """Re-initialise PortAudio so newly plugged or removed devices show up."""
    sd = sounddevice()
    with _lock, quiet_stderr():
        sd._terminate()
        sd._initialize()
    return sd


def version() -> str:
    return sounddevice().get_portaudio_version()[1]
