"""Tone analysis: YIN pitch on synthetic signals, the espeak-ng fixtures, and Praat agreement."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

from starcoach.core.analysis import tone
from starcoach.core.analysis.build import tone_part
from starcoach.core.analysis.contract import part_json
from starcoach.core.models import SAMPLE_RATE, AudioClip

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "audio_fixtures" / "tone"
REAL_SPEECH = ROOT.parent / "shared" / "real_speech"
REAL_CLIPS = (
    "read/jfk_ask_not.wav",
    "read/librivox_sense_sensibility_0870.wav",
    "spontaneous/mfa_acoustic_corpus.wav",
    "spontaneous/ami_ES2011a_headset0_40-46s.wav",
)


def load_wav(path: Path) -> AudioClip:
    """16-bit mono WAV as an AudioClip."""
    with wave.open(str(path)) as wav:
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
        return AudioClip(pcm.astype(np.float32) / 32768.0, wav.getframerate())


def fixture(name: str) -> AudioClip:
    return load_wav(FIXTURES / f"{name}.wav")


def _time(seconds: float = 2.0) -> np.ndarray:
    return np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE


def _tone(hz: float, amp: float = 0.3) -> np.ndarray:
    return amp * np.sin(2 * np.pi * hz * _time())


def _glide(f_start: float, f_end: float) -> np.ndarray:
    t = _time()
    freq = f_start + (f_end - f_start) * t / t[-1]
    return 0.3 * np.sin(2 * np.pi * np.cumsum(freq) / SAMPLE_RATE)


def _complex(hz: float) -> np.ndarray:
    """Harmonics 1-6 with falling amplitude (a voice-like buzz)."""
    return sum(0.3 / k * np.sin(2 * np.pi * k * hz * _time()) for k in range(1, 7))


def _expected_glide(times: np.ndarray) -> np.ndarray:
    return 150.0 + 100.0 * times / 2.0


# ------------------------------------------------------------------ synthetic signals

PITCH_CASES = [
    # (id, samples, expected f0 at each frame time or None for unvoiced, tolerance Hz)
    ("pure_200hz", _tone(200.0), lambda t: np.full_like(t, 200.0), 2.0),
    ("pure_100hz", _tone(100.0), lambda t: np.full_like(t, 100.0), 1.0),
    ("quiet_120hz_at_-50dBFS", _tone(120.0, amp=0.0045), lambda t: np.full_like(t, 120.0), 1.5),
    ("harmonics_110hz", _complex(110.0), lambda t: np.full_like(t, 110.0), 1.5),
    ("glide_150_to_250hz", _glide(150.0, 250.0), _expected_glide, 3.0),
]


@pytest.mark.parametrize(
    ("samples", "expected", "tol_hz"), [c[1:] for c in PITCH_CASES], ids=[c[0] for c in PITCH_CASES]
)
def test_pitch_track_follows_synthetic_pitch(samples, expected, tol_hz) -> None:
    track = tone.pitch_track(AudioClip(samples.astype(np.float32)))
    inner = (track.times > 0.05) & (track.times < 1.95)
    f0 = track.f0_hz[inner]
    assert np.isfinite(f0).mean() > 0.95
    assert np.nanmax(np.abs(f0 - expected(track.times[inner]))) < tol_hz


def test_pure_tone_median_and_flat_variation() -> None:
    result = tone.analyze_tone(AudioClip(_tone(200.0).astype(np.float32)))
    assert result.pitch_median_hz == pytest.approx(200.0, abs=2.0)
    assert result.pitch_variation_st < 0.1
    assert result.monotone


def test_glide_is_not_monotone() -> None:
    result = tone.analyze_tone(AudioClip(_glide(150.0, 250.0).astype(np.float32)))
    # 150 -> 250 Hz spans 8.8 semitones: a uniform spread has std ~2.5 st.
    assert result.pitch_variation_st == pytest.approx(2.5, abs=0.3)
    assert not result.monotone


SILENT_CASES = [
    ("digital_silence", np.zeros(SAMPLE_RATE, dtype=np.float32)),
    ("empty", np.zeros(0, dtype=np.float32)),
    ("white_noise", np.random.default_rng(0).normal(0, 0.05, SAMPLE_RATE).astype(np.float32)),
]


@pytest.mark.parametrize("samples", [c[1] for c in SILENT_CASES], ids=[c[0] for c in SILENT_CASES])
def test_no_pitch_without_voice(samples: np.ndarray) -> None:
    result = tone.analyze_tone(AudioClip(samples))
    track = tone.pitch_track(AudioClip(samples))
    assert np.isfinite(track.f0_hz).sum() <= 0.05 * max(len(track.f0_hz), 1)
    assert not result.monotone
    assert result.uptalk == ()
    assert json.dumps(part_json(tone_part(result)))  # JSON-ready even with None statistics


def test_silence_has_no_pitch_or_level() -> None:
    silence = AudioClip(np.zeros(SAMPLE_RATE, dtype=np.float32))
    data = part_json(tone_part(tone.analyze_tone(silence)))
    assert data["pitch_median_hz"] is None
    assert data["pitch_variation_st"] is None
    assert data["level_dbfs"] is None
    assert data["tips"] == []


LEVEL_CASES = [
    # (id, amplitude, expected level dBFS of the RMS, too_quiet, too_loud, clipping)
    ("normal", 0.1, 20 * np.log10(0.1 / np.sqrt(2)), False, False, False),
    ("quiet", 0.01, 20 * np.log10(0.01 / np.sqrt(2)), True, False, False),
    ("loud", 0.8, 20 * np.log10(0.8 / np.sqrt(2)), False, True, False),
]


@pytest.mark.parametrize(
    ("amp", "level", "quiet", "loud", "clipping"),
    [c[1:] for c in LEVEL_CASES],
    ids=[c[0] for c in LEVEL_CASES],
)
def test_level_of_a_sine(amp, level, quiet, loud, clipping) -> None:
    result = tone.analyze_tone(AudioClip(_tone(150.0, amp).astype(np.float32)))
    assert result.level_dbfs == pytest.approx(level, abs=0.5)
    assert (result.too_quiet, result.too_loud, result.clipping) == (quiet, loud, clipping)


def test_hard_clipped_sine_sets_clipping() -> None:
    samples = np.clip(_tone(150.0, 2.0), -1.0, 1.0).astype(np.float32)
    result = tone.analyze_tone(AudioClip(samples))
    assert result.clipping
    assert result.clipping_ratio > 0.5  # twice full scale: at the rails 2/3 of the time


def test_level_windows_follow_a_level_step() -> None:
    t = np.arange(10 * SAMPLE_RATE) / SAMPLE_RATE
    samples = np.where(t < 5.0, 0.3, 0.03) * np.sin(2 * np.pi * 150 * t)
    windows = tone.analyze_tone(AudioClip(samples.astype(np.float32))).level_windows
    assert len(windows) == 2
    assert windows[0][2] - windows[1][2] == pytest.approx(20.0, abs=0.5)


# ------------------------------------------------------------------ espeak-ng fixtures

FIXTURE_NAMES = ("flat", "expressive", "uptalk", "quiet", "loud")


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_matches_its_expectations(name: str) -> None:
    expect = json.loads((FIXTURES / f"{name}.json").read_text())["expect"]
    data = part_json(tone_part(tone.analyze_tone(fixture(name))))
    for key, value in expect.items():
        actual = data["uptalk"]["count"] if key == "uptalk_count" else data[key]
        assert actual == value, f"{name}: {key}"


def test_flat_and_expressive_differ_across_the_threshold() -> None:
    flat = tone.analyze_tone(fixture("flat"))
    expressive = tone.analyze_tone(fixture("expressive"))
    assert flat.pitch_variation_st < tone.MONOTONE_THRESHOLD_ST < expressive.pitch_variation_st
    assert (flat.monotone, expressive.monotone) == (True, False)


def test_quiet_fixture_is_30_db_below_expressive() -> None:
    quiet = tone.analyze_tone(fixture("quiet"))
    normal = tone.analyze_tone(fixture("expressive"))
    assert normal.level_dbfs - quiet.level_dbfs == pytest.approx(30.0, abs=1.0)
    assert quiet.pitch_median_hz == pytest.approx(normal.pitch_median_hz, rel=0.02)
    assert (quiet.too_quiet, normal.too_quiet) == (True, False)


def test_only_loud_fixture_clips() -> None:
    flags = {name: tone.analyze_tone(fixture(name)).clipping for name in FIXTURE_NAMES}
    assert flags == {
        "flat": False,
        "expressive": False,
        "uptalk": False,
        "quiet": False,
        "loud": True,
    }


def test_uptalk_only_on_the_uptalk_fixture() -> None:
    counts = {name: len(tone.analyze_tone(fixture(name)).uptalk) for name in FIXTURE_NAMES}
    assert counts["uptalk"] == 3
    assert all(count == 0 for name, count in counts.items() if name != "uptalk")


def test_uptalk_uses_given_phrase_spans() -> None:
    clip = fixture("uptalk")
    derived = tone.speech_phrases(tone.level_track(clip))
    first_only = tone.analyze_tone(clip, phrase_spans=derived[:1])
    assert [(u.start, u.end) for u in first_only.uptalk] == [derived[0]]
    assert first_only.uptalk[0].rise_st >= tone.UPTALK_MIN_RISE_ST
    assert tone.analyze_tone(clip, phrase_spans=[]).uptalk == ()


def test_to_dict_contract() -> None:
    data = part_json(tone_part(tone.analyze_tone(fixture("uptalk"))))
    for key in (
        "pitch_median_hz",
        "pitch_variation_st",
        "monotone",
        "level_dbfs",
        "level_variation_db",
        "clipping",
        "uptalk",
    ):
        assert key in data
    assert isinstance(data["monotone"], bool) and isinstance(data["clipping"], bool)
    assert data["uptalk"]["count"] == len(data["uptalk"]["items"])
    assert all(item["start"] < item["end"] for item in data["uptalk"]["items"])
    assert any("rising" in tip for tip in data["tips"])
    assert json.loads(json.dumps(data)) == data


def test_pitch_windows_cover_the_clip() -> None:
    clip = fixture("expressive")
    windows = tone.analyze_tone(clip).pitch_windows
    assert windows[0][0] == 0.0 and windows[-1][1] == pytest.approx(clip.duration_s)
    assert windows[0][2] is not None and windows[0][2] > 1.0


# ------------------------------------------------------------------ Praat agreement


def praat_agreement(clip: AudioClip) -> tuple[float, float, int]:
    """(median |error| Hz, gross error rate >20%, frames) on frames both call voiced."""
    parselmouth = pytest.importorskip("parselmouth", reason="praat-parselmouth not installed")
    sound = parselmouth.Sound(clip.samples.astype(np.float64), clip.sample_rate)
    pitch = sound.to_pitch(
        time_step=tone.HOP_S, pitch_floor=tone.F0_MIN_HZ, pitch_ceiling=tone.F0_MAX_HZ
    )
    praat_hz = pitch.selected_array["frequency"]
    track = tone.pitch_track(clip)
    frames = np.clip(np.round(pitch.xs() / tone.HOP_S).astype(int), 0, len(track.f0_hz) - 1)
    ours = track.f0_hz[frames]
    both = (praat_hz > 0) & np.isfinite(ours)
    error = np.abs(ours[both] - praat_hz[both])
    return float(np.median(error)), float(np.mean(error > 0.2 * praat_hz[both])), int(both.sum())


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_yin_agrees_with_praat_on_fixtures(name: str) -> None:
    median_error, gross, frames = praat_agreement(fixture(name))
    assert frames > 100
    assert median_error < 1.0
    assert gross < 0.02


@pytest.mark.parametrize("rel", REAL_CLIPS)
def test_yin_agrees_with_praat_on_real_speech(rel: str) -> None:
    path = REAL_SPEECH / rel
    if not path.exists():
        pytest.skip(f"{path} not available")
    median_error, gross, frames = praat_agreement(load_wav(path))
    assert frames > 100
    assert median_error < 1.5
    assert gross < 0.06  # jfk_ask_not (noisy 1961 recording) measures 0.042
