"""How the live transcriber kept up with the speaker: the counters behind its load shedding."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StreamStats:
    """How the live transcriber kept up (for the latency benchmark and diagnostics)."""

    chunks: int = 0
    """Chunks decoded and kept."""
    max_backlog_s: float = 0.0
    """Largest backlog seen when the worker looked for work (seconds of audio)."""
    load: float = 0.0
    """Last decode's time over its audio's duration (0 before the first decode)."""
    previews: int = 0
    """Greedy caption previews decoded."""
    previews_shed: int = 0
    """Provisional captions skipped because the worker was behind or the machine busy."""
    tail_s: float = 0.0
    """Audio left to decode at the end (after the decode running at ``finish``)."""
    busy_at_finish: str = ""
    """What the worker was decoding when ``finish`` was called ("chunk",
    "preview"; "" when idle): ``finish`` waits for it."""
    finish_s: float = 0.0
    """Seconds ``finish`` took (that decode, then the tail)."""
    wait_s: float = 0.0
    """Seconds of ``finish`` spent waiting for the decode that was running."""
    tail_decode_s: float = 0.0
    """Seconds of ``finish`` spent decoding the tail."""
