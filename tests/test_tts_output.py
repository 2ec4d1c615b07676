"""The question voice fails fast, and quietly, when the sound output is broken."""

from __future__ import annotations

import os
import shutil
import stat
import time
from pathlib import Path

import pytest

from starcoach.core.errors import DeviceError

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                reason="espeak-ng is not installed")


def fake_player(folder: Path, script: str) -> None:
    """An ``aplay`` on PATH that runs ``script`` (sh)."""
    folder.mkdir(exist_ok=True)
    player = folder / "aplay"
    player.write_text(f"#!/bin/sh\n{script}\n")
    player.chmod(player.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def speaker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    from starcoach.adapters.tts_speaker import TtsSpeaker

    speaker = TtsSpeaker()
    yield speaker
    speaker.close()


def test_broken_sound_output_fails_at_once_without_noise(speaker, tmp_path: Path,
                                                         capfd: pytest.CaptureFixture) -> None:
    fake_player(tmp_path / "bin", 'echo "ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown '
                'PCM default" >&2\necho "aplay: main:831: audio open error: No such file" >&2\n'
                "exit 1")
    started = time.monotonic()
    with pytest.raises(DeviceError, match="audio open error"):
        speaker.speak("Tell me about a time you helped a customer.")
    assert time.monotonic() - started < 5.0  # not the ~20 s wait for an end signal
    assert "ALSA" not in capfd.readouterr().err


def test_working_output_plays_the_spoken_question(speaker, tmp_path: Path) -> None:
    fake_player(tmp_path / "bin", f'cp "$2" "{tmp_path}/played.wav"')
    speaker.speak("Tell me about a time you helped a customer.")
    played = tmp_path / "played.wav"
    assert played.stat().st_size > 16_000  # about a second or more of 22 kHz speech
