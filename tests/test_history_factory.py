"""A factory of synthetic analyses for history/report tests.

``make_analysis_json`` writes the ``analyze --json`` shape (partial, like an older save, with an
unknown key); ``make_analysis`` reads it into the typed ``Analysis`` as the history does. Other
test modules import them from here; the test below keeps them honest.
"""

from __future__ import annotations

from typing import Any

from starcoach.core.analysis.contract import from_json
from starcoach.core.analysis.result import Analysis

FILLERS = {"um", "uh", "like"}


def make_analysis(text: str = "Um so I led the team and like we shipped it",
                  **kw: Any) -> Analysis:
    """``make_analysis_json`` read as the typed analysis."""
    return from_json(make_analysis_json(text, **kw))


def make_analysis_json(text: str = "Um so I led the team and like we shipped it",
                       *, wpm: float | None = 140.0, fillers_per_min: float | None = 2.0,
                       long_pauses: int | None = 1, star: tuple[float, float, float, float] = (
                           1.0, 0.5, 1.0, 0.0), question: dict[str, Any] | None = None,
                       timed: bool = True, **extra: Any) -> dict[str, Any]:
    """A self-consistent analysis dict; timing fields are None when ``timed`` is False."""
    tokens = text.split()
    words = [{"text": t, "start": i * 0.4 if timed else None,
              "end": i * 0.4 + 0.3 if timed else None,
              "filler": t.strip(",.").lower() in FILLERS} for i, t in enumerate(tokens)]
    n_fillers = sum(w["filler"] for w in words)
    duration = len(tokens) * 0.4 if timed else None
    names = ("situation", "task", "action", "result")
    return {
        "schema": 1,
        "duration_s": duration,
        "transcript": text,
        "words": words,
        "pace": {"wpm": wpm if timed else None, "articulation_wpm": wpm,
                 "target_wpm": [120, 160], "verdict": "ok"},
        "pauses": {"count": long_pauses, "long_count": long_pauses if timed else None,
                   "longest_s": 2.0, "items": [{"start": 1.0, "end": 3.0}] if timed else []},
        "fillers": {"count": n_fillers,
                    "per_minute": fillers_per_min if timed else None,
                    "per_100_words": round(100 * n_fillers / max(len(tokens), 1), 2),
                    "items": [{"text": w["text"], "start": w["start"]} for w in words
                              if w["filler"]]},
        "star": {**dict(zip(names, star, strict=True)),
                 "missing": [n for n, s in zip(names, star, strict=True) if s == 0],
                 "sentences": [], "tips": ["Say what the result was."]},
        "length": {"duration_s": duration, "verdict": "too short"},
        "question": question,
        "tone": {"unknown_future_key": True},
        **extra,
    }


def test_factory_is_self_consistent() -> None:
    a = make_analysis_json("Um I uh fixed it")
    assert [w["text"] for w in a["words"] if w["filler"]] == ["Um", "uh"]
    assert a["fillers"]["count"] == 2
    assert a["star"]["missing"] == ["result"]
    untimed = make_analysis_json(timed=False)
    assert untimed["pace"]["wpm"] is None and untimed["words"][0]["start"] is None
    typed = make_analysis("Um I uh fixed it")
    assert [w.text for w in typed.words if w.filler] == ["Um", "uh"]
    assert typed.star.missing == ("result",) and typed.pace.wpm == 140.0
