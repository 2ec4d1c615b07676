"""Pytest support for tests that need real audio devices: a virtual PulseAudio server.

Import the fixture in ``tests/conftest.py`` (``from tests.audio_support import virtual_audio``)::

    @pytest.mark.device
    def test_something(virtual_audio): ...
"""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pytest

from starcoach.core.errors import DeviceError
from tests import virtual_audio as va

_INSTALL_HINT = "apt-get install pulseaudio pulseaudio-utils libasound2-plugins libportaudio2"


def in_ci() -> bool:
    """True when running in CI (``CI=true``, as CI services set it)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def unavailable(reason: str) -> NoReturn:
    """A device test cannot run: skip locally, fail in CI (where the tools must be there)."""
    if in_ci():
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def reinitialize_portaudio() -> None:
    """Make an already-imported sounddevice enumerate devices again.

    PortAudio lists devices when it initialises (at import), so one imported before the
    server started would still see none.
    """
    sd = sys.modules.get("sounddevice")
    if sd is not None:
        sd._terminate()
        sd._initialize()


@pytest.fixture(scope="session")
def virtual_audio() -> Iterator[dict[str, str]]:
    """Start a virtual PulseAudio server for the session and point PortAudio at it.

    Skips the test when the server cannot start; in CI (``CI=true``) fails it instead.

    Yields:
        The environment variables clients need (already set in ``os.environ``).
    """
    if not va.available():
        unavailable(f"pulseaudio/pactl/paplay/parec not installed ({_INSTALL_HINT})")
    try:
        import sounddevice  # noqa: F401
    except OSError as exc:
        unavailable(f"PortAudio library missing: {exc} ({_INSTALL_HINT})")
    try:
        env = va.start()
    except va.VirtualAudioError as exc:
        unavailable(f"virtual PulseAudio server did not start: {exc}")
    saved = {key: os.environ.get(key) for key in (*env, "PULSE_SERVER")}
    os.environ.pop("PULSE_SERVER", None)
    os.environ.update(env)
    reinitialize_portaudio()
    try:
        yield env
    finally:
        va.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        reinitialize_portaudio()


def write_wav(path: Path, samples: np.ndarray, sample_rate: int = 16_000) -> Path:
    """Write float samples in -1..1 as a 16-bit mono WAV file."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm.tobytes())
    return path


def read_wav_samples(path: Path) -> tuple[np.ndarray, int]:
    """Read a 16-bit mono WAV file as float samples and its sample rate."""
    with wave.open(str(path), "rb") as wav:
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        return pcm.astype(np.float32) / 32768.0, wav.getframerate()


def chirp_bursts(seconds: float, sample_rate: int = 16_000, amplitude: float = 0.5) -> np.ndarray:
    """A test signal: a 200 Hz to 1.6 kHz chirp gated on and off 1.5 times a second."""
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    chirp = np.sin(2 * np.pi * (200 * t + 1400 / (2 * seconds) * t**2))
    gate = np.sin(2 * np.pi * 1.5 * t) > 0
    return (amplitude * chirp * gate).astype(np.float32)


# Runs the real CLI error handling with only the audio commands registered, so that
# other commands being unfinished cannot break the audio tests.
_CLI = (
    "import sys, starcoach.commands as c; c.COMMAND_MODULES = ('devices', 'check'); "
    "from starcoach.cli import main; sys.exit(main(sys.argv[1:]))"
)


def run_cli(args: list[str], env: dict[str, str], timeout: float = 60) -> Any:
    """Run ``starcoach ARGS`` (devices and check only) to completion."""
    return subprocess.run(
        [sys.executable, "-c", _CLI, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_cli(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """The same CLI as ``run_cli``, running, with its output on pipes."""
    return subprocess.Popen([sys.executable, "-c", _CLI, *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def speaker() -> Any:
    """A pyttsx3 (espeak-ng) speaker for the module; skips (fails in CI) without one."""
    from starcoach.adapters.tts_speaker import TtsSpeaker

    try:
        tts = TtsSpeaker()
    except DeviceError as exc:
        pytest.skip(f"text to speech unavailable: {exc.message}")
    yield tts
    tts.close()
