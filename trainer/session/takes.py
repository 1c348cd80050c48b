"""One take, start to finish: play and record, measure, judge, store, transcribe.

`TakeRunner.run` blocks its thread and reports through `post(event)`. The acoustic
result is judged and stored as soon as the recording ends; the transcript (started
phrase by phrase while the person was still speaking) completes the stored take a
moment later, and the take is judged again with it (pace counts the transcript's
syllables), from the bands it started with, so its bands move once. The take's audio file is never deleted here, whatever fails.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from trainer import paths
from trainer.errors import DiskFullError, ModelError, StoreError
from trainer.session.events import AnalysisWaiting, ResultReady, ReviewReady, TakeFailed, TakeOutcome, TranscriptReady
from trainer.session.review import against_best, measure_phrases, review_of

Post = Callable[[Any], None]
log = logging.getLogger("levelvoice.session")


def take_path_for(drill_id: str, moment: dt.datetime) -> Path:
    """takes/2026-11-22/091503-anger-1-pharmacy.flac (local time); never an existing file.

    A second take in the same second gets `091503-anger-1-pharmacy.2.flac`: the number
    follows a dot, which no drill id holds, so `drill_id_of` still reads the drill.
    """
    folder = paths.ensure_private_dir(paths.takes_dir() / moment.strftime("%Y-%m-%d"))
    stem = f"{moment.strftime('%H%M%S')}-{drill_id}"
    path = folder / f"{stem}.flac"
    counter = 2
    while path.exists() or path.with_name(path.name + ".partial").exists():
        path = folder / f"{stem}.{counter}.flac"
        counter += 1
    return path


LEAK_TAIL_S = 0.15  # a leaked clip's reverberation


def check_save_path(path: Path) -> Path:
    """Where `take --save` may write its copy; checked before the take so nothing is recorded in vain.

    A folder that does not exist is created (private); an existing folder is never changed.
    """
    from trainer.errors import DataFolderError

    path = Path(path).expanduser().resolve()
    if path.is_dir():
        raise DataFolderError(f"{path} is a folder; give --save a file name in it, e.g. {path / 'answer.flac'}.")
    folder = path.parent
    if not folder.exists():
        try:
            folder.mkdir(parents=True, mode=paths.PRIVATE_DIR_MODE)
        except OSError as err:
            raise DataFolderError(f"Cannot create the folder {folder} for --save: {err.strerror or err}.") from err
    elif not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise DataFolderError(f"Cannot write into {folder}; choose another place for --save.")
    return path


def save_copy(source: Path, target: Path) -> None:
    """Copy a stored take to `target` (0600, written whole or not at all); the history keeps `source`."""
    from trainer.audio.flacfile import FULL_ERRNOS
    from trainer.errors import DiskFullError, TrainerError

    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, paths.PRIVATE_FILE_MODE)
        with open(fd, "wb") as out, open(source, "rb") as data:
            shutil.copyfileobj(data, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        kind = DiskFullError if err.errno in FULL_ERRNOS else TrainerError
        raise kind(f"Could not save a copy of the take to {target} ({err.strerror or err}); the take is stored in "
                   f"your history and kept in {source}.") from err


def answer_start_s(trial) -> float:
    """Where the therapist's answer starts in the recording (seconds).

    The recording runs from the clip's start. With headphones the clip part is near
    silence, but with speakers it holds the clip itself, so the answer starts where the
    clip ended (where the microphone stopped hearing it, when it leaked), or earlier where
    the therapist began talking over the client (unless the clip leaked into the
    microphone, when that stretch mixes both voices).
    """
    start_s = trial.clip_end_s or 0.0
    if trial.clip_end_s is not None and trial.leak_detected:
        start_s += max(trial.leak_delay_s, 0.0) + LEAK_TAIL_S
    onset = trial.speech_onset_s
    if onset is not None and onset < start_s and not trial.leak_detected:
        start_s = max(onset - 0.1, 0.0)
    if start_s > trial.take_duration_s - 0.5:  # nothing after the clip: measure it all
        start_s = 0.0
    return start_s


def drill_id_of(take_path: Path) -> str:
    """The drill id in a take's file name (inverse of `take_path_for`; also for its `.partial`)."""
    stem = take_path.name.split(".")[0]
    return stem.split("-", 1)[1] if "-" in stem else stem


@dataclass(frozen=True)
class ClipDrill:
    """A clip practised without a drill entry (`levelvoice take --clip`, or a take whose drill was removed)."""

    id: str
    clip_path: Path | None = None
    title: str = ""
    challenge: str = "other"
    difficulty: str | None = None

    @property
    def offsets(self):
        from trainer.drills import TargetOffsets

        return TargetOffsets()

    @classmethod
    def from_file(cls, path: Path | str) -> ClipDrill:
        path = Path(path)
        slug = "".join(c if c.isalnum() else "-" for c in path.stem.lower()).strip("-") or "clip"
        return cls(id=f"clip-{slug}", clip_path=path, title=path.name)


@dataclass
class _Phrases:
    """Phrases handed to the incremental transcriber during the take, and where they end."""

    transcriber: Any | None
    end_s: float = 0.0

    def add(self, event) -> None:
        if self.transcriber is not None:
            self.transcriber.add_phrase(event.samples, event.rate, event.start_s)
            self.end_s = max(self.end_s, event.end_s)

    def close(self) -> None:
        if self.transcriber is not None:
            self.transcriber.close()


