"""Loading and saving audio files (no model needed)."""

from __future__ import annotations

import shutil
import subprocess
import tracemalloc
import wave
from pathlib import Path

import numpy as np
import pytest

from starcoach.adapters.audio_files import (
    is_silent,
    load_audio,
    load_audio_pcm16,
    load_wav,
    save_wav,
)
from starcoach.core.errors import AppError, AudioInputError
from starcoach.core.models import SAMPLE_RATE, AudioClip, Pcm16Audio


def _tone(seconds: float, rate: int = SAMPLE_RATE, level: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)


def _write_pcm(path: Path, samples: np.ndarray, rate: int, channels: int = 1) -> Path:
    frames = np.repeat(samples[:, None], channels, axis=1).reshape(-1)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((frames * 32767).astype("<i2").tobytes())
    return path


def _make_bad(kind: str, tmp_path: Path) -> Path:
    if kind == "missing":
        return tmp_path / "nope.wav"
    if kind == "directory":
        return tmp_path
    path = tmp_path / f"{kind}.wav"
    if kind == "zero_bytes":
        path.write_bytes(b"")
    elif kind == "corrupt_bytes":
        path.write_bytes(np.random.default_rng(1).bytes(4000))
    elif kind == "empty_wav":
        _write_pcm(path, np.zeros(0, dtype=np.float32), SAMPLE_RATE)
    elif kind == "too_short_wav":
        _write_pcm(path, _tone(0.05), SAMPLE_RATE)
    return path


@pytest.mark.parametrize(
    ("kind", "fragment"),
    [
        ("missing", "no such audio file"),
        ("directory", "is a directory"),
        ("zero_bytes", "empty (0 bytes)"),
        ("corrupt_bytes", "cannot decode audio"),
        ("empty_wav", "audio is empty"),
        ("too_short_wav", "audio is empty"),
    ],
)
def test_load_audio_rejects_bad_input(kind: str, fragment: str, tmp_path: Path) -> None:
    path = _make_bad(kind, tmp_path)
    with pytest.raises(AudioInputError) as info:
        load_audio(path)
    assert isinstance(info.value, AppError)
    assert fragment in info.value.message
    assert "\n" not in info.value.message


@pytest.mark.parametrize(
    ("rate", "channels"),
    [(16_000, 1), (44_100, 1), (8_000, 2), (48_000, 2)],
    ids=["16k-mono", "44k-mono", "8k-stereo", "48k-stereo"],
)
@pytest.mark.parametrize("loader", [load_audio, load_wav], ids=["load_audio", "load_wav"])
def test_loaders_resample_and_downmix(loader, rate: int, channels: int, tmp_path: Path) -> None:
    path = _write_pcm(tmp_path / "tone.wav", _tone(1.5, rate), rate, channels)
    clip = loader(path)
    assert clip.sample_rate == SAMPLE_RATE
    assert clip.samples.dtype == np.float32
    assert clip.samples.ndim == 1
    assert clip.duration_s == pytest.approx(1.5, abs=0.01)
    rms = float(np.sqrt(np.mean(clip.samples**2)))
    assert rms == pytest.approx(0.5 / np.sqrt(2), rel=0.05)


def test_load_wav_rejects_non_wav(tmp_path: Path) -> None:
    path = tmp_path / "x.wav"
    path.write_bytes(b"RIFF....WAVEjunkjunkjunk")
    with pytest.raises(AudioInputError, match="not a readable 16-bit PCM WAV"):
        load_wav(path)


def test_save_then_load_round_trips(tmp_path: Path) -> None:
    original = AudioClip(_tone(0.8, level=0.3))
    path = save_wav(tmp_path / "out.wav", original)
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, SAMPLE_RATE)
    loaded = load_audio(path)
    assert len(loaded.samples) == len(original.samples)
    np.testing.assert_allclose(loaded.samples, original.samples, atol=1e-4)


