"""Reading audio from files: WAV, FLAC, OGG, MP3, M4A and the audio track of videos.

`read_audio` returns float32 samples and the file's own sample rate. libsndfile
(soundfile) reads the common audio formats directly; anything else (M4A, MP4, MOV,
MKV, ...) is decoded with PyAV. Every failure is an `AudioFileError` with one sentence
that names the file and says what is wrong; the decoders' own messages ("Note: Illegal
Audio-MPEG-Header …") never reach the terminal. A file that ends well before the length
its header promises (an incomplete copy or download) is refused as cut short, rather
than measured as a much shorter recording.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trainer.errors import AudioFileError
from trainer.terminal import quiet_stderr

SOUNDFILE_SUFFIXES = {".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aif", ".aiff"}
MAX_AUDIO_S = 600.0  # the most read at a time: the longest take (max_take_s); memory stays bounded
MIN_AUDIO_S = 0.05  # less is no recording to measure or play
MAX_PEAK = 2.0  # +6 dBFS: a lossy decoder's overshoot is clipped; more means the file was saved wrongly
MIN_RATE, MAX_RATE = 1000, 768000
UNKNOWN_FRAMES = 2**62  # libsndfile's frame count when the header does not say (an unclosed FLAC)
MP3_LENGTH_TAGS = (b"Xing", b"Info", b"VBRI")  # an MP3 header that states the exact length
CUT_SHORT_TOLERANCE_S = 0.25  # decoders may drop a frame or the encoder's padding at the end


@dataclass(frozen=True)
class Audio:
    """Decoded audio: `samples` is float32, shape (n,) for mono or (n, channels)."""

    samples: np.ndarray
    rate: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.rate

    @property
    def channels(self) -> int:
        return 1 if self.samples.ndim == 1 else self.samples.shape[1]

    def mono(self) -> "Audio":
        return Audio(to_mono(self.samples), self.rate)


def to_mono(samples: np.ndarray) -> np.ndarray:
    """Average the channels of (n, channels) audio; mono passes through."""
    samples = np.asarray(samples, dtype=np.float32)
    return samples if samples.ndim == 1 else samples.mean(axis=1, dtype=np.float32)


def format_time(seconds: float) -> str:
    """12:03.5 style (minutes:seconds), 1:02:03.0 from an hour on, for messages."""
    minutes, rest = divmod(max(seconds, 0.0), 60)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return f"{int(hours)}:{int(minutes):02d}:{rest:04.1f}"
    return f"{int(minutes)}:{rest:04.1f}"


def _length(seconds: float) -> str:
    """16.8 s, or 12:03.5 from a minute on."""
    return f"{seconds:.1f} s" if seconds < 60 else format_time(seconds)


def parse_time(text: str) -> float:
    """Seconds from "75", "75.5", "1:15", "1:15.5" or "1:02:03"; `ValueError` otherwise."""
    text = text.strip()
    if not re.fullmatch(r"\d+(:\d{1,2})*(\.\d+)?", text):
        raise ValueError(f"'{text}' is not a time; write it as seconds (75.5) or minutes:seconds (1:15.5)")
    seconds = 0.0
    parts = text.split(":")
    for index, part in enumerate(parts):
        value = float(part)
        if index > 0 and value >= 60:
            raise ValueError(f"'{text}' is not a time: {part} is not below 60")
        seconds = seconds * 60 + value
    return seconds


def _check_file(path: Path) -> None:
    if not path.exists():
        raise AudioFileError(f"{path}: file not found. Check the name and folder.")
    if path.is_dir():
        raise AudioFileError(f"{path} is a folder, not an audio or video file.")
    try:
        size = path.stat().st_size
    except OSError as err:
        raise AudioFileError(f"{path} cannot be read: {err.strerror or err}.") from err
    if size == 0:
        raise AudioFileError(f"{path} is empty (0 bytes); pick the file again or export it again.")


def _segment(rate: int, total: int | None, start_s: float | None, end_s: float | None) -> tuple[int, int | None]:
    """First and last (exclusive, None: to the end) frame of the asked-for part."""
    first = 0 if start_s is None else int(round(start_s * rate))
    last = None if end_s is None else int(round(end_s * rate))
    if total is not None:
        last = total if last is None else min(last, total)
    return first, last


def _too_long(path: Path, seconds: float | None) -> AudioFileError:
    """Asked for more than `MAX_AUDIO_S` (`seconds`: how much, when known)."""
    what = "the part asked for is longer than that" if seconds is None else f"that is {format_time(seconds)}"
    return AudioFileError(
        f"Level Voice reads at most {MAX_AUDIO_S / 60:g} minutes of audio at a time (the longest take) and {path} "
        f"is longer: {what}. Cut out the part you need (for a clip, `levelvoice drills import FILE --start --end`)."
    )


def _check_rate(path: Path, rate: int) -> None:
    if not MIN_RATE <= rate <= MAX_RATE:
        raise AudioFileError(f"{path} says its sample rate is {rate} Hz, which no recording has; it may be damaged.")


def _with_soundfile(path: Path, start_s: float | None, end_s: float | None) -> Audio | None:
    """Decode with libsndfile in blocks (never more than `MAX_AUDIO_S`); None when it does not understand the file."""
    import soundfile as sf

    try:
        with sf.SoundFile(path) as handle:
            rate = handle.samplerate
            known = 0 < handle.frames < UNKNOWN_FRAMES  # an unclosed FLAC (an interrupted take) does not say
            if not known:
                return None  # PyAV reads what such a file holds
            _check_rate(path, rate)
            first, last = _segment(rate, handle.frames, start_s, end_s)
            if (last - first) > MAX_AUDIO_S * rate + rate // 2:
                raise _too_long(path, (last - first) / rate)
            if 0 < first <= handle.frames:
                handle.seek(first)
            data = handle.read(max(last - first, 0), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, ValueError, TypeError, OverflowError, MemoryError):
        return None
    return Audio(data[:, 0].copy() if data.shape[1] == 1 else data, rate)


def _open_av(path: Path):
    """The file's first audio stream with PyAV: (container, stream, rate); AudioFileError when there is none."""
    import av

    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError, OSError) as err:
        raise AudioFileError(
            f"{path} could not be read as audio or video; it may be damaged or in an unknown format."
        ) from err
    try:
        if not container.streams.audio:
            raise AudioFileError(f"{path} has no audio track, so there is nothing to listen to.")
        stream = container.streams.audio[0]
        rate = int(getattr(stream, "rate", None) or getattr(stream.codec_context, "sample_rate", None) or 0)
        _check_rate(path, rate)
    except BaseException:
        container.close()
        raise
    return container, stream, rate


