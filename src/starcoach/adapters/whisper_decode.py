"""One faster-whisper decode: settings, the shared model, and the segments kept.

``decode`` runs ``WhisperModel.transcribe`` once at temperature 0 (deterministic) and turns
its segments into ``core.models.Word`` values. A segment faster-whisper would have re-sampled
(a repetition loop, or very unlikely text; ``transcript_repair.failed_segment``) is dropped:
the speech it should have covered is found and decoded again by the transcriber's coverage
repair. Words below ``TAIL_MIN_PROBABILITY`` at the end are dropped.

A deterministic stand-in for faster-whisper's window fallback (the failed window decoded
again without the filler prompt) was measured and left out: the failed windows were the
silence after the last word (tiny loops "uh uh uh ..." there), the fillers before them were
unchanged, and without the prompt that silence became an invented "We'll" in one of the
audio fixtures.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from starcoach.adapters.transcript_repair import convert_words, failed_segment
from starcoach.core.errors import ModelError
from starcoach.core.models import SAMPLE_RATE, AudioClip, Word

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
    temperature: float | tuple[float, ...] = 0.0
    """Sampling temperature, or a fallback ladder. 0 only: with faster-whisper's ladder
    (0.0, 0.2, ... 1.0) a failed window is re-sampled at random (best of 5), so the same
    1.36 s clip gave 6 different transcripts in 6 runs; the transcriber's deterministic
    coverage repair replaces it."""
    no_speech_threshold: float | None = 0.6
    """A window Whisper gives this no-speech probability (with unlikely text) is skipped."""
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

MAX_TOKENS_PER_S = 12.0
"""Most tokens a second of speech can need (fast speech is under 6); caps a repetition loop,
which otherwise decodes for seconds (9 s for a 1.36 s clip on 2 cores). Never above 200: the
prompt (up to 224 tokens of previous text) and the new tokens must fit in 448."""
WINDOW_S = 30.0
"""Whisper's window: audio up to this long is decoded in one window."""
TAIL_MIN_PROBABILITY = 0.2
"""Trailing words below this confidence are dropped: Whisper invents an "uh" or "you" in
the silence after the last word (p < 0.02 on the real clips), which would count as a
filler that was never said."""

LEAD_IN_S = 0.3
"""Silence put before audio that opens with speech (word times are moved back). Speech that
starts at the first sample lost its first words: "Um, okay, so there was" came out "so there
was" on an espeak answer, and "Okay, so my manager" as "so my manager". Of 13 espeak test
clips that open with speech, the first word came out right in 7 with none, 10 with 0.3 s
and 12 with 1 s; but after 1 s of silence French speech came out as "Thank you very much for
watching..." with no language warning. A recording starts with room sound, but a file
trimmed to the speech, or a chunk cut mid-word, does not."""
LEAD_IN_SPEECH_S = 0.1
"""The lead-in is put only before audio the VAD hears speech in this close to its start:
before audio that starts in silence it made tiny write more filled pauses (23 instead of 18
on the real-speech probes, which hold 18). A level test was fooled by the click or noise
that opens some recordings (-10 to -30 dBFS a second before the first word)."""

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


def decode(
    model: WhisperModel, samples: np.ndarray, offset_s: float, options: DecodeOptions
) -> list[Word]:
    """Words of one decode, without failed segments and the unsure tail (none for < 0.1 s).

    Args:
        model: The loaded model.
        samples: 16 kHz mono audio.
        offset_s: Added to every word time.
        options: Decoding settings.
    """
    if samples.size < SAMPLE_RATE // 10:
        return []
    kwargs = options.as_kwargs()
    duration_s = samples.size / SAMPLE_RATE
    lead_s = LEAD_IN_S if duration_s > WINDOW_S else min(LEAD_IN_S, WINDOW_S - duration_s)
    lead_s = lead_s if _starts_with_speech(samples) else 0.0
    lead = np.zeros(int(lead_s * SAMPLE_RATE), dtype=np.float32)  # one window stays one
    audio = np.concatenate([lead, samples.astype(np.float32, copy=False)])
    if duration_s <= WINDOW_S:  # one window: a repetition loop cannot run to 224 tokens
        kwargs["max_new_tokens"] = min(int(MAX_TOKENS_PER_S * duration_s) + 10, 200)
    segments, _info = model.transcribe(audio, language="en", word_timestamps=True, **kwargs)
    words: list[Word] = []
    for segment in segments:  # the generator does the decoding
        if failed_segment(segment.compression_ratio, segment.avg_logprob, segment.no_speech_prob):
            continue
        words.extend(convert_words(segment.words or [], offset_s - lead.size / SAMPLE_RATE))
    return _drop_unsure_tail(_after_lead_in(words, offset_s))


def _starts_with_speech(samples: np.ndarray) -> bool:
    """Whether the VAD finds speech within ``LEAD_IN_SPEECH_S`` of the audio's start."""
    from starcoach.adapters.vad import speech_regions

    regions = speech_regions(AudioClip(samples[:SAMPLE_RATE].astype(np.float32, copy=False)))
    return bool(regions) and regions[0][0] <= LEAD_IN_SPEECH_S


def _after_lead_in(words: list[Word], start_s: float) -> list[Word]:
    """Words without those inside the silent lead-in, none starting before ``start_s``."""
    return [
        w if (w.start or 0.0) >= start_s else replace(w, start=start_s)
        for w in words
        if (w.end or 0.0) > start_s
    ]


def _drop_unsure_tail(words: list[Word]) -> list[Word]:
    """Words without the low-confidence run at the end (hallucinated after speech)."""
    end = len(words)
    while end > 0 and words[end - 1].probability < TAIL_MIN_PROBABILITY:
        end -= 1
    return words[:end]
