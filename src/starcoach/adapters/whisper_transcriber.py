"""faster-whisper adapter: ``AudioClip`` in, ``core.models.Transcript`` out.

The model is loaded lazily, once per (model folder, CPU threads), and shared by every
``WhisperTranscriber`` in the process (the CLI and the UI use the same one). Decoding is set
up to keep filled pauses ("um", "uh") that Whisper normally drops: see ``DecodeOptions``
and ``benchmarks/transcriber.py`` for the measurements behind the defaults.

Nothing said is lost silently: decoding is deterministic (temperature 0 only, so the same
audio always gives the same words), segments that faster-whisper would have re-sampled
(repetition loops, unlikely text) are dropped (``whisper_decode``), words invented outside
speech are dropped, and every stretch of voice activity the words do not cover is
decoded again with other settings (``REDECODE_LADDER``) until they do; words that copy an
earlier run are decoded again without the previous text (``repeated_words``). One filled pause
written over a run of them, each a separate sound, is written once per sound
(``transcript_repair.split_merged_fillers``). Files longer than
``LONG_FILE_S`` are decoded in pieces of at most ``LONG_PIECE_S`` so memory stays bounded;
given 16-bit audio (``core.models.Pcm16Audio``, half the memory of float32), every piece,
VAD block and activity block is converted to float32 only while it is used.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from starcoach.adapters import language_check, repeated_words, transcript_repair
from starcoach.adapters.transcript_repair import (
    convert_words,
    drop_invented,
    find_gaps,
    split_merged_fillers,
)
from starcoach.adapters.vad import limit_heap_growth, plan_chunks, samples_16k, speech_regions
from starcoach.adapters.whisper_decode import (
    DEFAULT_DECODE,
    FILLER_PROMPT,
    TAIL_MIN_PROBABILITY,
    DecodeOptions,
    _drop_unsure_tail,
    clear_model_cache,
    decode,
    load_whisper_model,
)
from starcoach.core.analysis.activity import detect_activity
from starcoach.core.models import SAMPLE_RATE, AudioClip, Pcm16Audio, Transcript, Word

__all__ = [
    "DEFAULT_DECODE",
    "FILLER_PROMPT",
    "TAIL_MIN_PROBABILITY",
    "DecodeOptions",
    "WhisperTranscriber",
    "_drop_unsure_tail",
    "clear_model_cache",
    "load_whisper_model",
    "plan_chunks",
    "speech_regions",
]

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

    from starcoach.adapters.models import ResolvedModel

REDECODE_LADDER: tuple[dict[str, Any], ...] = (
    {},
    {"initial_prompt": None},
    {"initial_prompt": None, "no_speech_threshold": None, "condition_on_previous_text": False},
)
"""Changes to the decoding options tried, in order, on speech the words do not cover: the
same settings on the stretch alone, then without the filler prompt (with the prompt, tiny
can emit nothing for a whole 30 s window that decodes fully without it), then without the
prompt and without skipping windows Whisper thinks are silent."""
REDECODE_PAD_S = 0.2
"""Audio kept around a stretch decoded again."""
LONG_FILE_S = 300.0
"""Clips longer than this are decoded in pieces of at most ``LONG_PIECE_S``, cut at pauses:
faster-whisper builds the features of its whole input at once (about 1 MB a second), so a
60-minute file decoded whole grew memory by gigabytes. Answers (1-3 minutes) decode whole."""
LONG_PIECE_S = 30.0
"""Longest piece of a long file (one Whisper window)."""

WINDOW_S = 30.0
"""Clips up to Whisper's window length are decoded whole, in one window."""