def _with_pyav(path: Path, start_s: float | None, end_s: float | None) -> Audio:
    """Decode with PyAV (FFmpeg): seeks to `start_s` and keeps only the asked-for part (at most `MAX_AUDIO_S`)."""
    import av

    container, stream, rate = _open_av(path)
    with container:
        first, stop = _segment(rate, None, start_s, end_s)
        limit = int(MAX_AUDIO_S * rate) + rate // 2
        chunks: list[np.ndarray] = []
        kept = 0
        seen = 0
        try:
            resampler = av.AudioResampler(format="fltp", layout=None, rate=rate)
            if start_s and stream.time_base:
                try:
                    container.seek(int(start_s / stream.time_base), stream=stream, backward=True)
                except av.error.FFmpegError:
                    container.seek(0, stream=stream)
            origin: float | None = None  # time (s) of the first decoded sample
            for packet in container.demux(stream):
                for frame in packet.decode():
                    if origin is None:
                        origin = float(frame.time) if frame.time is not None else 0.0
                        seen = int(round(origin * rate))
                    for out in resampler.resample(frame):
                        block = out.to_ndarray().T
                        lo, hi = seen, seen + len(block)
                        seen = hi
                        if hi <= first:
                            continue  # before the segment: not kept
                        block = block[max(first - lo, 0):]
                        chunks.append(block)
                        kept += len(block)
                        if kept > limit and (stop is None or stop - first > limit):
                            raise _too_long(path, None if stop is None else (stop - first) / rate)
                if stop is not None and seen >= stop:
                    break
        except AudioFileError:
            raise
        except (av.error.FFmpegError, ValueError, AttributeError, TypeError, OverflowError) as err:
            if not chunks:
                raise AudioFileError(f"{path} could not be decoded; it may be damaged.") from err
    if not chunks:
        if first > 0 and seen <= first:
            return Audio(np.zeros(0, dtype=np.float32), rate)  # the segment starts after the end
        raise AudioFileError(f"{path} has an audio track with no sound in it.")
    data = np.concatenate(chunks).astype(np.float32, copy=False)
    if stop is not None:
        data = data[: max(stop - first, 0)]
    return Audio(data[:, 0].copy() if data.shape[1] == 1 else data, rate)


