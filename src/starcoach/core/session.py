"""Interview session logic without UI: picking questions, auto-stop, the session summary."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from starcoach.core.analysis.result import Analysis
from starcoach.core.questions import Question, QuestionSet

SILENCE_STOP_S = 4.0
"""Default: stop recording after this much silence once the candidate has spoken."""
MAX_ANSWER_S = 180.0
"""Default: stop recording at this length whatever happens."""
SPEECH_ABOVE_FLOOR_DB = 15.0
"""A block this far above the quietest blocks so far is speech."""
MIN_SPEECH_DBFS = -55.0
"""Nothing quieter than this is speech."""


def plan_questions(
    question_set: QuestionSet,
    count: int | None = None,
    shuffle: bool = False,
    seed: int | None = None,
) -> list[Question]:
    """The questions of one session, in order or shuffled, at most ``count`` of them."""
    questions = list(question_set.questions)
    if shuffle:
        random.Random(seed).shuffle(questions)
    return questions[:count] if count else questions


def block_level_dbfs(samples: np.ndarray) -> float:
    """RMS level of a block of samples in dBFS (-100 for silence)."""
    if samples.size == 0:
        return -100.0
    rms = float(np.sqrt(np.mean(np.square(samples.astype(np.float64)))))
    return max(20.0 * math.log10(rms), -100.0) if rms > 0 else -100.0


@dataclass
class SilenceMonitor:
    """Decides when a recording should stop by itself.

    Feed it each block's level and length; ``update`` returns a reason to stop or None.
    """

    silence_stop_s: float = SILENCE_STOP_S
    """Trailing silence, after speech, that ends the answer."""
    max_s: float = MAX_ANSWER_S
    """Longest answer."""
    elapsed_s: float = 0.0
    """Audio seen so far."""
    speech_started_s: float | None = None
    """When speech was first heard."""
    silence_s: float = 0.0
    """Current run of silence."""
    _floor: float = field(default=0.0, repr=False)

    def update(self, level_dbfs: float, block_s: float) -> str | None:
        """Account for one block; returns "silence" or "max_length" to stop, else None."""
        self._floor = level_dbfs if self.elapsed_s == 0.0 else min(self._floor, level_dbfs)
        self.elapsed_s += block_s
        loud = level_dbfs > max(self._floor + SPEECH_ABOVE_FLOOR_DB, MIN_SPEECH_DBFS)
        if loud:
            if self.speech_started_s is None:
                self.speech_started_s = self.elapsed_s - block_s
            self.silence_s = 0.0
        else:
            self.silence_s += block_s
        if self.elapsed_s >= self.max_s:
            return "max_length"
        if self.speech_started_s is not None and self.silence_s >= self.silence_stop_s:
            return "silence"
        return None


@dataclass(frozen=True)
class AnswerRecord:
    """One answered question in a session."""

    question: Question
    """What was asked."""
    analysis: Analysis
    """The answer's analysis."""
    audio_path: str | None = None
    """Where the recording is, if any."""


def summarize(records: Sequence[AnswerRecord]) -> SessionSummary:
    """Averages across the answers of a session (None where no answer had the metric)."""

    def mean(values: Sequence[float | None]) -> float | None:
        known = [float(v) for v in values if v is not None]
        return round(sum(known) / len(known), 2) if known else None

    def total(values: Sequence[float | None]) -> int:
        return int(sum(float(v) for v in values if v is not None))

    parts = ("situation", "task", "action", "result")
    coverage = [  # share of the STAR parts the answer gives (a part judged missing counts 0)
        sum(p not in r.analysis.star.missing for p in parts) / len(parts)
        for r in records
        if r.analysis.star.behavioral
    ]
    analyses = [r.analysis for r in records]
    return SessionSummary(
        answers=len(records),
        wpm=mean([a.pace.wpm for a in analyses]),
        fillers_per_minute=mean([a.fillers.per_minute for a in analyses]),
        fillers=total([a.fillers.count for a in analyses]),
        long_pauses=total([a.pauses.long_count for a in analyses]),
        star_coverage=mean(coverage),
        duration_s=mean([a.length.duration_s for a in analyses]),
    )


@dataclass(frozen=True)
class SessionSummary:
    """Averages across the answers of one session."""

    answers: int
    """Answers given."""
    wpm: float | None
    """Mean words per minute."""
    fillers_per_minute: float | None
    """Mean fillers a minute."""
    fillers: int
    """Fillers in all."""
    long_pauses: int
    """Long pauses in all."""
    star_coverage: float | None
    """Mean share of the STAR parts given (behavioral answers only)."""
    duration_s: float | None
    """Mean answer length."""
