"""`Practice`: the headless face of Level Voice that the TUI and the CLI both use.

It owns the settings, the history store, the drill library, the clock and the
transcriber, and turns them into what a screen shows (`TodaySummary`, `DrillCard`,
`ProgressView`) or does (a take, a calibration, a device test). Methods that block
(takes, tests, warm-up) are meant for worker threads and report through `post(event)`.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainer import config, paths
from trainer.session.events import TakeOutcome, WarmUpDone
from trainer.session.lock import recording_lock
from trainer.session.questions import question_for
from trainer.session.takes import ClipDrill, TakeRunner, drill_id_of

Post = Callable[[Any], None]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class TodaySummary:
    """The Today screen: where the therapist stands (`stats`) and what to practise next."""

    stats: Any  # trainer.store.Stats: minutes today, goal, streaks, freezes
    continue_drill: Any | None  # trainer.drills.Drill
    continue_reason: str
    challenge_label: str
    suggestion: str | None
    has_baseline: bool
    baseline_warning: str | None
    question: str
    recovered_takes: int


@dataclass(frozen=True)
class DrillCard:
    """A drill as the library lists it."""

    drill: Any
    challenge_label: str
    takes: int
    last_score: int | None


@dataclass(frozen=True)
class RecentTake:
    take_id: int
    at: dt.datetime
    score: int | None
    rating: int | None


@dataclass(frozen=True)
class ProgressView:
    today: dt.date
    days: dict[dt.date, str]  # "goal", "partial" or "freeze"
    current_streak: int
    best_streak: int
    freezes: int
    days_this_month: int
    takes_total: int


TREND_METRICS = (
    ("score", "level-voice score"),
    ("loudness", "loudness (dBFS)"),
    ("pitch", "pitch (semitones re 100 Hz)"),
    ("pitch_range", "pitch range (semitones)"),
    ("pace", "pace (ratio to your calm pace)"),
    ("edge", "edge (dB brighter than your loudness explains)"),
    ("latency", "response time (s)"),
)


def default_report_folder() -> Path:
    """Where the app writes reports: the documents folder when there is one, else the home folder."""
    import platformdirs

    folder = Path(platformdirs.user_documents_dir())
    return folder if folder.is_dir() else Path.home()


class Practice:
    """One per app run (or CLI command). Thread-safe for one take at a time."""

    def __init__(self, *, settings: config.Settings, store, clock: Callable[[], dt.datetime] = _utc_now,
                 transcribe: bool = True) -> None:
        from trainer.practice.clock import zone

        self.settings = settings
        self.store = store
        self.tz = zone(settings.timezone)
        self._clock = clock
        self._transcribe = transcribe
        self._library: list | None = None
        self._clips: dict[str, Any] = {}
        self._session_id: int | None = None
        self._take_lock = threading.Lock()
        self._take_active = False
        self._stop_events: set[threading.Event] = set()
        self._ready = threading.Event()
        self.transcription_problem: str | None = None if transcribe else "transcription is switched off"
        self.recovered_takes = 0
        self.recovery_notes: list[str] = []  # what reconciling the takes folder could not do, one line each
        self.library_problems: list[str] = []
        self._tilt_measured: dict[int, tuple] = {}  # older baselines: brightness measured from their recordings

    @classmethod
    def open(cls, *, clock: Callable[[], dt.datetime] = _utc_now, transcribe: bool = True) -> Practice:
        """Settings from config.toml and the history from the data folder."""
        from trainer.store import open_store

        return cls(settings=config.load(), store=open_store(), clock=clock, transcribe=transcribe)

    def close(self) -> None:
        """End the practice session and close the history (a history that cannot be written then
        loses only the session's last minutes: the takes are stored, or kept for the next start)."""
        from trainer.errors import DiskFullError, StoreError

        try:
            self.end_practice()
        except (StoreError, DiskFullError):
            pass
        finally:
            self.store.close()

    # ---- time ----

    def now(self) -> dt.datetime:
        return self._clock()

    def local_today(self) -> dt.date:
        return self.now().astimezone(self.tz).date()

    # ---- start-up ----

    def warm_up(self, post: Post | None = None) -> WarmUpDone:
        """Load heavy libraries and the model, then recover interrupted takes. For a background thread."""
        from trainer.analysis import model as whisper_model
        from trainer.analysis import warm_up
        from trainer.errors import ModelError

        started = time.perf_counter()
        warm_up(self.settings.transcription_model, transcribe=False)
        if self._transcribe:
            try:
                whisper_model.load(self.settings.transcription_model)
            except ModelError as err:
                self.transcription_problem = f"{err} Takes are still measured, without a transcript."
            else:
                warm_up(self.settings.transcription_model, transcribe=True)
        self._ready.set()
        self.recovered_takes = len(self.recover_interrupted())
        done = WarmUpDone(time.perf_counter() - started, self.transcription_problem, self.recovered_takes)
        if post:
            post(done)
        return done

    @property
    def analysis_ready(self) -> bool:
        return self._ready.is_set()

    def transcriber(self):
        """The shared transcriber (model loaded once), or None when transcription is off."""
        if not self._transcribe or (self._ready.is_set() and self.transcription_problem):
            return None
        from trainer.analysis import Transcriber

        return Transcriber(self.settings.transcription_model)

    def incremental_transcriber(self):
        """A fresh phrase-by-phrase transcriber for one take, or None when transcription is off."""
        transcriber = self.transcriber()
        return None if transcriber is None else transcriber.incremental()

    def recover_interrupted(self) -> list:
        """Reconcile the takes folder with the history; returns the Recordings stored now.

        Interrupted takes and recordings the history does not know are measured and stored
        for the drill named in their file name (kept under that id even when the drill is
        gone), dated when they were last written; what could not be done is one line each in
        `recovery_notes`. Nothing is recovered while another window is recording: that waits
        for a later start (see trainer.session.recovery).
        """
        from trainer.session.recovery import reconcile

        done = reconcile(self)
        self.recovery_notes = done.notes
        return done.recovered

    def store_found(self, path: Path, recording, *, partial: Path | None = None,
                    at: dt.datetime | None = None) -> int | None:
        """Measure a recording found in the takes folder and store it as recovered, unless the history holds it.

        `partial`: the interrupted file it was closed from (a take holding that is pointed at
        `path` instead). Returns the new take's id, or None when nothing was added.
        """
        from trainer.analysis import acoustic_features
        from trainer.audio.trial import TrialResult
        from trainer.errors import DrillError
        from trainer.media import read_audio

        drill_id = drill_id_of(partial or path)
        try:
            drill = self.drill(drill_id)
        except DrillError:  # a clip take, or its drill was removed: kept all the same
            drill = ClipDrill(drill_id)
        audio = read_audio(path, mono=True)
        trial = TrialResult(
            take_path=path, rate=recording.rate, clip_duration_s=0.0, latency_s=None, overlap_s=0.0,
            speech_onset_s=None, speech_end_s=None, interrupted=recording.interrupted, overflows=recording.overflows,
            no_response=False, stopped_by="recovered",
            message=recording.message or "Recovered after Level Voice stopped during the take.",
            take_duration_s=recording.duration_s,
        )
        record, _verdict, bands = self._judged(drill, trial, acoustic_features(audio.samples, audio.rate), at=at)
        return self.store.add_found_take(record, bands=bands, partial=partial)

    # ---- drills ----

    def library(self) -> list:
        if self._library is None:
            from trainer.drills import load_library

            problems: list[str] = []
            self._library = load_library(problems)
            self.library_problems = problems  # drills left out because they cannot be read, one line each
        return self._library

    def drill(self, drill_id: str):
        for drill in self.library():
            if drill.id == drill_id:
                return drill
        from trainer.drills import get_drill

        return get_drill(drill_id)  # raises the library's own clear error

    def next_drill(self, drill_id: str):
        drills = self.library()
        index = next((i for i, d in enumerate(drills) if d.id == drill_id), -1)
        current = drills[index] if index >= 0 else None
        if current is not None:
            from trainer.drills import DIFFICULTIES

            level = DIFFICULTIES.index(current.difficulty)
            for candidate in drills:
                if candidate.challenge == current.challenge and DIFFICULTIES.index(candidate.difficulty) == level + 1:
                    return candidate
        return drills[(index + 1) % len(drills)]

    def clip_audio(self, drill):
        if drill.id not in self._clips:
            from trainer.media import read_audio

            self._clips[drill.id] = read_audio(drill.clip_path, mono=True)
        return self._clips[drill.id]

    @staticmethod
    def challenge_label(challenge: str) -> str:
        from trainer.drills import CHALLENGES

        return CHALLENGES.get(challenge, challenge)

    @staticmethod
    def challenge_options() -> list[tuple[str, str]]:
        from trainer.drills import CHALLENGES

        return [(label, key) for key, label in CHALLENGES.items()]

    @staticmethod
    def difficulties() -> tuple[str, ...]:
        from trainer.drills import DIFFICULTIES

        return DIFFICULTIES

    def library_cards(self) -> list[DrillCard]:
        stats = {d.id: d for d in self.store.stats(self.now(), self.tz, self.settings.daily_goal_minutes).drills}
        cards = []
        for drill in self.library():
            s = stats.get(drill.id)
            cards.append(DrillCard(drill, self.challenge_label(drill.challenge), s.takes if s else 0,
                                   s.last_score if s else None))
        return cards

    def import_clip(self, source: str, *, start: str | None, end: str | None, title: str | None,
                    challenge: str, difficulty: str):
        from trainer.drills import import_clip
        from trainer.errors import AudioFileError
        from trainer.media import parse_time

        try:
            start_s = parse_time(start) if start else None
            end_s = parse_time(end) if end else None
        except ValueError as err:
            raise AudioFileError(f"{err}.") from None
        drill = import_clip(paths.pasted_path(source), start_s=start_s, end_s=end_s, title=title,
                            challenge=challenge, difficulty=difficulty)
        self._library = None
        return drill

    def set_transcript(self, drill_id: str, transcript: str):
        """Correct the client's words of an imported drill; returns the drill as it now reads."""
        from trainer.drills import set_transcript

        drill = set_transcript(drill_id, transcript)
        self._library = None
        return drill

    def remove_drill(self, drill_id: str) -> None:
        from trainer.drills import remove_drill

        remove_drill(drill_id)
        self._library = None

    # ---- today, progress, history ----

    def today(self) -> TodaySummary:
        from trainer.practice.baseline import device_warning
        from trainer.practice.difficulty import suggest_difficulty

        stats = self.store.stats(self.now(), self.tz, self.settings.daily_goal_minutes)
        drill, reason = self._continue_with()
        suggestion = None
        if drill is not None:
            recent = self.store.recent_takes(5, difficulty=drill.difficulty)
            if recent:
                advice = suggest_difficulty(recent, drill.difficulty)
                suggestion = advice.reason if advice.move != "stay" else None
        baseline = self.store.latest_baseline()
        return TodaySummary(
            stats=stats, continue_drill=drill, continue_reason=reason,
            challenge_label=self.challenge_label(drill.challenge) if drill else "",
            suggestion=suggestion, has_baseline=baseline is not None,
            baseline_warning=None if baseline is None else device_warning(baseline, self.input_device_name),
            question=question_for(stats.today), recovered_takes=self.recovered_takes,
        )

    def _continue_with(self):
        drills = self.library()
        if not drills:
            return None, ""
        last = self.store.recent_takes(1)
        if last:
            for drill in drills:
                if drill.id == last[-1].drill_id:
                    return drill, "Continue with"
        return drills[0], "Start with"

    def minutes_today(self) -> float:
        return self.store.stats(self.now(), self.tz, self.settings.daily_goal_minutes).today_minutes

    def take_count(self, drill_id: str) -> int:
        return self.store.count_takes(drill_id)

    def recent_takes(self, drill_id: str, limit: int = 10) -> list[RecentTake]:
        """A drill's most recent takes, newest first."""
        takes = self.store.takes_for_drill(drill_id, limit=limit)
        return [RecentTake(t.id, t.at, t.score, t.rating) for t in reversed(takes)]

    def progress(self, year: int, month: int) -> ProgressView:
        from trainer.practice.streaks import seconds_by_day, streak_status

        intervals = self.store.practice_intervals()
        now = self.now()
        goal = self.settings.daily_goal_minutes
        status = streak_status(intervals, now=now, tz=self.tz, goal_minutes=goal)
        days: dict[dt.date, str] = {}
        for day, seconds in seconds_by_day(intervals, self.tz, until=now).items():
            if day.year == year and day.month == month and seconds > 0:
                days[day] = "goal" if seconds >= goal * 60 else "partial"
        for day in status.frozen_days:
            if day.year == year and day.month == month:
                days[day] = "freeze"
        return ProgressView(status.today, days, status.current_streak, status.best_streak, status.freezes,
                            status.days_this_month, self.store.count_takes())

    def drills_with_takes(self) -> list:
        ids = set(self.store.drills_with_takes())
        return [d for d in self.library() if d.id in ids]

    @staticmethod
    def trend_metrics() -> tuple[tuple[str, str], ...]:
        return TREND_METRICS

    def trend(self, drill_id: str, metric: str) -> list[tuple[dt.datetime, float | None]]:
        return [(p.at, p.value) for p in self.store.trend(drill_id, metric)]

    # ---- practice time ----

    @property
    def practising(self) -> bool:
        return self._session_id is not None

    def begin_practice(self) -> None:
        """The drill screen opened: practice time counts from takes made while it is open.

        A damaged history is refused here (`StoreError`), before anything is written into it.
        """
        if self._session_id is None:
            self.store.quick_check()
            self._session_id = self.store.start_session(self.now())

    def touch(self, *, counts: bool = True) -> None:
        """A sign of practice (a take, a rating, a replay). After a take that does not count, `counts`
        is False: the time since the take began is not practice time.

        A history that cannot be written (full disk, busy) costs only these practice
        minutes, never the take: storing the take says what happened and what was kept.
        """
        from trainer.errors import DiskFullError, StoreError

        if self._session_id is not None:
            try:
                self.store.touch_session(self._session_id, self.now(), counts=counts)
            except (StoreError, DiskFullError):
                pass

    def end_practice(self) -> None:
        if self._session_id is not None:
            self.store.end_session(self._session_id, self.now())
            self._session_id = None

    # ---- takes ----

    @property
    def take_in_progress(self) -> bool:
        return self._take_active

    def run_take(self, drill, *, post: Post, stop: threading.Event | None = None,
                 take_path: Path | None = None) -> TakeOutcome | None:
        """Play the drill's clip, record and measure the answer. Blocks; see `TakeRunner`."""
        stop = stop or threading.Event()
        if not self._take_lock.acquire(blocking=False):
            from trainer.errors import AudioDeviceError

            raise AudioDeviceError("A take is already being recorded; finish it first.")
        self._take_active = True
        self._stop_events.add(stop)
        try:
            self.store.quick_check()  # a damaged history is refused before the clip plays
            with recording_lock():
                self.touch()
                return TakeRunner(self).run(drill, post=post, stop=stop, take_path=take_path)
        finally:
            self._stop_events.discard(stop)
            self._take_active = False
            self._take_lock.release()

    def stop_everything(self) -> None:
        """End any take now (what was said is kept)."""
        for event in list(self._stop_events):
            event.set()

    def judge_and_store(self, drill, trial, features, *, at: dt.datetime | None = None,
                        counts: bool = True) -> TakeOutcome:
        """Judge a measured take against the baseline and the drill's bands; store it in one transaction.

        `at`: when the take was recorded, if not now (a recovered take); such a take belongs
        to no practice session. `counts=False` keeps a take that does not count whatever
        was said (no answer heard after the clip).
        """
        record, verdict, new_bands = self._judged(drill, trial, features, at=at, counts=counts)
        take_id = self.store.add_take(record, bands=new_bands)
        unjudged = None
        if verdict is None:
            unjudged = "no calm-voice baseline yet" if record.baseline_id is None else "too little speech to judge"
        return TakeOutcome(take_id, drill.id, Path(trial.take_path), trial, features, verdict, complete=False,
                           warnings=self.warnings_for(trial, features), counted=record.counted, unjudged=unjudged)

    def _judged(self, drill, trial, features, *, at: dt.datetime | None = None, counts: bool = True):
        """The take as it is stored, its verdict (None without a baseline) and the drill's bands after it."""
        from trainer.practice.counting import counts_as_take
        from trainer.store.records import TakeRecord

        counted = counts and counts_as_take(features.speech_s)
        baseline, verdict, new_bands = self._judge(drill, trial, features, self.store.band_states(drill.id), counted)
        record = TakeRecord(
            drill_id=drill.id, at=self.now() if at is None else at, features=features.to_dict(),
            verdict=None if verdict is None else verdict.to_dict(), audio_path=Path(trial.take_path),
            device=self.input_device_name, overflows=trial.overflows,
            interrupted=trial.interrupted, latency_s=trial.latency_s, overlap_s=trial.overlap_s,
            session_id=self._session_id if at is None else None,
            baseline_id=None if baseline is None else baseline.id, difficulty=drill.difficulty,
            stopped_by=trial.stopped_by, counted=counted,
        )
        return record, verdict, new_bands

    def complete_take(self, outcome: TakeOutcome, drill, features, bands_before) -> TakeOutcome:
        """The take with its final features (the transcript's): judged again from the bands it started
        with, so pace from the transcript decides verdict, score and band moves, and bands move once."""
        from dataclasses import replace

        _, verdict, new_bands = self._judge(drill, outcome.trial, features, bands_before, outcome.counted)
        if outcome.take_id is not None:
            self.store.update_take_result(outcome.take_id, features.to_dict(),
                                          None if verdict is None else verdict.to_dict(), bands=new_bands)
        return replace(outcome, features=features, verdict=verdict, complete=True,
                       warnings=self.warnings_for(outcome.trial, features))

    def _judge(self, drill, trial, features, band_states, counted: bool):
        """(baseline, verdict, bands after this take): verdict None without a baseline or speech;
        bands None when nothing moves (no verdict, or a take that does not count)."""
        from trainer.practice.bands import bands_for, update_bands
        from trainer.practice.edge import edge_band_start
        from trainer.practice.verdict import judge

        baseline = self.baseline()
        if baseline is None or features.speech_s <= 0:
            return baseline, None, None
        bands = bands_for(band_states, starts={"edge": edge_band_start(baseline)})
        verdict = judge(features, baseline, offsets=drill.offsets, bands=bands,
                        latency_s=trial.latency_s, overlap_s=trial.overlap_s)
        return baseline, verdict, update_bands(bands, verdict.outcomes()) if counted else None

    def warnings_for(self, trial, features) -> tuple[str, ...]:
        """What a person should know about this take, in plain words; why it was cut short comes first."""
        from trainer.analysis.features import NO_SPEECH
        from trainer.audio.trial import CUT_SHORT
        from trainer.practice.baseline import device_warning, pace_warning
        from trainer.practice.counting import MIN_COUNTED_SPEECH_S, counts_as_take

        cut_short = trial.stopped_by in CUT_SHORT or trial.stopped_by == "recovered"
        notes = [trial.message] if trial.message and (trial.interrupted or cut_short) else []
        # a take cut short by a lost device holds little speech because of that, not the microphone's level
        notes += [w for w in features.warnings if not (cut_short and w.startswith(NO_SPEECH))]
        if not counts_as_take(features.speech_s):
            notes.append(f"Kept, but it does not count as a take: less than {MIN_COUNTED_SPEECH_S:.0f} s of speech.")
        if trial.overflows:
            notes.append(f"{trial.overflows} moment(s) of audio were lost while recording (the computer was busy).")
        if getattr(trial, "leak_detected", False):
            notes.append("The client's voice reached your microphone: use headphones (the clip's sound was not "
                         "counted as your speech).")
        baseline = self.store.latest_baseline()
        if baseline is None:
            notes.append("Not judged yet: record your calm-voice baseline first (`levelvoice calibrate`).")
        else:
            notes += [w for w in (device_warning(baseline, self.input_device_name), pace_warning(baseline)) if w]
        return tuple(notes)

    def note_take(self, take_id: int, note: str) -> str | None:
        """Keep the therapist's note on a take (blank removes it); returns the note as kept."""
        self.store.set_note(take_id, note)
        return self.store.take(take_id).note

    def make_report(self, *, days: int, out: Path | None = None, with_audio: bool = False):
        """`levelvoice report --days N` for the Progress screen: the report of the last `days` days,
        written to `out` (a file or folder; default: the documents folder); returns its `ReportResult`."""
        from trainer.report import make_report, period_from

        now = self.now()
        period = period_from(today=now.astimezone(self.tz).date(), tz=self.tz, days=days)
        return make_report(self.store, period, out or default_report_folder(), now=now,
                           goal_minutes=self.settings.daily_goal_minutes, with_audio=with_audio)

    def rate_take(self, take_id: int, rating: int) -> None:
        self.store.set_rating(take_id, rating)
        self.touch()

    def play_file(self, path: Path | str, *, stop: threading.Event | None = None, start_s: float = 0.0) -> None:
        """Play a clip or a take (from `start_s` seconds in) on the output device until it ends or `stop` is set."""
        from trainer.audio.playback import TAIL_S, Player
        from trainer.media import read_audio

        player = Player(read_audio(path, start_s=start_s or None, mono=True), device=self.settings.output_device)
        player.start()
        try:
            while not player.wait(timeout=0.1):
                if stop is not None and stop.is_set():
                    break
        finally:
            player.stop(tail_s=TAIL_S)
        self.touch()

    # ---- calibration ----

    def calibration_prompts(self) -> list[str]:
        from trainer.session.calibration import prompts_for

        return prompts_for(self.local_today())

    def level_check(self, *, post: Post, stop: threading.Event):
        from trainer.session.calibration import level_check

        with recording_lock():
            return level_check(self, post=post, stop=stop)

    def record_calibration_answer(self, index: int, *, post: Post, stop: threading.Event):
        from trainer.session.calibration import record_answer

        with recording_lock():
            return record_answer(self, index, post=post, stop=stop)

    def record_effort_reading(self, effort: str, *, post: Post, stop: threading.Event):
        from trainer.session.calibration import record_effort

        with recording_lock():
            return record_effort(self, effort, post=post, stop=stop)

    def save_calibration(self, answers, efforts=()) -> str:
        """Store the baseline from the answers and effort readings; returns it described in one
        sentence, then a second line when the readings need fixing (automatic gain control)."""
        from trainer.session.calibration import calibration_report, save_baseline

        return calibration_report(save_baseline(self, answers, efforts))

    def baseline(self):
        """The baseline in use (the newest), or None. A baseline saved before voice quality was
        measured gets its calm brightness from its own recordings, once, when they are still there."""
        baseline = self.store.latest_baseline()
        if baseline is None or baseline.alpha_ratio_db is not None:
            return baseline
        from dataclasses import replace

        from trainer.errors import StoreError
        from trainer.session.calibration import calm_tilt

        if baseline.id not in self._tilt_measured:
            self._tilt_measured[baseline.id] = calm_tilt(baseline)
            if self._tilt_measured[baseline.id][0] is not None:
                try:
                    self.store.set_baseline_tilt(baseline.id, *self._tilt_measured[baseline.id])
                except StoreError:  # kept for this run; the take itself must still be stored
                    pass
        alpha, spread = self._tilt_measured[baseline.id]
        return baseline if alpha is None else replace(baseline, alpha_ratio_db=alpha, alpha_sd_db=spread)

    # ---- devices and settings ----

    @property
    def input_device_name(self) -> str:
        """The microphone as the settings name it ("default" for the system's), stored with takes."""
        return self.settings.input_device or "default"

    def test_microphone(self, device: str, *, post: Post, stop: threading.Event, seconds: float = 3.0) -> str:
        """Record a few seconds from `device`, showing the live level; says what was heard."""
        from trainer.session.calibration import level_check

        with recording_lock():
            return level_check(self, post=post, stop=stop, seconds=seconds, device=device).message

    def test_speaker(self, device: str) -> str:
        """Play the cue sound (twice) on `device`."""
        import numpy as np

        from trainer.audio.cue import cue_tone
        from trainer.audio.playback import TAIL_S, Player
        from trainer.media import Audio

        rate = 48000
        tone = cue_tone(rate)
        player = Player(Audio(np.concatenate([tone, np.zeros(rate // 4, dtype=np.float32), tone]), rate),
                        device=device)
        player.start()
        player.wait(timeout=5)
        player.stop(tail_s=TAIL_S)
        return "Played the cue sound twice. If you heard nothing, check the volume or choose another speaker."

    def devices(self) -> list:
        from trainer.audio.devices import list_devices

        return list_devices()

    def microphone_problem(self) -> str | None:
        """None when the chosen microphone opens and sends sound; else what to do."""
        from trainer.audio.devices import probe_input
        from trainer.errors import TrainerError

        try:
            probe_input(self.settings.input_device)
        except TrainerError as err:
            return str(err)
        return None

    def device_problem(self) -> str | None:
        """None when the chosen microphone and speaker both work; else the first problem and its fix
        (the same words `levelvoice doctor` uses)."""
        from trainer.audio.devices import probe_output
        from trainer.errors import TrainerError

        problem = self.microphone_problem()
        if problem is not None:
            return problem
        try:
            probe_output(self.settings.output_device)
        except TrainerError as err:
            return str(err)
        return None

    def save_settings(self, **changes) -> config.Settings:
        updated = config.update(self.settings, **changes)
        config.save(updated)
        self.settings = updated
        return updated
