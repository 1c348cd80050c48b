"""Playing a clip to the speaker or headphones, with position, pause and stop."""

from __future__ import annotations

import threading
import time

import numpy as np

from trainer.audio.clock import ClockMap
from trainer.audio.devices import DeviceInfo, open_error, resolve
from trainer.audio.portaudio import close_stream, quiet_stderr, sounddevice
from trainer.audio.pulse_watch import SinkWatch
from trainer.audio.stall import StallClock
from trainer.errors import AudioDeviceError
from trainer.media import Audio

COMMON_RATES = (48000, 44100, 32000, 24000, 22050, 16000)
WATCH_EVERY_S = 0.25
# After the clock says the last sample was heard, the stream plays silence this long before it
# closes: servers that report their latency short (a bursty one: by about 0.46 s, measured on
# the test rig) would otherwise lose the clip's last words.
TAIL_S = 0.6
# Silence played before the audio: a device waking up (a sleeping sound server, Bluetooth)
# drops the first moments of sound, 0.2 s on the bursty test rig, which would cut the
# client's first word.
LEAD_IN_S = 0.3
LATENCY_S = 0.1  # generous device buffers: a busy computer must not make the clip stutter


def supported_rate(sd, device: DeviceInfo, wanted: int, *, kind: str, channels: int) -> int:
    """`wanted` if the device takes it, else its own rate, else a common one."""
    check = sd.check_output_settings if kind == "output" else sd.check_input_settings
    candidates = [r for r in (wanted, int(device.default_samplerate), *COMMON_RATES) if r > 0]
    failures: list[Exception] = []
    for rate in dict.fromkeys(candidates):
        try:
            with quiet_stderr():
                check(device=device.index, samplerate=rate, channels=channels, dtype="float32")
            return rate
        except Exception as err:
            failures.append(err)
    other = [err for err in failures if "Invalid sample rate" not in str(err)]
    if other:  # not a question of rates: the device itself cannot be opened
        raise open_error(other[0], device, kind=kind)
    noun = "microphone" if kind == "input" else "speaker"
    setting = "input_device" if kind == "input" else "output_device"
    raise AudioDeviceError(
        f"The {noun} '{device.name}' accepts none of the usual sample rates. Choose another one with "
        f"`levelvoice config set {setting} NAME_OR_NUMBER` (see `levelvoice devices`)."
    )


def resample(samples: np.ndarray, rate: int, to_rate: int) -> np.ndarray:
    """High-quality resampling (soxr); (n,) or (n, channels) float32."""
    if rate == to_rate:
        return samples
    import soxr

    return soxr.resample(samples, rate, to_rate).astype(np.float32)


