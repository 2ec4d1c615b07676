"""Voice activity (faster-whisper's bundled Silero VAD), cutting long audio at pauses, and the
allocator settings that keep memory bounded on long files."""

from __future__ import annotations

import ctypes
import sys

import numpy as np

from starcoach.core.models import SAMPLE_RATE, AudioClip, Pcm16Audio

VAD_MIN_SILENCE_MS = 200
"""Silences shorter than this do not split speech regions."""

VAD_SPEECH_PAD_MS = 40
"""Padding added to both sides of each speech region."""

VAD_BLOCK_S = 60.0
"""The detector runs over blocks of this many seconds (it copies its input twice)."""


def speech_regions(clip: AudioClip | Pcm16Audio) -> list[tuple[float, float]]:
    """Speech regions of a clip in seconds (see ``WhisperTranscriber.speech_regions``).

    The VAD runs over blocks of ``VAD_BLOCK_S`` (bounded memory on long files; 16-bit audio
    is converted to float32 one block at a time); regions that touch across a block edge
    are joined.
    """
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    samples = samples_16k(clip)
    options = VadOptions(
        min_silence_duration_ms=VAD_MIN_SILENCE_MS, speech_pad_ms=VAD_SPEECH_PAD_MS
    )
    block = int(VAD_BLOCK_S * SAMPLE_RATE)
    regions: list[tuple[float, float]] = []
    for first in range(0, len(samples), block):
        stamps = get_speech_timestamps(
            samples[first : first + block], options, sampling_rate=SAMPLE_RATE
        )
        for stamp in stamps:
            start = (first + stamp["start"]) / SAMPLE_RATE
            end = (first + stamp["end"]) / SAMPLE_RATE
            if regions and start - regions[-1][1] < VAD_MIN_SILENCE_MS / 1000.0:
                regions[-1] = (regions[-1][0], end)
            else:
                regions.append((start, end))
    return regions


def plan_chunks(
    regions: list[tuple[float, float]], duration_s: float, max_s: float
) -> list[tuple[float, float]]:
    """Cut ``[0, duration_s]`` into pieces of at most ``max_s`` seconds, at pauses.

    Each cut goes in the middle of the widest silence between speech ``regions`` that
    falls in the second half of the allowed piece; without one it is a hard cut at
    ``max_s``.

    Args:
        regions: Speech (start_s, end_s) pairs in order.
        duration_s: Length of the audio.
        max_s: Longest piece.

    Returns:
        (start_s, end_s) pieces covering the audio without gaps or overlaps.
    """
    gaps = [(end, nxt) for (_, end), (nxt, _) in zip(regions, regions[1:], strict=False)]
    gaps += [(0.0, regions[0][0]), (regions[-1][1], duration_s)] if regions else []
    pieces: list[tuple[float, float]] = []
    start = 0.0
    while duration_s - start > max_s:
        lo, hi = start + max_s / 2, start + max_s
        inside = [(a, b) for a, b in gaps if lo <= (a + b) / 2 <= hi]
        widest = max(inside, key=lambda gap: gap[1] - gap[0], default=None)
        cut = (widest[0] + widest[1]) / 2 if widest else hi
        pieces.append((start, cut))
        start = cut
    pieces.append((start, duration_s))
    return pieces


def samples_16k(clip: AudioClip | Pcm16Audio) -> np.ndarray | Pcm16Audio:
    """``as_16k`` of a clip; 16 kHz 16-bit audio as it is (its slices are float32), also as the
    samples of a clip (``Pcm16Audio.as_clip``)."""
    if isinstance(clip, Pcm16Audio):
        return clip if clip.sample_rate == SAMPLE_RATE else as_16k(clip.to_clip())
    held: np.ndarray | Pcm16Audio = clip.samples
    if isinstance(held, Pcm16Audio):
        return samples_16k(held)
    return as_16k(clip)


def as_16k(clip: AudioClip) -> np.ndarray:
    """The clip's samples as 16 kHz mono float32 (linear interpolation when resampled)."""
    samples = np.asarray(clip.samples, dtype=np.float32).reshape(-1)
    if clip.sample_rate == SAMPLE_RATE or samples.size == 0:
        return samples
    count = int(round(samples.size * SAMPLE_RATE / clip.sample_rate))
    positions = np.arange(count, dtype=np.float64) * (clip.sample_rate / SAMPLE_RATE)
    return np.interp(positions, np.arange(samples.size), samples).astype(np.float32)


M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 4 << 20
"""Allocations this large or larger get their own mapping, returned to the system when freed
(glibc's own threshold climbs to 32 MB after large frees, keeping them in the heap)."""
ARENA_MAX = 2
"""Most glibc heaps (one per thread by default, up to 8 per core)."""


def limit_heap_growth() -> bool:
    """Two glibc heaps and a fixed 4 MB mmap threshold (Linux only; call before threads start).

    By default every thread that allocates gets its own heap (up to 8 per core), and glibc
    raises its mmap threshold after each large free, so the buffers of every 30 s piece stay
    in a heap. A 1 MB threshold cut the peak at 10 minutes from 410 to 335 MB but made
    decoding 2.3 times slower (CTranslate2 maps and unmaps its step buffers); 4 MB keeps
    the decoding speed.

    Returns:
        True when the settings were applied.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        return bool(libc.mallopt(M_ARENA_MAX, ARENA_MAX)) and bool(
            libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
        )
    except (OSError, AttributeError):
        return False
