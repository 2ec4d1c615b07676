"""Feedback latency of the live pipeline, quiet and with one core busy, versus one batch.

Feeds a recorded answer (about 2 minutes) to the app's live path at real speed, in 100 ms
blocks as the microphone would, and measures the seconds from the last audio sample to the
complete feedback (tail transcription + voice activity + every analysis), twice per
condition: ended by Space right after the last word, and by the 4 s silence auto-stop (the
answer followed by 6 s of silence). Each repeat runs the same sequence quiet, then with
another process keeping one core busy (``--busy N`` cores), then transcribes the file in one
batch (quiet): so quiet and busy are always measured back to back, under the same machine
load, and the ratio to batch says how much of the latency is the machine.

    .venv/bin/python benchmarks/latency.py [WAV] [--model NAME] [--repeat 3] [--busy 1]

Prints one line per run (where the time went: audio left to decode at the end, what the
worker was doing, the tail decode, the analysis), then the medians: ``latency: X s`` (quiet,
Space), ``latency busy: X s``, the auto-stop latencies, ``batch: Y s``, the ratios, the load
average seen, and the words against the fixture's reference transcript (word error rate).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from starcoach.adapters.audio_files import load_audio, save_wav
from starcoach.adapters.embedding import default_embedder
from starcoach.adapters.fixtures import FixtureRecorder
from starcoach.adapters.whisper_transcriber import WhisperTranscriber
from starcoach.core.analysis.result import Analysis
from starcoach.core.models import AudioClip
from starcoach.core.session import SilenceMonitor
from starcoach.recording.live_recorder import record_answer
from starcoach.recording.pipeline import analyze_clip

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_WAV = ROOT / "audio_fixtures" / "long_answer_2min.wav"
CALLS: list[tuple[float, float]] = []
"""(monotonic time, seconds of audio) of every Whisper decode call (see ``count_calls``)."""


def count_calls() -> None:
    """Record every faster-whisper decode call (how many re-decodes the tail needed)."""
    from faster_whisper import WhisperModel

    original = WhisperModel.transcribe

    def transcribe(self: Any, audio: Any, *args: Any, **kwargs: Any) -> Any:
        CALLS.append((time.monotonic(), len(audio) / 16_000))
        return original(self, audio, *args, **kwargs)

    WhisperModel.transcribe = transcribe  # type: ignore[method-assign]


@contextlib.contextmanager
def busy_cores(count: int) -> Iterator[None]:
    """Keep ``count`` cores busy with other processes (a spinning Python each) meanwhile."""
    spinners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)
    ]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


@dataclass(frozen=True)
class Run:
    """One live run: the latency and where it went."""

    latency: float
    """Seconds from the last sample to the analysis."""
    finish: float
    """Seconds from the last sample until the transcript was complete (tail decode)."""
    analysis: float
    """Seconds the analysis took after that."""
    words: list[str]
    """The words of the live transcript (normalised)."""
    wpm: Any
    note: str
    """How the live transcriber kept up."""


def live(path: Path, transcriber: WhisperTranscriber, silence_stop_s: float = 1e9) -> Run:
    """The app's own path: a recorder delivering 100 ms blocks at real speed, the live
    transcriber (with caption previews, as in the app), then the analysis. By default the
    end of the file ends the answer (as Space right after speaking)."""
    recorder = FixtureRecorder(path, realtime=True, block_s=0.1)
    began = time.monotonic()
    monitor = SilenceMonitor(silence_stop_s=silence_stop_s, max_s=1e9)
    with tempfile.TemporaryDirectory() as tmp:
        result = record_answer(
            recorder, transcriber, Path(tmp) / "answer.wav", threading.Event(), monitor,
            on_words=lambda t: None,
        )
        recorded = time.monotonic()
        analysis = analyze_clip(result.clip, transcriber, None, None, result.transcript,
                                regions=result.speech_regions, tone_tracks=result.tone_tracks)
    done = time.monotonic()
    stats = result.stream_stats
    after = [seconds for at, seconds in CALLS if at >= result.ended_at]
    during = [seconds for at, seconds in CALLS if began <= at < result.ended_at]
    note = (f"Whisper calls: {len(during)} while recording ({sum(during):.0f} s of audio, "
            f"previews and re-decodes included), {len(after)} after the end "
            f"({sum(after):.1f} s of audio); ")
    if stats is not None:
        fields = vars(stats) if hasattr(stats, "__dict__") else {}
        note += (
            f"{stats.chunks} chunks, backlog max {stats.max_backlog_s:.1f} s, load "
            f"{stats.load:.2f}, drafts {getattr(stats, 'drafts', '-')}, previews {stats.previews} "
            f"(shed {stats.previews_shed}); at the end busy with "
            f"{stats.busy_at_finish or 'nothing'}, {stats.tail_s:.1f} s left"
        )
        if "tail_decode_s" in fields:  # what the tail cost (this branch's counters)
            note += (f", tail decode {fields['tail_decode_s']:.2f} s, wait "
                     f"{fields['wait_s']:.2f} s")
    return Run(done - result.ended_at, recorded - result.ended_at, done - recorded,
               words_of(analysis), analysis.pace.wpm, note)


def words_of(analysis: Analysis) -> list[str]:
    """Lower-case words without punctuation."""
    return [w for item in analysis.words for w in normalise(item.text)]


def normalise(text: str) -> list[str]:
    """Lower-case words without punctuation (apostrophes kept)."""
    return re.findall(r"[a-z0-9']+", text.lower())


def wer(reference: list[str], hypothesis: list[str]) -> float:
    """Word error rate: word-level edit distance over the reference length."""
    from transcriber import edit_distance  # benchmarks/transcriber.py (this folder)

    return edit_distance(reference, hypothesis) / max(len(reference), 1)


def load_average() -> str:
    """The 1-minute load average (what ``uptime`` shows first)."""
    return f"{os.getloadavg()[0]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("wav", nargs="?", type=Path, default=DEFAULT_WAV)
    parser.add_argument("--model", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--busy", type=int, default=1, metavar="N",
                        help="cores kept busy by other processes in the busy runs (default 1)")
    parser.add_argument("--no-auto-stop", action="store_true",
                        help="skip the auto-stop runs (halves the time)")
    args = parser.parse_args()
    count_calls()
    clip = load_audio(args.wav)
    transcriber = WhisperTranscriber(args.model)
    transcriber.load()
    transcriber.transcribe(AudioClip(clip.samples[: clip.sample_rate * 2]))  # warm up
    default_embedder().embed(["A warm-up sentence."])  # loaded at start-up, as in the app
    reference_path = args.wav.with_suffix(".json")
    reference = (normalise(json.loads(reference_path.read_text())["text"])
                 if reference_path.exists() else None)
    print(f"answer: {args.wav.name} ({clip.duration_s:.1f} s), model "
          f"{transcriber.model_name}; load average {load_average()} at the start")
    runs: dict[str, list[Run]] = {}
    batches: list[float] = []
    loads: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:  # the same answer, then silence: auto-stop
        padded = save_wav(Path(tmp) / "padded.wav", AudioClip(
            np.concatenate([clip.samples, np.zeros(6 * clip.sample_rate, np.float32)])))
        for rep in range(args.repeat):
            for busy in (0, args.busy):
                with busy_cores(busy):
                    cases = [("space", args.wav, 1e9)]
                    if not args.no_auto_stop:
                        cases.append(("auto-stop", padded, 4.0))
                    for name, wav, stop_s in cases:
                        key = f"{name} {'busy' if busy else 'quiet'}"
                        loads.append(load_average())
                        run = live(wav, transcriber, stop_s)
                        runs.setdefault(key, []).append(run)
                        error = f", WER {wer(reference, run.words):.3f}" if reference else ""
                        print(f"[{rep + 1}] {key}: {run.latency:.2f} s (transcript "
                              f"{run.finish:.2f} s + analysis {run.analysis:.2f} s), "
                              f"{len(run.words)} words{error}, load avg {loads[-1]}; "
                              f"{run.note}", flush=True)
            t0 = time.monotonic()
            batch = transcriber.transcribe(clip)
            batches.append(time.monotonic() - t0)
            batch_words = [w for word in batch.words for w in normalise(word.text)]
            error = f", WER {wer(reference, batch_words):.3f}" if reference else ""
            print(f"[{rep + 1}] batch: {batches[-1]:.2f} s, {len(batch_words)} words{error}",
                  flush=True)
    report(runs, batches, loads, reference)


def report(runs: dict[str, list[Run]], batches: list[float], loads: list[str],
           reference: list[str] | None) -> None:
    """Medians over the repeats."""
    batch = statistics.median(batches)

    def median(key: str) -> float:
        return statistics.median(r.latency for r in runs[key])

    print(f"load average during the runs: {', '.join(loads)}")
    for key, label in (("space quiet", "latency"), ("space busy", "latency busy"),
                       ("auto-stop quiet", "latency after auto-stop"),
                       ("auto-stop busy", "latency after auto-stop busy")):
        if key in runs:
            values = ", ".join(f"{r.latency:.2f}" for r in runs[key])
            print(f"{label}: {median(key):.2f} s (runs {values}; ratio to batch "
                  f"{median(key) / batch:.3f})")
    print(f"batch: {batch:.2f} s")
    if reference is not None:
        for key, group in runs.items():
            print(f"{key}: words {statistics.median(len(r.words) for r in group)}, WER median "
                  f"{statistics.median(wer(reference, r.words) for r in group):.3f} "
                  f"(reference {len(reference)} words), wpm {[r.wpm for r in group]}")


if __name__ == "__main__":
    main()
