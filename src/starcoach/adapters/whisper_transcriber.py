"""faster-whisper adapter: ``AudioClip`` in, ``core.models.Transcript`` out.

The model is loaded lazily, once per (model folder, CPU threads), and shared by every
``WhisperTranscriber`` in the process (the CLI and the UI use the same one). Decoding is set
up to keep filled pauses ("um", "uh") that Whisper normally drops: see ``DecodeOptions``
and ``benchmarks/transcriber.py`` for the measurements behind the defaults.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from starcoach.core.errors import ModelError
from starcoach.core.models import SAMPLE_RATE, AudioClip, Transcript, Word

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

    from starcoach.adapters.models import ResolvedModel

FILLER_PROMPT = "um so uh i was like hmm you know uh thinking um okay"
"""Disfluent text shown to the decoder so that it keeps writing filled pauses. Lower
case and unpunctuated on purpose: it puts Whisper in its verbatim style, which keeps
far more um/uh than the punctuated "Umm, let me think like, hmm... Okay, uh." prompt."""


@dataclass(frozen=True)
class DecodeOptions:
    """The faster-whisper ``transcribe()`` settings that matter for coaching."""

    beam_size: int = 5
    """Beam width (1 = greedy)."""
    initial_prompt: str | None = FILLER_PROMPT
    """Text that primes the first window (style, fillers)."""
    hotwords: str | None = None
    """Text put in the prompt of *every* 30 s window."""
    condition_on_previous_text: bool = True
    """Feed each window's text to the next as prompt."""
    vad_filter: bool = False
    """Cut non-speech with Silero VAD before decoding."""
    temperature: float | tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    """Sampling temperature, or the fallback ladder."""
    suppress_tokens: tuple[int, ...] = (-1,)
    """Token ids never emitted; (-1,) is Whisper's default symbol list."""

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``WhisperModel.transcribe``."""
        kwargs = asdict(self)
        kwargs["suppress_tokens"] = list(self.suppress_tokens)
        if isinstance(self.temperature, tuple):
            kwargs["temperature"] = list(self.temperature)
        return kwargs


DEFAULT_DECODE = DecodeOptions()
"""Settings used unless a caller passes others (chosen from the benchmark)."""

SKIPPED_SPEECH_S = 1.0
"""Speech regions at least this long are checked for skipped words."""
MIN_WORDS_PER_S = 1.0
"""Fewer words a second than this in a speech region: Whisper skipped it (speech is 2-3)."""
REDECODE_PAD_S = 0.2
"""Audio kept around a region decoded again."""

WINDOW_S = 30.0
"""Clips up to Whisper's window length are decoded whole, in one window."""

CHUNK_S: float | None = None
"""Default piece length for clips longer than ``WINDOW_S`` (None = Whisper's own windows).
With the punctuated prompt, Whisper's long-form decoding dropped every filler after the
first window and 15 s pieces helped (0/15 -> 10/15 kept); with the lower-case prompt the
verbatim style carries over between windows (14/15 kept), so pieces are off by default."""

TAIL_MIN_PROBABILITY = 0.2
"""Trailing words below this confidence are dropped: Whisper invents an "uh" or "you" in
the silence after the last word (p < 0.02 on the real clips), which would count as a
filler that was never said."""

VAD_MIN_SILENCE_MS = 200
"""Silences shorter than this do not split speech regions."""

VAD_SPEECH_PAD_MS = 40
"""Padding added to both sides of each speech region."""

_MODEL_CACHE: dict[tuple[str, int], WhisperModel] = {}
_MODEL_CACHE_LOCK = threading.Lock()


def load_whisper_model(resolved: ResolvedModel, cpu_threads: int = 0) -> WhisperModel:
    """The shared CPU int8 ``WhisperModel`` for a model folder, loaded on first use.

    Args:
        resolved: The model folder.
        cpu_threads: CTranslate2 threads (0 = library default).

    Returns:
        The loaded model; the same object for the same (folder, threads).

    Raises:
        ModelError: CTranslate2 cannot load the folder.
    """
    key = (str(resolved.path), cpu_threads)
    with _MODEL_CACHE_LOCK:
        if key not in _MODEL_CACHE:
            _MODEL_CACHE[key] = _create_model(resolved, cpu_threads)
        return _MODEL_CACHE[key]


def clear_model_cache() -> None:
    """Forget every loaded model (tests and benchmarks)."""
    with _MODEL_CACHE_LOCK:
        _MODEL_CACHE.clear()