CHUNK_S: float | None = None
"""Default piece length for clips longer than ``WINDOW_S`` (None = Whisper's own windows).
With the punctuated prompt, Whisper's long-form decoding dropped every filler after the
first window and 15 s pieces helped (0/15 -> 10/15 kept); with the lower-case prompt the
verbatim style carries over between windows (14/15 kept), so pieces are off by default."""


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
        check_language: bool = True,
    ) -> None:
        """Remember what to load; nothing heavy happens until first use.

        Args:
            model: A model name or folder for ``resolve_model`` (None = bundled tiny).
            cpu_threads: CTranslate2 threads (0 = library default).
            options: Decoding settings.
            chunk_s: Cut clips longer than ``WINDOW_S`` at pauses into pieces of at most
                this many seconds (None = only files longer than ``LONG_FILE_S``, into
                pieces of ``LONG_PIECE_S``).
            fill_skipped: Check the words against voice activity and repair gaps.
            check_language: Warn (and stop inventing English) when the speech is not English.
        """
        limit_heap_growth()  # before the VAD and CTranslate2 start their threads
        self._model_spec = model
        self._cpu_threads = cpu_threads
        self.options = options
        self.chunk_s = chunk_s
        self.fill_skipped = fill_skipped
        self.check_language = check_language
        self._resolved: ResolvedModel | None = None
        self._model: WhisperModel | None = None
        self._lock = threading.Lock()
        self._last_regions: tuple[tuple[int, int, float], list[tuple[float, float]]] | None = None

    @property
    def previewer(self) -> WhisperTranscriber:
        """A fast sibling for provisional live captions: greedy decoding, same loaded model."""
        fast = replace(self.options, beam_size=1, temperature=0.0)
        return WhisperTranscriber(
            self._model_spec,
            cpu_threads=self._cpu_threads,
            options=fast,
            chunk_s=None,
            fill_skipped=False,
            check_language=False,
        )

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

    def release(self) -> None:
        """Drop the loaded model and empty the shared model cache (``clear_model_cache``), so
        that their memory is freed once no other transcriber holds them; the next use loads
        the model again. ``analyze`` calls it before the sentence model loads."""
        with self._lock:
            self._model = None
        clear_model_cache()

    def transcribe(self, clip: AudioClip | Pcm16Audio, offset_s: float = 0.0) -> Transcript:
        """Transcribe a clip with word timestamps.

        Args:
            clip: Mono audio (resampled to 16 kHz when needed); 16-bit audio is converted to
                float32 window by window (the same samples, half the memory).
            offset_s: Added to every word time (where the clip starts in a longer take).

        Returns:
            The words with times in seconds, the clip duration, the full text and any
            warnings (speech that is not English).

        Raises:
            ModelError: the model is missing or cannot be loaded.
        """
        samples = samples_16k(clip)
        duration_s = len(samples) / SAMPLE_RATE
        needs_vad = self.fill_skipped or duration_s > min(LONG_FILE_S, self.chunk_s or 1e9)
        regions = speech_regions(_vad_input(samples)) if needs_vad else []
        self._last_regions = (_fingerprint(samples), regions) if needs_vad else None
        words: list[Word] = []
        for start_s, end_s in self._chunks(duration_s, regions):
            piece = samples[int(start_s * SAMPLE_RATE) : int(end_s * SAMPLE_RATE)]
            words.extend(self._decode(piece, offset_s + start_s))
        warnings: tuple[str, ...] = ()
        if self.fill_skipped:
            shifted = [(a + offset_s, b + offset_s) for a, b in regions]
            sound = detect_activity(_clip_of(samples), regions)

            def audible(start: float, end: float) -> float:
                return sound.audible_fraction(start - offset_s, end - offset_s)

            words = drop_invented(words, shifted, audible)
            repairing = _Repairing(samples, offset_s, shifted, audible)
            words = self._fill_gaps(repairing, words)
            words = self._redo_repeats(repairing, words)
            words = split_merged_fillers(words, shifted)
            if self.check_language:
                words, warnings = self._check_language(samples, words, regions, offset_s)
        text = " ".join(word.text for word in words)
        return Transcript(
            words=tuple(words), duration_s=clip.duration_s, text=text, warnings=warnings
        )

    def _fill_gaps(self, audio: _Repairing, words: list[Word]) -> list[Word]:
        """Decode again every stretch of speech the words do not cover.

        ``transcript_repair.find_gaps`` finds the stretches (per speech region, joined over a
        skipped window); each is decoded with the settings of ``REDECODE_LADDER`` in turn
        until its words cover its speech, and the decode with the most words replaces what
        was there when it holds clearly more (``transcript_repair.better``). The same settings
        on the stretch alone count as a repair only when they give clearly more words than
        the first decode: otherwise the decode without the prompt is tried too (with the
        prompt, tiny skipped an answer's first sentence again and timed the words it kept
        from the stretch's start, so they seemed to cover the lost speech).
        """
        regions = audio.regions
        for gap in find_gaps(words, regions, audio.end_s, REDECODE_PAD_S):
            inside = [
                (max(a, gap.start), min(b, gap.end))
                for a, b in regions
                if b > gap.start and a < gap.end
            ]
            old = [w for w in words if gap.start <= transcript_repair.middle(w) < gap.end]
            best: list[Word] = []
            for tried, changes in enumerate(REDECODE_LADDER, start=1):
                options = replace(self.options, **changes)
                redone = self._redecode(audio, (gap.start, gap.end), options)
                if not best or transcript_repair.better(redone, best, inside):
                    best = redone
                repaired = tried >= 2 or transcript_repair.more_words(best, old)
                if repaired and transcript_repair.covers(best, gap, regions):
                    break
            if transcript_repair.better(best, old, inside):
                words = transcript_repair.replace_span(words, gap.start, gap.end, best)
        return words

    def _redo_repeats(self, audio: _Repairing, words: list[Word]) -> list[Word]:
        """Decode again, without the prompt or the previous text, every stretch whose words
        repeat earlier words word for word (``repeated_words.repeated_runs``).

        The new words replace the copy unless they repeat its words again, filled pauses aside
        (then the speaker said it twice, and the first decode's fillers stay), or hold under
        half as many words. Seen on an espeak answer: Whisper wrote the
        first sentence again over the audio of the fourth. A copy longer than
        ``transcript_repair.MAX_SPAN_S`` is left as written.
        """
        fresh = replace(self.options, initial_prompt=None, condition_on_previous_text=False)
        for start, end in repeated_words.repeated_runs(words):
            if end - start > transcript_repair.MAX_SPAN_S:
                continue  # longer than one decode: left as written (a looped recording)
            start = max(audio.offset_s, start - REDECODE_PAD_S)
            end = min(audio.end_s, end + REDECODE_PAD_S)
            redone = self._redecode(audio, (start, end), fresh)
            old = [w for w in words if start <= transcript_repair.middle(w) < end]
            same = repeated_words.lexical(redone) == repeated_words.lexical(old)
            if not same and 2 * len(redone) >= len(old):
                words = transcript_repair.replace_span(words, start, end, redone)
        return words

    def _redecode(
        self, audio: _Repairing, span: tuple[float, float], options: DecodeOptions
    ) -> list[Word]:
        """The words of ``span`` (seconds) decoded again, without those invented outside
        speech (``transcript_repair.drop_invented``)."""
        lo, hi = (int((t - audio.offset_s) * SAMPLE_RATE) for t in span)
        words = self._decode_with(audio.samples[lo:hi], span[0], options)
        return drop_invented(words, audio.regions, audio.audible)

    def _check_language(
        self,
        samples: np.ndarray | Pcm16Audio,
        words: list[Word],
        regions: list[tuple[float, float]],
        offset_s: float,
    ) -> tuple[list[Word], tuple[str, ...]]:
        """Words and warnings after checking, when the words look wrong, that it is English.

        Speech in another language is transcribed in that language by the multilingual model
        (so no English words or fillers are invented) and a one-line warning says so (16-bit
        audio is converted to float32 whole for that).
        """
        speech_s = sum(b - a for a, b in regions)
        if not language_check.suspicious(words, speech_s):
            return words, ()
        model = language_check.multilingual_model(self._whisper(), self._cpu_threads)
        if model is None:
            return words, (str(language_check.warning_for(None)),)
        whole = np.asarray(samples, dtype=np.float32)
        guess = language_check.detect(model, language_check.speech_excerpt(whole, regions))
        warning = language_check.warning_for(guess)
        if warning is None:
            return words, ()
        segments = language_check.transcribe_as(model, whole, guess.code)
        return [w for seg in segments for w in convert_words(seg.words or [], offset_s)], (warning,)

    def speech_regions(self, clip: AudioClip | Pcm16Audio) -> list[tuple[float, float]]:
        """Where someone is speaking, by faster-whisper's bundled Silero VAD.

        Tuned for measuring pauses: silences of ``VAD_MIN_SILENCE_MS`` or more split
        regions, and regions are padded by only ``VAD_SPEECH_PAD_MS``.

        Args:
            clip: Mono audio (float32 or 16-bit).

        Returns:
            (start_s, end_s) pairs in order, relative to the clip start (those found by the
            last ``transcribe`` when it was given the same audio).
        """
        last = self._last_regions
        if last is not None and last[0] == _fingerprint(samples_16k(clip)):
            return list(last[1])
        return speech_regions(clip)

    def _chunks(
        self, duration_s: float, regions: list[tuple[float, float]]
    ) -> list[tuple[float, float]]:
        if duration_s > LONG_FILE_S:
            max_s = LONG_PIECE_S if self.chunk_s is None else min(self.chunk_s, LONG_PIECE_S)
        elif self.chunk_s is not None and duration_s > max(self.chunk_s, WINDOW_S):
            max_s = self.chunk_s
        else:
            return [(0.0, duration_s)]
        return plan_chunks(regions, duration_s, max_s)

    def _decode(self, samples: np.ndarray, offset_s: float) -> list[Word]:
        return self._decode_with(samples, offset_s, self.options)

    def _decode_with(
        self, samples: np.ndarray, offset_s: float, options: DecodeOptions
    ) -> list[Word]:
        """Words of one decode, without failed segments and the unsure tail."""
        return decode(self._whisper(), samples, offset_s, options)

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


