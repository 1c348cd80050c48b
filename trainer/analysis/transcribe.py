"""Transcripts with word timings, from the offline faster-whisper model.

`Transcriber` loads its model once (through `trainer.analysis.model.load`, which caches
it per process) and may be shared between threads. Whisper always encodes a 30 s window,
so one call costs about half a second even for a short phrase, and about a second for a
20 s take here. `IncrementalTranscriber` hides most of that: the app hands it each
phrase as soon as a pause ends it, a background thread transcribes them while the
speaker goes on, and `finish` only has the last piece left to do.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from trainer.analysis import model as model_loader
from trainer.analysis.signal import ANALYSIS_RATE, prepare
from trainer.errors import ModelError

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

BATCH_LIMIT_S = 28.0  # pieces joined for one call stay within Whisper's 30 s window
JOIN_GAP_S = 0.3  # silence put between joined pieces that are not adjacent in the take


@dataclass(frozen=True)
class Word:
    text: str
    start_s: float
    end_s: float
    probability: float


@dataclass(frozen=True)
class Transcript:
    text: str
    words: tuple[Word, ...]

    @staticmethod
    def join(parts: list[Transcript]) -> Transcript:
        """Transcripts of consecutive pieces as one."""
        text = " ".join(p.text for p in parts if p.text)
        return Transcript(text, tuple(w for p in parts for w in p.words))


def _mono16k(samples: np.ndarray, rate: int) -> np.ndarray:
    return prepare(samples, rate).mono16k


class Transcriber:
    """Speech to text with word timings. `model`: None/"tiny.en" (bundled), a model name, or a folder."""

    def __init__(self, model: str | None = None, cpu_threads: int = 2) -> None:
        self.model_name = model
        self.cpu_threads = cpu_threads
        self._lock = threading.Lock()  # one decode at a time keeps the two cores predictable

    def load(self) -> WhisperModel:
        """The loaded model (loaded on first use, then reused); `ModelError` when it cannot be."""
        return model_loader.load(self.model_name, cpu_threads=self.cpu_threads)

    def transcribe(self, samples: np.ndarray, rate: int) -> Transcript:
        """Transcribe a take or phrase ((n,) or (n, channels) at any rate)."""
        return self._transcribe16k(_mono16k(samples, rate))

    def _transcribe16k(self, audio: np.ndarray) -> Transcript:
        model = self.load()
        with self._lock:
            try:
                segments, _ = model.transcribe(
                    audio,
                    language=None if model.model.is_multilingual else "en",
                    beam_size=1,
                    condition_on_previous_text=False,
                    word_timestamps=True,
                    vad_filter=False,
                )
                segments = list(segments)
            except (RuntimeError, ValueError) as err:
                raise ModelError(f"The transcription model failed on this take: {err}.") from err
        words = tuple(
            Word(w.word.strip(), round(float(w.start), 3), round(float(w.end), 3), round(float(w.probability), 3))
            for s in segments for w in (s.words or []) if w.word.strip()
        )
        text = " ".join(s.text.strip() for s in segments if s.text.strip())
        return Transcript(text, words)

    def incremental(self) -> IncrementalTranscriber:
        """A transcriber for one take fed phrase by phrase (see `IncrementalTranscriber`)."""
        return IncrementalTranscriber(self)


@dataclass(frozen=True, eq=False)
class _Piece:
    audio: np.ndarray  # mono 16 kHz
    offset_s: float

    @property
    def duration_s(self) -> float:
        return len(self.audio) / ANALYSIS_RATE


class IncrementalTranscriber:
    """Transcribes one take phrase by phrase in a background thread.

    `add_phrase` returns at once; phrases that pile up while the thread is busy are
    joined into one call (consecutive phrases join seamlessly, as in the take). `finish`
    transcribes the tail and returns the whole take's transcript, word times in take
    time. A model that cannot be loaded (or any failure in the background) surfaces as
    `ModelError` from `finish`. Use one instance per take.
    """

    def __init__(self, transcriber: Transcriber) -> None:
        self.transcriber = transcriber
        self._cond = threading.Condition()
        self._pending: list[_Piece] = []
        self._done: list[tuple[float, Transcript]] = []
        self._busy = False
        self._closed = False
        self._error: ModelError | None = None  # from the background thread, raised by finish()
        self._thread: threading.Thread | None = None

    def add_phrase(self, samples: np.ndarray, rate: int, offset_s: float) -> None:
        """Queue a finished phrase that starts `offset_s` seconds into the take."""
        piece = _Piece(_mono16k(samples, rate), float(offset_s))
        with self._cond:
            if self._closed:
                raise RuntimeError("finish() was already called for this take")
            self._pending.append(piece)
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="levelvoice-transcribe", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def close(self) -> None:
        """Drop the phrases still queued and wait for the one being transcribed (a take that failed).

        Nothing may be left running in the background: a process that exits while the model
        works aborts ("terminate called without an active exception"). Safe after `finish`.
        """
        with self._cond:
            self._closed = True
            self._pending = []
            self._cond.notify_all()
            self._cond.wait_for(lambda: not self._busy)

    def finish(self, tail_samples: np.ndarray | None = None, rate: int | None = None,
               offset_s: float | None = None) -> Transcript:
        """Transcribe what is left (the tail, if given) and return the take's whole transcript."""
        tail = None
        if tail_samples is not None and len(tail_samples):
            if rate is None or offset_s is None:
                raise ValueError("finish() needs the tail's rate and offset_s")
            tail = _Piece(_mono16k(tail_samples, rate), float(offset_s))
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            self._cond.wait_for(lambda: not self._busy)
            batch = self._pending + ([tail] if tail is not None and _has_speech(tail.audio) else [])
            self._pending = []
        if self._error is not None:
            raise self._error
        done = list(self._done)
        for group in _groups(batch):
            done.extend(self._run(group))
        done.sort(key=lambda item: item[0])
        return Transcript.join([t for _, t in done])

    def _work(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending or self._closed)
                if not self._pending or self._closed:
                    return
                batch, self._pending = self._pending, []
                self._busy = True
            results: list[tuple[float, Transcript]] = []
            try:
                results = [r for group in _groups(batch) for r in self._run(group)]
            except Exception as err:  # kept for finish() to raise; the thread must never die busy
                self._error = err if isinstance(err, ModelError) else ModelError(
                    f"Transcription failed: {type(err).__name__}: {err}.")
            finally:
                with self._cond:
                    self._done.extend(results)
                    self._busy = False
                    self._cond.notify_all()
            if self._error is not None:
                return

    def _run(self, group: list[_Piece]) -> list[tuple[float, Transcript]]:
        """Transcribe pieces joined into one call; each piece gets its own words back, in take time."""
        gap = np.zeros(int(JOIN_GAP_S * ANALYSIS_RATE), dtype=np.float32)
        starts, parts, at = [], [], 0
        for index, piece in enumerate(group):
            previous = group[index - 1] if index else None
            if previous is not None and abs(previous.offset_s + previous.duration_s - piece.offset_s) > 0.001:
                parts.append(gap)  # pieces that do not follow each other get a short silence between
                at += len(gap)
            starts.append(at / ANALYSIS_RATE)
            parts.append(piece.audio)
            at += len(piece.audio)
        joined = self.transcriber._transcribe16k(np.concatenate(parts))
        buckets: list[list[Word]] = [[] for _ in group]
        for word in joined.words:
            middle = (word.start_s + word.end_s) / 2
            index = max(0, int(np.searchsorted(starts, middle, side="right")) - 1)
            piece, start = group[index], starts[index]
            shift = piece.offset_s - start
            clamp = (start, start + piece.duration_s)
            buckets[index].append(Word(word.text, round(min(max(word.start_s, clamp[0]), clamp[1]) + shift, 3),
                                       round(min(max(word.end_s, clamp[0]), clamp[1]) + shift, 3), word.probability))
        if len(group) == 1:
            return [(group[0].offset_s, Transcript(joined.text, tuple(buckets[0])))]
        return [(piece.offset_s, Transcript(" ".join(w.text for w in words), tuple(words)))
                for piece, words in zip(group, buckets)]


def _groups(pieces: list[_Piece]) -> list[list[_Piece]]:
    """Consecutive pieces grouped so that each group fits one Whisper window."""
    groups: list[list[_Piece]] = []
    total = 0.0
    for piece in pieces:
        if groups and total + JOIN_GAP_S + piece.duration_s <= BATCH_LIMIT_S:
            groups[-1].append(piece)
            total += JOIN_GAP_S + piece.duration_s
        else:
            groups.append([piece])
            total = piece.duration_s
    return groups


def _has_speech(audio: np.ndarray) -> bool:
    """Whether a tail holds any speech-like sound worth a transcription call."""
    from trainer.analysis.activity import HOP_S, frame_levels, runs, speech_threshold

    levels = frame_levels(audio, ANALYSIS_RATE)
    above = levels > speech_threshold(levels).threshold_db
    return any((b - a) * HOP_S >= 0.1 for a, b in runs(above))
