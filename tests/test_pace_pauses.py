"""Pace, pauses and audio activity on hand-made word lists and synthetic signals."""

from __future__ import annotations

import numpy as np
import pytest

from starcoach.core.analysis.activity import detect_activity
from starcoach.core.analysis.build import pace_part, pauses_part
from starcoach.core.analysis.contract import part_json
from starcoach.core.analysis.length import measure_length
from starcoach.core.analysis.pace import measure_pace
from starcoach.core.analysis.pauses import find_pauses
from starcoach.core.models import SAMPLE_RATE, AudioClip, Word


def words_at(times: list[tuple[float, float]], text: str = "word") -> list[Word]:
    return [Word(f"{text}{i}", a, b) for i, (a, b) in enumerate(times)]


def evenly(n: int, start: float, wpm: float) -> list[tuple[float, float]]:
    step = 60.0 / wpm
    return [(start + i * step, start + i * step + step * 0.8) for i in range(n)]


@pytest.mark.parametrize(
    ("n", "wpm"),
    [pytest.param(60, 120.0, id="slow-120"), pytest.param(100, 150.0, id="mid-150"),
     pytest.param(80, 200.0, id="fast-200")],
)
def test_wpm_of_evenly_spaced_words(n: int, wpm: float) -> None:
    times = evenly(n, 1.0, wpm)
    words = words_at(times)
    span = (times[0][0], times[-1][1])
    report = measure_pace(words, [True] * n, span, pause_s=0.0)
    # n words over (n - 1) steps + 0.8 step: within 3 % of the nominal rate
    assert report.wpm == pytest.approx(wpm, rel=0.03)
    assert report.articulation_wpm == pytest.approx(report.wpm)


def test_verdicts_and_uncounted_fillers() -> None:
    times = evenly(40, 0.0, 100.0)
    words = words_at(times)
    counted = [i % 4 != 0 for i in range(40)]  # every 4th word a filled pause
    report = measure_pace(words, counted, (0.0, times[-1][1]), 0.0)
    assert report.words == 30
    assert report.excluded == 10 and part_json(pace_part(report))["filled_pauses_excluded"] == 10
    assert report.wpm == pytest.approx(30 / times[-1][1] * 60.0)  # fillers never count
    assert report.verdict == "too slow"
    fast = measure_pace(words, [True] * 40, (0.0, 10.0), 0.0)
    assert fast.verdict == "too fast"
    assert measure_pace(words, [True] * 40, (0.0, 0.5), 0.0).wpm is None


def test_articulation_rate_excludes_pauses() -> None:
    times = evenly(30, 0.0, 120.0)
    span = (0.0, times[-1][1])
    report = measure_pace(words_at(times), [True] * 30, span, pause_s=5.0)
    assert report.articulation_wpm == pytest.approx(30 / (span[1] - 5.0) * 60, rel=1e-6)


def test_pace_windows_show_a_speed_up() -> None:
    times = evenly(30, 0.0, 100.0) + evenly(50, 18.0, 200.0)
    report = measure_pace(words_at(times), [True] * 80, (0.0, times[-1][1]), 0.0)
    assert len(report.windows) == 2
    assert report.windows[1].wpm > report.windows[0].wpm * 1.5


def test_pauses_from_word_gaps() -> None:
    times = [(0.5, 0.8), (0.85, 1.2), (1.5, 1.9), (3.6, 4.0), (4.1, 4.4)]
    report = find_pauses(words_at(times), None, long_threshold_s=1.5)
    assert [(p.start, p.end) for p in report.items] == [(1.2, 1.5), (1.9, 3.6)]
    assert report.long_count == 1
    assert report.speech_start == 0.5
    assert report.items[1].after == "word2"
    assert report.longest_run_s == pytest.approx(4.4 - 3.6)  # runs 0.7, 0.4, 0.8 s
    assert part_json(pauses_part(report))["source"] == "words"


def tone_bursts(bursts: list[tuple[float, float]], total: float, noise_db: float = -70.0
                ) -> AudioClip:
    rng = np.random.default_rng(0)
    t = np.arange(int(total * SAMPLE_RATE)) / SAMPLE_RATE
    noise = rng.normal(0, 10 ** (noise_db / 20), t.size)
    signal = np.zeros_like(t)
    for a, b in bursts:
        m = (t >= a) & (t < b)
        signal[m] = 0.3 * np.sin(2 * np.pi * 180 * t[m]) * (1 + 0.3 * np.sin(2 * np.pi * 4 * t[m]))
    return AudioClip((signal + noise).astype(np.float32))


def test_pauses_are_confirmed_in_the_audio() -> None:
    # Speech 1.0-3.0, 3.4-6.0, 8.0-9.0; the words claim a gap at 4.5-5.5 that is speech.
    clip = tone_bursts([(1.0, 3.0), (3.4, 6.0), (8.0, 9.0)], 10.0)
    words = words_at([(1.0, 2.9), (3.5, 4.5), (5.5, 6.0), (8.1, 9.0)])
    report = find_pauses(words, detect_activity(clip))
    spans = [(round(p.start, 1), round(p.end, 1)) for p in report.items]
    assert spans == [(3.0, 3.4), (6.0, 8.0)]
    assert report.long_count == 1
    assert report.speech_start == pytest.approx(1.0, abs=0.03)
    assert report.speech_end == pytest.approx(9.0, abs=0.03)
    assert report.source == "audio"


def test_no_pause_is_reported_over_sound() -> None:
    clip = tone_bursts([(0.5, 4.0)], 5.0)
    words = words_at([(0.5, 1.0), (3.0, 4.0)])  # a 2 s word gap over continuous sound
    assert find_pauses(words, detect_activity(clip)).items == ()


