"""What the app needs from the outside world, built once and injected into the UI.

``build_services`` wires the real microphone, speaker and Whisper; ``fixture_services`` wires
recorded answers in place of the microphone (for ``--demo`` and tests).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starcoach.core.analysis.engine import Settings
from starcoach.core.analysis.result import Analysis
from starcoach.core.followups import FollowUpSettings
from starcoach.core.models import AudioClip
from starcoach.core.ports import Recorder, Speaker, Transcriber
from starcoach.core.questions import QuestionSet, load_question_sets
from starcoach.core.scorecard import Scorecard
from starcoach.core.session import MAX_ANSWER_S, SILENCE_STOP_S
from starcoach.storage.paths import question_dir

CUSTOMER_VOICE = "en+f3"
"""espeak-ng voice of the customer in call practice (the interviewer uses the default)."""


@dataclass(frozen=True)
class InterviewOptions:
    """How a session runs."""

    question_set: str | None = None
    """Set id to start with; None lets the user pick."""
    count: int | None = None
    """Questions per session; None for all."""
    shuffle: bool = False
    """Shuffle the questions."""
    think_s: int = 0
    """Think time before recording starts (seconds)."""
    silence_stop_s: float = SILENCE_STOP_S
    """Stop after this much silence once the candidate has spoken."""
    max_answer_s: float = MAX_ANSWER_S
    """Longest answer (seconds)."""
    analysis: Settings = field(default_factory=Settings)
    """Analysis thresholds."""
    follow_ups: FollowUpSettings = field(default_factory=FollowUpSettings)
    """Whether the interviewer asks follow-ups after an answer with a gap (``--no-follow-ups``)."""
    mock: bool = False
    """Start with a full mock interview (``--mock``)."""


@dataclass
class Services:
    """Everything the interview app talks to."""

    transcriber: Transcriber
    """Speech to words (loaded lazily)."""
    speaker: Speaker | None
    """Reads questions aloud; None for text only."""
    make_recorder: Callable[[Path], Recorder]
    """A recorder that writes the answer to the given WAV path while recording."""
    play: Callable[[AudioClip], None] | None
    """Plays a recording back; None when there is no output device."""
    question_sets: list[QuestionSet]
    """Available question sets."""
    answers_dir: Path
    """Where answer recordings are written."""
    options: InterviewOptions = field(default_factory=InterviewOptions)
    """Session options."""
    save_attempt: Callable[..., None] | None = None
    """``save_attempt(analysis, audio_path, kind="interview")`` stores an answer in the
    practice history (one session per kind and app run; a kind ``mock-<n>`` is mock interview
    n, kept as an interview session of the set ``mock-interview``); None to keep nothing."""
    save_scorecard: Callable[[Scorecard, str], None] | None = None
    """``save_scorecard(card, kind)`` keeps mock interview ``kind``'s scorecard with the session
    its answers went to; None to keep nothing."""
    input_device: str | None = None
    """Microphone in use (for messages)."""
    demo: bool = False
    """True when recorded answers play the part of the microphone."""
    clock: Callable[[], float] = time.monotonic
    """Monotonic clock (fixed in tests)."""
    data_dir: Path | None = None
    """The history folder (``--data-dir``); None for the default one."""
    make_customer_speaker: Callable[[Any], Speaker | None] | None = None
    """Builds the customer's voice for call practice from a ``core.calls.CustomerVoice``
    (a different voice from the interviewer); None or a None result: text only."""


def build_services(
    options: InterviewOptions,
    model: str | None = None,
    input_device: str | None = None,
    voice: bool = True,
    rate: int | None = None,
    data_dir: Path | None = None,
) -> Services:
    """Real microphone, speaker and Whisper."""
    from starcoach.adapters.sd_recorder import SoundDeviceRecorder
    from starcoach.adapters.whisper_transcriber import WhisperTranscriber

    def recorder(path: Path) -> Recorder:
        return SoundDeviceRecorder(device=_device(input_device), wav_path=path)

    services = Services(
        transcriber=WhisperTranscriber(model),
        speaker=_speaker(rate) if voice else None,
        make_recorder=recorder,
        play=_player(),
        question_sets=load_question_sets(question_dir()),
        answers_dir=_answers_dir(data_dir),
        options=options,
        input_device=input_device,
        data_dir=data_dir,
        make_customer_speaker=_customer_speaker if voice else None,
    )
    services.save_attempt, services.save_scorecard = _history_saver(data_dir)
    return services


def fixture_services(
    options: InterviewOptions,
    answers: list[Path] | None = None,
    realtime: bool = True,
    model: str | None = None,
    voice: bool = False,
    data_dir: Path | None = None,
    transcriber: Transcriber | None = None,
) -> Services:
    """Recorded answers in place of the microphone (``--demo`` and tests).

    With no ``answers`` the demo answers shipped in the package play: the one matching each
    question, call turn or follow-up (``adapters.fixtures.demo_recorder_factory``); else the
    given WAV files play in turn.
    """
    from starcoach.adapters.fixtures import FixtureRecorder, demo_recorder_factory

    recorder: Callable[[Path], Recorder]
    if answers:
        cycle: Iterator[Path] = itertools.cycle(answers)

        def recorder(path: Path) -> Recorder:
            return _SavingRecorder(FixtureRecorder(next(cycle), realtime=realtime), path)
    else:
        recorder = demo_recorder_factory(realtime=realtime)

    if transcriber is None:
        from starcoach.adapters.whisper_transcriber import WhisperTranscriber

        transcriber = WhisperTranscriber(model)
    services = Services(
        transcriber=transcriber,
        speaker=_speaker(None) if voice else None,
        make_recorder=recorder,
        play=_player() if voice else None,
        question_sets=load_question_sets(question_dir()),
        answers_dir=_answers_dir(data_dir),
        options=options,
        demo=True,
        data_dir=data_dir,
        make_customer_speaker=_customer_speaker if voice else None,
    )
    services.save_attempt, services.save_scorecard = _history_saver(data_dir)
    return services


class _SavingRecorder:
    """Writes what another recorder returns to a WAV file (the microphone one writes as it goes)."""

    def __init__(self, inner: Recorder, path: Path) -> None:
        self.inner = inner
        self.path = path

    def record(self, stop: threading.Event, on_block: Callable[[AudioClip], None]) -> AudioClip:
        from starcoach.adapters.audio_files import save_wav

        clip = self.inner.record(stop, on_block)
        save_wav(self.path, clip)
        return clip


def _device(spec: str | None) -> str | int | None:
    return int(spec) if spec is not None and spec.isdigit() else spec


def _speaker(rate: int | None) -> Speaker | None:
    from starcoach.core.errors import AppError

    try:
        from starcoach.adapters.tts_speaker import TtsSpeaker

        return TtsSpeaker(rate=rate)
    except (AppError, ImportError, OSError, RuntimeError):
        return None


def _customer_speaker(voice: Any) -> Speaker | None:
    """A second voice (a female espeak variant by default) at the scenario's rate."""
    from starcoach.core.errors import AppError

    try:
        from starcoach.adapters.tts_speaker import TtsSpeaker

        return TtsSpeaker(
            rate=getattr(voice, "rate", None), voice=getattr(voice, "voice", None) or CUSTOMER_VOICE
        )
    except (AppError, ImportError, OSError, RuntimeError):
        return None


