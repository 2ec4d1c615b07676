"""Regenerate the demo answers in ``src/starcoach/data/demo/`` from their manifest.

Each text in ``manifest.toml`` is spoken by espeak-ng sentence by sentence (the manifest's voice
and rate, or the entry's own), resampled to 16 kHz mono, the sentences joined by
:data:`SENTENCE_GAP_S` of silence (a speaker's breath, which also lets the analysis find the
sentence ends in an unpunctuated transcript), framed by a little silence (the delay before the
first word a microphone hears), scaled to a -3 dBFS peak and written as Ogg Opus at 20 kbit/s, which
keeps some 50 answers at about a megabyte. File names follow
``starcoach.adapters.fixtures.demo_clip_name``.

Usage::

    .venv/bin/python tools/make_demo.py            # every clip
    .venv/bin/python tools/make_demo.py --only angry-customer --only late-delivery-1

Needs the Debian package ``espeak-ng``; PyAV (installed with faster-whisper) encodes.
"""

from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
import tomllib
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from starcoach.adapters.fixtures import DEMO_DIR, demo_clip_name  # noqa: E402

SAMPLE_RATE = 16_000
LEAD_S = 0.6
"""Silence before the first word."""
TRAIL_S = 0.8
"""Silence after the last word."""
PEAK = 0.7
"""Loudest sample after scaling (about -3 dBFS)."""
SENTENCE_GAP_S = 0.6
"""Silence between two sentences."""
BIT_RATE = 20_000
"""Opus bit rate: speech stays clear for Whisper, a 30 s answer is about 75 kB."""


def speak(text: str, voice: str, rate: int) -> np.ndarray:
    """espeak-ng's rendering of ``text`` as 16 kHz float32 samples."""
    wav = subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "--stdout", text],
                         check=True, capture_output=True).stdout
    with wave.open(io.BytesIO(wav)) as handle:
        rate_in = handle.getframerate()
        raw = handle.readframes(handle.getnframes())
    samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    count = int(round(samples.size * SAMPLE_RATE / rate_in))
    positions = np.arange(count) * (rate_in / SAMPLE_RATE)
    return np.interp(positions, np.arange(samples.size), samples).astype(np.float32)


def speak_sentences(text: str, voice: str, rate: int) -> np.ndarray:
    """Each sentence of ``text`` spoken, joined by :data:`SENTENCE_GAP_S` of silence."""
    gap = np.zeros(int(SENTENCE_GAP_S * SAMPLE_RATE), np.float32)
    parts: list[np.ndarray] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        if parts:
            parts.append(gap)
        parts.append(_trim(speak(sentence, voice, rate)))
    return np.concatenate(parts)


def _trim(samples: np.ndarray, threshold: float = 0.01) -> np.ndarray:
    """Cut the silence espeak leaves around a sentence."""
    loud = np.flatnonzero(np.abs(samples) > threshold)
    return samples[loud[0]: loud[-1] + 1] if loud.size else samples


def frame(samples: np.ndarray) -> np.ndarray:
    """Lead and trail silence around the speech, peak scaled to :data:`PEAK`."""
    peak = float(np.max(np.abs(samples))) or 1.0
    lead = np.zeros(int(LEAD_S * SAMPLE_RATE), np.float32)
    trail = np.zeros(int(TRAIL_S * SAMPLE_RATE), np.float32)
    return np.concatenate([lead, samples * (PEAK / peak), trail])


def write_opus(path: Path, samples: np.ndarray) -> None:
    """Write mono 16 kHz samples as Ogg Opus."""
    import av

    pcm = np.clip(samples * 32767.0, -32768, 32767).astype(np.int16)
    with av.open(str(path), mode="w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=SAMPLE_RATE)
        stream.bit_rate = BIT_RATE
        stream.layout = "mono"
        audio = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
        audio.sample_rate = SAMPLE_RATE
        for packet in stream.encode(audio):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def entries(manifest: dict[str, object]) -> list[tuple[str, str, str, int]]:
    """(file name, text, voice, rate) of every clip the manifest describes."""
    voice, rate = str(manifest.get("voice", "en-us")), int(manifest.get("rate", 150))  # type: ignore[arg-type]
    out = []
    call_rate = int(manifest.get("call_rate", rate))  # type: ignore[arg-type]
    for kind, key_name in (("interview", "question"), ("call", "turn")):
        for entry in manifest.get(kind, []):  # type: ignore[union-attr]
            key = entry[key_name]
            default = call_rate if kind == "call" else rate
            v, r = entry.get("voice", voice), int(entry.get("rate", default))
            if "text" in entry:
                out.append((demo_clip_name(kind, key), " ".join(entry["text"].split()), v, r))
            if "follow_up" in entry:
                out.append((demo_clip_name("follow_up", key),
                            " ".join(entry["follow_up"].split()), v, r))
    return out


def main(argv: list[str] | None = None) -> int:
    """Render the clips asked for (all by default); print name, seconds and size of each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], metavar="KEY",
                        help="a question id or call turn to render (repeatable)")
    args = parser.parse_args(argv)
    with (DEMO_DIR / "manifest.toml").open("rb") as handle:
        manifest = tomllib.load(handle)
    total = 0
    for name, text, voice, rate in entries(manifest):
        if args.only and not any(name.startswith((k, f"call-{k}")) for k in args.only):
            continue
        samples = frame(speak_sentences(text, voice, rate))
        path = DEMO_DIR / name
        write_opus(path, samples)
        total += path.stat().st_size
        print(f"{name:40s} {samples.size / SAMPLE_RATE:5.1f} s {path.stat().st_size:7d} B")
    print(f"total {total / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
