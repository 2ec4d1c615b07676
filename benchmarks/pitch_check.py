"""Check the YIN pitch tracker against Praat (praat-parselmouth) and time it.

Run: ``.venv/bin/python benchmarks/pitch_check.py`` (needs the dev-only ``praat-parselmouth``;
real speech is read from ``../shared/real_speech`` when present).

Per file, on frames both trackers call voiced: median |error| in Hz and the gross error rate
(|error| > 20%); voicing precision/recall against Praat; and the tone verdicts. Then the
speed of ``pitch_track`` in seconds per minute of audio (best of 3, one core).
"""

from __future__ import annotations

import sys
import time
import wave
from pathlib import Path

import numpy as np

from starcoach.core.analysis import tone
from starcoach.core.models import AudioClip

ROOT = Path(__file__).resolve().parents[1]
REAL_SPEECH = ROOT.parent / "shared" / "real_speech"


def load_wav(path: Path) -> AudioClip:
    """16-bit mono WAV as an AudioClip."""
    with wave.open(str(path)) as wav:
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
        return AudioClip(pcm.astype(np.float32) / 32768.0, wav.getframerate())


def compare(clip: AudioClip) -> dict[str, float]:
    """Agreement of ``tone.pitch_track`` with Praat's autocorrelation pitch."""
    import parselmouth

    sound = parselmouth.Sound(clip.samples.astype(np.float64), clip.sample_rate)
    pitch = sound.to_pitch(time_step=tone.HOP_S, pitch_floor=tone.F0_MIN_HZ,
                           pitch_ceiling=tone.F0_MAX_HZ)
    praat = pitch.selected_array["frequency"]
    track = tone.pitch_track(clip)
    frames = np.clip(np.round(pitch.xs() / tone.HOP_S).astype(int), 0, len(track.f0_hz) - 1)
    ours = track.f0_hz[frames]
    both = (praat > 0) & np.isfinite(ours)
    err = np.abs(ours[both] - praat[both])
    return {
        "frames": float(both.sum()),
        "mae_hz": float(np.median(err)) if both.any() else float("nan"),
        "gross": float(np.mean(err > 0.2 * praat[both])) if both.any() else float("nan"),
        "precision": float(both.sum() / max(np.isfinite(ours).sum(), 1)),
        "recall": float(both.sum() / max((praat > 0).sum(), 1)),
    }


def speed(clips: list[AudioClip]) -> float:
    """Seconds of ``pitch_track`` per minute of audio (best of 3 on ~60 s of speech)."""
    joined = np.concatenate([c.samples for c in clips])
    reps = int(np.ceil(60 * 16000 / len(joined)))
    minute = AudioClip(np.tile(joined, reps)[: 60 * 16000])
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        tone.pitch_track(minute)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    """Print the table and the speed; return 0."""
    paths = sorted((ROOT / "audio_fixtures" / "tone").glob("*.wav"))
    if REAL_SPEECH.exists():
        paths += sorted(REAL_SPEECH.glob("*/*.wav"))
    else:
        print(f"({REAL_SPEECH} absent: fixtures only)")
    print(f"{'file':42s} {'frames':>6s} {'MAE Hz':>7s} {'gross':>6s} {'vP':>5s} {'vR':>5s} "
          f"{'var st':>6s} {'level':>6s} uptalk")
    rows, clips = [], []
    for path in paths:
        clip = load_wav(path)
        clips.append(clip)
        row = compare(clip)
        rows.append(row)
        result = tone.analyze_tone(clip)
        variation = result.pitch_variation_st or float("nan")
        level = result.level_dbfs if result.level_dbfs is not None else float("nan")
        print(f"{path.name[:42]:42s} {row['frames']:6.0f} {row['mae_hz']:7.2f} {row['gross']:6.3f} "
              f"{row['precision']:5.2f} {row['recall']:5.2f} {variation:6.2f} {level:6.1f} "
              f"{len(result.uptalk)}")
    weights = np.array([r["frames"] for r in rows])
    gross = float(np.nansum([r["gross"] * r["frames"] for r in rows]) / weights.sum())
    mae = np.nanmedian([r["mae_hz"] for r in rows])
    print(f"\nall files: median of per-file MAE {mae:.2f} Hz, "
          f"gross error rate {gross:.4f} over {weights.sum():.0f} frames both voiced")
    seconds = speed(clips)
    print(f"speed: pitch_track {seconds:.3f} s per minute of audio "
          f"({'OK' if seconds < 0.5 else 'SLOW'}: target < 0.5 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