def _player() -> Callable[[AudioClip], None] | None:
    try:
        from starcoach.adapters import playback
    except ImportError:
        return None
    return lambda clip: playback.play(clip)


def _answers_dir(data_dir: Path | None) -> Path:
    from starcoach.storage.files import private_dir
    from starcoach.storage.paths import data_dir as resolve

    folder = resolve(data_dir)
    private_dir(folder)  # the app writes: the data folder and its recordings are 0700
    path = folder / "recordings"
    private_dir(path)
    return path


def _history_saver(
    data_dir: Path | None,
) -> tuple[Callable[..., None], Callable[[Scorecard, str], None]]:
    """Saves each answer of this app run into one session of the history per kind, and a mock
    interview's scorecard with its session (each mock interview is a session of its own)."""
    from starcoach.storage.saving import save_analysis
    from starcoach.storage.schema import MOCK_SESSION_SET

    session: dict[str, str] = {}

    def save(analysis: Analysis, audio: Path | None, kind: str = "interview") -> None:
        q = analysis.question  # the session row comes with its first answer
        mock = kind.startswith("mock")
        session[kind], _ = save_analysis(
            analysis,
            audio,
            q,
            data_dir,
            session_id=session.get(kind),
            kind="interview" if mock else kind,
            question_set=MOCK_SESSION_SET if mock else (q.set if q else None),
        )

    def save_scorecard(card: Scorecard, kind: str) -> None:
        from starcoach.storage.history import History
        from starcoach.storage.paths import data_dir as resolve

        session_id = session.get(kind)
        if session_id is None:
            return  # no answer of this mock interview reached the history
        with History.open(resolve(data_dir)) as history:
            history.save_scorecard(session_id, card)

    return save, save_scorecard
