"""Fixture-backed Recorder and Speakers for tests and ``--demo`` (no audio hardware).

The demo's recorded answers live in the package (``starcoach/data/demo/``), so ``--demo`` works
from an installed wheel. :class:`DemoClips` reads their manifest and picks the answer to the
question being asked; :func:`demo_recorder_factory` turns that into the ``make_recorder``
callable of ``Services``.
"""

from __future__ import annotations

import re
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from starcoach.adapters.audio_files import load_audio, load_wav, save_wav
from starcoach.core.errors import AudioInputError
from starcoach.core.models import AudioClip

DEMO_DIR = Path(__file__).resolve().parents[1] / "data" / "demo"
"""The demo answers and their ``manifest.toml`` (package data)."""
KINDS = ("interview", "follow_up", "call")
"""What a demo clip answers: a question, the follow-up to a question, or a call turn."""
ANY_FOLLOW_UP = "any"
"""Manifest key of the answer played for a follow-up that has no answer of its own."""
_STAMP = re.compile(r"^\d{8}-\d{6}-")
_FOLLOW_UP = re.compile(r"^(?P<question>.+)-follow-up(?:-\d+)?$")


class FixtureRecorder:
    """Plays a WAV file's blocks through ``on_block`` as a microphone would (a ``Recorder``)."""

    def __init__(
        self,
        wav_path: Path,
        realtime: bool = False,
        block_s: float = 0.1,
        loader: Callable[[Path], AudioClip] = load_wav,
    ) -> None:
        """Set up the recorder.

        Args:
            wav_path: the answer to "hear".
            realtime: deliver blocks at the speed a microphone would.
            block_s: seconds per block.
            loader: reads the file (``load_audio`` for compressed demo clips).
        """
        self.wav_path = wav_path
        self.realtime = realtime
        self.block_s = block_s
        self.loader = loader

    def record(self, stop: threading.Event, on_block: Callable[[AudioClip], None]) -> AudioClip:
        """Deliver the file block by block until it ends or ``stop`` is set.

        Returns:
            The blocks delivered, joined.

        Raises:
            AudioInputError: the file cannot be read.
        """
        clip = self.loader(self.wav_path)
        size = max(1, int(round(self.block_s * clip.sample_rate)))
        delivered = 0
        started = time.monotonic()
        while delivered < len(clip.samples) and not stop.is_set():
            block = clip.samples[delivered : delivered + size]
            delivered += len(block)
            on_block(AudioClip(block, clip.sample_rate))
            if self.realtime:
                stop.wait(max(0.0, started + delivered / clip.sample_rate - time.monotonic()))
        return AudioClip(clip.samples[:delivered], clip.sample_rate)


class SilentSpeaker:
    """A ``Speaker`` that says nothing (optionally taking ``delay_s`` to do so)."""

    def __init__(self, delay_s: float = 0.0) -> None:
        """Set how long each ``speak`` takes."""
        self.delay_s = delay_s

    def speak(self, text: str) -> None:
        """Wait ``delay_s``, say nothing."""
        if self.delay_s > 0:
            time.sleep(self.delay_s)


class RecordingSpeaker(SilentSpeaker):
    """A ``Speaker`` that remembers what it was asked to say, for tests."""

    def __init__(self, delay_s: float = 0.0) -> None:
        """Start with nothing spoken."""
        super().__init__(delay_s)
        self._lock = threading.Lock()
        self._spoken: list[str] = []

    @property
    def spoken(self) -> list[str]:
        """The texts spoken so far, in order (a copy)."""
        with self._lock:
            return list(self._spoken)

    def speak(self, text: str) -> None:
        """Remember ``text`` once it has been "spoken" (after ``delay_s``)."""
        super().speak(text)
        with self._lock:
            self._spoken.append(text)