def test_silent_clip_has_no_audible_span() -> None:
    activity = detect_activity(AudioClip(np.zeros(SAMPLE_RATE * 2, np.float32)))
    assert activity.audible_span() is None


@pytest.mark.parametrize(
    ("duration", "behavioral", "verdict"),
    [(45.0, True, "too short"), (90.0, True, "good"), (150.0, True, "too long"),
     (45.0, False, "good"), (None, True, "unknown")],
)
def test_length_verdicts(duration: float | None, behavioral: bool, verdict: str) -> None:
    assert measure_length(duration, behavioral).verdict == verdict


def test_noise_before_the_answer_does_not_hide_its_pauses() -> None:
    # Room noise at -45 dBFS throughout the answer, and one second of a quieter room
    # (-62 dBFS) before it: the floor must come from the answer, not from that second.
    bursts = [(2.0, 4.0), (4.6, 7.0), (7.8, 10.0), (10.5, 13.0)]
    clip = tone_bursts(bursts, 14.0, noise_db=-45.0)
    quiet = np.random.default_rng(1).normal(0, 10 ** (-62 / 20), SAMPLE_RATE)
    samples = np.concatenate([quiet, clip.samples[SAMPLE_RATE:]]).astype(np.float32)
    words = words_at([(2.0, 3.9), (4.7, 6.9), (7.9, 9.9), (10.6, 13.0)])
    whole = find_pauses(words, detect_activity(AudioClip(samples)))
    assert whole.items == ()  # the old behaviour: a floor from the quiet second hides them
    report = find_pauses(words, detect_activity(AudioClip(samples), span=(2.0, 13.0)))
    spans = [(round(p.start, 1), round(p.end, 1)) for p in report.items]
    assert spans == [(4.0, 4.6), (7.0, 7.8), (10.0, 10.5)]
    assert report.measured and report.verdict == "ok"


def test_pauses_in_heavy_noise_say_could_not_measure() -> None:
    clip = tone_bursts([(1.0, 3.0), (3.8, 6.0)], 7.0, noise_db=-16.0)
    words = words_at([(1.0, 2.9), (3.9, 6.0)])
    activity = detect_activity(clip, span=(1.0, 6.0))
    assert not activity.measurable
    report = find_pauses(words, activity)
    data = part_json(pauses_part(report))
    assert data["measured"] is False and data["verdict"] == "could not measure"
    assert data["source"] == "words"  # estimated from word gaps, and said so
    assert data["count"] == 1


def test_clean_audio_is_measured() -> None:
    clip = tone_bursts([(1.0, 3.0), (3.8, 6.0)], 7.0)
    report = find_pauses(words_at([(1.0, 2.9), (3.9, 6.0)]), detect_activity(clip))
    assert report.measured and report.snr_db is not None and report.snr_db > 30
    assert part_json(pauses_part(report))["verdict"] == "ok"


def quiet_sound(samples: np.ndarray, start: float, end: float, level_db: float) -> None:
    """Add a 300 Hz tone at ``level_db`` dBFS (RMS) to ``samples`` between the two times."""
    a, b = int(start * SAMPLE_RATE), int(end * SAMPLE_RATE)
    t = np.arange(b - a) / SAMPLE_RATE
    samples[a:b] += (10 ** (level_db / 20) * np.sqrt(2) * np.sin(2 * np.pi * 300 * t)).astype(
        np.float32
    )


def test_a_sound_before_the_first_word_is_not_part_of_the_answer() -> None:
    # A sniff at 0.3-0.95 s, silence, then the answer at 1.25 s. Whisper's first word starts
    # early (0.92 s) on the sniff's tail, and the VAD starts late (1.3 s).
    clip = tone_bursts([(0.3, 0.95), (1.25, 3.0), (3.6, 5.0)], 6.0)
    words = words_at([(0.92, 1.6), (1.6, 3.0), (3.6, 5.0)])
    activity = detect_activity(clip, [(1.3, 3.0), (3.6, 5.0)], span=(0.92, 5.0))
    report = find_pauses(words, activity)
    assert report.speech_start == pytest.approx(1.25, abs=0.03)
    assert [(round(p.start, 1), round(p.end, 1)) for p in report.items] == [(3.0, 3.6)]


def test_quiet_sound_counts_when_joined_to_speech_whatever_the_vad_says() -> None:
    # Speech 1-2 s with a quiet ending to 2.4 s, a pause with a quiet isolated sound at
    # 3.0-3.3 s (a breath), then speech 4-5 s. The VAD's regions move with small shifts of
    # noisy audio; the pauses must not move with them.
    clip = tone_bursts([(1.0, 2.0), (4.0, 5.0)], 6.0)
    samples = clip.samples.copy()
    quiet_sound(samples, 2.0, 2.4, -58.0)
    quiet_sound(samples, 3.0, 3.3, -58.0)
    words = words_at([(1.0, 2.4), (4.0, 5.0)])
    found = []
    for regions in ([(1.0, 2.4), (4.0, 5.0)], [(1.0, 5.0)], None):
        activity = detect_activity(AudioClip(samples), regions, span=(1.0, 5.0))
        assert activity.heard(2.2) and activity.heard(3.1)  # quiet, not silent
        assert activity.audible[int(2.2 / activity.frame_s)]  # joined to the speech
        assert not activity.audible[int(3.1 / activity.frame_s)]  # alone in the pause
        report = find_pauses(words, activity)
        found.append([(round(p.start, 1), round(p.end, 1)) for p in report.items])
    assert found == [[(2.4, 4.0)]] * 3
