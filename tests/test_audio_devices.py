"""Audio I/O adapters on a virtual PulseAudio server (``device`` tests): the real PortAudio
recorder, pyttsx3 speaker, playback and the ``check``/``devices`` commands.

The tests wait on what the sound server delivers (recorded blocks, attached streams, captured
audio, the command saying it records), never on the wall clock.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from starcoach.adapters.sd_recorder import SoundDeviceRecorder, level_dbfs, peak_dbfs
from starcoach.core.errors import DeviceError
from starcoach.core.models import SAMPLE_RATE, AudioClip
from tests import virtual_audio as va
from tests.audio_support import (
    chirp_bursts,
    read_wav_samples,
    run_cli,
    start_cli,
    unavailable,
    write_wav,
)

SR = SAMPLE_RATE


def record_streams() -> int:
    """How many recording streams the virtual server has (``parec`` is one once attached)."""
    listed = subprocess.run(["pactl", "list", "short", "source-outputs"], env=va._client_env(),
                            capture_output=True, text=True, timeout=30, check=True)
    return len(listed.stdout.splitlines())


class SpeakerCapture:
    """``parec`` recording the virtual speaker to a pipe; a reader thread collects its blocks
    and wakes whoever waits for a level (no file polling, no sleeps)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            ["parec", "-d", f"{va.SPEAKER_SINK}.monitor", "--raw", "--rate=16000",
             "--channels=1", "--format=s16le", "--latency-msec=50"],
            env=va._client_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._data = bytearray()
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while block := self.proc.stdout.read1(3200):
            with self._changed:
                self._data += block
                self._changed.notify_all()
        with self._changed:  # parec ended: wake the waiter
            self._changed.notify_all()

    def samples(self) -> np.ndarray:
        with self._changed:
            data = bytes(self._data[: len(self._data) // 2 * 2])
        return np.frombuffer(data, "<i2").astype(np.float32) / 32768

    def wait_louder_than(self, peak_db: float, timeout: float) -> np.ndarray:
        """Block until the captured audio peaks above ``peak_db`` (or parec ends or the
        timeout, which only catches a hang), then stop ``parec``; returns the samples."""
        with self._changed:
            self._changed.wait_for(lambda: peak_dbfs(self.samples()) > peak_db
                                   or self.proc.poll() is not None, timeout)
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self._reader.join(timeout=10)
        return self.samples()


def start_capture(path: Path) -> SpeakerCapture:
    """Capture the speaker, returned once the server lists the recording stream (a handshake
    with the server, not a sleep). ``path`` names the test's capture (kept for the callers)."""
    before = record_streams()
    capture = SpeakerCapture()
    deadline = time.monotonic() + 60.0
    while record_streams() <= before:
        assert capture.proc.poll() is None, "parec exited"
        assert time.monotonic() < deadline, "parec never attached to the speaker"
    return capture


def wait_heard(capture: SpeakerCapture, path: Path, peak_db: float,
               timeout: float = 60.0) -> np.ndarray:
    """The captured samples once they peak above ``peak_db``."""
    return capture.wait_louder_than(peak_db, timeout)

class Recording:
    """``recorder.record`` running on a thread, with the blocks it has delivered so far.

    The test waits on what the recorder delivers (blocks of audio, clocked by the sound
    server), never on the wall clock.
    """

    def __init__(self, recorder: Any) -> None:
        self.stop = threading.Event()
        self.blocks: list[AudioClip] = []
        self.error: Exception | None = None
        self.clip: AudioClip | None = None
        self._arrived = threading.Condition()
        self._thread = threading.Thread(target=self._run, args=(recorder,), daemon=True)
        self._thread.start()

    def _run(self, recorder: Any) -> None:
        try:
            self.clip = recorder.record(self.stop, self._on_block)
        except Exception as exc:  # noqa: BLE001  (re-raised by the test's thread)
            self.error = exc
        with self._arrived:
            self._arrived.notify_all()

    def _on_block(self, block: AudioClip) -> None:
        with self._arrived:
            self.blocks.append(block)
            self._arrived.notify_all()

    def wait_blocks(self, count: int, timeout: float = 60.0) -> None:
        """Block until ``count`` blocks have arrived (the timeout only catches a hang)."""
        with self._arrived:
            arrived = self._arrived.wait_for(
                lambda: len(self.blocks) >= count or self.error is not None
                or not self._thread.is_alive(), timeout)
        if self.error is not None:
            raise self.error
        assert arrived and len(self.blocks) >= count, f"only {len(self.blocks)} blocks arrived"

    def finish(self) -> AudioClip:
        self.stop.set()
        self._thread.join(timeout=30)
        if self.error is not None:
            raise self.error
        assert self.clip is not None
        return self.clip


def normalized_xcorr(recorded: np.ndarray, played: np.ndarray) -> tuple[float, np.ndarray]:
    """Best normalised correlation of ``played`` within ``recorded``, and that segment."""
    scores = np.correlate(recorded, played, mode="valid")
    lag = int(np.argmax(np.abs(scores)))
    segment = recorded[lag : lag + len(played)]
    norm = float(np.linalg.norm(segment) * np.linalg.norm(played)) or 1.0
    return abs(float(np.dot(segment, played))) / norm, segment

# --- real devices on the virtual server -------------------------------------------------


@pytest.mark.device
@pytest.mark.usefixtures("virtual_audio")
def test_recorder_hears_what_is_played_into_the_mic(tmp_path: Path) -> None:
    played = chirp_bursts(2.0)
    source = write_wav(tmp_path / "played.wav", played)
    wav_path = tmp_path / "recorded.wav"
    recording = Recording(SoundDeviceRecorder(wav_path=wav_path))
    recording.wait_blocks(1)
    assert va.play_into_mic(source).wait(timeout=60) == 0
    recording.wait_blocks(len(recording.blocks) + 4)  # 0.4 s more audio: the tail is in
    clip = recording.finish()
    score, segment = normalized_xcorr(clip.samples, played)
    assert score > 0.9
    assert level_dbfs(segment) == pytest.approx(level_dbfs(played), abs=1.5)
    on_disk, rate = read_wav_samples(wav_path)
    assert rate == SR and len(on_disk) == len(clip.samples)
    np.testing.assert_allclose(on_disk, clip.samples, atol=2 / 32768)


@pytest.mark.device
@pytest.mark.usefixtures("virtual_audio")
def test_wav_on_disk_is_readable_while_recording(tmp_path: Path) -> None:
    wav_path = tmp_path / "partial.wav"
    recording = Recording(SoundDeviceRecorder(wav_path=wav_path))
    try:
        recording.wait_blocks(8)
        with wave.open(str(wav_path)) as wav:  # as a crash would leave it
            frames = wav.getnframes()
            assert (wav.getframerate(), wav.getnchannels()) == (SR, 1)
            assert len(wav.readframes(frames)) == 2 * frames
        assert frames >= 8 * 1600 * 0.9
    finally:
        clip = recording.finish()
    assert len(clip.samples) >= frames
    assert read_wav_samples(wav_path)[0].size == len(clip.samples)


@pytest.mark.device
@pytest.mark.usefixtures("virtual_audio")
def test_unknown_input_device_lists_the_devices() -> None:
    with pytest.raises(DeviceError) as caught:
        SoundDeviceRecorder(device="no such mic").record(threading.Event(), lambda b: None)
    assert "'default'" in caught.value.message and "--input-device" in caught.value.message


@pytest.mark.device
@pytest.mark.usefixtures("virtual_audio")
def test_speak_blocks_while_speaking_and_reaches_the_speaker(speaker: Any, tmp_path: Path) -> None:
    text = "Tell me about a time you disagreed with a teammate."
    synthesized = speaker.synthesize_to_file(text, tmp_path / "question.wav")
    with wave.open(str(synthesized)) as wav:
        speech_s = wav.getnframes() / wav.getframerate()
    captured = tmp_path / "captured.wav"
    parec = start_capture(captured)  # the capture is running before anything is said
    started = time.monotonic()
    speaker.speak(text)
    took = time.monotonic() - started
    heard = wait_heard(parec, captured, -20.0)
    assert took >= 0.8 * speech_s  # speak() returns once the question has been said
    assert took <= speech_s + 30.0  # ...and does not hang
    assert peak_dbfs(heard) > -20.0
    assert synthesized.stat().st_size > 44  # speak() did not overwrite the saved file


@pytest.mark.device
@pytest.mark.usefixtures("virtual_audio")
def test_playback_reaches_the_speaker(tmp_path: Path) -> None:
    from starcoach.adapters import playback

    captured = tmp_path / "captured.wav"
    parec = start_capture(captured)
    started = time.monotonic()
    playback.play(AudioClip(chirp_bursts(1.0)))
    assert time.monotonic() - started >= 0.9
    heard = wait_heard(parec, captured, -12.0)
    assert peak_dbfs(heard) > -12.0


@pytest.mark.device
@pytest.mark.usefixtures("virtual_audio")
def test_check_command_reports_level_of_what_it_heard(tmp_path: Path) -> None:
    source = write_wav(tmp_path / "loop.wav", chirp_bursts(8.0, amplitude=0.3))
    player = va.play_into_mic(source)
    try:
        done = run_cli(["check", "--seconds", "2", "--no-transcribe"], dict(os.environ))
    finally:
        player.kill()
        player.wait()
    assert done.returncode == 0, done.stderr
    assert "Verdict: good" in done.stdout
    peak = float(done.stdout.split("Peak level:")[1].split("dBFS")[0])
    assert peak == pytest.approx(peak_dbfs(chirp_bursts(1.0, amplitude=0.3)), abs=2.0)
    assert done.stderr.count("dBFS") >= 15  # the meter was redrawn once per 0.1 s block


@pytest.mark.device
@pytest.mark.usefixtures("virtual_audio")
def test_devices_command_lists_the_virtual_devices() -> None:
    done = run_cli(["devices"], dict(os.environ))
    assert done.returncode == 0, done.stderr
    inputs, outputs = done.stdout.split("Output devices:")
    assert "default" in inputs and "[default]" in inputs and "Hz" in outputs


@pytest.mark.device
@pytest.mark.slow
def test_device_vanishing_mid_answer_is_device_error_and_keeps_wav(tmp_path: Path) -> None:
    if not va.available():
        unavailable("pulseaudio not installed")
    try:
        server = va.start_server()
    except va.VirtualAudioError as exc:
        unavailable(f"virtual PulseAudio server did not start: {exc}")
    wav_path = tmp_path / "answer.wav"
    script = (
        "import sys, threading; from pathlib import Path\n"
        "from starcoach.adapters.sd_recorder import SoundDeviceRecorder\n"
        "from starcoach.core.errors import DeviceError\n"
        "def on_block(b): print('block', flush=True)\n"
        "try: SoundDeviceRecorder(wav_path=Path(sys.argv[1])).record(threading.Event(), on_block)\n"
        "except DeviceError as e: print('ERROR', e.message); sys.exit(3)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(wav_path)],
        env=server.client_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert child.stdout is not None
        for _ in range(10):  # 1 s of audio recorded (and written) before the server goes
            assert child.stdout.readline().strip() == "block"
    finally:
        va.stop_server(server)
    out, _ = child.communicate(timeout=20)
    assert child.returncode == 3
    assert "stopped delivering audio" in out and str(wav_path) in out
    samples, _ = read_wav_samples(wav_path)
    assert len(samples) >= 0.8 * SR


@pytest.mark.device
@pytest.mark.usefixtures("virtual_audio")
@pytest.mark.model
def test_check_command_transcribes_speech(speaker: Any, tmp_path: Path) -> None:
    speech = speaker.synthesize_to_file(
        "Tell me about a time you disagreed with a teammate.", tmp_path / "speech.wav"
    )
    with wave.open(str(speech)) as wav:
        speech_s = wav.getnframes() / wav.getframerate()
    # Handshake, no timer: play the sentence once `check` says it is recording; the recording
    # is clocked by the sound server, so it then holds the whole sentence plus the margin.
    check = start_cli(["check", "--seconds", f"{speech_s + 2.5:.1f}"], dict(os.environ))
    try:
        assert check.stderr is not None
        before: list[str] = []
        for line in check.stderr:  # PortAudio may log before the meter starts
            if line.startswith("Recording"):
                break
            before.append(line)
        else:
            raise AssertionError("check never started recording: " + "".join(before))
        player = va.play_into_mic(speech)
        out, err = check.communicate(timeout=180)
        assert player.wait(timeout=30) == 0
    finally:
        check.kill()
    assert check.returncode == 0, "".join(before) + err
    heard = out.split("Heard:")[1].lower()
    assert "teammate" in heard
