"""Audio I/O adapters without audio hardware: levels, the WAV writer, verdicts, the fixture
recorder, the recorder's logic on a fake PortAudio, commands without a sound server, speech
synthesis to a file. The same adapters on a virtual sound server: test_audio_devices.py.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import wave
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from starcoach.adapters.fixtures import FixtureRecorder, RecordingSpeaker, SilentSpeaker
from starcoach.adapters.sd_recorder import (
    SILENCE_DBFS,
    SoundDeviceRecorder,
    WavAppender,
    level_dbfs,
    peak_dbfs,
)
from starcoach.commands.check import clipped_fraction, meter_line, verdict
from starcoach.commands.devices import format_devices
from starcoach.core.errors import AudioInputError, DeviceError
from starcoach.core.models import SAMPLE_RATE, AudioClip
from tests.audio_support import chirp_bursts, read_wav_samples, run_cli, write_wav

SR = SAMPLE_RATE
_T = np.arange(SR) / SR


def env_without_server(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PULSE_SERVER"}
    empty = tmp_path / "no-server"
    empty.mkdir(mode=0o700)
    env["XDG_RUNTIME_DIR"] = str(empty)
    return env


def has_sound_card() -> bool:
    snd = Path("/dev/snd")
    return snd.is_dir() and any(p.name.startswith("pcm") for p in snd.iterdir())

# --- levels, WAV writer, verdicts (no hardware) ---------------------------------------


@pytest.mark.parametrize(
    ("samples", "rms_db", "peak_db"),
    [
        pytest.param(np.zeros(SR, np.float32), SILENCE_DBFS, SILENCE_DBFS, id="silence"),
        pytest.param(np.zeros(0, np.float32), SILENCE_DBFS, SILENCE_DBFS, id="empty"),
        pytest.param(np.sin(2 * np.pi * 440 * _T), -3.01, 0.0, id="full-scale-sine"),
        pytest.param(0.1 * np.sign(np.sin(2 * np.pi * 50 * _T)), -20.0, -20.0, id="square-0.1"),
        pytest.param(np.full(100, 0.01), -40.0, -40.0, id="dc-0.01"),
    ],
)
def test_levels_in_dbfs(samples: np.ndarray, rms_db: float, peak_db: float) -> None:
    assert level_dbfs(samples) == pytest.approx(rms_db, abs=0.05)
    assert peak_dbfs(samples) == pytest.approx(peak_db, abs=0.05)


def test_wav_appender_file_is_valid_after_every_append(tmp_path: Path) -> None:
    path = tmp_path / "answer.wav"
    writer = WavAppender(path)
    rng = np.random.default_rng(1)
    written: list[np.ndarray] = []
    for size in (1600, 800, 3):
        block = rng.uniform(-0.9, 0.9, size).astype(np.float32)
        writer.append(block)
        written.append(block)
        with wave.open(str(path)) as wav:  # read while still open for writing
            assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, SR)
            assert wav.getnframes() == sum(len(b) for b in written)
        assert path.stat().st_size == 44 + 2 * writer.frames
    writer.close()
    samples, _ = read_wav_samples(path)
    np.testing.assert_allclose(samples, np.concatenate(written), atol=2 / 32768)


def _sine(amplitude: float) -> np.ndarray:
    return (amplitude * np.sin(2 * np.pi * 300 * _T)).astype(np.float32)


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        pytest.param(np.zeros(SR, np.float32), "silent", id="silence"),
        pytest.param(_sine(0.01), "too quiet", id="quiet"),
        pytest.param(np.clip(_sine(3.0), -1, 1), "clipping", id="clipped"),
        pytest.param(_sine(0.3), "good", id="good"),
    ],
)
def test_verdict_from_real_levels(samples: np.ndarray, expected: str) -> None:
    assert verdict(peak_dbfs(samples), clipped_fraction(samples)).startswith(expected)


@pytest.mark.parametrize(
    ("level", "elapsed", "bars"),
    [(-120.0, 0.0, 0), (-30.0, 1.0, 15), (0.0, 3.0, 30), (6.0, 3.0, 30)],
)
def test_meter_line_is_fixed_width(level: float, elapsed: float, bars: int) -> None:
    line = meter_line(level, elapsed, 3.0)
    assert line.count("#") == bars
    assert len(line) == len(meter_line(-12.3, 1.5, 3.0))


def test_format_devices_marks_default_and_skips_other_direction() -> None:
    devices = [
        {"name": "speaker only", "max_input_channels": 0, "max_output_channels": 2,
         "default_samplerate": 48000.0},
        {"name": "usb mic", "max_input_channels": 1, "max_output_channels": 0,
         "default_samplerate": 44100.0},
    ]  # fmt: skip
    inputs = format_devices(devices, "max_input_channels", default=1)
    outputs = format_devices(devices, "max_output_channels", default=-1)
    assert len(inputs) == 1 and "usb mic" in inputs[0] and "[default]" in inputs[0]
    assert "1 ch, 44100 Hz" in inputs[0]
    assert len(outputs) == 1 and "speaker only" in outputs[0] and "[default]" not in outputs[0]


# --- fixture recorder and speakers -----------------------------------------------------


@pytest.fixture()
def two_second_wav(tmp_path: Path) -> Path:
    return write_wav(tmp_path / "answer.wav", chirp_bursts(2.0))


@pytest.mark.parametrize(
    ("stop_after_blocks", "expected_blocks"),
    [pytest.param(None, 20, id="whole-file"), pytest.param(3, 3, id="stopped-after-3")],
)
def test_fixture_recorder_delivers_blocks_and_honours_stop(
    two_second_wav: Path, stop_after_blocks: int | None, expected_blocks: int
) -> None:
    stop = threading.Event()
    blocks: list[AudioClip] = []

    def on_block(block: AudioClip) -> None:
        blocks.append(block)
        if stop_after_blocks is not None and len(blocks) >= stop_after_blocks:
            stop.set()

    clip = FixtureRecorder(two_second_wav, block_s=0.1).record(stop, on_block)
    assert len(blocks) == expected_blocks
    assert all(len(b.samples) == 1600 for b in blocks)
    np.testing.assert_array_equal(clip.samples, np.concatenate([b.samples for b in blocks]))
    original, _ = read_wav_samples(two_second_wav)
    np.testing.assert_allclose(clip.samples, original[: len(clip.samples)], atol=1e-6)


class FakeClock:
    """``time.monotonic`` that only moves when a stop event is waited on."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def monotonic(self) -> float:
        return self.now


