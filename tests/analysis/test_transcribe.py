"""Transcription with the real bundled model: words, timings, phrase by phrase, pace, a missing model."""

from __future__ import annotations

from collections import Counter
from difflib import SequenceMatcher

import numpy as np
import pytest

from tests.analysis.conftest import features_of
from tests.analysis.variants import resample_shift, tempo, with_fillers
from trainer.analysis import Transcriber, acoustic_features, analyze
from trainer.analysis.benchmark import transcribe_live
from trainer.analysis.features import NO_TRANSCRIPT
from trainer.analysis.pace import is_filler, split_words

pytestmark = pytest.mark.model

KNOWN_WORDS = {  # words each reader says, that even the tiny model gets right
    "female-198-209-0000": {"morning", "harm", "explained", "everything", "white", "gown"},
    "male-3436-172162-0000": {"adventure", "month", "queen", "warning", "woods", "fields", "westminster"},
    "male-5703-47212-0000": {"white", "paint", "scarlet", "steamers", "summer", "communication"},
}


def normal(word: str) -> str:
    return "".join(split_words(word))


def overlap(reference: list[str], other: list[str]) -> float:
    """Share of the reference words (with repeats) that the other list also has."""
    return sum((Counter(reference) & Counter(other)).values()) / max(len(reference), 1)


def test_transcript_has_the_words_and_their_times(speech, transcriber):
    path, samples, rate = speech
    transcript = transcriber.transcribe(samples, rate)
    words = split_words(transcript.text)
    assert KNOWN_WORDS[path.stem] <= set(words)
    assert len(transcript.words) >= 35
    starts = [w.start_s for w in transcript.words]
    assert starts == sorted(starts)
    assert all(0 <= w.start_s <= w.end_s <= len(samples) / rate + 0.1 for w in transcript.words)
    assert all(0 <= w.probability <= 1 for w in transcript.words)


def test_analyze_fills_pace_and_transcript(speech, transcriber):
    path, samples, rate = speech
    features = analyze(samples, rate, transcriber=transcriber)
    acoustic = features_of(path)
    assert features.words >= 35 and KNOWN_WORDS[path.stem] <= set(split_words(features.transcript))
    assert 120 < features.wpm < 320  # words per minute of sounding speech (every pause left out), read aloud
    # read aloud: 4-7.5 syllables a second (the slowest voice, male-3436, says its 58 syllables in 13 s of
    # sounding speech: 4.47 a second, which the counter now gets exactly)
    assert 4.0 < features.syllable_rate < 7.5 and features.syllables >= 50
    assert features.articulation_rate == acoustic.articulation_rate and features.speech_s == acoustic.speech_s
    assert not features.warnings


def test_phrase_by_phrase_keeps_the_words_of_one_shot_transcription(speech, transcriber):
    """The app's path (the recorder's speech detector cuts the take at its pauses; each phrase is
    transcribed while the speaker goes on). Cut at pauses, Whisper loses a little context: proper
    nouns may come out differently, the rest stays (measured: 92-96 % of the one-shot words)."""
    path, samples, rate = speech
    take = np.concatenate([samples, np.zeros(int(1.5 * rate), np.float32)])
    whole = transcriber.transcribe(take, rate)
    pieces, phrases = transcribe_live(take, rate, transcriber, realtime=False)
    assert phrases >= 2
    assert overlap(split_words(whole.text), split_words(pieces.text)) >= 0.85
    times = [w.start_s for w in pieces.words]
    assert times == sorted(times) and times[-1] <= len(take) / rate
    matcher = SequenceMatcher(a=[normal(w.text) for w in whole.words], b=[normal(w.text) for w in pieces.words],
                              autojunk=False)
    pairs = [(i + k, j + k) for i, j, size in matcher.get_matching_blocks() for k in range(size)]
    assert len(pairs) >= 0.8 * len(whole.words)
    # the same word ends at about the same time (Whisper starts a word after a silence early, in either
    # transcript, so the ends are the steadier mark); a word at a pause may land on the other side of it
    # (measured: at most one word per voice, 0.7 s off)
    ends = np.array([abs(whole.words[i].end_s - pieces.words[j].end_s) for i, j in pairs])
    assert np.mean(ends < 0.5) >= 0.95 and ends.max() < 1.0, ends


