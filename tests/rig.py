"""A private PulseAudio daemon with a virtual speaker and a virtual microphone in one "room".

Real PortAudio (through ALSA's pulse plugin) talks to it exactly as it would to a
desktop sound server. Layout:

- `lv_room`: a 3-channel null sink, the room. Channels 0 and 1 carry the speaker, channel 2
  (aux0) the microphone. Its monitor (`start_room_capture`) records both in one timeline,
  sample for sample, so a test can measure what really reached the speaker and the mic
  (no wall-clock guessing).
- `lv_speaker`: where the app plays (a remap sink onto the room's channels 0-1); its
  `.monitor` lets a test hear what was played (`start_capture`).
- `lv_mic`: a test plays a sound file into it (`feed`); the app records from
  `lv_mic.monitor` (a remap sink onto the room's channel 2).
- Two modes. "steady": a silent stream keeps the room rendering in 20 ms steps, like a
  sound card that always delivers samples. "bursty": plain null sinks and nothing else, so
  the server renders in large lumps (an idle null sink delivers up to 2 s at a time), as
  PipeWire changing its quantum, Bluetooth, remote desktops and virtual machines do.
  Audio tests run on both (the `pulse_rig` fixture is parametrized), so the rig is never
  kinder than a user's machine.

`env` holds the variables that route a process (`PULSE_SERVER`, `PULSE_SINK`,
`PULSE_SOURCE`); nothing touches a system sound server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOM = "lv_room"
SPEAKER = "lv_speaker"
MIC = "lv_mic"
RATE = 48000
TOOLS = ("pulseaudio", "pactl", "paplay", "parec", "pacat")
ROOM_CHANNELS = "front-left,front-right,aux0"


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@dataclass
class Capture:
    """What was played on the virtual speaker, captured from its monitor."""

    process: subprocess.Popen
    path: Path
    settle_s: float = 0.2  # how long what was played may take to reach the capture

    def stop(self) -> tuple[np.ndarray, int]:
        """Stop capturing; the audio as mono float32 at `RATE`."""
        time.sleep(self.settle_s)
        self.process.terminate()
        self.process.wait(timeout=5)
        raw = self.path.read_bytes()
        return np.frombuffer(raw[: len(raw) // 4 * 4], dtype="<f4").copy(), RATE


@dataclass
class Room:
    """Speaker and microphone as they sounded, in one timeline (sample 0 = capture start)."""

    speaker: np.ndarray  # mono mix of the speaker's two channels
    mic: np.ndarray
    rate: int
    start_s: float  # time.monotonic() at which sample 0 was captured

    def sample_at(self, monotonic_s: float) -> int:
        """The room sample that was being captured at `monotonic_s`."""
        return int(round((monotonic_s - self.start_s) * self.rate))


def first_sample_time(arrivals: list[tuple[int, float]], rate: int) -> float:
    """When (time.monotonic) sample 0 of a capture was taken: the lower envelope of the chunks'
    arrival delays. The server hands over audio up to "now", in steps or in lumps; the
    least-delayed chunk fixes the clock (works for both rig modes)."""
    counts = np.array([a[0] for a in arrivals], dtype=np.float64)
    times = np.array([a[1] for a in arrivals])
    return float(np.min(times - counts / rate))


@dataclass
class StreamCapture:
    """One parec process read in a thread, with when each chunk arrived."""

    process: subprocess.Popen
    channels: int
    chunks: list[bytes] = field(default_factory=list)
    arrivals: list[tuple[int, float]] = field(default_factory=list)
    thread: threading.Thread | None = None

    def start(self) -> StreamCapture:
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        return self

    def _read(self) -> None:
        frame_bytes = self.channels * 4
        received = 0
        while True:
            data = os.read(self.process.stdout.fileno(), 4800)
            if not data:
                return
            now = time.monotonic()
            self.chunks.append(data)
            received += len(data)
            self.arrivals.append((received // frame_bytes, now))

    def finish(self) -> tuple[np.ndarray, float]:
        """Stop; (frames as float32 (n, channels), monotonic time of frame 0)."""
        self.process.terminate()
        self.process.wait(timeout=5)
        self.thread.join(timeout=5)
        raw = b"".join(self.chunks)
        frame_bytes = self.channels * 4
        frames = np.frombuffer(raw[: len(raw) // frame_bytes * frame_bytes], dtype="<f4").reshape(-1, self.channels)
        return frames, first_sample_time(self.arrivals, RATE) if self.arrivals else time.monotonic()


@dataclass
class RoomCapture:
    """Speaker and microphone captured together: one stream of the room (steady), or one
    stream per device aligned on their clocks (bursty)."""

    streams: dict[str, StreamCapture]
    settle_s: float = 0.2  # how long what was played may take to reach the capture

    @property
    def arrivals(self) -> list[tuple[int, float]]:
        return [a for stream in self.streams.values() for a in stream.arrivals]

    def stop(self, *, settle_s: float | None = None) -> Room:
        time.sleep(self.settle_s if settle_s is None else settle_s)
        if "room" in self.streams:
            frames, start = self.streams["room"].finish()
            return Room(frames[:, :2].mean(axis=1).astype(np.float32), frames[:, 2].copy(), RATE, start)
        (speaker, speaker_start), (mic, mic_start) = (self.streams[k].finish() for k in ("speaker", "mic"))
        start = max(speaker_start, mic_start)
        speaker = speaker[int(round((start - speaker_start) * RATE)):, 0]
        mic = mic[int(round((start - mic_start) * RATE)):, 0]
        length = max(len(speaker), len(mic))
        pad = lambda a: np.pad(a, (0, length - len(a))).astype(np.float32)  # noqa: E731
        return Room(pad(speaker), pad(mic), RATE, start)


MODES = ("steady", "bursty")
# On the bursty rig the server reports its output latency wrongly: the clip is heard about
# 0.45 s later than PortAudio's clock says (measured: -0.453 .. -0.463 s over six trials).
# Times the app derives from the stream clocks (where the clip sat, response time, overlap)
# cannot be better than the server's report, so they are checked to this tolerance there.
BURSTY_CLOCK_ERROR_S = 0.6
# It also hands the microphone's audio over late (ADC lag up to 0.60 s, measured): what it had
# not delivered when a take is killed or the microphone unplugged never reaches the app.
BURSTY_UNDELIVERED_S = 0.7


class PulseRig:
    """Start with `start()`, stop with `stop()`; `env` routes clients to it. `mode`: see the module docstring."""

    def __init__(self, root: Path, mode: str = "steady") -> None:
        if mode not in MODES:
            raise ValueError(f"rig mode {mode!r} is not one of {MODES}")
        self.mode = mode
        self.root = root
        self.process: subprocess.Popen | None = None
        self.keeper: subprocess.Popen | None = None
        self.modules: dict[str, int] = {}

    @property
    def socket(self) -> Path:
        return self.root / "runtime" / "native"

    @property
    def env(self) -> dict[str, str]:
        return {
            "PULSE_SERVER": f"unix:{self.socket}",
            "PULSE_SINK": SPEAKER,
            "PULSE_SOURCE": f"{MIC}.monitor",
        }

    def _base_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            HOME=str(self.root / "home"),
            XDG_RUNTIME_DIR=str(self.root / "runtime"),
            XDG_CONFIG_HOME=str(self.root / "home" / ".config"),
            PULSE_RUNTIME_PATH=str(self.root / "runtime"),
            PULSE_STATE_PATH=str(self.root / "state"),
        )
        env.update(self.env)
        return env

    def start(self, timeout: float = 10.0) -> PulseRig:
        for sub in ("home", "runtime", "state"):
            (self.root / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
        args = [
            "pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
            "--disallow-module-loading=no", "--disallow-exit=no", "--log-target=stderr", "--log-level=error",
            f"--load=module-native-protocol-unix auth-anonymous=1 socket={self.socket}",
        ]
        self._log = open(self.root / "pulseaudio.log", "wb")
        self.process = subprocess.Popen(args, env=self._base_env(), stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pulseaudio exited: {(self.root / 'pulseaudio.log').read_text()[-2000:]}")
            if self.socket.exists() and self._pactl_ok("info"):
                break
            time.sleep(0.05)
        else:
            self.stop()
            raise RuntimeError("pulseaudio did not start within the timeout")
        if self.mode == "steady":
            self.modules[ROOM] = int(self.pactl(
                "load-module", "module-null-sink", f"sink_name={ROOM}", f"rate={RATE}", "channels=3",
                f"channel_map={ROOM_CHANNELS}", f"sink_properties=device.description={ROOM}",
            ))
        self.load_sink(SPEAKER, channels=2)
        self.load_sink(MIC, channels=1)
        self.pactl("set-default-sink", SPEAKER)
        self.pactl("set-default-source", f"{MIC}.monitor")
        if self.mode == "steady":
            self._start_keeper(deadline)
        return self

    def _start_keeper(self, deadline: float) -> None:
        """Play endless silence into the room at 20 ms latency; wait until the room delivers promptly."""
        self.keeper = subprocess.Popen(
            ["pacat", "--playback", f"--device={ROOM}", "--raw", "--format=s16le", f"--rate={RATE}",
             "--channels=1", "--latency-msec=20", "/dev/zero"],
            env=self._base_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        while time.monotonic() < deadline:
            probe = self.start_room_capture(wait=False)
            started = time.monotonic()
            while time.monotonic() - started < 0.5 and not probe.arrivals:
                time.sleep(0.01)
            prompt = bool(probe.arrivals) and probe.arrivals[0][1] - started < 0.3
            probe.stop(settle_s=0)
            if prompt:
                return
        raise RuntimeError("the virtual room did not start delivering audio")

    def _pactl_ok(self, *args: str) -> bool:
        return subprocess.run(["pactl", *args], env=self._base_env(), capture_output=True).returncode == 0

    def pactl(self, *args: str) -> str:
        done = subprocess.run(["pactl", *args], env=self._base_env(), capture_output=True, text=True, timeout=10)
        if done.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def load_sink(self, name: str, *, channels: int) -> int:
        """(Re)create the speaker (2 channels) or the microphone (1 channel): inside the room
        (steady), or as a plain null sink of its own (bursty)."""
        if self.mode == "bursty":
            index = int(self.pactl(
                "load-module", "module-null-sink", f"sink_name={name}", f"rate={RATE}", f"channels={channels}",
                f"sink_properties=device.description={name}",
            ))
            self.modules[name] = index
            return index
        room_channels = "front-left,front-right" if channels == 2 else "aux0"
        channel_map = "front-left,front-right" if channels == 2 else "mono"
        index = int(self.pactl(
            "load-module", "module-remap-sink", f"sink_name={name}", f"master={ROOM}", f"rate={RATE}",
            f"channels={channels}", f"channel_map={channel_map}", f"master_channel_map={room_channels}",
            "remix=no", f"sink_properties=device.description={name}",
        ))
        self.modules[name] = index
        return index

    def unload_sink(self, name: str) -> None:
        """Make a device disappear, as if unplugged."""
        self.pactl("unload-module", str(self.modules.pop(name)))

    def replug(self, name: str) -> None:
        """Bring back a device removed with `unload_sink` (the rig is shared by the whole session)."""
        if name not in self.modules:
            self.load_sink(name, channels=2 if name == SPEAKER else 1)
            if name == MIC:
                self.pactl("set-default-source", f"{MIC}.monitor")
            else:
                self.pactl("set-default-sink", SPEAKER)

    def feed(self, path: Path | str, *, volume: float | None = None, lead_s: float = 0.0) -> subprocess.Popen:
        """Start playing a sound file into the virtual microphone; returns the paplay process.

        `lead_s` seconds of silence go first, so the sound starts that long after the stream does.
        """
        if lead_s > 0:
            path = self._with_lead(Path(path), lead_s)
        args = ["paplay", f"--device={MIC}", "--latency-msec=20", str(path)]
        if volume is not None:
            args.insert(1, f"--volume={int(volume * 65536)}")
        return subprocess.Popen(args, env=self._base_env(), stderr=subprocess.PIPE)

    def _with_lead(self, path: Path, lead_s: float) -> Path:
        import soundfile as sf

        audio, rate = sf.read(path, dtype="float32", always_2d=True)
        lead = np.zeros((int(round(lead_s * rate)), audio.shape[1]), dtype=np.float32)
        handle, name = tempfile.mkstemp(suffix=".wav", dir=self.root)
        os.close(handle)
        sf.write(name, np.concatenate([lead, audio]), rate, subtype="FLOAT")
        return Path(name)

    def leak(self, *, volume: float = 0.5, latency_ms: int = 30) -> int:
        """Let the speaker leak into the microphone (speakers instead of headphones); returns the module."""
        index = int(self.pactl(
            "load-module", "module-loopback", f"source={SPEAKER}.monitor", f"sink={MIC}",
            f"latency_msec={latency_ms}", "source_dont_move=true", "sink_dont_move=true",
        ))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            for block in self.pactl("list", "sink-inputs").split("Sink Input #")[1:]:
                if f"Owner Module: {index}\n" in block + "\n":
                    self.pactl("set-sink-input-volume", block.split()[0], str(int(volume * 65536)))
                    return index
            time.sleep(0.05)
        raise RuntimeError("the loopback's stream did not appear")

    def unload(self, module: int) -> None:
        self.pactl("unload-module", str(module))

    def start_capture(self, name: str = "speaker") -> Capture:
        """Start recording what is played on the virtual speaker."""
        path = self.root / f"capture-{name}-{time.monotonic_ns()}.raw"
        handle = open(path, "wb")
        process = subprocess.Popen(
            ["parec", f"--device={SPEAKER}.monitor", "--format=float32le", f"--rate={RATE}", "--channels=1",
             f"--latency-msec={self.capture_latency_ms}"],
            env=self._base_env(), stdout=handle, stderr=subprocess.DEVNULL,
        )
        handle.close()
        time.sleep(0.2)  # let parec connect before anything plays
        return Capture(process, path, self.capture_settle_s)

    def clock_tolerance(self, steady_s: float) -> float:
        """How close a time taken from the stream clocks must come to the room's truth."""
        return steady_s if self.mode == "steady" else max(steady_s, BURSTY_CLOCK_ERROR_S)

    @property
    def undelivered_s(self) -> float:
        """How much of the microphone's audio the server may still hold when a take ends abruptly."""
        return 0.0 if self.mode == "steady" else BURSTY_UNDELIVERED_S

    @property
    def capture_latency_ms(self) -> int:
        """How fast a test's own capture asks to be fed. In bursty mode it asks for lumps, so
        listening in does not make the speaker render more steadily than it would alone."""
        return 10 if self.mode == "steady" else 2000

    @property
    def capture_settle_s(self) -> float:
        """A capture asking for lumps gets the last lump only after up to its latency."""
        return 0.2 if self.mode == "steady" else self.capture_latency_ms / 1000 + 0.3

    def _parec(self, device: str, channels: int, *extra: str) -> StreamCapture:
        process = subprocess.Popen(
            ["parec", f"--device={device}", "--format=float32le", f"--rate={RATE}", f"--channels={channels}",
             f"--latency-msec={self.capture_latency_ms}", "--raw", *extra],
            env=self._base_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0,
        )
        return StreamCapture(process, channels).start()

    def start_room_capture(self, *, wait: bool = True) -> RoomCapture:
        """Start recording speaker and microphone together; `stop()` returns a `Room`."""
        if self.mode == "steady":
            capture = RoomCapture({"room": self._parec(f"{ROOM}.monitor", 3, f"--channel-map={ROOM_CHANNELS}")})
        else:
            capture = RoomCapture({"speaker": self._parec(f"{SPEAKER}.monitor", 1),
                                   "mic": self._parec(f"{MIC}.monitor", 1)}, self.capture_settle_s)
        if wait:
            deadline = time.monotonic() + 5
            while not all(s.arrivals for s in capture.streams.values()) and time.monotonic() < deadline:
                time.sleep(0.01)
        return capture

    def stop(self) -> None:
        if self.keeper and self.keeper.poll() is None:
            self.keeper.terminate()
            self.keeper.wait(timeout=5)
        self.keeper = None
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if getattr(self, "_log", None):
            self._log.close()


