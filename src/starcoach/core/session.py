"""Interview session logic without UI: picking questions, auto-stop, the session summary."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

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
    analysis: dict[str, Any]
    """The analysis dict."""
    audio_path: str | None = None
    """Where the recording is, if any."""


def summarize(records: Sequence[AnswerRecord]) -> dict[str, Any]:
    """Averages across the answers of a session (None where no answer had the metric)."""

    def mean(values: list[float]) -> float | None:
        return round(sum(values) / len(values), 2) if values else None

    def pick(path: tuple[str, ...]) -> list[float]:
        out = []
        for r in records:
            value: Any = r.analysis
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if isinstance(value, int | float):
                out.append(float(value))
        return out

    parts = ("situation", "task", "action", "result")
    coverage = [  # share of the STAR parts the answer gives (a part judged missing counts 0)
        sum(p not in (r.analysis["star"].get("missing") or []) for p in parts) / len(parts)
        for r in records
        if r.analysis["star"].get("behavioral")
    ]
    return {
        "answers": len(records),
        "wpm": mean(pick(("pace", "wpm"))),
        "fillers_per_minute": mean(pick(("fillers", "per_minute"))),
        "fillers": int(sum(pick(("fillers", "count")))),
        "long_pauses": int(sum(pick(("pauses", "long_count")))),
        "star_coverage": mean(coverage),
        "duration_s": mean(pick(("length", "duration_s"))),
    }
