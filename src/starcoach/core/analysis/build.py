"""Turn the analysers' working reports into the typed result parts, rounded as published.

The analysers (pace, pauses, STAR, hedges, tone, ...) keep full precision for their own
reasoning; these functions make the :mod:`starcoach.core.analysis.result_parts` values that
the JSON contract prints.
"""

from __future__ import annotations

from collections.abc import Sequence

from starcoach.core.analysis.content import ContentResult
from starcoach.core.analysis.length import LengthReport
from starcoach.core.analysis.pace import PaceReport
from starcoach.core.analysis.pauses import PauseReport
from starcoach.core.analysis.result import (
    LevelWindow,
    PitchWindow,
    Tone,
    Uptalk,
    UptalkItem,
)
from starcoach.core.analysis.result_parts import (
    Competency,
    Content,
    Hedges,
    Length,
    Pace,
    PaceWindow,
    PauseItem,
    Pauses,
    Pronouns,
    Star,
    StarEvidence,
    StarSentence,
    TimeShare,
)
from starcoach.core.analysis.star import PARTS, StarResult
from starcoach.core.analysis.tone import MONOTONE_THRESHOLD_ST, ToneResult


def pace_part(pace: PaceReport) -> Pace:
    """The ``pace`` part of a timed answer."""
    return Pace(
        wpm=_round(pace.wpm, 1),
        articulation_wpm=_round(pace.articulation_wpm, 1),
        words=pace.words,
        filled_pauses_excluded=pace.excluded,
        span_s=round(pace.span_s, 3),
        target_wpm=tuple(pace.target),
        verdict=pace.verdict,
        windows=tuple(
            PaceWindow(round(w.start, 2), round(w.end, 2), w.words, round(w.wpm, 1))
            for w in pace.windows
        ),
    )


def untimed_pace(n_words: int, target: tuple[float, float]) -> Pace:
    """The ``pace`` part of a typed answer: words counted, no rates."""
    return Pace(words=n_words, target_wpm=tuple(target))


def pauses_part(pauses: PauseReport) -> Pauses:
    """The ``pauses`` part of a timed answer."""
    return Pauses(
        count=len(pauses.items),
        long_count=pauses.long_count,
        longest_s=round(max((p.duration_s for p in pauses.items), default=0.0), 3),
        total_s=round(pauses.total_s, 3),
        first_word_delay_s=round(pauses.speech_start, 3),
        longest_run_without_pause_s=round(pauses.longest_run_s, 3),
        long_threshold_s=pauses.long_threshold_s,
        source=pauses.source,
        measured=pauses.measured,
        verdict=pauses.verdict,
        snr_db=None if pauses.snr_db is None else round(pauses.snr_db, 1),
        items=tuple(
            PauseItem(round(p.start, 3), round(p.end, 3), p.long, p.after, round(p.duration_s, 3))
            for p in pauses.items
        ),
    )


def star_part(star: StarResult, result_concrete: bool, result_evidence: Sequence[str]) -> Star:
    """The ``star`` part."""
    flags = star.flags or ((),) * len(star.sentences)
    share = star.time_share or {}
    return Star(
        situation=round(star.coverage["situation"], 2),
        task=round(star.coverage["task"], 2),
        action=round(star.coverage["action"], 2),
        result=round(star.coverage["result"], 2),
        missing=tuple(star.missing),
        hints=tuple(star.hints),
        sentences=tuple(
            StarSentence(s.text, lab, s.start, s.end, tuple(f))
            for s, lab, f in zip(star.sentences, star.labels, flags, strict=True)
        ),
        time_share=TimeShare(*(share.get(p) for p in PARTS)),
        evidence=StarEvidence(
            *(tuple(i for i, lab in enumerate(star.labels) if lab == p) for p in PARTS)
        ),
        pronouns=Pronouns(
            int(star.pronouns["i"]), int(star.pronouns["we"]), str(star.pronouns["verdict"])
        ),
        tips=tuple(star.tips),
        behavioral=star.behavioral,
        kind=star.kind,
        result_concrete=result_concrete,
        result_evidence=tuple(result_evidence),
    )


def content_part(content: ContentResult | None, hedges: Hedges) -> Content:
    """The ``content`` part; every judgement None when ``content`` is None (no model)."""
    if content is None:
        return Content(hedges=hedges)
    return Content(
        specific=content.specific,
        on_topic=content.on_topic,
        result_concrete=content.result_concrete,
        competency=Competency(content.competency_asked, content.competency_shown),
        tips=tuple(content.tips),
        hedges=hedges,
    )


def length_part(length: LengthReport) -> Length:
    """The ``length`` part."""
    duration = None if length.duration_s is None else round(length.duration_s, 2)
    return Length(duration, tuple(length.target), length.verdict)


def tone_part(tone: ToneResult) -> Tone:
    """The ``tone`` part of a recorded answer."""
    return Tone(
        pitch_median_hz=_round(tone.pitch_median_hz, 1),
        pitch_variation_st=_round(tone.pitch_variation_st, 2),
        monotone=tone.monotone,
        monotone_threshold_st=MONOTONE_THRESHOLD_ST,
        pitch_windows=tuple(
            PitchWindow(round(s, 2), round(e, 2), _round(v, 2)) for s, e, v in tone.pitch_windows
        ),
        level_dbfs=_round(tone.level_dbfs, 1),
        level_variation_db=_round(tone.level_variation_db, 1),
        level_windows=tuple(
            LevelWindow(round(s, 2), round(e, 2), _round(v, 1)) for s, e, v in tone.level_windows
        ),
        too_quiet=tone.too_quiet,
        too_loud=tone.too_loud,
        clipping=tone.clipping,
        clipping_ratio=round(tone.clipping_ratio, 5),
        uptalk=Uptalk(
            len(tone.uptalk),
            tuple(
                UptalkItem(round(u.start, 2), round(u.end, 2), round(u.rise_st, 1))
                for u in tone.uptalk
            ),
        ),
        tips=tuple(tone.tips()),
    )


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
