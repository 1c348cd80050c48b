"""Listing, choosing and probing microphones and speakers."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from trainer.audio.portaudio import quiet_stderr, sounddevice
from trainer.errors import AudioDeviceError

DEVICES_HINT = "See `levelvoice devices` for the ones this computer has."


@dataclass(frozen=True)
class DeviceInfo:
    """One PortAudio device, as the user sees it."""

    index: int
    name: str
    hostapi: str
    max_input_channels: int
    max_output_channels: int
    default_samplerate: float
    is_default_input: bool
    is_default_output: bool

    @property
    def is_input(self) -> bool:
        return self.max_input_channels > 0

    @property
    def is_output(self) -> bool:
        return self.max_output_channels > 0

    def to_dict(self) -> dict:
        return asdict(self)


def _default_indices(sd) -> tuple[int, int]:
    default_in, default_out = sd.default.device
    try:
        if default_in is None or int(default_in) < 0:
            default_in = sd.query_hostapis(0)["default_input_device"]
        if default_out is None or int(default_out) < 0:
            default_out = sd.query_hostapis(0)["default_output_device"]
    except Exception:  # no host API at all
        return -1, -1
    return int(default_in), int(default_out)


def list_devices() -> list[DeviceInfo]:
    """All devices PortAudio knows about, defaults marked."""
    sd = sounddevice()
    with quiet_stderr():
        raw = sd.query_devices()
        hostapis = sd.query_hostapis()
        default_in, default_out = _default_indices(sd)
    return [
        DeviceInfo(
            index=i,
            name=d["name"],
            hostapi=hostapis[d["hostapi"]]["name"],
            max_input_channels=int(d["max_input_channels"]),
            max_output_channels=int(d["max_output_channels"]),
            default_samplerate=float(d["default_samplerate"]),
            is_default_input=i == default_in and d["max_input_channels"] > 0,
            is_default_output=i == default_out and d["max_output_channels"] > 0,
        )
        for i, d in enumerate(raw)
    ]


def resolve(spec: str | int | None, *, kind: str) -> DeviceInfo:
    """The device a setting names: "" for the default, a number, or part of a name.

    `kind` is "input" or "output".
    """
    noun = "microphone" if kind == "input" else "speaker or headphones"
    devices = [d for d in list_devices() if (d.is_input if kind == "input" else d.is_output)]
    if not devices:
        if kind == "input":
            raise AudioDeviceError(
                "No microphone found. Plug one in or check the computer's sound settings; "
                "`levelvoice devices` lists what is connected."
            )
        raise AudioDeviceError(
            "No speaker or headphones found. Plug some in or check the computer's sound settings; "
            "`levelvoice devices` lists what is connected."
        )
    spec = "" if spec is None else str(spec).strip()
    if spec == "":
        for d in devices:
            if d.is_default_input if kind == "input" else d.is_default_output:
                return d
        return devices[0]
    if spec.isdigit():
        for d in devices:
            if d.index == int(spec):
                return d
        raise AudioDeviceError(f"There is no {noun} number {spec}. {DEVICES_HINT}")
    exact = [d for d in devices if d.name.lower() == spec.lower()]
    partial = [d for d in devices if spec.lower() in d.name.lower()]
    matches = exact or partial
    if not matches:
        raise AudioDeviceError(f"No {noun} called '{spec}' is connected. {DEVICES_HINT}")
    return matches[0]


def open_error(err: Exception, device: DeviceInfo, *, kind: str) -> AudioDeviceError:
    """Turn a PortAudio failure to open a stream into an actionable message."""
    noun = "microphone" if kind == "input" else "speaker"
    text = str(err)
    if "Device unavailable" in text or "busy" in text.lower():
        return AudioDeviceError(
            f"The {noun} '{device.name}' is busy. Close other programs that use it and try again."
        )
    if "Invalid sample rate" in text:
        return AudioDeviceError(
            f"The {noun} '{device.name}' does not support that sample rate. "
            "Set sample_rate = 0 in the settings to use its own rate."
        )
    return AudioDeviceError(
        f"Cannot open the {noun} '{device.name}' ({text.split(':')[0]}). Check that it is plugged in and "
        f"switched on, or choose another one. {DEVICES_HINT}"
    )


@dataclass(frozen=True)
class ProbeResult:
    device: DeviceInfo
    samplerate: float
    seconds: float
    peak_dbfs: float | None  # input only: loudest sample heard during the probe


def probe_input(spec: str | int | None = "", *, seconds: float = 0.25) -> ProbeResult:
    """Open the microphone briefly and check that audio actually arrives."""
    import numpy as np

    sd = sounddevice()
    device = resolve(spec, kind="input")
    peak = 0.0
    frames = 0

    def callback(indata, n, _time, _status):
        nonlocal peak, frames
        frames += n
        peak = max(peak, float(np.abs(indata).max(initial=0.0)))

    try:
        with quiet_stderr():
            stream = sd.InputStream(device=device.index, channels=1, samplerate=device.default_samplerate,
                                    callback=callback)
        with stream:
            deadline = time.monotonic() + seconds + 1.0
            while frames < seconds * device.default_samplerate and time.monotonic() < deadline:
                time.sleep(0.02)
    except sd.PortAudioError as err:
        raise open_error(err, device, kind="input") from err
    if frames == 0:
        raise AudioDeviceError(
            f"The microphone '{device.name}' opened but sent no sound. Check that it is connected, "
            f"or choose another one. {DEVICES_HINT}"
        )
    peak_db = 20 * float(np.log10(peak)) if peak > 0 else None
    return ProbeResult(device, device.default_samplerate, frames / device.default_samplerate, peak_db)


def probe_output(spec: str | int | None = "", *, seconds: float = 0.1) -> ProbeResult:
    """Open the speaker briefly with silence and check that it takes audio."""
    sd = sounddevice()
    device = resolve(spec, kind="output")
    frames = 0

    def callback(outdata, n, _time, _status):
        nonlocal frames
        outdata.fill(0)
        frames += n

    try:
        with quiet_stderr():
            stream = sd.OutputStream(device=device.index, channels=1, samplerate=device.default_samplerate,
                                     callback=callback)
        with stream:
            deadline = time.monotonic() + seconds + 1.0
            while frames < seconds * device.default_samplerate and time.monotonic() < deadline:
                time.sleep(0.02)
    except sd.PortAudioError as err:
        raise open_error(err, device, kind="output") from err
    if frames == 0:
        raise AudioDeviceError(f"The speaker '{device.name}' opened but did not take any sound. {DEVICES_HINT}")
    return ProbeResult(device, device.default_samplerate, frames / device.default_samplerate, None)
