"""Noticing, on PulseAudio or PipeWire, that the microphone of a recording went away.

Through ALSA's pulse plugin PortAudio never learns that a microphone was unplugged: the
sound server quietly moves the stream to another source (or stops feeding it). This
watcher asks the server, a few times a second, which source this process's recording
stream is attached to; a stream that vanished or moved means the microphone is gone.
Without a reachable sound server (plain ALSA, macOS, Windows) it stays inactive and the
recorder relies on PortAudio's own errors and on callbacks stopping. `pulsectl` is
installed on Linux only and imported here only when a recording starts.
"""

from __future__ import annotations

import contextlib
import os


def _connect(name: str):
    """A pulsectl connection to the sound server, or None (no pulsectl, no libpulse, no server)."""
    try:
        import pulsectl

        pulse = pulsectl.Pulse(name, connect=False)
    except Exception:
        return None
    try:
        # No timeout: pulsectl's timeout path always waits the whole timeout (a second before
        # every take's clip); without autospawn a missing server fails at once instead.
        pulse.connect(autospawn=False)
    except Exception:
        with contextlib.suppress(Exception):
            pulse.close()
        return None
    return pulse


def sound_server() -> str | None:
    """The PulseAudio or PipeWire server that answers here (its name and version), or None."""
    pulse = _connect("levelvoice-probe")
    if pulse is None:
        return None
    try:
        info = pulse.server_info()
        return f"{info.server_name} {info.server_version}".strip()
    except Exception:
        return None
    finally:
        pulse.close()


class SourceWatch:
    def __init__(self) -> None:
        self._pulse = None
        self._streams: dict[int, int] = {}  # source-output index -> source index

    def start(self) -> bool:
        """Find this process's recording stream; False when there is no sound server to ask."""
        self._pulse = _connect("levelvoice-watch")
        if self._pulse is None:
            return False
        try:
            pid = str(os.getpid())
            self._streams = {o.index: o.source for o in self._pulse.source_output_list()
                             if o.proplist.get("application.process.id") == pid}
        except Exception:
            self.close()
            return False
        if not self._streams:
            self.close()
            return False
        return True

    def lost(self) -> bool:
        """True when this process's recording stream no longer listens to its microphone."""
        if self._pulse is None:
            return False
        try:
            now = {o.index: o.source for o in self._pulse.source_output_list()}
        except Exception:
            return False
        return any(now.get(index) != source for index, source in self._streams.items())

    def close(self) -> None:
        if self._pulse is not None:
            try:
                self._pulse.close()
            except Exception:
                pass
        self._pulse = None