@dataclass(frozen=True)
class _Repairing:
    """The audio whose words are being repaired, and what the repairs measure it by."""

    samples: np.ndarray | Pcm16Audio
    offset_s: float
    """Time of the first sample (seconds)."""
    regions: list[tuple[float, float]]
    """Speech regions, in the same seconds as the words."""
    audible: Callable[[float, float], float]
    """Share of audible frames between two times."""

    @property
    def end_s(self) -> float:
        """Time of the end of the audio."""
        return self.offset_s + len(self.samples) / SAMPLE_RATE


def _fingerprint(samples: np.ndarray | Pcm16Audio) -> tuple[int, int, float]:
    """Cheap identity of an audio buffer (address, length, a sparse sum)."""
    if isinstance(samples, Pcm16Audio):
        samples = samples.pcm
    return samples.ctypes.data, samples.size, float(np.sum(samples[::997], dtype=np.float64))


def _vad_input(samples: np.ndarray | Pcm16Audio) -> AudioClip | Pcm16Audio:
    return samples if isinstance(samples, Pcm16Audio) else AudioClip(samples)


def _clip_of(samples: np.ndarray | Pcm16Audio) -> AudioClip:
    """A clip of the samples; 16-bit audio as a view read by slices (no float32 copy)."""
    return samples.as_clip() if isinstance(samples, Pcm16Audio) else AudioClip(samples)
