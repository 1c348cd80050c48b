"""A private PulseAudio daemon with a virtual speaker and a virtual microphone.

Real PortAudio (through ALSA's pulse plugin) talks to it exactly as it would to a
desktop sound server. Two null sinks:

- `lv_speaker`: where the app plays; its `.monitor` source lets a test hear what was played.
- `lv_mic`: a test plays a sound file into it (`feed`); the app records from
  `lv_mic.monitor` as its microphone.

`env` holds the variables that route a process (`PULSE_SERVER`, `PULSE_SINK`,
`PULSE_SOURCE`); nothing touches a system sound server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SPEAKER = "lv_speaker"
MIC = "lv_mic"
RATE = 48000
TOOLS = ("pulseaudio", "pactl", "paplay", "parec")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@dataclass
class Capture:
    """What was played on the virtual speaker, captured from its monitor."""

    process: subprocess.Popen
    path: Path

    def stop(self) -> tuple[np.ndarray, int]:
        """Stop capturing; the audio as mono float32 at `RATE`."""
        time.sleep(0.2)
        self.process.terminate()
        self.process.wait(timeout=5)
        raw = self.path.read_bytes()
        return np.frombuffer(raw[: len(raw) // 4 * 4], dtype="<f4").copy(), RATE


class PulseRig:
    """Start with `start()`, stop with `stop()`; `env` routes clients to it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.process: subprocess.Popen | None = None
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

    def start(self, timeout: float = 10.0) -> "PulseRig":
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
        self.load_sink(SPEAKER, channels=2)
        self.load_sink(MIC, channels=1)
        self.pactl("set-default-sink", SPEAKER)
        self.pactl("set-default-source", f"{MIC}.monitor")
        return self

    def _pactl_ok(self, *args: str) -> bool:
        return subprocess.run(["pactl", *args], env=self._base_env(), capture_output=True).returncode == 0

    def pactl(self, *args: str) -> str:
        done = subprocess.run(["pactl", *args], env=self._base_env(), capture_output=True, text=True, timeout=10)
        if done.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def load_sink(self, name: str, *, channels: int) -> int:
        index = int(self.pactl(
            "load-module", "module-null-sink", f"sink_name={name}", f"rate={RATE}", f"channels={channels}",
            f"sink_properties=device.description={name}",
        ))
        self.modules[name] = index
        return index

    def unload_sink(self, name: str) -> None:
        """Make a device disappear, as if unplugged."""
        self.pactl("unload-module", str(self.modules.pop(name)))

    def feed(self, path: Path | str, *, volume: float | None = None) -> subprocess.Popen:
        """Start playing a sound file into the virtual microphone; returns the paplay process."""
        args = ["paplay", f"--device={MIC}", str(path)]
        if volume is not None:
            args.insert(1, f"--volume={int(volume * 65536)}")
        return subprocess.Popen(args, env=self._base_env(), stderr=subprocess.PIPE)

    def start_capture(self, name: str = "speaker") -> Capture:
        """Start recording what is played on the virtual speaker."""
        path = self.root / f"capture-{name}-{time.monotonic_ns()}.raw"
        handle = open(path, "wb")
        process = subprocess.Popen(
            ["parec", f"--device={SPEAKER}.monitor", "--format=float32le", f"--rate={RATE}", "--channels=1",
             "--latency-msec=20"],
            env=self._base_env(), stdout=handle, stderr=subprocess.DEVNULL,
        )
        handle.close()
        time.sleep(0.2)  # let parec connect before anything plays
        return Capture(process, path)

    def stop(self) -> None:
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
