"""Checks on what the microphone delivered: input gone dead, and what a failed take left."""

from __future__ import annotations

from pathlib import Path

from starcoach.core.errors import AppError
from starcoach.core.models import AudioClip

DEAD_INPUT_DBFS = -99.9
"""A block at or below this level is digital silence: no real microphone is that quiet."""
DEAD_INPUT_S = 1.5
"""Digital silence this long after speech means the microphone input went dead."""


class DeadInput:
    """Notices the microphone input turning into digital silence after speech."""

    def __init__(self) -> None:
        self.heard = False
        self.dead_since: float | None = None
        self.elapsed = 0.0

    def update(self, level_dbfs: float, elapsed_s: float) -> None:
        """Account for one block's level at ``elapsed_s``."""
        self.elapsed = elapsed_s
        if level_dbfs > DEAD_INPUT_DBFS:
            self.heard, self.dead_since = True, None
        elif self.heard and self.dead_since is None:
            self.dead_since = elapsed_s

    def notice(self) -> str | None:
        """What to tell the candidate when the input was dead at the end, else None."""
        if self.dead_since is None or self.elapsed - self.dead_since < DEAD_INPUT_S:
            return None
        minutes, seconds = divmod(int(self.dead_since), 60)
        return (
            f"The microphone signal vanished at {minutes}:{seconds:02d} (not even "
            "background noise); if you were still speaking, check the microphone. "
            "The feedback covers what was recorded."
        )


def partial_clip(path: Path) -> AudioClip | None:
    """What a failed recording left on disk, or None when nothing usable is there."""
    from starcoach.adapters.audio_files import load_audio

    if not path.exists():
        return None
    try:
        clip = load_audio(path)
    except AppError:
        return None
    return clip if clip.duration_s >= 0.5 else None