def demo_clip_name(kind: str, key: str) -> str:
    """File name of a demo clip: ``KEY.ogg``, ``KEY.follow-up.ogg`` or ``call-KEY.ogg``.

    Args:
        kind: One of :data:`KINDS`.
        key: A question id, or ``<scenario id>-<turn number>`` for a call.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown demo clip kind {kind!r}")
    return {
        "interview": f"{key}.ogg",
        "follow_up": f"{key}.follow-up.ogg",
        "call": f"call-{key}.ogg",
    }[kind]


@dataclass(frozen=True)
class DemoClip:
    """One recorded demo answer."""

    kind: str
    """One of :data:`KINDS`."""
    key: str
    """The question id, or ``<scenario id>-<turn number>`` for a call turn."""
    path: Path
    """The audio file."""
    text: str
    """What the clip says."""
    quality: str
    """``strong`` or ``weak`` (the demo shows both kinds of feedback)."""


class DemoClips:
    """The demo answers by what they answer, read from ``manifest.toml``."""

    def __init__(self, directory: Path = DEMO_DIR) -> None:
        """Read the manifest.

        Raises:
            AudioInputError: the manifest is missing or not valid TOML.
        """
        self.directory = Path(directory)
        try:
            with (self.directory / "manifest.toml").open("rb") as handle:
                manifest = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise AudioInputError(f"demo answers unreadable in {self.directory}: {exc}") from exc
        self.clips: dict[tuple[str, str], DemoClip] = {}
        for entry in manifest.get("interview", []):
            if not entry.get("follow_up_only"):
                self._add("interview", entry["question"], entry["text"], entry)
            if "follow_up" in entry:
                self._add("follow_up", entry["question"], entry["follow_up"], entry)
        for entry in manifest.get("call", []):
            self._add("call", entry["turn"], entry["text"], entry)
        self._turn = 0

    def _add(self, kind: str, key: str, text: str, entry: dict[str, object]) -> None:
        path = self.directory / demo_clip_name(kind, key)
        self.clips[(kind, key)] = DemoClip(
            kind, key, path, " ".join(text.split()), str(entry.get("quality", "strong"))
        )

    def keys(self, kind: str) -> frozenset[str]:
        """Question ids (``interview``, ``follow_up``) or call turns (``call``) with a clip."""
        return frozenset(key for k, key in self.clips if k == kind)

    def get(self, kind: str, key: str) -> DemoClip | None:
        """The clip answering ``key``, or None."""
        return self.clips.get((kind, key))

    def follow_up_for(self, question_id: str) -> DemoClip | None:
        """The answer to a follow-up about a question: its own, else the generic one."""
        return self.get("follow_up", question_id) or self.get("follow_up", ANY_FOLLOW_UP)

    def for_recording(self, path: Path) -> DemoClip:
        """The clip to play for a recording about to be written to ``path``.

        The screens name recordings ``<stamp>-<question id>.wav`` (interview),
        ``<stamp>-call-<scenario id>-<turn>.wav`` (call practice) and, for a follow-up answer,
        ``<stamp>-<question id>-follow-up[-<n>].wav`` (the question's own follow-up answer, else
        the generic one). A name with no clip of its own gets the
        interview answers in turn (a question from a set the demo does not cover).
        """
        stem = _STAMP.sub("", Path(path).stem)
        if stem.startswith("call-") and (clip := self.get("call", stem[5:])) is not None:
            return clip
        follow = _FOLLOW_UP.match(stem)
        if follow and (clip := self.follow_up_for(follow["question"])) is not None:
            return clip
        if (clip := self.get("interview", stem)) is not None:
            return clip
        return self._next_interview_clip()

    def _next_interview_clip(self) -> DemoClip:
        ordered = sorted(k for k in self.clips if k[0] == "interview")
        if not ordered:
            raise AudioInputError(f"no demo answers in {self.directory}")
        self._turn += 1
        return self.clips[ordered[(self._turn - 1) % len(ordered)]]


class DemoRecorder:
    """A ``Recorder`` that plays one demo clip and writes what it played to a WAV file."""

    def __init__(self, clip: DemoClip, wav_path: Path, realtime: bool = True) -> None:
        """Play ``clip``, keep the answer at ``wav_path`` (as the microphone recorder does)."""
        self.clip = clip
        self.wav_path = wav_path
        self.inner = FixtureRecorder(clip.path, realtime=realtime, loader=load_audio)

    def record(self, stop: threading.Event, on_block: Callable[[AudioClip], None]) -> AudioClip:
        """Deliver the clip block by block until it ends or ``stop`` is set; save it."""
        clip = self.inner.record(stop, on_block)
        save_wav(self.wav_path, clip)
        return clip


def demo_recorder_factory(
    clips: DemoClips | None = None, realtime: bool = True
) -> Callable[[Path], DemoRecorder]:
    """``Services.make_recorder`` for ``--demo``: the answer matched to each recording's name."""
    library = clips if clips is not None else DemoClips()

    def make(path: Path) -> DemoRecorder:
        return DemoRecorder(library.for_recording(path), path, realtime)

    return make
