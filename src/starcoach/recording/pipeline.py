"""Glue between the transcriber and the pure analysis: used by the CLI and the app alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from starcoach.core.analysis.build import tone_part
from starcoach.core.analysis.engine import QuestionRef, Settings, analyze
from starcoach.core.analysis.long_audio import AudioMeasures, measure_audio
from starcoach.core.analysis.result import Analysis
from starcoach.core.analysis.text import words_from_text
from starcoach.core.analysis.text_model import TextModel
from starcoach.core.analysis.tone import analyze_tone
from starcoach.core.errors import AudioInputError
from starcoach.core.limits import check_typed_answer
from starcoach.core.models import AudioClip, Transcript
from starcoach.core.ports import Embedder, Transcriber

TEXT_SUFFIXES = {".txt", ".text"}


def analyze_clip(
    clip: AudioClip | AudioMeasures,
    transcriber: Transcriber,
    question: QuestionRef | None = None,
    settings: Settings | None = None,
    transcript: Transcript | None = None,
    source: str = "audio",
    tone: bool = True,
    regions: list[tuple[float, float]] | None = None,
    tone_tracks: Any = None,
    embedder: Embedder | None = None,
) -> Analysis:
    """Transcribe (unless ``transcript`` is given) and analyse one recorded answer.

    With ``tone``, the voice analysis (pitch, level, uptalk) is added under ``tone``.
    ``regions`` are voice-activity regions already found (live recording); None runs the VAD.
    ``tone_tracks`` are ``core.analysis.tone.tone_tracks(clip)`` when already computed.
    ``clip`` may instead be its ``long_audio.measure_audio`` (with ``transcript``): the same
    analysis without the audio, so that a long recording is freed before the text analysis.

    The result has a top-level ``warnings`` list of one-line strings (speech that is not
    English, pauses that could not be measured).

    Raises:
        AudioInputError: the audio holds no speech.
    """
    if transcript is None:
        assert isinstance(clip, AudioClip), "measured audio comes with its transcript"
        transcript = transcriber.transcribe(clip)
    if not transcript.words:
        raise AudioInputError(f"no speech found in {source} ({clip.duration_s:.1f} s of audio)")
    if isinstance(clip, AudioMeasures):
        measures = clip
    else:
        if regions is None:
            regions = transcriber.speech_regions(clip)
        measures = measure_audio(clip, transcript, regions, tone, tone_tracks)
    analysis = analyze(transcript, question, measures.activity, settings, *_text_models(embedder))
    analysis = replace(analysis, warnings=_warnings(transcript, analysis))
    if tone and measures.tone is not None:
        spans = [
            (s.start, s.end)
            for s in analysis.star.sentences
            if s.start is not None and s.end is not None
        ]
        analysis = replace(analysis, tone=tone_part(analyze_tone(measures.tone, spans or None)))
    return analysis


def analyze_text(
    text: str,
    question: QuestionRef | None = None,
    settings: Settings | None = None,
    source: str = "text",
    embedder: Embedder | None = None,
) -> Analysis:
    """Analyse a typed or transcribed answer without timing (fillers and STAR only).

    Raises:
        AudioInputError: the text is empty.
        AppError: the text is over the typed-answer limit.
    """
    check_typed_answer(text, source)
    words = words_from_text(text)
    if not words:
        raise AudioInputError(f"{source} is empty: nothing to analyse")
    analysis = analyze(
        Transcript(tuple(words), None, text.strip()),
        question,
        None,
        settings,
        *_text_models(embedder),
    )
    return analysis


def _warnings(transcript: Transcript, analysis: Analysis) -> tuple[str, ...]:
    """One-line warnings for the top-level ``warnings`` list of ``analyze --json``."""
    warnings = list(transcript.warnings)
    pauses = analysis.pauses
    if pauses.measured is False:
        warnings.append(
            f"Pauses could not be measured: the voice is only {pauses.snr_db or 0:.0f} dB "
            "above the background noise; pause counts are estimated from word timings."
        )
    return tuple(warnings)


def _text_models(embedder: Embedder | None) -> tuple[Embedder, TextModel]:
    """The given embedder (or the bundled MiniLM) and the bundled learned text model."""
    from starcoach.adapters.embedding import default_embedder, load_text_model

    return embedder or default_embedder(), load_text_model()


def read_text_file(path: Path) -> str:
    """Read a transcript file, with a one-line error for anything unreadable."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AudioInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise AudioInputError(f"{path}: is a directory, not a transcript") from None
    except UnicodeDecodeError:
        raise AudioInputError(f"{path}: not a UTF-8 text file") from None
    except OSError as exc:
        raise AudioInputError(f"{path}: cannot read ({exc.strerror})") from None


def label_story(texts: Sequence[str]) -> list[str]:
    """STAR labels of a behavioral story's sentences, read in order with the bundled models."""
    from starcoach.core.analysis.star import label_sentences

    embedder, model = _text_models(None)
    return label_sentences(list(texts), behavioral=True, embedder=embedder, model=model)
