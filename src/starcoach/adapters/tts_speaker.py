"""Text to speech with pyttsx3 (espeak-ng on Linux), on a thread of its own.

The pyttsx3 engine must stay on the thread that created it, and a re-entrant
``runAndWait()`` raises "run loop already started" (nateshmbhat/pyttsx3 #327, #262), so one
worker thread creates the engine and runs every request from a queue, one at a time.
"""

from __future__ import annotations

import contextlib
import io
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from starcoach.core.errors import DeviceError

_Request = tuple[Callable[[Any], Any], "Future[Any]"] | None
_UNAVAILABLE = "Speech is unavailable ({detail}); questions are shown as text only."


class TtsSpeaker:
    """Speaks questions aloud (implements ``Speaker``)."""

    def __init__(self, rate: int | None = None, voice: str | None = None) -> None:
        """Start the speech thread and create the engine on it.

        Args:
            rate: words per minute (pyttsx3's default is 200); None keeps the default.
            voice: a voice id from :meth:`voices`; None keeps the default.

        Raises:
            DeviceError: pyttsx3 or its speech engine (espeak-ng) is unavailable.
        """
        self._requests: queue.Queue[_Request] = queue.Queue()
        self._closed = False
        ready: Future[None] = Future()
        self._thread = threading.Thread(
            target=self._serve, args=(rate, voice, ready), name="tts-speaker", daemon=True
        )
        self._thread.start()
        try:
            ready.result(timeout=30)
        except TimeoutError as exc:
            detail = "the speech engine did not start"
            raise DeviceError(_UNAVAILABLE.format(detail=detail)) from exc
        except DeviceError:
            self._thread.join(timeout=5)
            raise

    def speak(self, text: str) -> None:
        """Say ``text`` aloud; blocks until it has been spoken.

        On Linux the speech is written to a WAV file and played with ``aplay``, whose exit
        status and error output we see: a broken sound output fails at once, and its ALSA
        messages never reach the terminal (pyttsx3 runs ``aplay`` with ``os.system`` and
        ignores both, then waits for an end-of-speech signal that may never come).

        Raises:
            DeviceError: the sound output failed.
        """
        if not text.strip():
            return
        player = shutil.which("aplay") if sys.platform.startswith("linux") else None
        if player is None:
            self._call(lambda engine: _say(engine, text))
            return
        with tempfile.TemporaryDirectory(prefix="starcoach-tts-") as folder:
            wav = self.synthesize_to_file(text, Path(folder) / "speech.wav")
            play_wav(player, wav, SPEECH_TIMEOUT_S + len(text) / 5.0)

    def synthesize_to_file(self, text: str, path: Path) -> Path:
        """Write ``text`` as speech to a WAV file (22.05 kHz mono) without playing it.

        Returns:
            ``path``.

        Raises:
            DeviceError: nothing could be written.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        self._call(lambda engine: _save(engine, text, path))
        if not path.is_file() or path.stat().st_size <= 44:
            _espeak_to_file(text, path)
        return path

    def voices(self) -> list[tuple[str, str]]:
        """The installed voices as ``(id, name)`` pairs."""
        result: list[tuple[str, str]] = self._call(_list_voices)
        return result

    def close(self) -> None:
        """Stop the speech thread (after anything already queued)."""
        if not self._closed:
            self._closed = True
            self._requests.put(None)
            self._thread.join(timeout=30)

    def __enter__(self) -> TtsSpeaker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, job: Callable[[Any], Any]) -> Any:
        if self._closed:
            raise DeviceError("The speaker has been closed.", title="No speech")
        done: Future[Any] = Future()
        self._requests.put((job, done))
        return done.result()

    def _serve(self, rate: int | None, voice: str | None, ready: Future[None]) -> None:
        try:
            engine = _make_engine(rate, voice)
        except DeviceError as exc:
            ready.set_exception(exc)
            return
        ready.set_result(None)
        while (request := self._requests.get()) is not None:
            job, done = request
            try:
                done.set_result(job(engine))
            except Exception as exc:  # handed to the caller  # noqa: BLE001
                done.set_exception(exc)


SPEECH_TIMEOUT_S = 10.0
"""Longest wait for speech to end, on top of 0.2 s per character."""
OUTPUT_LATENCY_S = 0.2
"""Sound still in the output buffers when the player exits."""


def play_wav(player: str, wav: Path, timeout_s: float) -> None:
    """Play ``wav`` with ``player`` (aplay), its error output captured.

    Raises:
        DeviceError: the player failed or hung; the message gives its first error line.
    """
    try:
        done = subprocess.run(
            [player, "-q", str(wav)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise DeviceError("the sound output did not finish playing", title="No speech") from exc
    except OSError as exc:
        raise DeviceError(f"cannot run {player}: {exc}", title="No speech") from exc
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = lines[-1] if lines else f"{player} exited with {done.returncode}"
        raise DeviceError(f"sound output failed: {detail}", title="No speech")


def _make_engine(rate: int | None, voice: str | None) -> Any:
    try:
        import pyttsx3

        engine = pyttsx3.init()
        if rate is not None:
            engine.setProperty("rate", rate)
        if voice is not None:
            engine.setProperty("voice", voice)
    except ImportError as exc:
        raise DeviceError(_UNAVAILABLE.format(detail="pyttsx3 is not installed")) from exc
    except Exception as exc:  # pyttsx3 raises RuntimeError/OSError/KeyError...  # noqa: BLE001
        detail = f"no speech engine: {exc}; install espeak-ng"
        raise DeviceError(_UNAVAILABLE.format(detail=detail)) from exc
    return engine


def _driver(engine: Any) -> Any:
    return getattr(getattr(engine, "proxy", None), "_driver", None)


def _reset_save_target(engine: Any) -> None:
    # pyttsx3 2.99's espeak driver never clears its save target, so after save_to_file
    # every later say() would overwrite that file instead of playing.
    driver = _driver(engine)
    if driver is not None and hasattr(driver, "_save_file"):
        driver._save_file = None


def _say(engine: Any, text: str) -> None:
    _reset_save_target(engine)
    finished = threading.Event()
    token = engine.connect("finished-utterance", lambda name, completed: finished.set())
    try:
        engine.say(text)
        with contextlib.redirect_stdout(io.StringIO()):  # "Playback error: ..." noise
            engine.runAndWait()
        # pyttsx3 2.99 + espeak-ng: the first runAndWait() of an engine returns at once while
        # aplay still plays; "finished-utterance" comes when playback has really ended.
        finished.wait(timeout=SPEECH_TIMEOUT_S + len(text) / 5.0)
        time.sleep(OUTPUT_LATENCY_S)
    finally:
        engine.disconnect(token)


def _save(engine: Any, text: str, path: Path) -> None:
    engine.save_to_file(text, str(path))
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # it prints "Audio saved to ..."
            engine.runAndWait()
    finally:
        _reset_save_target(engine)


def _list_voices(engine: Any) -> list[tuple[str, str]]:
    current = engine.getProperty("voice")
    voices = [(str(v.id), str(v.name)) for v in engine.getProperty("voices")]
    if current:
        engine.setProperty("voice", current)
    return voices


def _espeak_to_file(text: str, path: Path) -> None:
    """Fallback when pyttsx3 wrote nothing (seen after listing voices on espeak-ng)."""
    binary = shutil.which("espeak-ng") or shutil.which("espeak")
    if binary is None:
        raise DeviceError(_UNAVAILABLE.format(detail="espeak-ng is not installed"))
    done = subprocess.run([binary, "-w", str(path), text], capture_output=True, check=False)
    if done.returncode != 0 or not path.is_file():
        raise DeviceError(f"Could not write speech to {path}.", title="No speech")