def _header_duration(path: Path) -> float | None:
    """The length the file's header gives (no decoding); None when it does not say."""
    import soundfile as sf

    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, ValueError, TypeError):
        pass
    else:
        _check_rate(path, info.samplerate)
        if 0 < info.frames < UNKNOWN_FRAMES:
            return info.frames / info.samplerate
    try:
        container, stream, _rate = _open_av(path)
    except AudioFileError:
        return None
    with container:
        if stream.duration and stream.time_base:
            return float(stream.duration * stream.time_base)
        if container.duration:
            return container.duration / 1_000_000
    return None


def read_audio(path: Path | str, *, start_s: float | None = None, end_s: float | None = None,
               mono: bool = False) -> Audio:
    """Decode `path` (optionally only `start_s`..`end_s`) to float32 at its own rate.

    At most `MAX_AUDIO_S` are read at a time (longer asks are refused from the header,
    before decoding), so memory never grows with a file's length. A segment outside the
    file is refused from the header too. Samples beyond full scale from a lossy decoder's
    overshoot are clipped to full scale; values far beyond it (`MAX_PEAK`) are an error.
    """
    path = Path(path).expanduser()
    _check_file(path)
    if start_s is not None and start_s < 0:
        raise AudioFileError(f"The segment start {format_time(start_s)} is before the beginning of {path}.")
    if start_s is not None and end_s is not None and end_s <= start_s:
        raise AudioFileError(
            f"The segment {format_time(start_s)} to {format_time(end_s)} has no length; the end must come after the start."
        )
    audio = None
    with quiet_stderr():  # the decoders' own warnings about a damaged file: the errors here say it in one line
        length = _header_duration(path)
        if length is not None:
            _check_segment(path, length, start_s, end_s)
        if path.suffix.lower() in SOUNDFILE_SUFFIXES:
            audio = _with_soundfile(path, start_s, end_s)
        if audio is None:
            audio = _with_pyav(path, start_s, end_s)
        promised = promised_duration(path)
    _check_complete(path, audio, promised, start_s, end_s)
    if len(audio.samples) == 0:
        if start_s:
            raise AudioFileError(
                f"The segment starting at {format_time(start_s)} lies outside {path}, which is only "
                f"{format_time(probe_duration(path))} long."
            )
        raise AudioFileError(f"{path} contains no audio samples.")
    if not np.isfinite(audio.samples).all():
        raise AudioFileError(f"{path} contains invalid sample values; it may be damaged.")
    if end_s is not None and audio.duration_s < (end_s - (start_s or 0.0)) - 0.05:
        raise AudioFileError(
            f"The segment {format_time(start_s or 0.0)} to {format_time(end_s)} runs past the end of {path}, "
            f"which is {format_time(probe_duration(path))} long."
        )
    if audio.duration_s < MIN_AUDIO_S:
        raise AudioFileError(f"{path} holds only {audio.duration_s * 1000:.1f} ms of audio, too little to measure "
                             "or play; it may be cut off.")
    audio = _within_full_scale(path, audio)
    return audio.mono() if mono else audio


