"""Coverage checks between voice activity and Whisper's words (pure functions)."""

from __future__ import annotations

import pytest

from starcoach.adapters.transcript_repair import (
    coverage_windows,
    drop_invented,
    failed_segment,
    find_gaps,
    replace_span,
    split_merged_fillers,
)
from starcoach.core.models import Word


def spaced(start: float, end: float, step: float = 0.4, text: str = "w") -> list[Word]:
    out, t, i = [], start, 0
    while t + step <= end + 1e-9:
        out.append(Word(f"{text}{i}", round(t, 3), round(t + step * 0.8, 3), 0.9))
        t += step
        i += 1
    return out


@pytest.mark.parametrize(
    ("ratio", "logprob", "no_speech", "failed"),
    [
        (1.2, -0.3, 0.0, False),
        (39.3, -0.1, 0.5, True),
        (0.8, -1.8, 0.4, True),
        (0.8, -1.8, 0.9, False),
        (2.5, -0.2, 0.9, True),
    ],
    ids=["fine", "repetition-loop", "unlikely-text", "silence-is-not-a-failure", "loop-in-silence"],
)
def test_failed_segment(ratio: float, logprob: float, no_speech: float, failed: bool) -> None:
    assert failed_segment(ratio, logprob, no_speech) is failed


def test_invented_words_outside_speech_are_dropped_real_ones_kept() -> None:
    regions = [(0.0, 1.3)]
    words = [
        Word("Montreal", 0.0, 0.58, 0.99),
        Word("lot", 0.7, 0.7, 1.0),  # zero-length but inside speech: real
        Word("liner", 1.1, 1.26, 0.9),
        Word("you", 1.9, 1.9, 0.95),  # zero-length after the speech
        Word("see", 2.0, 2.3, 0.1),  # unsure, after the speech
        Word("there", 2.4, 2.7, 0.9),  # sure and long enough: kept (VAD may miss a word)
    ]
    kept = [w.text for w in drop_invented(words, regions)]
    assert kept == ["Montreal", "lot", "liner", "there"]


def test_a_skipped_window_is_one_gap_with_the_next_region() -> None:
    # Speech in short regions from 0.5 to 30 s; Whisper wrote words only after 28 s.
    regions = [(0.5 + 2.0 * k, 2.2 + 2.0 * k) for k in range(14)] + [(28.6, 31.0)]
    words = spaced(28.6, 31.0)
    gaps = find_gaps(words, regions, 32.0)
    assert len(gaps) == 1
    gap = gaps[0]
    assert gap.start == pytest.approx(0.3)
    assert gap.end <= 0.5 + 28.0 + 0.2 + 1e-9  # never longer than one Whisper window
    assert gap.speech_s == pytest.approx(sum(b - a for a, b in regions[:-1]), rel=0.15)
    assert gap.words_needed >= 20


def test_covered_speech_has_no_gap_and_short_starved_speech_is_left_alone() -> None:
    regions = [(0.0, 4.0), (5.0, 9.0), (10.0, 10.6)]
    words = spaced(0.0, 4.0) + spaced(5.0, 9.0)
    assert find_gaps(words, regions, 11.0) == []


def test_gaps_do_not_overlap_and_stay_in_the_audio() -> None:
    regions = [(0.0, 3.0), (3.1, 6.0), (20.0, 24.0), (40.0, 44.0)]
    gaps = find_gaps([], regions, 44.1)
    assert all(a.end <= b.start for a, b in zip(gaps, gaps[1:], strict=False))
    assert gaps[0].start == 0.0 and gaps[-1].end <= 44.1
    assert sum(g.speech_s for g in gaps) == pytest.approx(13.9)
    assert gaps[-1].start >= 39.0  # the last stretch starts at its speech


def test_replace_span_keeps_words_outside_and_orders_by_time() -> None:
    old = [Word("a", 0.0, 0.2), Word("stray", 5.0, 5.2), Word("z", 9.0, 9.2)]
    redone = [Word("b", 4.0, 4.3), Word("c", 6.0, 6.3), Word("outside", 8.5, 8.7)]
    out = replace_span(old, 3.0, 8.0, redone)
    assert [w.text for w in out] == ["a", "b", "c", "z"]