def test_save_clips_out_of_range_samples(tmp_path: Path) -> None:
    loud = AudioClip(np.array([2.0, -3.0] * 1600, dtype=np.float32))
    loaded = load_wav(save_wav(tmp_path / "loud.wav", loud))
    assert float(np.max(loaded.samples)) == pytest.approx(1.0, abs=1e-3)
    assert float(np.min(loaded.samples)) == pytest.approx(-1.0, abs=1e-3)


@pytest.mark.skipif(shutil.which("sox") is None, reason="sox is not installed")
@pytest.mark.parametrize("suffix", ["flac", "ogg"])
def test_load_audio_decodes_compressed_formats(suffix: str, tmp_path: Path) -> None:
    source = _write_pcm(tmp_path / "tone.wav", _tone(1.0, 22_050), 22_050, 2)
    target = tmp_path / f"tone.{suffix}"
    subprocess.run(["sox", str(source), str(target)], check=True, capture_output=True)
    clip = load_audio(target)
    assert clip.sample_rate == SAMPLE_RATE
    assert clip.duration_s == pytest.approx(1.0, abs=0.05)
    assert not is_silent(clip)


@pytest.mark.parametrize(
    ("samples", "silent"),
    [
        (np.zeros(16_000, dtype=np.float32), True),
        (np.full(16_000, 1e-4, dtype=np.float32), True),
        (np.random.default_rng(0).normal(0, 0.001, 16_000).astype(np.float32), True),
        (_tone(1.0, level=0.2), False),
        (np.concatenate([np.zeros(15_000), _tone(0.1, level=0.8)]).astype(np.float32), False),
        (np.zeros(0, dtype=np.float32), True),
    ],
    ids=["zeros", "dc-hum", "mic-noise", "tone", "short-loud-burst", "no-samples"],
)
def test_is_silent(samples: np.ndarray, silent: bool) -> None:
    assert is_silent(AudioClip(samples)) is silent


@pytest.mark.skipif(shutil.which("sox") is None, reason="sox is not installed")
def test_streamed_decode_equals_a_whole_file_decode(tmp_path: Path) -> None:
    from faster_whisper import decode_audio

    source = _write_pcm(tmp_path / "tone.wav", _tone(3.0, 44_100), 44_100, 2)
    target = tmp_path / "tone.flac"
    subprocess.run(["sox", str(source), str(target)], check=True, capture_output=True)
    streamed = load_audio(target).samples
    np.testing.assert_array_equal(streamed, decode_audio(str(target), sampling_rate=SAMPLE_RATE))


def test_wav_is_read_in_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from starcoach.adapters import audio_files

    samples = _tone(2.0, SAMPLE_RATE, level=0.5)
    path = _write_pcm(tmp_path / "stereo.wav", samples, SAMPLE_RATE, 2)
    whole = load_audio(path).samples
    monkeypatch.setattr(audio_files, "READ_BLOCK_FRAMES", 777)
    blocked = load_audio(path).samples
    np.testing.assert_array_equal(blocked, whole)
    np.testing.assert_allclose(blocked, samples, atol=1e-4)


def _traced_peak_bytes(path: Path) -> tuple[int, int]:
    """(peak bytes allocated while loading ``path``, bytes of the loaded samples)."""
    tracemalloc.start()
    try:
        clip = load_audio(path)
        return tracemalloc.get_traced_memory()[1], clip.samples.nbytes
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(("rate", "channels"), [(SAMPLE_RATE, 1), (44_100, 2)])
def test_loading_a_long_wav_allocates_little_beyond_the_result(
    rate: int, channels: int, tmp_path: Path
) -> None:
    path = _write_pcm(tmp_path / "long.wav", _tone(150.0, rate, level=0.3), rate, channels)
    peak, result = _traced_peak_bytes(path)
    assert result == 150 * SAMPLE_RATE * 4
    # One whole-file copy would be 9.6 MB at 16 kHz, 26 MB at 44.1 kHz (52 MB in stereo).
    assert peak < result + 4_000_000, (peak, result)


