"""One entry point that runs every analysis over a transcript and returns the JSON object.

The returned dict is the public ``starcoach analyze --json`` contract: keys may be added,
never renamed or dropped. Bump ``SCHEMA`` only for additions that change meaning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from starcoach.core.analysis.activity import Activity
from starcoach.core.analysis.boundaries import restore_boundaries
from starcoach.core.analysis.content import content_tips, is_red_flag, judge_content
from starcoach.core.analysis.fillers import FillerHit, filler_word_mask, find_fillers
from starcoach.core.analysis.hedges import find_hedges, hedge_tip, hedges_dict
from starcoach.core.analysis.length import measure_length
from starcoach.core.analysis.pace import TARGET_WPM, measure_pace
from starcoach.core.analysis.pauses import LONG_PAUSE_S, PauseReport, find_pauses
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
    extra: dict[str, Any] = field(default_factory=dict)
    """Other fields to echo in the JSON (competency, kind, set)."""


def analyze(
    transcript: Transcript,
    question: QuestionRef | None = None,
    activity: Activity | None = None,
    settings: Settings | None = None,
    embedder: Embedder | None = None,
    model: TextModel | None = None,
) -> dict[str, Any]:
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
        The JSON-ready analysis.
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
        question.extra.get("competency"),
        question.extra.get("kind"),
    )
    star_dict = star.to_dict()
    content = _content_dict(
        star,
        model if question.extra.get("kind") != "call" else None,
        bool(question.text and question.text.strip()),
    )
    star_dict["result_concrete"] = content["result_concrete"] is True
    star_dict["result_evidence"] = _result_evidence(star)
    behavioral = bool(star_dict.get("behavioral"))
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
    content["hedges"] = hedges_dict(hedge_hits, span)
    hedge_advice = hedge_tip(hedge_hits, span, counted_words)
    if hedge_advice:
        content["tips"] = [*content["tips"], hedge_advice]
    result: dict[str, Any] = {
        "schema": SCHEMA,
        "duration_s": _r(transcript.duration_s),
        "question": _question_dict(question, behavioral),
        "transcript": transcript.text.strip() or " ".join(w.text.strip() for w in words),
        "words": [
            {
                "text": w.text.strip(),
                "start": _r(w.start),
                "end": _r(w.end),
                "filler": m,
                "probability": round(w.probability, 3),
            }
            for w, m in zip(words, mask, strict=True)
        ],
        "pace": pace.to_dict() if pace else _untimed_pace(counted_words, settings),
        "pauses": pauses.to_dict() if pauses else _untimed_pauses(settings),
        "fillers": _fillers_dict(hits, span, counted_words),
        "star": star_dict,
        "content": content,
        "length": length.to_dict(),
    }
    result["tips"] = _tips(result, pauses)
    return result


def _filled_pause_mask(words: Sequence[Word], hits: Sequence[FillerHit]) -> list[bool]:
    out = [False] * len(words)
    for h in hits:
        if h.kind == "filled_pause":
            for i in range(h.first_word, h.first_word + h.n_words):
                out[i] = True
    return out


def _fillers_dict(hits: Sequence[FillerHit], span: float | None, n_words: int) -> dict[str, Any]:
    by_text: dict[str, int] = {}
    for h in hits:
        by_text[h.text] = by_text.get(h.text, 0) + 1
    minutes = span / 60.0 if span and span >= 1.0 else None
    return {
        "count": len(hits),
        "per_minute": round(len(hits) / minutes, 2) if minutes else None,
        "per_100_words": round(100.0 * len(hits) / n_words, 2) if n_words else 0.0,
        "filled_pauses": sum(h.kind == "filled_pause" for h in hits),
        "discourse_markers": sum(h.kind == "discourse" for h in hits),
        "by_text": dict(sorted(by_text.items(), key=lambda kv: -kv[1])),
        "items": [
            {
                "text": h.text,
                "kind": h.kind,
                "start": _r(h.start),
                "end": _r(h.end),
                "word_index": h.first_word,
            }
            for h in hits
        ],
    }


def _untimed_pace(n_words: int, settings: Settings) -> dict[str, Any]:
    return {
        "wpm": None,
        "articulation_wpm": None,
        "words": n_words,
        "span_s": None,
        "target_wpm": list(settings.target_wpm),
        "verdict": "unknown",
        "windows": [],
    }


def _untimed_pauses(settings: Settings) -> dict[str, Any]:
    return {
        "count": None,
        "long_count": None,
        "longest_s": None,
        "total_s": None,
        "first_word_delay_s": None,
        "longest_run_without_pause_s": None,
        "long_threshold_s": settings.long_pause_s,
        "source": None,
        "items": [],
    }


def _question_dict(q: QuestionRef, behavioral: bool) -> dict[str, Any] | None:
    if q.text is None and q.id is None:
        return None
    return {"id": q.id, "text": q.text, "behavioral": behavioral, **q.extra}


def _tips(a: dict[str, Any], pauses: PauseReport | None) -> list[str]:
    """Every tip, most important first: red flags (negativity, off the question), STAR gaps,
    the other content tips, then delivery (pace, fillers, pauses, length)."""
    content = a["content"].get("tips", [])
    major = [t for t in content if is_red_flag(t)]
    tips: list[str] = [*major, *a["star"].get("tips", []), *(t for t in content if t not in major)]
    pace = a["pace"]
    if pace["verdict"] == "too fast":
        tips.append(
            f"You spoke at {pace['wpm']:.0f} wpm: slow down towards "
            f"{pace['target_wpm'][1]:.0f} and let key points land."
        )
    elif pace["verdict"] == "too slow":
        tips.append(
            f"You spoke at {pace['wpm']:.0f} wpm: pick up the pace towards "
            f"{pace['target_wpm'][0]:.0f}."
        )
    per_min = a["fillers"]["per_minute"]
    if per_min is not None and per_min > FILLERS_PER_MIN_OK and a["fillers"]["by_text"]:
        top = next(iter(a["fillers"]["by_text"]))
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
    verdict = a["length"]["verdict"]
    if verdict == "too short":
        tips.append("The answer was short: add detail on what you did and how it ended.")
    elif verdict == "too long":
        tips.append("The answer ran over 2 minutes: trim the situation and lead with actions.")
    return tips


def _content_dict(star: StarResult, model: TextModel | None, has_question: bool) -> dict[str, Any]:
    """The ``content`` object; every judgement null when no model read the answer, and for a
    call turn (the interview content coach does not judge phone calls; the call rubric does)."""
    if star.reading is None or model is None:
        return {
            "specific": None,
            "on_topic": None,
            "result_concrete": None,
            "competency": {"asked": None, "shown": None},
            "tips": [],
        }
    judged = judge_content(star.reading, star.behavioral, has_question)
    tips = content_tips(
        judged, star.reading, star.texts, "behavioral" if star.behavioral else star.kind
    )
    return replace(judged, tips=tips).to_dict()


def _result_evidence(star: StarResult) -> list[str]:
    """Numbers and amounts quoted from the result sentences."""
    found: list[str] = []
    for text, label in zip(star.texts, star.labels, strict=True):
        if label == "result":
            found += [m.group(0) for m in _AMOUNT.finditer(text.lower())]
    return list(dict.fromkeys(found))


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 3)
