"""Trends and retake comparison on known data (core.trends is pure)."""

from __future__ import annotations

import pytest

from starcoach.core.analysis.contract import from_json
from starcoach.core.trends import (
    METRICS,
    attempt_score,
    badness,
    compare_attempts,
    metric_trend,
    metrics_of,
    trends,
)
from tests.test_history_factory import make_analysis

SPEC = {s.key: s for s in METRICS}


@pytest.mark.parametrize(
    ("metric", "values", "direction", "slope"),
    [
        ("fillers_per_min", [6.0, 4.0, 2.0], "improving", -2.0),
        ("fillers_per_min", [1.0, 2.0, 3.0], "worse", 1.0),
        ("fillers_per_min", [2.0, 2.02, 2.0], "flat", 0.0),
        ("star_coverage", [0.25, 0.5, 0.75], "improving", -0.25),
        ("long_pauses", [0, None, 4], "worse", 2.0),
        ("wpm", [200.0, 180.0, 160.0], "improving", -20.0),   # approaching the band
        ("wpm", [125.0, 140.0, 155.0], "flat", 0.0),           # inside the band all along
        ("wpm", [130.0, 110.0, 90.0], "worse", 15.0),          # slipping below 120
        ("wpm", [150.0], "flat", None),
    ],
    ids=["fillers-down", "fillers-up", "fillers-noise", "star-up", "pauses-gap",
         "pace-into-band", "pace-in-band", "pace-too-slow", "single"],
)
def test_metric_trend(metric: str, values: list[float | None], direction: str,
                      slope: float | None) -> None:
    t = metric_trend(SPEC[metric], values)
    assert t.direction == direction
    assert t.values == tuple(values)
    if slope is None:
        assert t.slope is None
    else:
        assert t.slope == pytest.approx(slope, abs=0.02)


@pytest.mark.parametrize(("wpm", "distance"), [(100, 20), (120, 0), (150, 0), (175, 15)])
def test_pace_badness_is_distance_to_band(wpm: float, distance: float) -> None:
    assert badness(SPEC["wpm"], wpm, (120, 160)) == distance


def test_trends_over_analyses_reads_every_metric() -> None:
    series = [make_analysis(wpm=w, fillers_per_min=f, long_pauses=p, star=s) for w, f, p, s in [
        (190, 6.0, 3, (1, 0, 0, 0)), (170, 4.0, 2, (1, 1, 0, 0)), (150, 1.0, 0, (1, 1, 1, 1))]]
    got = {t.metric: t for t in trends(series)}
    assert set(got) == {"wpm", "fillers_per_min", "long_pauses", "star_coverage"}
    assert got["star_coverage"].values == (0.25, 0.5, 1.0)
    assert all(t.direction == "improving" for t in got.values())


def test_metrics_tolerate_missing_and_unknown_keys() -> None:
    m = metrics_of(from_json({"schema": 9, "something_new": [1, 2], "pace": None, "star": {}}))
    assert (m.wpm, m.fillers_per_min, m.long_pauses, m.star_coverage) == (None,) * 4
    assert trends([]) and all(t.direction == "flat" for t in trends([]))


def test_compare_attempts_reports_deltas_and_verdicts() -> None:
    prev = make_analysis(wpm=185, fillers_per_min=5.0, long_pauses=1, star=(1, 1, 0, 0))
    cur = make_analysis(wpm=150, fillers_per_min=6.5, long_pauses=1, star=(1, 1, 1, 1))
    changes = {c.metric: c for c in compare_attempts(prev, cur)}
    assert changes["wpm"].delta == pytest.approx(-35) and changes["wpm"].better
    assert changes["fillers_per_min"].delta == pytest.approx(1.5)
    assert changes["fillers_per_min"].worse and not changes["fillers_per_min"].better
    assert not changes["long_pauses"].better and not changes["long_pauses"].worse
    assert changes["star_coverage"].before == 0.5 and changes["star_coverage"].after == 1.0
    assert changes["star_coverage"].better


def test_compare_with_text_answer_has_no_pace_delta() -> None:
    changes = {c.metric: c for c in compare_attempts(make_analysis(timed=False), make_analysis())}
    assert changes["wpm"].delta is None and changes["wpm"].before is None
    assert not changes["wpm"].better


def test_attempt_score_prefers_the_better_answer() -> None:
    good = make_analysis(wpm=140, fillers_per_min=0.5, long_pauses=0, star=(1, 1, 1, 1))
    bad = make_analysis(wpm=200, fillers_per_min=7.0, long_pauses=4, star=(1, 0, 0, 0))
    assert 0.0 <= attempt_score(bad) < attempt_score(good) <= 1.0