class ClockedStop(threading.Event):
    """A stop event whose ``wait`` advances a fake clock; it sets itself at ``stop_at_s``."""

    def __init__(self, clock: FakeClock, stop_at_s: float) -> None:
        super().__init__()
        self.clock, self.stop_at = clock, clock.now + stop_at_s

    def wait(self, timeout: float | None = None) -> bool:
        assert timeout is not None and timeout >= 0
        self.clock.waits.append(timeout)
        self.clock.now += timeout
        if self.clock.now >= self.stop_at - 1e-9:
            self.set()
        return self.is_set()


def test_fixture_recorder_realtime_paces_and_stops_promptly(
    two_second_wav: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from starcoach.adapters import fixtures

    clock = FakeClock()
    monkeypatch.setattr(fixtures, "time", SimpleNamespace(monotonic=clock.monotonic))
    stop = ClockedStop(clock, stop_at_s=0.45)
    delivered: list[float] = []  # fake time at which each block was handed over
    clip = FixtureRecorder(two_second_wav, realtime=True).record(
        stop, lambda block: delivered.append(clock.now))
    # Each 0.1 s block is followed by a wait until real time catches up with the audio...
    assert clock.waits == pytest.approx([0.1] * 5)
    assert np.diff(delivered) == pytest.approx([0.1] * 4)
    # ...and the stop is honoured at the next block boundary, not at the end of the file.
    assert clip.duration_s == pytest.approx(0.5)


def test_fixture_recorder_missing_file_is_app_error(tmp_path: Path) -> None:
    with pytest.raises(AudioInputError, match="missing.wav"):
        FixtureRecorder(tmp_path / "missing.wav").record(threading.Event(), lambda b: None)


def test_recording_speaker_remembers_texts_and_takes_its_delay() -> None:
    speaker = RecordingSpeaker(delay_s=0.05)
    started = time.monotonic()
    speaker.speak("First question?")
    speaker.speak("Second question?")
    assert time.monotonic() - started >= 0.1
    assert speaker.spoken == ["First question?", "Second question?"]
    SilentSpeaker().speak("nothing happens")


# --- recorder logic with a fake PortAudio ---------------------------------------------


class _FakeStream:
    """Delivers ``blocks`` callbacks from a thread, then stops as a vanished device does."""

    def __init__(self, blocks: int, **kwargs: Any) -> None:
        self.callback = kwargs["callback"]
        self.blocksize = kwargs["blocksize"]
        self.blocks = blocks
        self.active = False

    def start(self) -> None:
        self.active = True
        threading.Thread(target=self._feed, daemon=True).start()

    def _feed(self) -> None:
        for _ in range(self.blocks):
            block = np.full((self.blocksize, 1), 0.25, np.float32)
            self.callback(block, self.blocksize, None, None)
        self.active = False  # after its last block, as PortAudio's stream does

    def stop(self) -> None:
        self.active = False

    def close(self) -> None:
        pass


def _fake_sounddevice(inputs: int, blocks: int) -> SimpleNamespace:
    device = {"name": "fake mic", "max_input_channels": 1, "default_samplerate": 16000.0}

    def query_devices(*args: Any) -> Any:
        return device if args else [device] * inputs

    return SimpleNamespace(
        PortAudioError=type("PortAudioError", (Exception,), {}),
        query_devices=query_devices,
        InputStream=lambda **kwargs: _FakeStream(blocks, **kwargs),
    )


def test_recorder_device_lost_mid_answer_keeps_wav(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", _fake_sounddevice(inputs=1, blocks=5))
    wav_path = tmp_path / "answer.wav"
    seen: list[AudioClip] = []
    with pytest.raises(DeviceError) as caught:
        SoundDeviceRecorder(wav_path=wav_path).record(threading.Event(), seen.append)
    message = caught.value.message
    assert "stopped delivering audio" in message and str(wav_path) in message
    assert "'fake mic'" in message and "--input-device" in message and "\n" not in message
    samples, rate = read_wav_samples(wav_path)
    assert (rate, len(samples), len(seen)) == (SR, 5 * 1600, 5)
    np.testing.assert_allclose(samples, 0.25, atol=1e-3)


def test_recorder_without_input_devices_says_none_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", _fake_sounddevice(inputs=0, blocks=0))
    with pytest.raises(DeviceError, match="No microphone found") as caught:
        SoundDeviceRecorder().record(threading.Event(), lambda b: None)
    assert "answer from an audio file" in caught.value.message


# --- commands without any audio server ------------------------------------------------


@pytest.mark.skipif(has_sound_card(), reason="a real sound card is present")
def test_check_without_devices_is_one_line_error(tmp_path: Path) -> None:
    done = run_cli(["check", "--seconds", "1", "--no-transcribe"], env_without_server(tmp_path))
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("starcoach: No microphone found")
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(has_sound_card(), reason="a real sound card is present")
def test_devices_without_devices_says_so(tmp_path: Path) -> None:
    done = run_cli(["devices"], env_without_server(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "No audio devices found" in done.stdout


# --- speech synthesis (espeak-ng, no audio device needed) -----------------------------


def test_synthesize_to_file_writes_speech_even_after_listing_voices(
    speaker: Any, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    voices = speaker.voices()
    assert voices and all(voice_id for voice_id, _ in voices)
    path = speaker.synthesize_to_file("Tell me about yourself.", tmp_path / "q.wav")
    with wave.open(str(path)) as wav:
        duration = wav.getnframes() / wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), "<i2") / 32768.0
    assert 0.5 < duration < 5.0
    assert level_dbfs(samples) > -40.0
    assert "Audio saved to" not in capfd.readouterr().out
