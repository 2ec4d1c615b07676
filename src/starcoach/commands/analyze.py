"""``starcoach analyze PATH``: feedback on one recorded (or typed) answer."""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

from starcoach.core.analysis.contract import to_json
from starcoach.core.analysis.engine import QuestionRef, Settings
from starcoach.core.analysis.result import Analysis, InputInfo, Saved
from starcoach.core.errors import AppError


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand."""
    p = sub.add_parser(
        "analyze",
        help="analyse a recorded answer (audio file) or a typed one (.txt)",
        description="Transcribe an answer offline and report pace, pauses, filler words, STAR "
        "structure and length. PATH is an audio file (WAV, FLAC, MP3, OGG, ...) or a .txt "
        "transcript (text-only analysis: fillers and STAR, no timing).",
    )
    p.add_argument("path", type=Path, metavar="PATH")
    p.add_argument(
        "-q",
        "--question",
        metavar="TEXT|ID",
        help="the question answered: its text, or an id from `starcoach questions`",
    )
    p.add_argument("--json", action="store_true", help="print the analysis as one JSON object")
    p.add_argument(
        "--model",
        metavar="DIR|NAME",
        help="local CTranslate2 Whisper model folder, 'tiny.en' (bundled, default), "
        "'base' (the [base] extra) or a name already in the local Hugging Face cache",
    )
    p.add_argument(
        "--target-wpm",
        metavar="LOW-HIGH",
        type=_band,
        default=None,
        help="pace target band (default 120-160)",
    )
    p.add_argument(
        "--long-pause",
        metavar="SECONDS",
        type=_positive,
        default=None,
        help="pauses at least this long count as long (default 1.5)",
    )
    p.add_argument(
        "--save",
        action="store_true",
        help="keep the answer (audio, transcript, analysis) in the practice history",
    )
    p.add_argument("--data-dir", type=Path, metavar="DIR", help="history folder (with --save)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Analyse ``args.path`` and print the report or the JSON."""
    from starcoach.recording.pipeline import TEXT_SUFFIXES, analyze_text

    settings = _settings(args)
    question = resolve_question(args.question)
    path: Path = args.path
    if path.suffix.lower() in TEXT_SUFFIXES:
        analysis = analyze_text(read_typed_answer(path), question, settings, source=str(path))
        analysis = replace(analysis, input=InputInfo(str(path), "text"))
    else:
        analysis = _analyze_audio(path, args.model, question, settings)
    if args.save:
        audio = None if analysis.input is None or analysis.input.kind == "text" else path
        analysis = _save(analysis, audio, args.data_dir)
    if args.json:
        json.dump(to_json(analysis), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        from starcoach.core.report import render_text

        sys.stdout.write(render_text(analysis))
    return 0


def read_typed_answer(path: Path) -> str:
    """Read a typed answer, refusing one over ``MAX_TYPED_CHARS`` (before reading a big file).

    Raises:
        AppError: unreadable, not UTF-8, or too long (one line for the user).
    """
    from starcoach.core.limits import check_typed_answer, check_typed_file_size
    from starcoach.recording.pipeline import read_text_file

    try:
        size = path.stat().st_size if path.is_file() else 0
    except OSError:
        size = 0  # read_text_file says what is wrong with the path
    check_typed_file_size(size, str(path))
    text = read_text_file(path)
    check_typed_answer(text, str(path))
    return text


def resolve_question(ref: str | None) -> QuestionRef | None:
    """Turn ``--question`` into a question: a known id, else free text.

    Raises:
        QuestionSetError: it looks like an id (one word with hyphens) but no set has it.
    """
    if ref is None or not ref.strip():
        return None
    from starcoach.core.questions import find_question, load_question_sets
    from starcoach.storage.paths import question_dir

    looks_like_id = " " not in ref.strip() and ("-" in ref or ":" in ref)
    sets = load_question_sets(question_dir())
    try:
        q = find_question(sets, ref.strip())
    except AppError:
        if looks_like_id:
            raise
        return QuestionRef(text=ref.strip())
    return q.ref()


def _analyze_audio(
    path: Path, model: str | None, question: QuestionRef | None, settings: Settings
) -> Analysis:
    from starcoach.adapters.audio_files import load_audio_pcm16
    from starcoach.adapters.whisper_transcriber import WhisperTranscriber
    from starcoach.core.analysis.long_audio import AudioMeasures, measure_audio
    from starcoach.core.models import AudioClip, Pcm16Audio
    from starcoach.recording.pipeline import analyze_clip

    held = load_audio_pcm16(path)  # 16-bit: half of float32, converted window by window
    clip = held.as_clip() if isinstance(held, Pcm16Audio) else held
    del held
    transcriber = WhisperTranscriber(model)
    with Progress(f"Transcribing {clip.duration_s:.0f} s of audio"):
        transcript = transcriber.transcribe(clip)
    audio: AudioClip | AudioMeasures = clip
    if transcript.words:  # measure the audio and free it before the text models load
        audio = measure_audio(clip, transcript, transcriber.speech_regions(clip))
    del clip
    transcriber.release()  # Whisper is not needed by the text analysis
    analysis = analyze_clip(audio, transcriber, question, settings, transcript, source=str(path))
    return replace(analysis, input=InputInfo(str(path), "audio", transcriber.model_name))


def _save(analysis: Analysis, audio: Path | None, data_dir: Path | None) -> Analysis:
    from starcoach.storage.saving import save_analysis

    session_id, attempt_id = save_analysis(analysis, audio, analysis.question, data_dir)
    print(f"Saved to history: session {session_id} (attempt {attempt_id})", file=sys.stderr)
    return replace(analysis, saved=Saved(session_id, attempt_id))


def _settings(args: argparse.Namespace) -> Settings:
    defaults = Settings()
    return Settings(
        target_wpm=args.target_wpm or defaults.target_wpm,
        long_pause_s=args.long_pause or defaults.long_pause_s,
    )


def _band(text: str) -> tuple[float, float]:
    try:
        low, high = (float(x) for x in text.split("-", 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LOW-HIGH, e.g. 120-160, not {text!r}") from None
    if not 0 < low < high:
        raise argparse.ArgumentTypeError(f"LOW must be below HIGH and above 0: {text!r}")
    return low, high


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, not {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be above 0")
    return value


class Progress:
    """A spinner with elapsed seconds on stderr while a slow step runs (only on a terminal)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._spin, daemon=True)
        self._active = sys.stderr.isatty()

    def __enter__(self) -> Progress:
        if self._active:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._active:
            self._stop.set()
            self._thread.join()
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()

    def _spin(self) -> None:
        started = time.monotonic()
        frames = "|/-\\"
        i = 0
        while not self._stop.wait(0.1):
            elapsed = time.monotonic() - started
            sys.stderr.write(f"\r{frames[i % 4]} {self.label}... {elapsed:.0f} s")
            sys.stderr.flush()
            i += 1
