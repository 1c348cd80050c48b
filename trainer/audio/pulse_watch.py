"""Noticing, on PulseAudio or PipeWire, that the microphone or speaker of a take went away.

Through ALSA's pulse plugin PortAudio never learns that a device was unplugged: the
sound server quietly moves the stream to another device (or stops feeding it). This
watcher asks the server, a few times a second, which source this process's recording
stream (`SourceWatch`) or which sink its playing stream (`SinkWatch`) is attached to. The
device is gone when none of this process's streams runs on it any more (moved elsewhere,
or vanished). A stream that is replaced by a new one on the same device is not a loss:
ALSA's pulse plugin re-creates its stream after an underrun, which bursty servers cause.
Without a reachable sound server (plain ALSA, macOS, Windows) it stays inactive and the
recorder relies on PortAudio's own errors and on callbacks stopping. `pulsectl` is
installed on Linux only and imported here only when a take starts.
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
    """Watches this process's recording streams."""

    def __init__(self) -> None:
        self._pulse = None
        self._pid = str(os.getpid())
        self._streams: dict[int, int] = {}  # stream index -> device index, when the watch started

    def _attached(self, pid: str) -> dict[int, int]:
        """Recording streams of process `pid` -> the source each listens to."""
        return {o.index: o.source for o in self._pulse.source_output_list()
                if o.proplist.get("application.process.id") == pid}

    def start(self) -> bool:
        """Find this process's recording stream; False when there is no sound server to ask."""
        self._pulse = _connect("levelvoice-watch")
        if self._pulse is None:
            return False
        try:
            self._streams = self._attached(self._pid)
        except Exception:
            self.close()
            return False
        if not self._streams:
            self.close()
            return False
        return True

    def lost(self) -> bool:
        """True when none of this process's streams runs on the watched device any more."""
        if self._pulse is None:
            return False
        try:
            devices_now = set(self._attached(self._pid).values())
        except Exception:
            return False
        return not set(self._streams.values()) <= devices_now

    def close(self) -> None:
        if self._pulse is not None:
            try:
                self._pulse.close()
            except Exception:
                pass
        self._pulse = None


class SinkWatch(SourceWatch):
    """Watches this process's playing streams (the speaker or headphones)."""

    def _attached(self, pid: str) -> dict[int, int]:
        return {i.index: i.sink for i in self._pulse.sink_input_list()
                if i.proplist.get("application.process.id") == pid}