def _create_model(resolved: ResolvedModel, cpu_threads: int) -> WhisperModel:
    from faster_whisper import WhisperModel

    try:
        return WhisperModel(
            str(resolved.path),
            device="cpu",
            compute_type="int8",
            cpu_threads=cpu_threads,
            local_files_only=True,
        )
    except (RuntimeError, ValueError, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelError(f"cannot load Whisper model '{resolved.name}': {reason}") from exc


class WhisperTranscriber:
    """``core.ports.Transcriber`` backed by faster-whisper on the CPU (int8)."""

    def __init__(
        self,
        model: str | None = None,
        *,
        cpu_threads: int = 0,
        options: DecodeOptions = DEFAULT_DECODE,
        chunk_s: float | None = CHUNK_S,
        fill_skipped: bool = True,
    ) -> None:
        """Remember what to load; nothing heavy happens until first use.

        Args:
            model: A model name or folder for ``resolve_model`` (None = bundled tiny).
            cpu_threads: CTranslate2 threads (0 = library default).
            options: Decoding settings.
            chunk_s: Cut clips longer than ``WINDOW_S`` at pauses into pieces of at most
                this many seconds (None = never; let Whisper run its own windows).
        """
        self._model_spec = model
        self._cpu_threads = cpu_threads
        self.options = options
        self.chunk_s = chunk_s
        self.fill_skipped = fill_skipped
        self._resolved: ResolvedModel | None = None
        self._model: WhisperModel | None = None
        self._lock = threading.Lock()

    @property
    def previewer(self) -> WhisperTranscriber:
        """A fast sibling for provisional live captions: greedy decoding, same loaded model."""
        fast = replace(self.options, beam_size=1, temperature=0.0)
        return WhisperTranscriber(self._model_spec, cpu_threads=self._cpu_threads, options=fast,
                                  chunk_s=None, fill_skipped=False)

    @property
    def model_name(self) -> str:
        """Display name of the model (resolves it, without loading)."""
        return self._resolve().name

    def load(self) -> None:
        """Load the model now (for a startup worker); later calls return at once.

        Raises:
            ModelError: the model is missing or cannot be loaded.
        """
        self._whisper()

    def transcribe(self, clip: AudioClip, offset_s: float = 0.0) -> Transcript:
        """Transcribe a clip with word timestamps.

        Args:
            clip: Mono audio (resampled to 16 kHz when needed).
            offset_s: Added to every word time (where the clip starts in a longer take).

        Returns:
            The words with times in seconds, the clip duration and the full text.

        Raises:
            ModelError: the model is missing or cannot be loaded.
        """
        samples = _as_16k(clip)
        words: list[Word] = []
        for start_s, end_s in self._chunks(samples):
            piece = samples[int(start_s * SAMPLE_RATE) : int(end_s * SAMPLE_RATE)]
            words.extend(self._decode(piece, offset_s + start_s)[0])
        if self.fill_skipped:
            words = self._fill_skipped(samples, words, offset_s)
        text = " ".join(word.text for word in words)
        return Transcript(words=tuple(words), duration_s=clip.duration_s, text=text)

    def _fill_skipped(self, samples: np.ndarray, words: list[Word], offset_s: float) -> list[Word]:
        """Decode again any stretch of speech that got (almost) no words.

        With a prompt, Whisper now and then skips a whole opening sentence and stretches the
        next sentence's words back over it (seen on the fixtures: 5 s of speech, 2 words).
        The VAD says where speech is; a region of ``SKIPPED_SPEECH_S`` or more holding fewer
        than ``MIN_WORDS_PER_S`` words a second is decoded again together with the region
        after it (where its misplaced words belong), and those words are replaced.
        """
        regions = [(a + offset_s, b + offset_s) for a, b in speech_regions(AudioClip(samples))]
        result, i = list(words), 0
        while i < len(regions):
            start, end = regions[i]
            if end - start < SKIPPED_SPEECH_S or _words_in(result, start, end) >= (
                MIN_WORDS_PER_S * (end - start)
            ):
                i += 1
                continue
            lo = max(offset_s, start - REDECODE_PAD_S)
            hi = min(offset_s + samples.size / SAMPLE_RATE,
                     regions[min(i + 1, len(regions) - 1)][1] + REDECODE_PAD_S)
            piece = samples[int((lo - offset_s) * SAMPLE_RATE) : int((hi - offset_s) * SAMPLE_RATE)]
            redone = self._decode(piece, lo)[0]
            if len(redone) > _words_in(result, lo, hi):
                result = [w for w in result if not lo <= _middle(w) < hi] + redone
                result.sort(key=_middle)
            i += 2
        return result
    def speech_regions(self, clip: AudioClip) -> list[tuple[float, float]]:
        """Where someone is speaking, by faster-whisper's bundled Silero VAD.

        Tuned for measuring pauses: silences of ``VAD_MIN_SILENCE_MS`` or more split
        regions, and regions are padded by only ``VAD_SPEECH_PAD_MS``.

        Args:
            clip: Mono audio.

        Returns:
            (start_s, end_s) pairs in order, relative to the clip start.
        """
        return speech_regions(clip)

    def _chunks(self, samples: np.ndarray) -> list[tuple[float, float]]:
        duration_s = samples.size / SAMPLE_RATE
        if self.chunk_s is None or duration_s <= max(self.chunk_s, WINDOW_S):
            return [(0.0, duration_s)]
        regions = speech_regions(AudioClip(samples))
        return plan_chunks(regions, duration_s, self.chunk_s)

    def _decode(self, samples: np.ndarray, offset_s: float) -> tuple[list[Word], str]:
        if samples.size < SAMPLE_RATE // 10:
            return [], ""
        segments, _info = self._whisper().transcribe(
            samples, language="en", word_timestamps=True, **self.options.as_kwargs()
        )
        segments = list(segments)  # the generator does the decoding
        words = [w for segment in segments for w in _convert_words(segment.words or [], offset_s)]
        kept = _drop_unsure_tail(words)
        return kept, " ".join(word.text for word in kept)

    def _resolve(self) -> ResolvedModel:
        if self._resolved is None:
            from starcoach.adapters.models import resolve_model

            self._resolved = resolve_model(self._model_spec)
        return self._resolved

    def _whisper(self) -> WhisperModel:
        with self._lock:
            if self._model is None:
                self._model = load_whisper_model(self._resolve(), self._cpu_threads)
            return self._model


def speech_regions(clip: AudioClip) -> list[tuple[float, float]]:
    """Speech regions of a clip in seconds (see ``WhisperTranscriber.speech_regions``)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    samples = _as_16k(clip)
    if samples.size == 0:
        return []
    options = VadOptions(
        min_silence_duration_ms=VAD_MIN_SILENCE_MS, speech_pad_ms=VAD_SPEECH_PAD_MS
    )
    stamps = get_speech_timestamps(samples, options, sampling_rate=SAMPLE_RATE)
    return [(stamp["start"] / SAMPLE_RATE, stamp["end"] / SAMPLE_RATE) for stamp in stamps]


def plan_chunks(
    regions: list[tuple[float, float]], duration_s: float, max_s: float
) -> list[tuple[float, float]]:
    """Cut ``[0, duration_s]`` into pieces of at most ``max_s`` seconds, at pauses.

    Each cut goes in the middle of the widest silence between speech ``regions`` that
    falls in the second half of the allowed piece; without one it is a hard cut at
    ``max_s``.

    Args:
        regions: Speech (start_s, end_s) pairs in order.
        duration_s: Length of the audio.
        max_s: Longest piece.

    Returns:
        (start_s, end_s) pieces covering the audio without gaps or overlaps.
    """
    gaps = [(end, nxt) for (_, end), (nxt, _) in zip(regions, regions[1:], strict=False)]
    gaps += [(0.0, regions[0][0]), (regions[-1][1], duration_s)] if regions else []
    pieces: list[tuple[float, float]] = []
    start = 0.0
    while duration_s - start > max_s:
        lo, hi = start + max_s / 2, start + max_s
        inside = [(a, b) for a, b in gaps if lo <= (a + b) / 2 <= hi]
        widest = max(inside, key=lambda gap: gap[1] - gap[0], default=None)
        cut = (widest[0] + widest[1]) / 2 if widest else hi
        pieces.append((start, cut))
        start = cut
    pieces.append((start, duration_s))
    return pieces


def _drop_unsure_tail(words: list[Word]) -> list[Word]:
    """Words without the low-confidence run at the end (hallucinated after speech)."""
    end = len(words)
    while end > 0 and words[end - 1].probability < TAIL_MIN_PROBABILITY:
        end -= 1
    return words[:end]


def _convert_words(words: list[Any], offset_s: float) -> list[Word]:
    converted = []
    for word in words:
        text = _capital_i(word.word.strip())
        if text:
            converted.append(
                Word(
                    text=text,
                    start=round(float(word.start) + offset_s, 3),
                    end=round(float(word.end) + offset_s, 3),
                    probability=float(word.probability),
                )
            )
    return converted


def _middle(word: Word) -> float:
    return ((word.start or 0.0) + (word.end or 0.0)) / 2.0


def _words_in(words: list[Word], start: float, end: float) -> int:
    return sum(1 for w in words if start <= _middle(w) < end)


def _capital_i(text: str) -> str:
    """The verbatim (lower-case) style writes "i", "i'm": give the pronoun its capital."""
    return "I" + text[1:] if text[:1] == "i" and (len(text) == 1 or text[1] in "'’") else text


def _as_16k(clip: AudioClip) -> np.ndarray:
    samples = np.asarray(clip.samples, dtype=np.float32).reshape(-1)
    if clip.sample_rate == SAMPLE_RATE or samples.size == 0:
        return samples
    count = int(round(samples.size * SAMPLE_RATE / clip.sample_rate))
    positions = np.arange(count, dtype=np.float64) * (clip.sample_rate / SAMPLE_RATE)
    return np.interp(positions, np.arange(samples.size), samples).astype(np.float32)