class TakeRunner:
    """Runs takes for a `Practice` (which owns settings, store, clock and transcriber)."""

    def __init__(self, practice) -> None:
        self.practice = practice

    def run(self, drill, *, post: Post, stop: threading.Event, take_path: Path | None = None) -> TakeOutcome | None:
        from trainer.audio.events import PhraseFinished
        from trainer.audio.trial import run_trial

        practice = self.practice
        settings = practice.settings
        clip = practice.clip_audio(drill)
        path = take_path or take_path_for(drill.id, practice.now().astimezone(practice.tz))
        phrases = _Phrases(practice.incremental_transcriber())

        def on_event(event) -> None:
            if isinstance(event, PhraseFinished):
                phrases.add(event)
            else:
                post(event)

        try:
            trial = run_trial(
                clip, path, input_device=settings.input_device, output_device=settings.output_device,
                cue=settings.cue_sound, hangover_s=settings.silence_hangover_s, max_s=settings.max_take_s,
                on_event=on_event, stop=stop, samplerate=settings.sample_rate,
            )
            if trial.no_response:
                practice.touch(counts=False)
                self.keep_unanswered(drill, trial)
                post(TakeFailed(trial.message or "No response heard: check the microphone.", trial.take_path, trial))
                return None
            return self.measure(drill, trial, phrases, post=post)
        finally:
            phrases.close()  # a take that failed leaves no transcription running (an exit would abort)

    def keep_unanswered(self, drill, trial) -> None:
        """Store a take with no answer as one that does not count, so its recording is in the history
        (purge and export know it). If that fails, the next start stores it (trainer.session.recovery)."""
        from trainer.analysis import acoustic_features
        from trainer.media import read_audio

        try:
            audio = read_audio(trial.take_path, mono=True)
            self.practice.judge_and_store(drill, trial, acoustic_features(audio.samples, audio.rate), counts=False)
        except Exception:  # noqa: BLE001 - the take has failed already; its recording waits for the next start
            pass

    def measure(self, drill, trial, phrases: _Phrases, *, post: Post) -> TakeOutcome:
        """Analyse, judge and store a recorded take; then complete it with the transcript."""
        from trainer.analysis import acoustic_features, add_transcript, without_transcript
        from trainer.media import read_audio

        practice = self.practice
        if not practice.analysis_ready:
            post(AnalysisWaiting("the analysis engine is still starting up"))
        start_s = answer_start_s(trial)
        audio = read_audio(trial.take_path, start_s=start_s or None, mono=True)
        features = acoustic_features(audio.samples, audio.rate)
        bands_before = practice.store.band_states(drill.id)
        try:
            outcome = practice.judge_and_store(drill, trial, features)
        except (StoreError, DiskFullError) as err:  # the recording stays; the next start stores it
            raise type(err)(f"{err} Your recording was kept ({trial.take_path}) and will be stored at the next "
                            "start.") from err
        practice.touch(counts=outcome.counted)  # the take's own time is practice only if it counts
        post(ResultReady(outcome))
        spoken = self._phrases(outcome, audio)
        outcome = self._reviewed(outcome, spoken, audio, start_s)
        if outcome.review is not None:
            post(ReviewReady(outcome))
        words = ()
        if features.speech_s > 0:
            try:
                transcript = self._finish_transcript(phrases, audio, start_s)
                features = add_transcript(features, transcript)
                words = transcript.words
            except ModelError as err:
                features = without_transcript(features, str(err))
            complete = practice.complete_take(outcome, drill, features, bands_before)
        else:
            complete = replace(outcome, complete=True, warnings=practice.warnings_for(trial, features))
        complete = self._reviewed(complete, spoken, audio, start_s, words)  # the final verdict, and the words
        post(TranscriptReady(complete))
        return complete

    def _phrases(self, outcome: TakeOutcome, audio) -> tuple | None:
        """The answer's phrases measured, or None when that failed (logged: the take itself is safe)."""
        try:
            return measure_phrases(outcome.features, audio)
        except Exception:  # an extra view of a stored take must never cost the take or its transcript
            log.exception("measuring the phrases of take %s failed", outcome.take_id)
            return None

    def _reviewed(self, outcome: TakeOutcome, spoken: tuple | None, audio, start_s: float,
                  words=()) -> TakeOutcome:
        """The outcome with its phrase review and its comparison with the personal best (as judged now)."""
        if spoken is None:
            return outcome
        try:
            review = review_of(spoken, outcome.verdict, outcome.trial, start_s, audio.duration_s, words,
                               self.practice.store.latest_baseline())
            best = against_best(self.practice.store, outcome.drill_id, outcome.take_id)
        except Exception:  # as above: logged, left out
            log.exception("review of take %s failed", outcome.take_id)
            return outcome
        return replace(outcome, review=review, best=best)

    def _finish_transcript(self, phrases: _Phrases, audio, start_s: float):
        """The whole transcript: phrases done during the take, plus the tail after the last one.

        `audio` starts at `start_s` in the take; word times stay in take time.
        """
        incremental = phrases.transcriber
        if incremental is None:
            problem = self.practice.transcription_problem or "transcription is switched off"
            raise ModelError(problem)
        tail_from = max(phrases.end_s, start_s)
        tail = audio.samples[int((tail_from - start_s) * audio.rate):]
        return incremental.finish(tail, audio.rate, tail_from) if len(tail) else incremental.finish()
