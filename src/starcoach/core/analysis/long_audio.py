"""Long recordings in bounded memory: tone tracks window by window, and the audio measured
once so that it can be freed before the text analysis.

``tone.level_track`` and ``tone.pitch_track`` frame the whole clip at once (a float64 copy of
every 40 ms frame: about 30 MB a minute of audio). ``windowed_tone_tracks`` computes them
over windows of ``WINDOW_S`` with a margin either side and keeps each window's inner frames,
so the tracks are the same as over the whole clip (the margin is wider than a frame and than
the shortest voiced run) while memory grows with the window, not the file.

``measure_audio`` keeps what the analysis reads from the audio (frame activity, tone tracks,
clipping: about 0.2 MB a minute, against 3.8 MB of float32 samples), so that
``starcoach analyze`` can drop the clip before the sentence model loads and the text analysis
runs: a 60-minute file then holds its 230 MB of samples only while it is transcribed. Given
16-bit audio (``Pcm16Audio``, 115 MB an hour), everything here reads it window by window, so
no float32 copy of the whole file is made.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from starcoach.core.analysis.activity import Activity, detect_activity
from starcoach.core.analysis.pitch import (
    HOP_S,
    SILENCE_FLOOR_DBFS,
    SPEECH_GATE_DB,
    LevelTrack,
    PitchTrack,
    level_track,
    pitch_track,
)
from starcoach.core.analysis.tone import CLIP_LEVEL, ToneSignal
from starcoach.core.models import AudioClip, Pcm16Audio, Transcript

WINDOW_S = 20.0
"""Frames computed per window (a 20 s window needs about 30 MB, measured with tracemalloc)."""
MARGIN_S = 0.2
"""Audio either side of a window that its edge frames need (frame 40 ms + lag 16 ms, and the
shortest voiced run, 50 ms)."""


@dataclass(frozen=True)
class AudioMeasures:
    """What the analysis of a recorded answer reads from its audio (see ``measure_audio``)."""

    duration_s: float
    """Length of the recording (s)."""
    activity: Activity
    """Frame-by-frame audibility (``activity.detect_activity``) for the pause analysis."""
    tone: ToneSignal | None
    """Tone tracks, length and clipping for ``tone.analyze_tone``; None when not measured."""


def measure_audio(
    clip: AudioClip | Pcm16Audio,
    transcript: Transcript,
    regions: Sequence[tuple[float, float]] | None,
    tone: bool = True,
    tracks: tuple[LevelTrack, PitchTrack] | None = None,
) -> AudioMeasures:
    """Measure everything the analysis needs from a clip, so that the clip can be freed.

    Args:
        clip: The recorded answer (float32, or 16-bit read window by window).
        transcript: Its transcript (the span of its timed words sets the noise floor).
        regions: Voice-activity regions (seconds), or None.
        tone: Also compute the tone tracks (window by window).
        tracks: The tone tracks when already computed (live recording).

    Returns:
        The activity and, with ``tone``, the tone signal; the same values the analysis of the
        clip itself computes.
    """
    view = clip.as_clip() if isinstance(clip, Pcm16Audio) else clip
    activity = detect_activity(view, regions, word_span(transcript))
    signal = None
    if tone:
        levels, pitch = tracks if tracks is not None else windowed_tone_tracks(view)
        signal = ToneSignal(levels, pitch, view.duration_s, clipping_ratio(view))
    return AudioMeasures(clip.duration_s, activity, signal)


def clipping_ratio(clip: AudioClip) -> float:
    """``tone.clipping_ratio`` (share of samples at or above ``CLIP_LEVEL``, counted in blocks)
    reading the samples by slices only, so that 16-bit audio is never converted whole."""
    samples = clip.samples
    block = 1 << 20
    clipped = sum(
        int(np.count_nonzero(np.abs(samples[i : i + block]) >= CLIP_LEVEL))
        for i in range(0, len(samples), block)
    )
    return clipped / len(samples) if len(samples) else 0.0


def word_span(transcript: Transcript) -> tuple[float, float] | None:
    """First word start to last word end, when the words are timed."""
    starts = [w.start for w in transcript.words if w.start is not None]
    ends = [w.end for w in transcript.words if w.end is not None]
    return (min(starts), max(ends)) if starts and ends else None


def windowed_tone_tracks(
    clip: AudioClip, window_s: float = WINDOW_S
) -> tuple[LevelTrack, PitchTrack]:
    """The level and pitch tracks of ``tone.tone_tracks``, computed window by window.

    Args:
        clip: Mono audio of any length (its samples are read by slices only).
        window_s: Seconds of frames per window.

    Returns:
        (levels, pitch) equal to ``tone.tone_tracks(clip)``.
    """
    hop = round(HOP_S * clip.sample_rate)
    raw: np.ndarray | Pcm16Audio = clip.samples  # a Pcm16Audio for ``Pcm16Audio.as_clip``
    samples = raw if isinstance(raw, Pcm16Audio) else np.asarray(raw, dtype=np.float32)
    n_frames = int(np.ceil(len(samples) / hop))
    db = np.empty(n_frames)
    for k0, k1, a, part in _windows(samples, clip.sample_rate, n_frames, window_s):
        db[k0:k1] = level_track(part).level_dbfs[k0 - a : k1 - a]
    times = np.arange(n_frames) * HOP_S
    if n_frames == 0:
        empty = np.zeros(0)
        return LevelTrack(empty, empty, np.zeros(0, dtype=bool)), PitchTrack(empty, empty)
    gate = max(SILENCE_FLOOR_DBFS, float(np.percentile(db, 95)) - SPEECH_GATE_DB)
    levels = LevelTrack(times, db, db > gate)
    f0 = np.empty(n_frames)
    for k0, k1, a, part in _windows(samples, clip.sample_rate, n_frames, window_s):
        b = a + int(np.ceil(len(part.samples) / hop))
        local = LevelTrack(times[a:b] - a * HOP_S, db[a:b], levels.speech[a:b])
        f0[k0:k1] = pitch_track(part, local).f0_hz[k0 - a : k1 - a]
    return levels, PitchTrack(times, f0)


def _windows(
    samples: np.ndarray | Pcm16Audio, sample_rate: int, n_frames: int, window_s: float
) -> Iterator[tuple[int, int, int, AudioClip]]:
    """(first frame, end frame, first frame of the part, part clip) per window."""
    hop = round(HOP_S * sample_rate)
    step = max(1, int(round(window_s / HOP_S)))
    margin = int(np.ceil(MARGIN_S / HOP_S))
    for k0 in range(0, n_frames, step):
        k1 = min(n_frames, k0 + step)
        a, b = max(0, k0 - margin), min(n_frames, k1 + margin)
        yield k0, k1, a, AudioClip(samples[a * hop : b * hop], sample_rate)
