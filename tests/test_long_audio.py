"""Long recordings in bounded memory: the windowed computations equal the whole-clip ones, the
audio is measured in memory that does not grow with its length, and ``analyze`` frees it before
the text analysis."""

from __future__ import annotations

import gc
import json
import tracemalloc
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from starcoach.core.analysis import activity, pitch
from starcoach.core.analysis.build import tone_part
from starcoach.core.analysis.long_audio import measure_audio, windowed_tone_tracks
from starcoach.core.analysis.tone import analyze_tone, tone_tracks
from starcoach.core.models import SAMPLE_RATE, AudioClip, Pcm16Audio, Transcript, Word
from tests.fakes import ScriptTranscriber, burst_wav


def voice_like(seconds: float) -> AudioClip:
    """Gliding harmonic tones in bursts with pauses and a little noise (deterministic)."""
    rng = np.random.default_rng(5)
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    f0 = 140 + 40 * np.sin(2 * np.pi * 0.3 * t)
    phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE
    voice = 0.2 * np.sin(phase) + 0.1 * np.sin(2 * phase) + 0.05 * np.sin(3 * phase)
    gate = (np.sin(2 * np.pi * 0.45 * t) > -0.3).astype(np.float64)
    return AudioClip((voice * gate + rng.normal(0, 1e-3, t.size)).astype(np.float32))


@pytest.mark.parametrize("window_s", [1.3, 7.0, 100.0])
def test_windowed_tone_tracks_equal_the_whole_clip(window_s: float) -> None:
    clip = voice_like(23.456)
    levels, pitch = tone_tracks(clip)
    w_levels, w_pitch = windowed_tone_tracks(clip, window_s)
    np.testing.assert_allclose(w_levels.level_dbfs, levels.level_dbfs, atol=1e-9)
    np.testing.assert_array_equal(w_levels.speech, levels.speech)
    np.testing.assert_allclose(w_levels.times, levels.times)
    np.testing.assert_array_equal(np.isnan(w_pitch.f0_hz), np.isnan(pitch.f0_hz))
    voiced = ~np.isnan(pitch.f0_hz)
    assert voiced.mean() > 0.3
    np.testing.assert_allclose(w_pitch.f0_hz[voiced], pitch.f0_hz[voiced], rtol=1e-9)


def test_windowed_tone_tracks_of_an_empty_clip() -> None:
    levels, pitch = windowed_tone_tracks(AudioClip(np.zeros(0, np.float32)))
    assert levels.level_dbfs.size == 0 and pitch.f0_hz.size == 0


def test_frame_levels_in_blocks_equal_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    samples = voice_like(9.0).samples
    whole = activity.frame_levels(samples, SAMPLE_RATE)
    monkeypatch.setattr(activity, "LEVEL_BLOCK_S", 0.37)
    blocked = activity.frame_levels(samples, SAMPLE_RATE)
    assert blocked.shape == whole.shape
    np.testing.assert_allclose(blocked, whole, atol=1e-6)


def test_heap_growth_limit_applies_on_linux() -> None:
    import sys

    from starcoach.adapters.vad import limit_heap_growth

    assert limit_heap_growth() is sys.platform.startswith("linux")


