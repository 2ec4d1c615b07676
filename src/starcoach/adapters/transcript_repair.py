"""Checks that Whisper's words cover the speech the voice-activity detector found.

Pure functions over word lists and speech regions (seconds), used by the Whisper adapter:

- ``failed_segment``: a decoded segment that faster-whisper's own fallback rules would reject
  (a repetition loop, or a very unlikely text);
- ``drop_invented``: words that lie outside speech and are zero-length or unsure;
- ``find_gaps``: stretches of speech that hold (almost) no words, to decode again;
- ``split_merged_fillers``: one filled pause written over a run of them, written once each;
- ``coverage_windows``: speech time against words per 30 s window (for tests and benchmarks);
- ``convert_words``: faster-whisper words to ``core.models.Word``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from starcoach.core.analysis.fillers import filled_pause
from starcoach.core.models import Word

Regions = Sequence[tuple[float, float]]

MAX_COMPRESSION_RATIO = 2.4
"""A segment whose text compresses better than this is a repetition loop (faster-whisper's
``compression_ratio_threshold``)."""
MIN_AVG_LOGPROB = -1.0
"""A segment with a lower mean token log-probability is unlikely text (``log_prob_threshold``)."""
MIN_WORDS_PER_S = 1.0
"""Words a second a decode must give a stretch of speech to cover it (speech is 2-3)."""
STARVED_WORDS_PER_S = 0.5
"""Fewer words a second than this in a speech region: Whisper may have skipped it. Lower than
``MIN_WORDS_PER_S``: a drawn-out "uhhh" or a slow word is one word over a second or more."""
MIN_GAIN = 1.5
"""A decode replaces the words of a stretch only with this many times as many words (and at
least two more): a re-decode without the prompt writes fewer fillers, so a near-tie keeps the
first decode."""
MIN_GAP_SPEECH_S = 1.0
"""Starved stretches holding less speech than this are left alone."""
MIN_WORDLESS_S = 1.5
"""Speech this long with no word near it is skipped speech, even in a region with words
(Whisper dropped the opening sentence of a fixture and began at the region's fourth second)."""
WORD_REACH_S = 0.3
"""How far a word's time may be off and still cover the speech next to it."""
MAX_WORD_COVER_S = 1.5
"""Most speech one word accounts for, from its start. Spoken words last about a second at
most (1.0 s in the fixtures' espeak timings); Whisper stretches the last word before speech
it skipped over that speech ("I" timed 25.8-30.0 s over a sentence it never wrote, at the end
of a 30 s window), which would otherwise hide the loss."""
MIN_TAIL_WORDLESS_S = 1.0
"""Speech this long without words at the end of the last region is skipped speech too: the
decoder stops early there (a fixture's last words "count change out loud", 1.2 s, were not
written; decoded again, the region gave them)."""
JOIN_GAP_S = 1.5
"""Starved speech regions closer than this are decoded again together."""
MAX_SPAN_S = 28.0
"""Longest stretch decoded again in one go (inside one Whisper window)."""
OUTSIDE_PAD_S = 0.25
"""A word whose middle is this close to a speech region counts as inside speech."""
OUTSIDE_MIN_PROBABILITY = 0.15
"""Outside speech, words less sure than this are dropped (Whisper invents them in silence)."""
AUDIBLE_REACH_S = 0.15
"""Audio either side of a word's middle checked for sound."""
MIN_AUDIBLE = 0.2
"""A word with less audible sound than this share around it, outside speech, is invented."""
MIN_WORD_S = 0.005
"""Words shorter than this are zero-length."""
WINDOW_S = 30.0
"""Length of the coverage windows (Whisper's own window)."""
MERGED_MIN_COVER = 0.5
"""Share of a speech region a filled pause's time span must cover to stand for the sound in it
(``split_merged_fillers``)."""


@dataclass(frozen=True)
class Gap:
    """A stretch of speech to decode again."""

    start: float
    """Start of the audio to decode (seconds)."""
    end: float
    """End of the audio to decode (seconds)."""
    speech_s: float
    """Seconds of speech inside it."""

    @property
    def words_needed(self) -> float:
        """Words a decode must return for the speech to count as covered."""
        return MIN_WORDS_PER_S * self.speech_s


@dataclass(frozen=True)
class WindowCoverage:
    """Speech time against words in one window."""

    start: float
    """Window start (seconds)."""
    end: float
    """Window end (seconds)."""
    speech_s: float
    """Seconds the VAD called speech."""
    words: int
    """Words whose middle falls in the window."""

    @property
    def covered(self) -> bool:
        """True when the words plausibly account for the speech."""
        return self.speech_s < MIN_GAP_SPEECH_S or self.words >= MIN_WORDS_PER_S * self.speech_s


def failed_segment(compression_ratio: float, avg_logprob: float, no_speech_prob: float) -> bool:
    """Whether a decoded segment is a repetition loop or unlikely text.

    faster-whisper would fall back to random sampling for such a segment; with decoding kept
    deterministic (temperature 0 only) the adapter drops it and decodes its speech again.
    A segment Whisper itself calls silence (high no-speech probability) fails only for a loop.
    """
    if compression_ratio > MAX_COMPRESSION_RATIO:
        return True
    return avg_logprob < MIN_AVG_LOGPROB and no_speech_prob <= 0.6


def middle(word: Word) -> float:
    """Middle of a timed word (seconds)."""
    return ((word.start or 0.0) + (word.end or 0.0)) / 2.0


def inside(t: float, regions: Regions, pad: float = 0.0) -> bool:
    """Whether ``t`` lies in a region widened by ``pad`` on both sides."""
    return any(a - pad <= t <= b + pad for a, b in regions)


def drop_invented(
    words: Sequence[Word], regions: Regions, audible: Callable[[float, float], float] | None = None
) -> list[Word]:
    """Words without those invented outside speech.

    A word is dropped when it is zero-length or below ``OUTSIDE_MIN_PROBABILITY``, its middle
    lies outside every speech region (widened by ``OUTSIDE_PAD_S``), and, when ``audible``
    is given, the audio around its middle is silent. Inside speech every word stays: Whisper
    gives real words zero length now and then. Outside the VAD's regions a sound may still be
    a filled pause ("uh" is not speech to the VAD, and Whisper is unsure of it: p 0.01), so an
    audible word stays.

    Args:
        words: Timed words.
        regions: Speech regions (seconds).
        audible: Share of audible frames in ``(start, end)``; None to skip that check.
    """
    kept = []
    for w in words:
        zero = (w.end or 0.0) - (w.start or 0.0) < MIN_WORD_S
        unsure = w.probability < OUTSIDE_MIN_PROBABILITY
        t = middle(w)
        if (
            (zero or unsure)
            and not inside(t, regions, OUTSIDE_PAD_S)
            and (audible is None or audible(t - AUDIBLE_REACH_S, t + AUDIBLE_REACH_S) < MIN_AUDIBLE)
        ):
            continue
        kept.append(w)
    return kept


def words_in(words: Sequence[Word], start: float, end: float) -> int:
    """Words whose middle lies in ``[start, end)``."""
    return sum(1 for w in words if start <= middle(w) < end)


def speech_in(regions: Regions, start: float, end: float) -> float:
    """Seconds of speech inside ``[start, end]``."""
    return sum(max(0.0, min(b, end) - max(a, start)) for a, b in regions)


def find_gaps(
    words: Sequence[Word], regions: Regions, duration_s: float, pad_s: float = 0.2
) -> list[Gap]:
    """Stretches of speech that hold too few words.

    A region is starved when it holds fewer than ``STARVED_WORDS_PER_S`` words a second, or
    ``MIN_WORDLESS_S`` of its speech has no word near it (``MIN_TAIL_WORDLESS_S`` at the end
    of the last region). Starved
    regions closer than ``JOIN_GAP_S`` are joined (a window Whisper skipped is many short
    regions), the next region is added (Whisper may have put the skipped words there), and
    every stretch is cut to ``MAX_SPAN_S``. Stretches with under ``MIN_GAP_SPEECH_S`` of
    speech are left alone.

    Args:
        words: Timed words.
        regions: Speech regions in order.
        duration_s: End of the audio (spans never pass it).
        pad_s: Audio kept around each stretch.

    Returns:
        The stretches to decode again, in order, without overlaps.
    """
    starved = [
        i
        for i, (a, b) in enumerate(regions)
        if words_in(words, a, b) < STARVED_WORDS_PER_S * (b - a)
        or longest_wordless(words, [(a, b)]) >= MIN_WORDLESS_S
        or (i == len(regions) - 1 and _wordless_tail(words, (a, b)) >= MIN_TAIL_WORDLESS_S)
    ]
    groups: list[list[int]] = []
    for i in starved:
        if (
            groups
            and regions[i][0] - regions[groups[-1][-1]][1] < JOIN_GAP_S
            and (regions[i][1] - regions[groups[-1][0]][0] <= MAX_SPAN_S)
        ):
            groups[-1].append(i)
        else:
            groups.append([i])
    gaps: list[Gap] = []
    for whole in groups:
        group = [k for k in whole if not gaps or regions[k][0] >= gaps[-1].end]
        if not group:
            continue  # already decoded with the stretch before
        first, last = group[0], group[-1]
        if last + 1 < len(regions) and regions[last + 1][1] - regions[first][0] <= MAX_SPAN_S:
            last += 1
        start = max(0.0, regions[first][0] - pad_s, gaps[-1].end if gaps else 0.0)
        end = min(duration_s, regions[last][1] + pad_s)
        speech = speech_in([regions[k] for k in starved], start, end)
        if speech >= MIN_GAP_SPEECH_S and end > start:
            gaps.append(Gap(start, end, speech))
    return gaps


def _wordless_tail(words: Sequence[Word], region: tuple[float, float]) -> float:
    """Seconds of speech at the end of ``region`` with no word near them."""
    stretches = wordless(words, [region])
    return (
        stretches[-1][1] - stretches[-1][0] if stretches and stretches[-1][1] == region[1] else 0.0
    )


def wordless(words: Sequence[Word], regions: Regions) -> list[tuple[float, float]]:
    """Stretches of speech with no word within ``WORD_REACH_S`` (a word covers at most
    ``MAX_WORD_COVER_S`` from its start)."""
    spans = sorted(_cover(w) for w in words)
    out = []
    for a, b in regions:
        cursor = a
        for start, end in spans:
            if end <= cursor:
                continue
            if start >= b:
                break
            if start > cursor:
                out.append((cursor, start))
            cursor = max(cursor, end)
        if cursor < b:
            out.append((cursor, b))
    return out


def _cover(word: Word) -> tuple[float, float]:
    start = word.start or 0.0
    end = min(word.end or 0.0, start + MAX_WORD_COVER_S)
    return start - WORD_REACH_S, end + WORD_REACH_S


def longest_wordless(words: Sequence[Word], regions: Regions) -> float:
    """Longest stretch of speech with no word near it (seconds)."""
    return max((b - a for a, b in wordless(words, regions)), default=0.0)


def better(redone: Sequence[Word], existing: Sequence[Word], regions: Regions) -> bool:
    """Whether a decode should replace the words of a stretch.

    It must hold clearly more words (``MIN_GAIN`` times and two more), or leave at least
    ``MIN_WORDLESS_S`` less speech without words and not hold fewer words.
    """
    if more_words(redone, existing):
        return True
    gained = _wordless_s(existing, regions) - _wordless_s(redone, regions)
    return gained >= MIN_WORDLESS_S and len(redone) >= len(existing)


def more_words(redone: Sequence[Word], existing: Sequence[Word]) -> bool:
    """Whether a decode holds clearly more words: ``MIN_GAIN`` times as many, and two more."""
    return len(redone) >= max(len(existing) + 2, MIN_GAIN * len(existing))


def covers(words: Sequence[Word], gap: Gap, regions: Regions) -> bool:
    """Whether words account for a stretch: enough of them, and no long wordless speech."""
    inside_gap = [
        (max(a, gap.start), min(b, gap.end)) for a, b in regions if b > gap.start and a < gap.end
    ]
    return len(words) >= gap.words_needed and longest_wordless(words, inside_gap) < MIN_WORDLESS_S


def _wordless_s(words: Sequence[Word], regions: Regions) -> float:
    return sum(b - a for a, b in wordless(words, regions))


def replace_span(
    words: Sequence[Word], start: float, end: float, redone: Sequence[Word]
) -> list[Word]:
    """Words with those in ``[start, end)`` replaced by ``redone``, in time order."""
    kept = [w for w in words if not start <= middle(w) < end]
    return sorted([*kept, *(w for w in redone if start <= middle(w) < end)], key=middle)


def split_merged_fillers(words: Sequence[Word], regions: Regions) -> list[Word]:
    """Words with a filled pause that spans several separate speech regions written once each.

    Whisper (tiny, filler prompt) writes one "uh" for a run of "uh, uh, uh" spoken with
    silences between them, and times it from the first to the last. Every speech region the
    filler covers (``MERGED_MIN_COVER`` of it or more) that holds no other word's middle is a
    sound only that filler can stand for; with two or more such regions, the filler is written
    once per region, timed to it. A filler over one region, or regions holding other words, is
    left alone.
    """
    out: list[Word] = []
    for i, w in enumerate(words):
        if not filled_pause(w.text.strip(".,!?;:").lower()):
            out.append(w)
            continue
        others = [middle(x) for j, x in enumerate(words) if j != i]
        start, end = w.start or 0.0, w.end or 0.0
        spanned = [
            (a, b)
            for a, b in regions
            if min(b, end) - max(a, start) >= MERGED_MIN_COVER * (b - a)
            and not any(a <= m <= b for m in others)
        ]
        if len(spanned) < 2:
            out.append(w)
            continue
        out.extend(Word(w.text, round(a, 3), round(b, 3), w.probability) for a, b in spanned)
    return out


def coverage_windows(
    words: Sequence[Word], regions: Regions, duration_s: float, window_s: float = WINDOW_S
) -> list[WindowCoverage]:
    """Speech time and word count per window of ``window_s`` seconds."""
    out = []
    start = 0.0
    while start < duration_s:
        end = min(duration_s, start + window_s)
        out.append(
            WindowCoverage(start, end, speech_in(regions, start, end), words_in(words, start, end))
        )
        start = end
    return out


def convert_words(words: Sequence[Any], offset_s: float) -> list[Word]:
    """faster-whisper words as ``Word`` values shifted by ``offset_s`` (empty ones dropped)."""
    converted = []
    for word in words:
        text = _capital_i(word.word.strip())
        if text:
            converted.append(
                Word(
                    text=text,
                    start=round(float(word.start) + offset_s, 3),
                    end=round(float(word.end) + offset_s, 3),
                    probability=float(word.probability),
                )
            )
    return converted


def _capital_i(text: str) -> str:
    """The verbatim (lower-case) style writes "i", "i'm": give the pronoun its capital."""
    return "I" + text[1:] if text[:1] == "i" and (len(text) == 1 or text[1] in "'’") else text