class Player:
    """Plays `audio` once. Sample positions and stream times are kept in `clock` for the trial."""

    def __init__(self, audio: Audio, *, device: str = "") -> None:
        self.audio = audio
        self.device_spec = device
        self.rate = audio.rate
        self.device: DeviceInfo | None = None
        self.clock: ClockMap | None = None
        self._data = np.zeros((0, 1), dtype=np.float32)
        self._lead = 0  # frames of lead-in silence before the audio in `_data`
        self._pos = 0
        self._paused = False
        self._stream = None
        self._stopped = False
        self._heard = threading.Event()  # the clock says the last sample has been heard
        self._ended = threading.Event()  # the stream ended on its own, or `stop()`
        self._over = threading.Event()  # either of them
        self._end_time: float | None = None  # stream time at which the last sample is heard
        self._silence_after_end = 0
        self._stall = StallClock()
        self._watch: SinkWatch | None = None
        self._next_watch = 0.0

    # -- control ---------------------------------------------------------------------------
    def start(self) -> None:
        sd = sounddevice()
        self.device = device = resolve(self.device_spec, kind="output")
        channels = 2 if device.max_output_channels >= 2 else 1
        self.rate = supported_rate(sd, device, self.audio.rate, kind="output", channels=channels)
        samples = resample(self.audio.samples, self.audio.rate, self.rate)
        if samples.ndim == 1:
            samples = samples[:, None]
        if samples.shape[1] != channels:
            mono = samples.mean(axis=1, keepdims=True)
            samples = np.repeat(mono, channels, axis=1)
        self._lead = int(round(LEAD_IN_S * self.rate))
        lead_in = np.zeros((self._lead, channels), dtype=np.float32)
        self._data = np.ascontiguousarray(np.concatenate([lead_in, samples]), dtype=np.float32)
        self.clock = ClockMap(self.rate)
        try:
            with quiet_stderr():
                self._stream = sd.OutputStream(
                    device=device.index, samplerate=self.rate, channels=channels, dtype="float32",
                    latency=LATENCY_S, callback=self._callback, finished_callback=self._on_stream_end,
                )
                self._stall.restart()
                self._stream.start()
        except sd.PortAudioError as err:
            raise open_error(err, device, kind="output") from err
        watch = SinkWatch()
        self._watch = watch if watch.start() else None

    def _callback(self, outdata, frames, time_info, status) -> None:
        self._stall.beat()
        if self._paused:
            outdata.fill(0)
            return
        start = self._pos
        chunk = self._data[start: start + frames]
        outdata[: len(chunk)] = chunk
        outdata[len(chunk):] = 0
        dac_time = time_info.outputBufferDacTime or time_info.currentTime
        if len(chunk):
            self.clock.add(start, dac_time)
            self._pos = start + len(chunk)
            if self._pos >= len(self._data):
                self._end_time = dac_time + len(chunk) / self.rate if dac_time else None
            return
        # Past the end: silence. The stream keeps running until `stop()` (see TAIL_S); the clip
        # counts as heard once the stream clock passes its last sample.
        self._silence_after_end += frames
        heard = (time_info.currentTime >= self._end_time if self._end_time and time_info.currentTime
                 else self._silence_after_end >= (LATENCY_S + 0.1) * self.rate)
        if heard and not self._heard.is_set():
            self._heard.set()
            self._over.set()

    def _on_stream_end(self) -> None:
        self._ended.set()
        self._over.set()

    def pause(self) -> None:
        self._paused = True

    def resume(self) -> None:
        self._stall.restart()
        self._paused = False

    def stop(self, *, tail_s: float = 0.0) -> None:
        """Stop now (what was not yet heard is dropped); also closes a finished player. `tail_s`:
        when the clip has been heard, let the stream play on that long first (see TAIL_S)."""
        if tail_s > 0 and self._heard.is_set():
            self._ended.wait(tail_s)
        self._stopped = True
        stream, self._stream = self._stream, None
        if stream is not None:
            close_stream(stream)
        if self._watch is not None:
            self._watch.close()
        self._ended.set()
        self._over.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Until the clip has been heard to the end (or the stream ended); False on timeout."""
        return self._over.wait(timeout)

    # -- state -----------------------------------------------------------------------------
    @property
    def duration_s(self) -> float:
        return self.audio.duration_s

    @property
    def finished(self) -> bool:
        """The whole clip has been played out."""
        return self._heard.is_set()

    @property
    def failed(self) -> bool:
        """The stream ended on its own before the clip was heard to the end (a device error)."""
        return self._ended.is_set() and not self._heard.is_set() and not self._stopped

    @property
    def lost(self) -> bool:
        """The output went away while it should be playing: the sound server moved or dropped the
        stream, or it took no audio for `STALL_S` (see stall.py; lumps of 1-2 s are normal)."""
        if self._stream is None or self._over.is_set() or self._paused:
            return False
        if self._stall.stalled():
            return True
        now = time.monotonic()
        if self._watch is None or now < self._next_watch:
            return False
        self._next_watch = now + WATCH_EVERY_S
        return self._watch.lost() and not self._over.is_set()

    def time_of(self, index: float) -> float | None:
        """Stream time at which sample `index` of the audio (after the lead-in) is heard."""
        return None if self.clock is None else self.clock.time_of(self._lead + index)

    def stream_time(self) -> float | None:
        stream = self._stream
        try:
            return stream.time if stream is not None else None
        except Exception:
            return None

    @property
    def position_s(self) -> float:
        """How much of the clip has been heard so far."""
        if self.finished:
            return self.duration_s
        now = self.stream_time()
        heard = self.clock.index_at(now) if (self.clock is not None and now) else None
        if heard is None:
            heard = self._pos
        return float(max(min(heard, self._pos) - self._lead, 0.0) / self.rate)