def _check_segment(path: Path, length: float, start_s: float | None, end_s: float | None) -> None:
    """Refuse, from the header's length alone, a segment outside the file or longer than `MAX_AUDIO_S`."""
    if start_s and start_s >= length:
        raise AudioFileError(f"The segment starting at {format_time(start_s)} lies outside {path}, which is only "
                             f"{format_time(length)} long.")
    if end_s is not None and end_s > length + 0.05:
        raise AudioFileError(f"The segment {format_time(start_s or 0.0)} to {format_time(end_s)} runs past the end of "
                             f"{path}, which is {format_time(length)} long.")
    span = (length if end_s is None else end_s) - (start_s or 0.0)
    if span > MAX_AUDIO_S + 0.5:
        raise _too_long(path, span)


def _within_full_scale(path: Path, audio: Audio) -> Audio:
    peak = float(np.max(np.abs(audio.samples)))
    if peak <= 1.0:
        return audio
    if peak > MAX_PEAK:
        raise AudioFileError(
            f"{path} holds sample values far beyond full scale (peak {20 * math.log10(peak):+.0f} dBFS), which no "
            "recording can hold: it was saved wrongly (e.g. a float WAV not scaled to -1..1). Export it again."
        )
    return Audio(np.clip(audio.samples, -1.0, 1.0), audio.rate)  # a lossy decoder's overshoot
def promised_duration(path: Path | str) -> float | None:
    """The length in seconds a file's header states exactly, or None when it states none.

    WAV, FLAC, OGG and AIFF headers state it; an MP3 only with a Xing, Info or VBRI tag
    (without one, the length is an estimate from the bitrate, which a variable bitrate
    makes unreliable). Other formats: None.
    """
    import soundfile as sf

    path = Path(path)
    if path.suffix.lower() not in SOUNDFILE_SUFFIXES:
        return None
    try:
        with quiet_stderr():
            info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, ValueError, TypeError):
        return None
    if not 0 < info.frames < UNKNOWN_FRAMES or info.samplerate <= 0:
        return None
    if info.format == "MP3" or path.suffix.lower() == ".mp3":
        try:
            with path.open("rb") as handle:
                head = handle.read(64 * 1024)
        except OSError:
            return None
        if not any(tag in head for tag in MP3_LENGTH_TAGS):
            return None
    return info.frames / info.samplerate


def _check_complete(path: Path, audio: Audio, promised: float | None, start_s: float | None,
                    end_s: float | None) -> None:
    """`AudioFileError` when the decoded audio ends well before what the header promises."""
    if promised is None:
        return
    first = start_s or 0.0
    expected = min(promised, end_s if end_s is not None else promised) - first
    if expected <= 0 or audio.duration_s >= expected - CUT_SHORT_TOLERANCE_S - 0.01 * expected:
        return
    raise AudioFileError(
        f"{path} is cut short or damaged: its header promises {_length(promised)} of audio, but it ends "
        f"after {_length(first + audio.duration_s)} (an incomplete copy or download?). "
        "Copy or export it again from the original."
    )


def probe_duration(path: Path | str) -> float:
    """Length of the audio in seconds: from the header, else by counting decoded samples (nothing kept)."""
    path = Path(path).expanduser()
    _check_file(path)
    length = _header_duration(path)
    return length if length is not None else _counted_duration(path)


def _counted_duration(path: Path) -> float:
    import av

    container, stream, rate = _open_av(path)
    frames = 0
    with container:
        try:
            for packet in container.demux(stream):
                for frame in packet.decode():
                    frames += frame.samples
        except (av.error.FFmpegError, ValueError, AttributeError) as err:
            if not frames:
                raise AudioFileError(f"{path} could not be decoded; it may be damaged.") from err
    return frames / rate
