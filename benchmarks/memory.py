"""Peak memory of ``starcoach analyze`` on long recordings, and how it grows per minute.

Makes spoken answers of the given lengths (an espeak-ng voice reading sentences written for
this benchmark, with pauses and low room noise), writes each to a temporary WAV file (none is
kept), runs ``python -m starcoach analyze FILE --json`` on it in a child process, and prints
the child's peak resident memory (``wait4`` rusage), its wall time, and the growth per minute
of audio (least-squares slope over the sizes run):

    PYTHONPATH=src .venv/bin/python benchmarks/memory.py                 # 10, 20 and 60 minutes
    PYTHONPATH=src .venv/bin/python benchmarks/memory.py --minutes 10 20 # quicker

The target (issue 10) is a 60-minute file under 600 MB. Without a 60-minute run the last line
extrapolates to 60 minutes from the slope. The 60-minute run takes 7-15 minutes of CPU.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

SENTENCES = (
    "I answered the phone at the service desk and the caller was upset about a late refund.",
    "First I listened to the whole story, then I checked the order history on my screen.",
    "The refund had been sent to an old card, so I asked the bank to redirect the payment.",
    "I called the customer back the next morning and the money had arrived in her account.",
)
RATE = 16_000


def speech_block(workdir: Path) -> np.ndarray:
    """About 25 s of speech: the sentences with pauses between them (16 kHz float32)."""
    parts = []
    for i, text in enumerate(SENTENCES):
        path = workdir / f"s{i}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(path), text],
                       check=True, capture_output=True)
        with wave.open(str(path)) as w:
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2") / 32768.0
            rate = w.getframerate()
        positions = np.arange(int(len(pcm) * RATE / rate)) * (rate / RATE)
        parts += [np.interp(positions, np.arange(len(pcm)), pcm), np.zeros(int(0.8 * RATE))]
    return np.concatenate(parts).astype(np.float32)


def write_answer(path: Path, block: np.ndarray, minutes: float) -> None:
    """Write ``minutes`` of the block repeated, with -60 dBFS noise, as 16-bit PCM WAV."""
    total = int(minutes * 60 * RATE)
    rng = np.random.default_rng(0)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        written = 0
        while written < total:
            piece = block[: total - written] + rng.normal(0, 1e-3, min(block.size, total - written))
            out.writeframes((np.clip(piece, -1, 1) * 32767).astype("<i2").tobytes())
            written += piece.size


def peak_rss_mb(path: Path) -> tuple[float, float]:
    """Peak RSS (MB) and wall time (s) of ``starcoach analyze path --json`` in a child."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "starcoach", "analyze", str(path), "--json"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        err = child.stderr.read().decode() if child.stderr else ""
        raise SystemExit(f"analyze failed on {path.name}: {err.strip()[-500:]}")
    return usage.ru_maxrss / 1024.0, time.perf_counter() - start


def growth_per_minute(rows: list[tuple[float, float]]) -> float:
    """Least-squares slope of peak MB against minutes of audio."""
    minutes = np.array([m for m, _ in rows])
    peaks = np.array([mb for _, mb in rows])
    centred = minutes - minutes.mean()
    return float(np.sum(centred * (peaks - peaks.mean())) / np.sum(centred**2))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns an exit code (1 when a 60-minute run is over 600 MB)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[10.0, 20.0, 60.0])
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        block = speech_block(workdir)
        for minutes in args.minutes:
            path = workdir / f"answer_{minutes:g}min.wav"
            write_answer(path, block, minutes)
            mb, seconds = peak_rss_mb(path)
            path.unlink()
            rows.append((minutes, mb))
            print(f"{minutes:6.1f} min: peak RSS {mb:7.1f} MB  ({seconds:.0f} s)", flush=True)
    if len(rows) >= 2 and len({m for m, _ in rows}) >= 2:
        slope = growth_per_minute(rows)
        last_minutes, last_mb = rows[-1]
        line = f"growth: {slope:.2f} MB per minute of audio"
        if last_minutes < 60:
            line += f"; 60 minutes -> about {last_mb + slope * (60 - last_minutes):.0f} MB"
        print(line)
    over = [mb for m, mb in rows if m >= 60 and mb >= 600]
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
