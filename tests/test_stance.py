"""Stance signals and flag thresholds (pure functions), on sentences written for the tests."""

from __future__ import annotations

import numpy as np

from starcoach.core.analysis.model_training import choose_threshold
from starcoach.core.analysis.stance import STANCE_NAMES, stance_features


def signals(sentence: str) -> dict[str, float]:
    """Non-zero stance signals of a lower-case, punctuation-free sentence."""
    return {n: float(v) for n, v in zip(STANCE_NAMES, stance_features(sentence), strict=True)
            if v}


def test_contempt_aimed_at_a_manager_is_a_judgement() -> None:
    s = signals("my old manager was lazy and honestly pretty useless")
    assert s["contempt"] > 0 and s["aside"] > 0 and s["judged_target"] == 1.0


def test_negated_contempt_does_not_count() -> None:
    s = signals("the caller was not rude he was just confused")
    assert "contempt" not in s and "judged_target" not in s


def test_emotion_of_a_customer_is_hardship_not_judgement() -> None:
    s = signals("the customer was furious and we were short-staffed")
    assert s["hardship"] > 0 and "judged_target" not in s


def test_neglect_counts_for_others_not_for_the_speaker() -> None:
    assert signals("my supervisor never listened to the team")["neglect"] > 0
    assert "neglect" not in signals("i didn't know the answer so i asked my supervisor")


def test_fault_taken_on_oneself_is_not_blame() -> None:
    assert "blame" not in signals("it was my fault because i mixed up the dates")
    assert signals("it was not my fault they ignored the sign")["blame"] > 0


def test_a_harsh_word_counts_only_when_said_of_someone() -> None:
    assert signals("honestly the company was a total mess")["harsh_aimed"] == 1.0
    assert "harsh_aimed" not in signals("we had a disaster of a morning with the printer")


def test_life_words_need_the_speaker_as_owner() -> None:
    assert signals("my dog had puppies the week before")["life"] > 0
    assert "life" not in signals("the customer said her dog needed the medicine")
    assert signals("in my spare time i go fishing")["life"] > 0


def test_threshold_is_the_middle_of_the_best_plateau() -> None:
    y = np.array([0, 0, 0, 1, 1])
    proba = np.array([0.1, 0.2, 0.35, 0.8, 0.9])
    t = choose_threshold(proba, y, beta=1.0)
    assert 0.35 < t <= 0.8  # every threshold between the classes is perfect; the middle wins
    assert abs(t - 0.575) < 0.03
    assert choose_threshold(proba, np.zeros(5, int)) == 0.5
