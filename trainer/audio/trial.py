"""One trial: play the client clip, record the therapist's answer, measure when it started.

The recording starts before the clip and runs through it, so everything is measured in
one timeline, the take's: where the clip began and ended is found from the two streams'
clocks (see clock.py), where speech began and ended from the speech detector (trainer.analysis.speech). The
take stops by itself after the answer (a silence of `hangover_s` after at least 0.5 s of
speech), on `stop` (a key), at `max_s`, when nothing was said within `no_response_s` of
the clip's end, or when the microphone goes away.

Headphones are expected. With speakers the microphone also hears the clip; the leak gate
(leak.py) recognises it by correlation with what was played, so it is not taken for speech.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from trainer.analysis.features import Segment
from trainer.analysis.speech import FRAME_S, Onset, SpeechDetector, SpeechEvent, transcription_span
from trainer.audio.cue import cue_tone
from trainer.audio.events import Live, PhraseFinished, PlaybackProgress, SpeechStarted, Stopped, TrialEvent, YourTurn
from trainer.audio.leak import LeakGate
from trainer.audio.playback import Player
from trainer.audio.recorder import Recorder
from trainer.media import Audio

CUE_GAP_S = 0.15
MIN_SPEECH_S = 0.5
PROGRESS_EVERY_S = 0.1
TICK_S = 0.02
NO_RESPONSE_MESSAGE = ("No response heard: check the microphone (is it muted, or is another one selected? "
                       "`levelvoice devices` lists them).")
INTERRUPT_MESSAGE = "Stopped with Ctrl+C: the take so far is kept."
CUT_SHORT = ("device_lost", "max_length", "interrupt")  # ways a take ends other than by its own end


class Stop(threading.Event):
    """Set to end a take now. `reason`: "key" (the person ended it) or "interrupt" (Ctrl+C, SIGTERM)."""

    def __init__(self) -> None:
        super().__init__()
        self.reason = "key"

    def request(self, reason: str = "key") -> None:
        if not self.is_set():
            self.reason = reason
        self.set()


@dataclass(frozen=True)
class TrialResult:
    take_path: Path
    rate: int
    clip_duration_s: float
    latency_s: float | None  # clip end to the start of speech; negative when speech began during the clip
    overlap_s: float  # seconds of speech while the clip was still playing
    speech_onset_s: float | None  # take time
    speech_end_s: float | None  # take time
    interrupted: bool
    overflows: int
    no_response: bool
    stopped_by: str  # "silence" | "key" | "max_length" | "no_response" | "device_lost" | "interrupt"
    # ("recovered" after a crash)
    message: str | None
    clip_start_s: float | None = None  # take time at which the clip was heard starting
    clip_end_s: float | None = None
    take_duration_s: float = 0.0
    leak_detected: bool = False  # the microphone heard the clip (speakers rather than headphones)
    leak_delay_s: float = 0.0  # heard this much after the clip's placement (a misreported latency, a loopback)

    def to_dict(self) -> dict:
        values = asdict(self)
        values["take_path"] = str(self.take_path)
        return values


class _Trial:
    def __init__(self, clip: Audio, take_path: Path, *, input_device: str, output_device: str, samplerate: int,
                 cue: bool,
                 hangover_s: float, max_s: float, no_response_s: float,
                 on_event: Callable[[TrialEvent], None] | None, stop: threading.Event | None) -> None:
        self.clip = clip
        self.hangover_s = hangover_s
        self.max_s = max_s
        self.no_response_s = no_response_s
        self.on_event = on_event
        self.stop = stop or threading.Event()
        self.events: queue.SimpleQueue = queue.SimpleQueue()
        played = clip.samples
        if cue:
            gap = np.zeros((int(CUE_GAP_S * clip.rate),) + played.shape[1:], dtype=np.float32)
            tone = cue_tone(clip.rate)
            if played.ndim == 2:
                tone = np.repeat(tone[:, None], played.shape[1], axis=1)
            played = np.concatenate([played, gap, tone])
        self.player = Player(Audio(played, clip.rate), device=output_device)
        self.gate = LeakGate(Audio(played, clip.rate).mono().samples, clip.rate)
        self.detector = SpeechDetector(leak=self.gate)
        self.recorder = Recorder(take_path, device=input_device, samplerate=samplerate, detector=self.detector,
                                 on_live=lambda level: self.events.put(Live(level)),
                                 on_speech=self._on_speech)
        self.clip_start_s: float | None = None

    # -- events from the live thread ---------------------------------------------------------
    def _on_speech(self, event: SpeechEvent) -> None:
        if isinstance(event, Onset):
            self.events.put(SpeechStarted(event.t_s))
        elif isinstance(event, Segment):
            start, end = transcription_span(event)
            samples = self.recorder.samples(start, end)
            self.events.put(PhraseFinished(start, start + len(samples) / self.recorder.rate, samples,
                                           self.recorder.rate))

    def _emit(self, event: TrialEvent) -> None:
        if self.on_event is not None:
            self.on_event(event)

    def _drain(self) -> None:
        while True:
            try:
                self._emit(self.events.get_nowait())
            except queue.Empty:
                return

    # -- timeline ------------------------------------------------------------------------------
    def _place_clip(self) -> None:
        """Where (take time) the first clip sample was heard, from the two streams' clocks."""
        played_at = self.player.time_of(0)
        if played_at is None or len(self.recorder.clock) == 0:
            return
        index = self.recorder.clock.index_at(played_at)
        if index is not None:
            self.clip_start_s = index / self.recorder.rate
            self.gate.place(self.clip_start_s)

    @property
    def clip_end_s(self) -> float | None:
        return None if self.clip_start_s is None else self.clip_start_s + self.clip.duration_s

    # -- the loop --------------------------------------------------------------------------
    def run(self) -> TrialResult:
        self.recorder.start()
        try:
            self.player.start()
        except BaseException:
            self.recorder.discard()
            raise
        reason, end_s, message = self._watch()
        self.player.stop()
        self._place_clip()
        recording = self.recorder.stop(end_s=end_s)
        self._drain()
        return self._result(recording, reason, message)

    def _watch(self) -> tuple[str, float | None, str | None]:
        your_turn = False
        next_progress = 0.0
        settled_at = None
        while True:
            time.sleep(TICK_S)
            self._drain()
            if settled_at is None or time.monotonic() < settled_at:
                self._place_clip()
                if self.player.finished and settled_at is None:
                    settled_at = time.monotonic() + 1.0  # keep refining a little after the clip
            position = min(self.player.position_s, self.clip.duration_s)
            if not your_turn:
                now = time.monotonic()
                if now >= next_progress:
                    next_progress = now + PROGRESS_EVERY_S
                    self._emit(PlaybackProgress(position, self.clip.duration_s))
                if position >= self.clip.duration_s or self.player.finished:
                    your_turn = True
                    self._emit(PlaybackProgress(self.clip.duration_s, self.clip.duration_s))
                    self._emit(YourTurn())
            if self.stop.is_set():
                reason = getattr(self.stop, "reason", "key")
                return reason, None, INTERRUPT_MESSAGE if reason == "interrupt" else None
            if self.recorder.ended:
                return "device_lost", None, self.recorder.message
            if self.player.lost or self.player.failed:
                name = self.player.device.name if self.player.device else "speaker"
                return "device_lost", None, (
                    f"The speaker or headphones '{name}' stopped playing (unplugged?), so the trial stopped. "
                    "Plug them back in or choose others with `levelvoice devices`.")
            decision = self._decide()
            if decision is not None:
                reason, end_s = decision
                message = (f"The take reached its maximum length ({self.max_s:.0f} s) and stopped; what you said is "
                           "kept. (`levelvoice config set max_take_s SECONDS` changes the limit.)"
                           if reason == "max_length" else None)
                return reason, end_s, message

    def _decide(self) -> tuple[str, float] | None:
        """Stop conditions, judged in take time on the audio the detector has judged."""
        judged = self.detector.decided_s
        if judged >= self.max_s:
            return "max_length", self.max_s
        clip_end = self.clip_end_s
        if clip_end is None or not self.player.finished or judged < clip_end:
            return None
        last_end = self.detector.last_speech_end_s
        if self.detector.speaking:
            return None
        if self.detector.speech_s() >= MIN_SPEECH_S and last_end is not None:
            quiet_since = max(last_end, clip_end)
            if judged - quiet_since >= self.hangover_s:
                return "silence", quiet_since + self.hangover_s
        answered = last_end is not None and last_end > clip_end
        if not answered and judged - clip_end >= self.no_response_s:
            return "no_response", clip_end + self.no_response_s
        return None

    def _result(self, recording, reason: str, message: str | None) -> TrialResult:
        self._emit(Stopped(reason))
        end = recording.duration_s
        phrases = [p for p in self.detector.phrases if p.start_s < end]
        onset = phrases[0].start_s if phrases else None
        speech_end = min(phrases[-1].end_s, end) if phrases else None
        clip_end = self.clip_end_s
        latency = onset - clip_end if (onset is not None and clip_end is not None) else None
        overlap = 0.0
        if clip_end is not None and self.clip_start_s is not None:
            overlap = sum(max(0.0, min(p.end_s, clip_end) - max(p.start_s, self.clip_start_s)) for p in phrases)
        no_response = reason == "no_response"
        if no_response:
            message = NO_RESPONSE_MESSAGE
        return TrialResult(
            take_path=recording.path, rate=recording.rate, clip_duration_s=self.clip.duration_s,
            latency_s=latency, overlap_s=overlap, speech_onset_s=onset, speech_end_s=speech_end,
            interrupted=recording.interrupted or reason in CUT_SHORT, overflows=recording.overflows,
            no_response=no_response,
            stopped_by=reason, message=message or recording.message, clip_start_s=self.clip_start_s,
            clip_end_s=clip_end, take_duration_s=recording.duration_s, leak_detected=self.gate.leaking,
            leak_delay_s=self.gate.delay_frames * FRAME_S if self.gate.leaking else 0.0,
        )


def run_trial(clip: Audio, take_path: Path | str, *, input_device: str = "", output_device: str = "",
              cue: bool = True, hangover_s: float = 1.5, max_s: float = 90.0, no_response_s: float = 10.0,
              on_event: Callable[[TrialEvent], None] | None = None,
              stop: threading.Event | None = None, samplerate: int = 0) -> TrialResult:
    """Play `clip`, record the answer to `take_path` (FLAC) and measure it; see the module docstring.

    `on_event` is called from this function's thread with PlaybackProgress, YourTurn, Live,
    SpeechStarted, PhraseFinished and finally Stopped. Set `stop` to end the take now (a key).
    `samplerate` is the recording rate (0: the microphone's own; unsupported rates fall back).
    """
    trial = _Trial(clip, Path(take_path), input_device=input_device, output_device=output_device,
                   samplerate=samplerate, cue=cue,
                   hangover_s=hangover_s, max_s=max_s, no_response_s=no_response_s, on_event=on_event, stop=stop)
    return trial.run()  # PortAudio's own chatter is silenced where streams open and close (portaudio.py)
