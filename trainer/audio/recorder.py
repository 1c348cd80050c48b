"""Recording a take: callback -> queue -> writer thread -> FLAC on disk, live values on the side.

Three threads, each doing one thing:
- PortAudio's callback copies the block into a queue (and counts overflows). Nothing else.
- The writer thread appends blocks to the take's FLAC file as they arrive (synced to the
  disk twice a second, so a crash loses at most half a second) and keeps them in memory.
  It also watches for a microphone that went away.
- The live thread runs the speech detector (trainer.analysis.speech, which also tracks the
  pitch) and the meter (level and pitch about 15 times a second); slow work there can
  never make the audio drop out.

While recording, the file is `<name>.partial`; only a take that was closed properly gets its
final name, so an interrupted take is never mistaken for a finished one (see recovery.py).
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trainer.analysis.speech import SpeechDetector, SpeechEvent
from trainer.audio.clock import ClockMap
from trainer.audio.devices import DEVICES_HINT, DeviceInfo, open_error, resolve
from trainer.audio.events import LiveLevel
from trainer.audio.flacfile import FlacWriter, write_flac
from trainer.audio.live import LiveMeter
from trainer.audio.playback import LATENCY_S, supported_rate
from trainer.audio.portaudio import close_stream, quiet_stderr, sounddevice
from trainer.audio.pulse_watch import SourceWatch
from trainer.audio.stall import StallClock
from trainer.errors import AudioDeviceError, TrainerError

PARTIAL_SUFFIX = ".partial"
SYNC_EVERY_S = 0.5
FIRST_BLOCK_TIMEOUT_S = 5.0
WATCH_EVERY_S = 0.25
_STOP = object()


def partial_path(path: Path) -> Path:
    return path.with_name(path.name + PARTIAL_SUFFIX)


@dataclass(frozen=True)
class Recording:
    """A finished (or interrupted) take on disk."""

    path: Path
    rate: int
    duration_s: float
    overflows: int
    interrupted: bool
    message: str | None  # what went wrong and what to do, when something did


class Recorder:
    """Records `path` (FLAC) from a microphone; `start()`, then `stop() -> Recording`.

    `samplerate` 0 means the device's own rate; an unsupported rate falls back to one the
    device takes (see `rate` after `start()`). `on_live` receives `LiveLevel`s and
    `on_speech` the detector's events (trainer.analysis.speech), both from the live thread.
    """

    def __init__(self, path: Path | str, *, device: str = "", samplerate: int = 0,
                 on_live: Callable[[LiveLevel], None] | None = None,
                 detector: SpeechDetector | None = None,
                 on_speech: Callable[[SpeechEvent], None] | None = None) -> None:
        self.path = Path(path)
        self.partial = partial_path(self.path)
        self.device_spec = device
        self.wanted_rate = int(samplerate)
        self.on_live = on_live
        self.on_speech = on_speech
        self.detector = detector or SpeechDetector()
        self.rate = 0
        self.device: DeviceInfo | None = None
        self.clock: ClockMap | None = None
        self.overflows = 0
        self.max_callback_s = 0.0
        self.live_updates = 0
        self.live_work_s = 0.0  # time the live thread spent in the detector and the meter
        self.max_live_work_s = 0.0  # the most for one block
        self._meter: LiveMeter | None = None
        self.message: str | None = None
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._live_queue: queue.SimpleQueue = queue.SimpleQueue()
        self._blocks: list[np.ndarray] = []
        self._frames = 0
        self._writer: FlacWriter | None = None
        self._stream = None
        self._threads: list[threading.Thread] = []
        self._first_block = threading.Event()
        self._ended = threading.Event()  # set when recording cannot go on (device lost, disk full)
        self._stall = StallClock()
        self._write_failed = False
        self._lost = False
        self._stopped = False

    # -- starting --------------------------------------------------------------------------
    def start(self) -> None:
        sd = sounddevice()
        self.device = device = resolve(self.device_spec, kind="input")
        self.rate = supported_rate(sd, device, self.wanted_rate or int(device.default_samplerate),
                                   kind="input", channels=1)
        self.clock = ClockMap(self.rate)
        self.detector.start(self.rate)
        self._meter = LiveMeter(self.rate)
        self._writer = FlacWriter(self.partial, self.rate)
        try:
            with quiet_stderr():
                self._stream = sd.InputStream(
                    device=device.index, samplerate=self.rate, channels=1, dtype="float32",
                    latency=LATENCY_S, callback=self._callback,
                )
                self._stall.restart()
                self._stream.start()
        except sd.PortAudioError as err:
            self._writer.close()
            self.partial.unlink(missing_ok=True)
            raise open_error(err, device, kind="input") from err
        self._threads = [threading.Thread(target=self._write_loop, name="take-writer", daemon=True),
                         threading.Thread(target=self._live_loop, name="take-live", daemon=True)]
        for thread in self._threads:
            thread.start()
        if not self._first_block.wait(FIRST_BLOCK_TIMEOUT_S):
            self.discard()
            raise AudioDeviceError(
                f"The microphone '{device.name}' opened but sent no sound. Check that it is connected and "
                f"not muted, or choose another one. {DEVICES_HINT}"
            )
        self._watch = SourceWatch()
        self._watching = self._watch.start()

    # -- the audio thread: copy and go -------------------------------------------------------
    def _callback(self, indata, frames, time_info, status) -> None:
        began = time.perf_counter()
        if status.input_overflow:
            self.overflows += 1
        self._queue.put((indata.copy(), time_info.inputBufferAdcTime or time_info.currentTime))
        self._stall.beat()
        spent = time.perf_counter() - began
        self.max_callback_s = max(self.max_callback_s, spent)

    # -- the writer thread -----------------------------------------------------------------
    def _write_loop(self) -> None:
        last_sync = last_watch = time.monotonic()
        while True:
            try:
                item = self._queue.get(timeout=0.1)
            except queue.Empty:
                item = None
            if item is _STOP:
                break
            now = time.monotonic()
            if item is not None:
                block, stream_time = item
                mono = block[:, 0] if block.shape[1] == 1 else block.mean(axis=1)
                self._keep(mono, stream_time)
                if now - last_sync >= SYNC_EVERY_S:
                    last_sync = now
                    self._sync()
            if now - last_watch >= WATCH_EVERY_S:
                last_watch = now
                self._check_device(now)
        self._live_queue.put(_STOP)

    def _keep(self, mono: np.ndarray, stream_time: float) -> None:
        if self._write_failed:
            return
        start = self._frames
        self.clock.add(start, stream_time)
        try:
            self._writer.write(mono)
        except TrainerError as err:
            self._write_failed = True
            self.message = str(err)
            self._ended.set()
            return
        self._blocks.append(mono)
        self._frames = start + len(mono)
        self._first_block.set()
        self._live_queue.put((mono, start))

    def _sync(self) -> None:
        if not self._write_failed:
            self._writer.sync()

    def _check_device(self, now: float) -> None:
        if self._lost or self._stopped or not self._first_block.is_set():
            return
        stalled = self._stall.stalled()  # 5 s without audio; lumps and process pauses are not a loss
        moved = getattr(self, "_watching", False) and self._watch.lost()
        try:
            inactive = self._stream is not None and not self._stream.active
        except Exception:
            inactive = True
        if stalled or moved or inactive:
            self._lost = True
            name = self.device.name if self.device else "microphone"
            self.message = (
                f"The microphone '{name}' stopped sending sound (was it unplugged?), so the take stopped; "
                f"the {self._frames / self.rate:.1f} s recorded so far is kept. Plug it back in or choose "
                f"another one. {DEVICES_HINT}"
            )
            self._ended.set()

    # -- the live thread -------------------------------------------------------------------
    def _live_loop(self) -> None:
        while True:
            item = self._live_queue.get()
            if item is _STOP:
                break
            mono, _start = item
            began = time.perf_counter()
            events = self.detector.push(mono)
            levels = self._meter.push(mono, self.detector)
            spent = time.perf_counter() - began
            self.live_work_s += spent
            self.max_live_work_s = max(self.max_live_work_s, spent)
            for event in events:
                if self.on_speech:
                    self.on_speech(event)
            for level in levels:
                self.live_updates += 1
                if self.on_live:
                    self.on_live(level)

    # -- reading while recording -----------------------------------------------------------
    @property
    def frames(self) -> int:
        return self._frames

    @property
    def duration_s(self) -> float:
        return self._frames / self.rate if self.rate else 0.0

    @property
    def ended(self) -> bool:
        """Recording cannot go on (microphone lost or disk full); `message` says why."""
        return self._ended.is_set()

    @property
    def lost(self) -> bool:
        return self._lost

    def samples(self, start_s: float = 0.0, end_s: float | None = None) -> np.ndarray:
        """The take's audio between two take times (what has arrived so far)."""
        blocks = self._blocks[:]
        data = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
        first = max(0, int(round(start_s * self.rate)))
        last = len(data) if end_s is None else max(first, int(round(end_s * self.rate)))
        return data[first:last]

    # -- stopping --------------------------------------------------------------------------
    def _halt(self) -> bool:
        """Stop the stream and the threads; True if the file was closed cleanly."""
        if self._stopped:
            raise RuntimeError("this recorder has already stopped")
        self._stopped = True
        stream, self._stream = self._stream, None
        if stream is not None:
            close_stream(stream)
        self._queue.put(_STOP)
        for thread in self._threads:
            thread.join()
        self.detector.finish()
        if getattr(self, "_watching", False):
            self._watch.close()
        return self._writer.close()

    def discard(self) -> None:
        """Stop and delete the take (the trial could not go ahead)."""
        self._halt()
        self.partial.unlink(missing_ok=True)

    def stop(self, *, end_s: float | None = None) -> Recording:
        """Stop and close the take. `end_s` cuts it there (audio that arrived later is dropped)."""
        clean = self._halt()
        total = self._frames
        keep = total if end_s is None else min(total, max(0, int(round(end_s * self.rate))))
        path = self._finish_file(clean, keep, total)
        interrupted = self._lost or self._write_failed
        return Recording(path, self.rate, keep / self.rate, self.overflows, interrupted, self.message)

    def _finish_file(self, clean: bool, keep: int, total: int) -> Path:
        if not clean:  # the disk refused even the ending: leave it for recovery
            return self.partial
        if keep < total:
            write_flac(self.path, self.samples(0.0, keep / self.rate), self.rate)
            self.partial.unlink(missing_ok=True)
        else:
            os.replace(self.partial, self.path)
        return self.path
