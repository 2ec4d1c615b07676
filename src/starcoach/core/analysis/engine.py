"""One entry point that runs every analysis over a transcript and returns the typed result.

The result (:class:`~starcoach.core.analysis.result.Analysis`) prints as the public
``starcoach analyze --json`` contract through :mod:`starcoach.core.analysis.contract`: keys
may be added, never renamed or dropped. Bump ``SCHEMA`` only for additions that change meaning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from starcoach.core.analysis.activity import Activity
from starcoach.core.analysis.boundaries import restore_boundaries
from starcoach.core.analysis.build import (
    content_part,
    length_part,
    pace_part,
    pauses_part,
    star_part,
    untimed_pace,
)
from starcoach.core.analysis.content import (
    ContentResult,
    content_tips,
    is_red_flag,
    judge_content,
)
from starcoach.core.analysis.fillers import FillerHit, filler_word_mask, find_fillers
from starcoach.core.analysis.hedges import find_hedges, hedge_tip, hedges_part
from starcoach.core.analysis.length import measure_length
from starcoach.core.analysis.pace import TARGET_WPM, measure_pace
from starcoach.core.analysis.pauses import LONG_PAUSE_S, PauseReport, find_pauses
from starcoach.core.analysis.result import Analysis
from starcoach.core.analysis.result_parts import (
    FillerItem,
    Fillers,
    Pauses,
    Question,
    WordItem,
)
from starcoach.core.analysis.star import StarResult, analyze_star
from starcoach.core.analysis.text_model import TextModel
from starcoach.core.models import Transcript, Word
from starcoach.core.ports import Embedder

SCHEMA = 1
"""Version of the JSON object."""
_AMOUNT = re.compile(r"\$?\d[\d,.:]*%?|\b(?:percent|half|twice|double[d]?|tripled?)\b")
FILLERS_PER_MIN_OK = 3.0
"""Fillers per minute at or below which filler use is fine."""


@dataclass(frozen=True)
class Settings:
    """Thresholds a user can change."""

    target_wpm: tuple[float, float] = TARGET_WPM
    """Pace band (words per minute)."""
    long_pause_s: float = LONG_PAUSE_S
    """Pauses this long or longer are long."""


@dataclass(frozen=True)
class QuestionRef:
    """The question an answer responds to."""

    text: str | None = None
    """Question text."""
    id: str | None = None
    """Question id from a question set."""
    behavioral: bool | None = None
    """True for STAR questions; None to infer from the text."""
    kind: str | None = None
    """"behavioral", "open", "situational" or "call"; None to infer from the text."""
    competency: str | None = None
    """The competency the question probes, when known."""
    set_id: str | None = None
    """The question set (or call scenario) it comes from."""


def analyze(
    transcript: Transcript,
    question: QuestionRef | None = None,
    activity: Activity | None = None,
    settings: Settings | None = None,
    embedder: Embedder | None = None,
    model: TextModel | None = None,
) -> Analysis:
    """Analyse one answer.

    Args:
        transcript: Words (timed for audio, untimed for text input).
        question: The question, when known.
        activity: Audibility of the audio, to confirm pauses; None for text or words only.
        settings: Thresholds; defaults when None.
        embedder: Sentence embedder for the learned STAR labeller and content coach.
        model: The learned weights. Without ``embedder`` and ``model`` no sentence is labeled
            (all "other"), nothing is reported missing and the content fields are null.

    Returns:
        The analysis (no ``warnings``, ``tone`` or ``input``: the pipeline adds those).
    """
    settings = settings or Settings()
    question = question or QuestionRef()
    words = list(transcript.words)
    timed = transcript.timed and bool(words)
    pauses = find_pauses(words, activity, settings.long_pause_s) if timed else None
    sentence_words = restore_boundaries(words, pauses)
    hits = find_fillers(sentence_words)
    mask = filler_word_mask(words, hits)
    filled = _filled_pause_mask(words, hits)
    star = analyze_star(
        sentence_words,
        question.text,
        question.behavioral,
        embedder,
        model,
        question.competency,
        question.kind,
    )
    judged = _judge_content(
        star,
        model if question.kind != "call" else None,
        bool(question.text and question.text.strip()),
    )
    behavioral = star.behavioral
    span = (pauses.speech_end - pauses.speech_start) if pauses else None
    pace = (
        measure_pace(
            words,
            [not f for f in filled],
            (pauses.speech_start, pauses.speech_end),
            pauses.total_s,
            settings.target_wpm,
        )
        if pauses
        else None
    )
    length = measure_length(span, behavioral)
    counted_words = sum(not f for f in filled)
    hedge_hits = find_hedges(sentence_words, hits)
    content = content_part(judged, hedges_part(hedge_hits, span))
    hedge_advice = hedge_tip(hedge_hits, span, counted_words)
    if hedge_advice:
        content = replace(content, tips=(*content.tips, hedge_advice))
    analysis = Analysis(
        schema=SCHEMA,
        duration_s=_r(transcript.duration_s),
        question=_question(question, behavioral),
        transcript=transcript.text.strip() or " ".join(w.text.strip() for w in words),
        words=tuple(
            WordItem(w.text.strip(), _r(w.start), _r(w.end), m, round(w.probability, 3))
            for w, m in zip(words, mask, strict=True)
        ),
        pace=pace_part(pace) if pace else untimed_pace(counted_words, settings.target_wpm),
        pauses=pauses_part(pauses) if pauses else Pauses(long_threshold_s=settings.long_pause_s),
        fillers=_fillers(hits, span, counted_words),
        star=star_part(star, content.result_concrete is True, _result_evidence(star)),
        content=content,
        length=length_part(length),
    )
    return replace(analysis, tips=tuple(_tips(analysis, pauses)))


def _filled_pause_mask(words: Sequence[Word], hits: Sequence[FillerHit]) -> list[bool]:
    out = [False] * len(words)
    for h in hits:
        if h.kind == "filled_pause":
            for i in range(h.first_word, h.first_word + h.n_words):
                out[i] = True
    return out


def _fillers(hits: Sequence[FillerHit], span: float | None, n_words: int) -> Fillers:
    by_text: dict[str, int] = {}
    for h in hits:
        by_text[h.text] = by_text.get(h.text, 0) + 1
    minutes = span / 60.0 if span and span >= 1.0 else None
    return Fillers(
        count=len(hits),
        per_minute=round(len(hits) / minutes, 2) if minutes else None,
        per_100_words=round(100.0 * len(hits) / n_words, 2) if n_words else 0.0,
        filled_pauses=sum(h.kind == "filled_pause" for h in hits),
        discourse_markers=sum(h.kind == "discourse" for h in hits),
        by_text=tuple(sorted(by_text.items(), key=lambda kv: -kv[1])),
        items=tuple(FillerItem(h.text, h.kind, _r(h.start), _r(h.end), h.first_word) for h in hits),
    )


def _question(q: QuestionRef, behavioral: bool) -> Question | None:
    if q.text is None and q.id is None:
        return None
    return Question(q.id, q.text, behavioral, q.kind, q.competency, q.set_id)


def _tips(a: Analysis, pauses: PauseReport | None) -> list[str]:
    """Every tip, most important first: red flags (negativity, off the question), STAR gaps,
    the other content tips, then delivery (pace, fillers, pauses, length)."""
    content = a.content.tips if a.content else ()
    major = [t for t in content if is_red_flag(t)]
    tips: list[str] = [*major, *a.star.tips, *(t for t in content if t not in major)]
    pace = a.pace
    if pace.verdict == "too fast" and pace.wpm is not None:
        tips.append(
            f"You spoke at {pace.wpm:.0f} wpm: slow down towards "
            f"{pace.target_wpm[1]:.0f} and let key points land."
        )
    elif pace.verdict == "too slow" and pace.wpm is not None:
        tips.append(
            f"You spoke at {pace.wpm:.0f} wpm: pick up the pace towards {pace.target_wpm[0]:.0f}."
        )
    per_min = a.fillers.per_minute
    if per_min is not None and per_min > FILLERS_PER_MIN_OK and a.fillers.by_text:
        top = a.fillers.by_text[0][0]
        tips.append(f'{per_min:.1f} fillers a minute, mostly "{top}": pause silently instead.')
    if pauses is not None:
        if pauses.long_count:
            tips.append(
                f"{pauses.long_count} long pause(s) over {pauses.long_threshold_s:g} s: "
                'bridge with a short signpost ("The key step was...").'
            )
        if pauses.speech_start > 3.0:
            tips.append(
                f"You took {pauses.speech_start:.1f} s to start: open with a one-line "
                "summary while you think."
            )
    verdict = a.length.verdict
    if verdict == "too short":
        tips.append("The answer was short: add detail on what you did and how it ended.")
    elif verdict == "too long":
        tips.append("The answer ran over 2 minutes: trim the situation and lead with actions.")
    return tips


def _judge_content(
    star: StarResult, model: TextModel | None, has_question: bool
) -> ContentResult | None:
    """The content judgements with their tips; None when no model read the answer, and for a
    call turn (the interview content coach does not judge phone calls; the call rubric does)."""
    if star.reading is None or model is None:
        return None
    judged = judge_content(star.reading, star.behavioral, has_question)
    tips = content_tips(
        judged, star.reading, star.texts, "behavioral" if star.behavioral else star.kind
    )
    return replace(judged, tips=tips)


def _result_evidence(star: StarResult) -> list[str]:
    """Numbers and amounts quoted from the result sentences."""
    found: list[str] = []
    for text, label in zip(star.texts, star.labels, strict=True):
        if label == "result":
            found += [m.group(0) for m in _AMOUNT.finditer(text.lower())]
    return list(dict.fromkeys(found))


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 3)