def test_incremental_transcriber_joins_several_queued_phrases(speech, transcriber):
    """Phrases queued faster than they are transcribed are joined into one call and split back."""
    path, samples, rate = speech
    segments = features_of(path).segments
    cuts = [0.0] + [(a.end_s + b.start_s) / 2 for a, b in zip(segments, segments[1:])] + [len(samples) / rate]
    incremental = transcriber.incremental()
    for start, end in zip(cuts, cuts[1:]):
        incremental.add_phrase(samples[int(start * rate): int(end * rate)], rate, start)
    joined = incremental.finish()
    whole = transcriber.transcribe(samples, rate)
    assert overlap(split_words(whole.text), split_words(joined.text)) >= 0.85
    assert [w.start_s for w in joined.words] == sorted(w.start_s for w in joined.words)


@pytest.mark.parametrize("kind, amount", [("shift", 2.0), ("shift", -3.0), ("tempo", 1.25), ("tempo", 0.8)])
def test_wpm_follows_known_pace_changes(speech, transcriber, kind, amount):
    path, samples, rate = speech
    base = analyze(samples, rate, transcriber=transcriber)
    if kind == "shift":
        changed, ratio = resample_shift(samples, rate, amount), 2 ** (amount / 12)
    else:
        changed, ratio = tempo(samples, rate, amount), amount
    moved = analyze(changed, rate, transcriber=transcriber)
    assert moved.wpm / base.wpm == pytest.approx(ratio, rel=0.08)


def test_fillers_are_counted_while_the_plain_transcript_keeps_every_word(speech, transcriber):
    """Counting filled pauses never touches the transcription: the analysed transcript is the
    plain transcript of the same audio, every non-filler word of it is counted, and the fillers
    are found even though Whisper writes most of them down as something else or not at all."""
    path, samples, rate = speech
    segments = features_of(path).segments
    gaps = [(a.end_s + b.start_s) / 2 for a, b in zip(segments, segments[1:])][:3]
    take = with_fillers(samples, rate, gaps)
    plain = transcriber.transcribe(take, rate)
    features = analyze(take, rate, transcriber=transcriber)
    assert features.transcript == plain.text
    words = split_words(plain.text)
    assert features.words == sum(not is_filler(w) for w in words)
    assert features.fillers >= 3
    original = split_words(transcriber.transcribe(samples, rate).text)
    assert overlap(original, words) >= 0.85  # the inserted sounds leave the speaker's words in place


def test_a_missing_model_still_gives_the_acoustic_measures(speech, tmp_path):
    path, samples, rate = speech
    broken = tmp_path / "model"
    broken.mkdir()
    for missing in (Transcriber(str(tmp_path / "nowhere")), Transcriber(str(broken)), Transcriber("large-v9")):
        features = analyze(samples, rate, transcriber=missing)
        assert features.transcript is None and features.words is None and features.wpm is None
        warning = [w for w in features.warnings if w.startswith(NO_TRANSCRIPT)]
        assert len(warning) == 1 and "model" in warning[0]
        acoustic = features_of(path)
        assert features.pitch_median_hz == acoustic.pitch_median_hz
        assert features.loudness_dbfs == acoustic.loudness_dbfs
        assert features.fillers == acoustic.fillers


def test_no_transcription_call_for_a_take_without_speech(transcriber):
    silent = analyze(np.zeros(3 * 16000, np.float32), 16000, transcriber=Transcriber("/no/such/model"))
    assert silent.transcript is None and not any(w.startswith(NO_TRANSCRIPT) for w in silent.warnings)
    assert acoustic_features(np.zeros(16000, np.float32), 16000).speech_s == 0
