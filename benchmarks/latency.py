"""Feedback latency of the live pipeline versus transcribing the whole answer in one batch.

Feeds a recorded answer (about 2 minutes) to the incremental transcriber at real speed, in
100 ms blocks as the microphone would, then measures the seconds from the last audio sample
to the complete feedback (tail transcription + voice activity + every analysis). Then it
transcribes the same file in one batch. Both in one run, so compare the ratio.
With ``--busy [N]``, N other processes (default 1) each keep a core busy for the whole run,
as another program on a laptop would; run once without and once with it.

    .venv/bin/python benchmarks/latency.py [WAV] [--model NAME] [--busy [N]]

Prints ``latency: X s`` (after Space/Enter right after speaking), ``latency after
auto-stop ...: Y s``, ``batch: Z s`` and how the live transcriber kept up (backlog, previews).
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from starcoach.adapters.audio_files import load_audio, save_wav
from starcoach.adapters.fixtures import FixtureRecorder
from starcoach.adapters.whisper_transcriber import WhisperTranscriber
from starcoach.core.analysis.contract import to_json
from starcoach.core.models import AudioClip, Transcript
from starcoach.core.session import SilenceMonitor
from starcoach.recording.live_recorder import record_answer
from starcoach.recording.pipeline import analyze_clip

ROOT = Path(__file__).resolve().parents[1]


def default_answer() -> Path:
    """The longest bundled fixture (the ~2 minute answer)."""
    wavs = sorted(ROOT.glob("audio_fixtures/*.wav"), key=lambda p: p.stat().st_size)
    if not wavs:
        raise SystemExit("no fixtures in audio_fixtures/: run tools/make_fixtures.py")
    return wavs[-1]


@contextlib.contextmanager
def busy_cores(count: int):
    """Keep ``count`` cores busy with other processes (a spinning Python each) meanwhile."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                for _ in range(count)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def live(path: Path, transcriber: WhisperTranscriber, silence_stop_s: float = 1e9
         ) -> tuple[float, dict, list[str]]:
    """The app's own path: a recorder delivering 100 ms blocks at real speed, the live
    transcriber (with caption previews, as in the app), then the analysis. Returns (seconds
    from last sample to feedback, analysis, how the live transcriber kept up). By default
    the end of the file ends the answer (as Space/Enter right after speaking)."""
    recorder = FixtureRecorder(path, realtime=True, block_s=0.1)
    monitor = SilenceMonitor(silence_stop_s=silence_stop_s, max_s=1e9)
    updates: list[Transcript] = []
    with tempfile.TemporaryDirectory() as tmp:
        result = record_answer(recorder, transcriber, Path(tmp) / "answer.wav",
                               threading.Event(), monitor, on_words=updates.append)
        typed = analyze_clip(result.clip, transcriber, None, None, result.transcript,
                             regions=result.speech_regions, tone_tracks=result.tone_tracks)
    latency = time.monotonic() - result.ended_at
    analysis = to_json(typed)
    stats = result.stream_stats
    kept_up = [f"{stats.chunks} chunks, backlog max {stats.max_backlog_s:.1f} s, last decode "
               f"{stats.load:.2f} s per s of audio, {stats.drafts} drafts, previews "
               f"{stats.previews} shown {stats.previews_shed} shed; at the end "
               f"{stats.tail_s:.1f} s left, busy with {stats.busy_at_finish or 'nothing'}, "
               f"finish {stats.finish_s:.2f} s"] if stats is not None else []
    return latency, analysis, kept_up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wav", nargs="?", type=Path)
    parser.add_argument("--model", default=None)
    parser.add_argument("--busy", type=int, nargs="?", const=1, default=0, metavar="N",
                        help="keep N cores busy with other processes meanwhile (default 1)")
    args = parser.parse_args()
    with busy_cores(args.busy):
        measure(args)


def measure(args: argparse.Namespace) -> None:
    """Run the live path twice (Space, auto-stop) and the batch path; print the figures."""
    path = args.wav or default_answer()
    clip = load_audio(path)
    transcriber = WhisperTranscriber(args.model)
    transcriber.load()
    transcriber.transcribe(AudioClip(clip.samples[: clip.sample_rate * 2]))  # warm up
    print(f"answer: {path.name} ({clip.duration_s:.1f} s), model {transcriber.model_name}, "
          f"{args.busy} other busy process(es)")
    latency, live_analysis, kept_up = live(path, transcriber)
    with tempfile.TemporaryDirectory() as tmp:  # the same answer, then silence: auto-stop
        padded = save_wav(Path(tmp) / "padded.wav", AudioClip(
            np.concatenate([clip.samples, np.zeros(6 * clip.sample_rate, np.float32)])))
        auto_latency, _, auto_kept_up = live(padded, transcriber, silence_stop_s=4.0)
    t0 = time.monotonic()
    batch_transcript = transcriber.transcribe(clip)
    batch = time.monotonic() - t0
    batch_analysis = to_json(analyze_clip(clip, transcriber, None, None, batch_transcript))
    live_words = [w["text"].lower().strip(".,?!") for w in live_analysis["words"]]
    batch_words = [w["text"].lower().strip(".,?!") for w in batch_analysis["words"]]
    matcher = difflib.SequenceMatcher(a=live_words, b=batch_words, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    live_starts = [w["start"] for w in live_analysis["words"]]
    batch_starts = [w["start"] for w in batch_analysis["words"]]
    shifts = [abs(live_starts[blk.a + k] - batch_starts[blk.b + k])
              for blk in matcher.get_matching_blocks() for k in range(blk.size)]
    print(f"live transcriber: {'; '.join(kept_up + auto_kept_up)}")
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