def active_span(audio: np.ndarray, rate: int, *, threshold_db: float = -45.0, frame_s: float = 0.02) -> tuple[float, float]:
    """Start and end (seconds) of the part of `audio` whose 20 ms frames exceed `threshold_db`."""
    hop = int(rate * frame_s)
    frames = audio[: len(audio) // hop * hop].reshape(-1, hop)
    level = 10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-20)
    loud = np.flatnonzero(level > threshold_db)
    if loud.size == 0:
        return 0.0, 0.0
    return loud[0] * frame_s, (loud[-1] + 1) * frame_s


def span_rms_db(audio: np.ndarray, rate: int, **kwargs) -> float:
    """RMS level (dBFS) over the active span."""
    start, end = active_span(audio, rate, **kwargs)
    part = audio[int(start * rate): int(end * rate)].astype(np.float64)
    return 10 * float(np.log10(np.mean(part**2) + 1e-20))


def locate(needle: np.ndarray, haystack: np.ndarray) -> int:
    """Sample offset at which `needle` best matches inside `haystack` (FFT cross-correlation)."""
    from scipy.signal import correlate

    score = correlate(haystack.astype(np.float64), needle.astype(np.float64), mode="full", method="fft")
    return int(np.argmax(score)) - (len(needle) - 1)


def resample(audio: np.ndarray, rate: int, to_rate: int) -> np.ndarray:
    import soxr

    return audio if rate == to_rate else soxr.resample(audio, rate, to_rate).astype(np.float32)