def test_coverage_windows_flag_the_lost_window() -> None:
    regions = [(1.0, 29.0), (31.0, 40.0)]
    words = spaced(31.0, 40.0)
    windows = coverage_windows(words, regions, 40.0)
    assert [(w.start, w.end) for w in windows] == [(0.0, 30.0), (30.0, 40.0)]
    assert [w.covered for w in windows] == [False, True]
    assert windows[0].speech_s == pytest.approx(28.0)


def test_an_audible_filler_outside_the_vad_regions_stays() -> None:
    # The VAD does not call a drawn-out "uh" speech, and Whisper gives it p 0.01; the audio
    # is loud there, so it is a real filled pause, not an invented word.
    regions = [(1.78, 2.3)]
    words = [Word("uh", 0.92, 1.44, 0.01), Word("so", 1.8, 2.2, 0.9), Word("you", 3.5, 3.5, 0.9)]

    def audible(start: float, end: float) -> float:
        return 1.0 if end > 0.9 and start < 1.5 else 0.0

    kept = drop_invented(words, regions, audible)
    assert [w.text for w in kept] == ["uh", "so"]
    assert [w.text for w in drop_invented(words, regions)] == ["so"]  # without the audio


def test_language_check_is_asked_only_when_the_english_words_look_wrong() -> None:
    from starcoach.adapters.language_check import suspicious

    fluent = [Word(f"w{i}", i * 0.4, i * 0.4 + 0.3, 0.9) for i in range(20)]
    assert not suspicious(fluent, 8.0)
    assert suspicious(fluent[:3], 8.0)  # speech the words do not cover
    unsure = [Word(f"w{i}", i * 0.4, i * 0.4 + 0.3, 0.2) for i in range(20)]
    assert suspicious(unsure, 8.0)
    hesitant = fluent + [Word("uh", 8.1, 8.6, 0.01) for _ in range(15)]
    assert not suspicious(hesitant, 9.0)  # unsure fillers say nothing about the language
    assert not suspicious([], 1.5)  # too little speech to judge


def test_language_warning_is_one_line_and_only_for_other_languages() -> None:
    from starcoach.adapters.language_check import LanguageGuess, warning_for

    french = warning_for(LanguageGuess("fr", 0.91, 0.04))
    assert french is not None and "French (91% likely)" in french and "\n" not in french
    assert warning_for(LanguageGuess("en", 0.95, 0.95)) is None
    assert warning_for(LanguageGuess("de", 0.3, 0.25)) is None  # not sure enough
    unknown = warning_for(None)
    assert unknown is not None and "English" in unknown


def test_a_lost_opening_inside_a_region_with_words_is_a_gap() -> None:
    from starcoach.adapters.transcript_repair import better, covers, wordless

    # One VAD region 0.95-5.93 s; Whisper's words start at 3.7 s (the first sentence lost),
    # yet the region holds enough words a second to pass that test alone.
    regions = [(0.95, 5.93), (6.26, 9.64)]
    words = spaced(3.7, 5.9, 0.3) + spaced(6.3, 9.6, 0.3)
    assert sum(0.95 <= (w.start + w.end) / 2 < 5.93 for w in words) >= 0.5 * (5.93 - 0.95)
    gaps = find_gaps(words, regions, 10.0)
    assert len(gaps) == 1 and gaps[0].start == pytest.approx(0.75)
    assert wordless(words, regions[:1]) == [(0.95, pytest.approx(3.4))]
    full = spaced(1.0, 9.6, 0.3)
    assert covers(full, gaps[0], regions) and not covers(words, gaps[0], regions)
    assert better(full, words, regions) and not better(words, full, regions)


def test_one_filler_over_a_run_of_separate_ones_is_written_once_each() -> None:
    # "I went, uh, uh, home": two short sounds with silence between, one "uh" from Whisper
    # spanning both; each sound holds no other word, so each gets its own filler.
    regions = [(0.5, 1.4), (1.7, 2.0), (2.3, 2.6), (2.9, 3.6)]
    words = [
        Word("I", 0.5, 0.8, 0.9),
        Word("went", 0.8, 1.4, 0.9),
        Word("uh,", 1.6, 2.7, 0.6),
        Word("home", 2.9, 3.5, 0.9),
    ]
    split = split_merged_fillers(words, regions)
    assert [(w.text, w.start, w.end) for w in split] == [
        ("I", 0.5, 0.8),
        ("went", 0.8, 1.4),
        ("uh,", 1.7, 2.0),
        ("uh,", 2.3, 2.6),
        ("home", 2.9, 3.5),
    ]


