"""The English syllable counter that pace uses on transcripts."""

from __future__ import annotations

import pytest

from trainer.analysis.syllables import count_syllables, number_words, word_syllables

# everyday words, and a therapist's words, with their syllables as a dictionary gives them
WORDS = {
    "make": 1, "hope": 1, "makes": 1, "hopes": 1, "boxes": 2, "pages": 2, "walked": 1, "named": 1, "wanted": 2,
    "needed": 2, "table": 2, "little": 2, "people": 2, "being": 2, "going": 2, "doing": 2, "saying": 2,
    "seeing": 2, "social": 2, "nation": 2, "region": 2, "various": 3, "video": 3, "client": 2, "patient": 2,
    "quiet": 2, "yes": 1, "young": 1, "feel": 1, "feeling": 2, "angry": 2, "therapist": 3, "understand": 3,
    "understanding": 4, "sorry": 2, "really": 2, "difficult": 3, "frustrated": 3, "about": 2, "because": 2,
    "again": 2, "always": 2, "everything": 4, "morning": 2, "explained": 2, "today": 2, "appointment": 3,
    "medication": 4, "idea": 3, "create": 2, "created": 3, "situation": 4, "actually": 4, "anxious": 2,
    "anxiety": 4, "experience": 4, "period": 3, "piano": 3, "lion": 2, "trying": 2, "quite": 1, "guess": 1,
    "listen": 2, "listened": 2, "stopped": 1, "wishes": 2, "changes": 2, "judged": 1, "pressure": 2, "sure": 1,
    "whatever": 3, "somebody": 3, "serious": 3, "obvious": 3, "business": 2, "probably": 3, "family": 3,
    "hospital": 3, "waiting": 2, "minutes": 2, "insurance": 3, "player": 2, "layer": 2, "beyond": 2, "royal": 2,
    "employee": 3, "annoying": 3, "eye": 1, "eyes": 1, "eyebrow": 2, "eyelid": 2, "eyeing": 2, "greyer": 2, "obeyed": 2, "ageing": 2,
}


def test_words_count_as_a_dictionary_would():
    wrong = {w: (n, word_syllables(w)) for w, n in WORDS.items() if word_syllables(w) != n}
    assert wrong == {}


@pytest.mark.parametrize(("number", "words"), [(0, ["zero"]), (7, ["seven"]), (42, ["forty", "two"]),
                                               (115, ["one", "hundred", "fifteen"]),
                                               (1984, ["nineteen", "eighty", "four"]),
                                               (2005, ["two", "thousand", "five"])])
def test_numbers_are_spoken_out(number, words):
    assert number_words(number) == words


def test_a_transcript_counts_words_numbers_and_abbreviations_as_spoken():
    assert count_syllables("Mrs. Allen waited 40 minutes, didn't she?") == 2 + 2 + 2 + 2 + 2 + 2 + 1
    assert count_syllables("") == 0 and count_syllables("...!?") == 0
    # the same words give the same count, however whisper punctuates them
    assert count_syllables("I hear you. It's hard.") == count_syllables("i hear you, it's hard")


def test_words_whisper_runs_together_count_as_said():
    """Whisper writes an unknown name its own way each time ("Tillme", "Till-me", "Tilly"; "a mayang",
    "a-maying", "maneing"): the counts agree, so the same words read as the same syllables."""
    assert count_syllables("Miss Tillme") == count_syllables("Miss Till-me") == count_syllables("Miss Tilly") == 3
    assert count_syllables("a mayang") == count_syllables("a-maying") == count_syllables("a maneing") == 3