def traced_peak_mb(work: Callable[[], object]) -> float:
    """Peak of the memory numpy and Python allocate while ``work`` runs (MB)."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def two_words(clip: AudioClip) -> Transcript:
    """A transcript with a word near each end of the clip (the span that sets the floor)."""
    end = clip.duration_s
    return Transcript((Word("honestly", 1.0, 1.5), Word("done", end - 2.0, end - 1.6)), end)


def test_measuring_audio_needs_the_same_memory_for_half_a_minute_and_three_minutes() -> None:
    peaks = {}
    for seconds in (30.0, 180.0):
        clip = voice_like(seconds)
        transcript = two_words(clip)
        peaks[seconds] = traced_peak_mb(
            lambda c=clip, t=transcript: measure_audio(c, t, [(0.5, c.duration_s - 1.0)])
        )
    # Three minutes of float32 samples are 11.5 MB: a whole-clip copy would show.
    assert peaks[180.0] < peaks[30.0] + 2.0, peaks
    assert peaks[30.0] < 40.0, peaks


def test_pitch_blocks_do_not_change_the_track(monkeypatch: pytest.MonkeyPatch) -> None:
    clip = voice_like(7.3)
    default = pitch.pitch_track(clip).f0_hz
    monkeypatch.setattr(pitch, "BLOCK_FRAMES", 37)
    small = pitch.pitch_track(clip).f0_hz
    assert np.isfinite(default).mean() > 0.3
    np.testing.assert_array_equal(small, default)


def test_tone_from_the_measured_signal_equals_tone_from_the_clip() -> None:
    clip = voice_like(31.0)
    spans = [(0.0, 4.4), (4.5, 12.0), (20.0, 30.9)]
    signal = measure_audio(clip, two_words(clip), None).tone
    assert signal is not None
    assert tone_part(analyze_tone(signal, spans)) == tone_part(analyze_tone(clip, spans))
    assert tone_part(analyze_tone(signal)) == tone_part(analyze_tone(clip))
    assert signal.duration_s == clip.duration_s


def test_measures_hold_the_activity_of_the_answer_span() -> None:
    clip = voice_like(12.0)
    transcript = two_words(clip)
    regions = [(0.4, 11.0)]
    measured = measure_audio(clip, transcript, regions, tone=False)
    expected = activity.detect_activity(clip, regions, (1.0, clip.duration_s - 1.6))
    assert measured.tone is None
    np.testing.assert_array_equal(measured.activity.audible, expected.audible)
    assert measured.activity.threshold_db == expected.threshold_db
    assert measured.activity.speech_regions == ((0.4, 11.0),)


def as_pcm16(clip: AudioClip) -> Pcm16Audio:
    """The clip rounded to 16-bit PCM (its float32 twin is ``audio[:]``)."""
    return Pcm16Audio(np.round(np.clip(clip.samples, -1, 1) * 32767).astype(np.int16))


def test_measuring_pcm16_audio_equals_measuring_its_float_clip_without_converting_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    audio = as_pcm16(voice_like(47.3))
    floats = AudioClip(audio[:])
    transcript, regions = two_words(floats), [(0.4, 20.0), (21.0, 46.0)]
    expected = measure_audio(floats, transcript, regions)

    def refuse(*_args: object, **_kwargs: object) -> np.ndarray:
        raise AssertionError("the whole audio was converted to float32")

    monkeypatch.setattr(Pcm16Audio, "__array__", refuse)
    measured = measure_audio(audio, transcript, regions)
    assert measured.duration_s == expected.duration_s == floats.duration_s
    np.testing.assert_array_equal(measured.activity.audible, expected.activity.audible)
    np.testing.assert_array_equal(measured.activity.level_db, expected.activity.level_db)
    assert measured.activity.threshold_db == expected.activity.threshold_db
    assert measured.tone is not None and expected.tone is not None
    np.testing.assert_array_equal(measured.tone.levels.level_dbfs, expected.tone.levels.level_dbfs)
    np.testing.assert_array_equal(measured.tone.pitch.f0_hz, expected.tone.pitch.f0_hz)
    assert measured.tone.clipping_ratio == expected.tone.clipping_ratio
    assert tone_part(analyze_tone(measured.tone)) == tone_part(analyze_tone(floats))


def test_clipping_ratio_by_slices_equals_the_tone_module() -> None:
    from starcoach.core.analysis import long_audio, tone

    samples = np.zeros(3 * (1 << 20) + 17, dtype=np.float32)
    samples[:: 1 << 10] = 1.0
    samples[5 :: 1 << 11] = -0.995
    clip = AudioClip(samples)
    assert long_audio.clipping_ratio(clip) == tone.clipping_ratio(clip) > 0.0
    audio = as_pcm16(clip)
    assert long_audio.clipping_ratio(audio.as_clip()) == tone.clipping_ratio(AudioClip(audio[:]))


SCRIPT = (
    "well the parcel went to the wrong town so I rang the depot and they sent it back the "
    "same evening and the buyer wrote to thank us"
)


class NamedScript(ScriptTranscriber):
    """The test transcriber with the model name ``analyze`` reports, that notes its release."""

    model_name = "script"
    released = False

    def release(self) -> None:
        """Note that ``analyze`` let the model go."""
        NamedScript.released = True


def test_analyze_frees_the_audio_and_the_model_before_the_text_analysis(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import starcoach.adapters.audio_files as audio_files
    import starcoach.adapters.whisper_transcriber as whisper_transcriber
    import starcoach.recording.pipeline as pipeline
    from starcoach.cli import main

    wav = burst_wav(tmp_path / "answer.wav", n_words=len(SCRIPT.split()))
    loaded: list[weakref.ref[AudioClip | Pcm16Audio]] = []
    alive_during_text_analysis: list[bool] = []
    real_load, real_analyze = audio_files.load_audio_pcm16, pipeline.analyze

    def load_and_watch(path: str | Path) -> AudioClip | Pcm16Audio:
        clip = real_load(path)
        assert isinstance(clip, Pcm16Audio)  # a 16 kHz mono WAV is held as 16-bit
        loaded.append(weakref.ref(clip))
        return clip

    def analyze_and_check(*args: Any, **kwargs: Any) -> dict[str, Any]:
        gc.collect()
        alive_during_text_analysis.append(loaded[0]() is not None or not NamedScript.released)
        return real_analyze(*args, **kwargs)

    monkeypatch.setattr(audio_files, "load_audio_pcm16", load_and_watch)
    monkeypatch.setattr(NamedScript, "released", False)
    monkeypatch.setattr(pipeline, "analyze", analyze_and_check)
    monkeypatch.setattr(whisper_transcriber, "WhisperTranscriber", lambda _m: NamedScript(SCRIPT))
    assert main(["analyze", str(wav), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert alive_during_text_analysis == [False]
    assert result["transcript"].split() == SCRIPT.split()
    assert result["pauses"]["measured"] is True
    assert result["tone"]["pitch_median_hz"] == pytest.approx(220.0, rel=0.03)