def test_a_filler_is_not_split_over_regions_that_hold_other_words_or_barely_touch() -> None:
    regions = [(0.5, 1.4), (1.7, 2.0), (2.3, 2.6), (2.9, 3.6)]
    over_a_word = [Word("uh", 1.6, 2.7, 0.6), Word("so", 2.4, 2.5, 0.9)]
    assert split_merged_fillers(over_a_word, regions) == over_a_word
    grazing = [Word("um", 1.65, 2.4, 0.6)]  # covers (1.7, 2.0), a third of (2.3, 2.6)
    assert split_merged_fillers(grazing, regions) == grazing
    not_a_filler = [Word("well", 1.6, 2.7, 0.6)]
    assert split_merged_fillers(not_a_filler, regions) == not_a_filler


def test_a_word_stretched_over_skipped_speech_does_not_cover_it() -> None:
    from starcoach.adapters.transcript_repair import MAX_WORD_COVER_S, longest_wordless

    # At a 30 s window's end Whisper timed "I" from 25.8 to 30.0 s over a sentence it never
    # wrote; the words on either side are spoken at a normal rate.
    regions = [(23.6, 34.0)]
    stretched = Word("I", 25.8, 30.0, 0.97)
    words = spaced(23.7, 25.7, 0.3) + [stretched] + spaced(30.0, 33.9, 0.3)
    reach = 0.3
    lost = (30.0 - reach) - (25.8 + MAX_WORD_COVER_S + reach)
    assert longest_wordless(words, regions) == pytest.approx(lost)
    gaps = find_gaps(words, regions, 40.0)
    assert len(gaps) == 1 and gaps[0].start <= 25.8 and gaps[0].end >= 30.0
    # a drawn-out word of a second (the longest in the fixtures) still covers its speech
    slow = spaced(23.7, 25.7, 0.3) + [Word("and", 25.8, 26.9, 0.9)] + spaced(27.0, 33.9, 0.3)
    assert longest_wordless(slow, regions) == 0.0 and find_gaps(slow, regions, 40.0) == []


def test_repeated_runs_marks_the_later_copy_of_eight_words_or_more() -> None:
    from starcoach.adapters.repeated_words import repeated_runs

    def timed(text: str) -> list[Word]:
        return [Word(w, i * 0.5, i * 0.5 + 0.4, 0.9) for i, w in enumerate(text.split())]

    copy = timed(
        "So all the time at the store people want things. Then she came back. "
        "so all the time, at the store people want things and left"
    )
    assert repeated_runs(copy) == [(7.0, pytest.approx(11.9))]  # the 2nd run, punctuation aside
    seven = timed("one two three four five six seven and then one two three four five six seven")
    assert repeated_runs(seven) == []  # under eight words
    assert repeated_runs(timed(" ".join(["word"] * 9))) == []  # overlapping: a loop, not a copy


def test_wordless_speech_at_the_end_of_the_last_region_is_a_gap() -> None:
    # The decoder stopped 1.2 s before the end of the answer's last region (a fixture's last
    # words "count change out loud"); the same stretch inside the answer is left alone.
    regions = [(0.5, 6.0), (7.0, 12.0)]
    words = spaced(0.5, 6.0, 0.4) + spaced(7.0, 10.5, 0.4)
    gaps = find_gaps(words, regions, 13.0)
    assert len(gaps) == 1 and gaps[0].start == pytest.approx(6.8) and gaps[0].end == 12.2
    early = spaced(0.5, 4.5, 0.4) + spaced(7.0, 12.0, 0.4)  # 1.2 s at the end of region 1
    assert find_gaps(early, regions, 13.0) == []
    assert find_gaps(spaced(0.5, 6.0, 0.4) + spaced(7.0, 11.2, 0.4), regions, 13.0) == []