@pytest.mark.parametrize("capacity", [0, 40_000, 100_000, 1_000_000])
def test_decode_buffer_holds_every_block_whatever_the_announced_length(capacity: int) -> None:
    from starcoach.adapters.audio_files import _Buffer

    rng = np.random.default_rng(3)
    blocks = [rng.integers(-32768, 32767, n, dtype=np.int16) for n in (1152, 30_000, 7, 70_001)]
    buffer = _Buffer(capacity)
    for block in blocks:
        buffer.append(block)
    samples = buffer.samples()
    expected = np.concatenate(blocks).astype(np.float32) / np.float32(32768.0)
    assert samples.dtype == np.float32
    np.testing.assert_array_equal(samples, expected)
    assert buffer.samples().size == expected.size  # asking again gives the same samples


def _noisy_speechlike(seconds: float, rate: int) -> np.ndarray:
    rng = np.random.default_rng(3)
    return np.clip(_tone(seconds, rate, 0.4) + rng.normal(0, 0.05, int(seconds * rate)), -1, 1)


@pytest.mark.parametrize(
    ("rate", "channels", "kind"),
    [(SAMPLE_RATE, 1, "Pcm16Audio"), (44_100, 2, "Pcm16Audio"), (SAMPLE_RATE, 2, "AudioClip")],
    ids=["16k-mono-fast-path", "44k-stereo-ffmpeg", "16k-stereo-downmixed"],
)
def test_pcm16_load_gives_the_float_load_samples(
    rate: int, channels: int, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from starcoach.adapters import audio_files

    path = _write_pcm(tmp_path / "answer.wav", _noisy_speechlike(3.3, rate), rate, channels)
    floats = load_audio(path).samples
    monkeypatch.setattr(audio_files, "READ_BLOCK_FRAMES", 1000)  # several blocks
    held = load_audio_pcm16(path)
    assert type(held).__name__ == kind
    if isinstance(held, Pcm16Audio):
        assert held.pcm.dtype == np.int16 and held.pcm.nbytes == floats.nbytes // 2
        np.testing.assert_array_equal(held[:], floats)  # exactly: int16 / 32768 in float32
        np.testing.assert_array_equal(held[1234:5678], floats[1234:5678])
        np.testing.assert_array_equal(held[::997], floats[::997])
        assert len(held) == floats.size and held.duration_s == len(floats) / SAMPLE_RATE
    else:
        np.testing.assert_array_equal(held.samples, floats)


@pytest.mark.skipif(shutil.which("sox") is None, reason="sox is not installed")
def test_pcm16_load_of_a_compressed_file_gives_the_float_load_samples(tmp_path: Path) -> None:
    source = _write_pcm(tmp_path / "tone.wav", _noisy_speechlike(2.0, 22_050), 22_050, 2)
    target = tmp_path / "tone.flac"
    subprocess.run(["sox", str(source), str(target)], check=True, capture_output=True)
    held = load_audio_pcm16(target)
    assert isinstance(held, Pcm16Audio)
    np.testing.assert_array_equal(held[:], load_audio(target).samples)


def test_pcm16_buffer_past_the_announced_length_equals_the_float_buffer() -> None:
    from starcoach.adapters.audio_files import _Buffer

    blocks = [np.arange(k * 700, k * 700 + 700, dtype=np.int16) - 9000 for k in range(40)]
    floats, ints = _Buffer(SAMPLE_RATE), _Buffer(SAMPLE_RATE, np.int16)  # 28 000 > capacity
    for block in blocks:
        floats.append(block)
        ints.append(block)
    pcm = ints.samples()
    assert pcm.dtype == np.int16
    np.testing.assert_array_equal(pcm, np.concatenate(blocks))
    np.testing.assert_array_equal(Pcm16Audio(pcm)[:], floats.samples())


def test_pcm16_load_refuses_what_load_audio_refuses(tmp_path: Path) -> None:
    for kind, fragment in [("too_short_wav", "audio is empty"), ("corrupt_bytes", "cannot")]:
        with pytest.raises(AudioInputError, match=fragment):
            load_audio_pcm16(_make_bad(kind, tmp_path))
