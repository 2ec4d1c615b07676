"""Feedback latency of the live pipeline versus transcribing the whole answer in one batch.

Feeds a recorded answer (about 2 minutes) to the incremental transcriber at real speed, in
100 ms blocks as the microphone would, then measures the seconds from the last audio sample
to the complete feedback (tail transcription + voice activity + every analysis). Then it
transcribes the same file in one batch. Both in one run, so compare the ratio.

    .venv/bin/python benchmarks/latency.py [WAV] [--model NAME]
"""

from __future__ import annotations

import argparse
import difflib
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from starcoach.adapters.audio_files import load_audio, save_wav
from starcoach.adapters.whisper_transcriber import WhisperTranscriber
from starcoach.adapters.fixtures import FixtureRecorder
from starcoach.core.models import AudioClip
from starcoach.core.session import SilenceMonitor
from starcoach.live import record_answer
from starcoach.pipeline import analyze_clip

ROOT = Path(__file__).resolve().parents[1]


def default_answer() -> Path:
    """The longest bundled fixture (the ~2 minute answer)."""
    wavs = sorted(ROOT.glob("audio_fixtures/*.wav"), key=lambda p: p.stat().st_size)
    if not wavs:
        raise SystemExit("no fixtures in audio_fixtures/: run tools/make_fixtures.py")
    return wavs[-1]


def live(path: Path, transcriber: WhisperTranscriber, silence_stop_s: float = 1e9
         ) -> tuple[float, dict]:
    """The app's own path: a recorder delivering 100 ms blocks at real speed, the live
    transcriber, then the analysis. Returns (seconds from last sample to feedback, analysis).
    By default the end of the file ends the answer (as Space/Enter right after speaking)."""
    recorder = FixtureRecorder(path, realtime=True, block_s=0.1)
    monitor = SilenceMonitor(silence_stop_s=silence_stop_s, max_s=1e9)
    with tempfile.TemporaryDirectory() as tmp:
        result = record_answer(recorder, transcriber, Path(tmp) / "answer.wav",
                               threading.Event(), monitor, on_words=lambda t: None)
        analysis = analyze_clip(result.clip, transcriber, None, None, result.transcript,
                                regions=result.speech_regions, tone_tracks=result.tone_tracks)
    return time.monotonic() - result.ended_at, analysis


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wav", nargs="?", type=Path)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    path = args.wav or default_answer()
    clip = load_audio(path)
    transcriber = WhisperTranscriber(args.model)
    transcriber.load()
    transcriber.transcribe(AudioClip(clip.samples[: clip.sample_rate * 2]))  # warm up
    print(f"answer: {path.name} ({clip.duration_s:.1f} s), model {transcriber.model_name}")
    latency, live_analysis = live(path, transcriber)
    with tempfile.TemporaryDirectory() as tmp:  # the same answer, then silence: auto-stop
        padded = save_wav(Path(tmp) / "padded.wav", AudioClip(
            np.concatenate([clip.samples, np.zeros(6 * clip.sample_rate, np.float32)])))
        auto_latency, _ = live(padded, transcriber, silence_stop_s=4.0)
    t0 = time.monotonic()
    batch_transcript = transcriber.transcribe(clip)
    batch = time.monotonic() - t0
    batch_analysis = analyze_clip(clip, transcriber, None, None, batch_transcript)
    live_words = [w["text"].lower().strip(".,?!") for w in live_analysis["words"]]
    batch_words = [w["text"].lower().strip(".,?!") for w in batch_analysis["words"]]
    matcher = difflib.SequenceMatcher(a=live_words, b=batch_words, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    shifts = [
        abs(live_analysis["words"][blk.a + k]["start"] - batch_analysis["words"][blk.b + k]["start"])
        for blk in matcher.get_matching_blocks() for k in range(blk.size)
    ]
    print(f"latency: {latency:.2f} s")
    print(f"latency after auto-stop (4 s of silence): {auto_latency:.2f} s")
    print(f"batch: {batch:.2f} s")
    print(f"ratio: {latency / batch:.3f}")
    print(f"words: live {len(live_words)}, batch {len(batch_words)}, in common {same} "
          f"({same / max(len(batch_words), 1):.1%}); start times of common words differ by "
          f"median {statistics.median(shifts or [0]):.3f} s, max {max(shifts or [0]):.2f} s")
    print(f"wpm: live {live_analysis['pace']['wpm']}, batch {batch_analysis['pace']['wpm']}")


if __name__ == "__main__":
    main()
