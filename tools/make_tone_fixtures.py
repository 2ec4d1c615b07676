"""Regenerate ``audio_fixtures/tone/*.wav`` + ``*.json`` with espeak-ng and sox.

The same three interview sentences, spoken:

- ``flat``: SSML ``<prosody range="0%">`` (espeak-ng flattens its intonation);
- ``expressive``: ``<prosody range="x-high">`` (wide intonation), statements ending in ".";
- ``uptalk``: as ``expressive`` but every statement ends with "?" (rising ending);
- ``quiet``: ``expressive`` scaled by -30 dB;
- ``loud``: ``expressive`` scaled by +20 dB and hard clipped at full scale.

Each WAV is 16 kHz mono 16-bit; the JSON beside it says how it was made and what the tone
analysis must find (``expect``). Run: ``.venv/bin/python tools/make_tone_fixtures.py``.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

OUT_DIR = Path(__file__).resolve().parents[1] / "audio_fixtures" / "tone"
SENTENCES = (
    "I led the migration to the new billing system.",
    "We finished the project on time.",
    "The customer was very happy with the result.",
)

FIXTURES: dict[str, dict[str, object]] = {
    "flat": {"range": "0%", "end": ".", "gain_db": 0.0, "expect": {"monotone": True}},
    "expressive": {
        "range": "x-high",
        "end": ".",
        "gain_db": 0.0,
        "expect": {"monotone": False, "too_quiet": False, "clipping": False, "uptalk_count": 0},
    },
    "uptalk": {"range": "x-high", "end": "?", "gain_db": 0.0, "expect": {"uptalk_count": 3}},
    "quiet": {"range": "x-high", "end": ".", "gain_db": -30.0, "expect": {"too_quiet": True}},
    "loud": {
        "range": "x-high",
        "end": ".",
        "gain_db": 20.0,
        "expect": {"too_loud": True, "clipping": True},
    },
}


def ssml(prosody_range: str, end: str) -> str:
    """The SSML document spoken for one fixture."""
    text = " ".join(s[:-1] + end for s in SENTENCES)
    return f'<speak><prosody range="{prosody_range}">{text}</prosody></speak>'


def synthesize(markup: str, path: Path) -> np.ndarray:
    """Speak ``markup`` with espeak-ng, resample to 16 kHz mono with sox, return float32."""
    with tempfile.TemporaryDirectory() as tmp:
        raw, converted = Path(tmp) / "raw.wav", Path(tmp) / "16k.wav"
        subprocess.run(["espeak-ng", "-m", "-w", str(raw), markup], check=True)
        subprocess.run(
            ["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(converted)], check=True
        )
        with wave.open(str(converted)) as wav:
            pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    return pcm.astype(np.float32) / 32768.0


def write_wav(path: Path, samples: np.ndarray) -> None:
    """Write float samples (clipped to -1..1) as 16 kHz mono 16-bit PCM."""
    pcm = np.round(np.clip(samples, -1.0, 32767 / 32768) * 32768.0).astype(np.int16)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(pcm.tobytes())


def main() -> None:
    """Write every fixture and its JSON description."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, spec in FIXTURES.items():
        markup = ssml(str(spec["range"]), str(spec["end"]))
        samples = synthesize(markup, OUT_DIR / f"{name}.wav")
        gain_db = float(spec["gain_db"])  # type: ignore[arg-type]
        write_wav(OUT_DIR / f"{name}.wav", samples * 10 ** (gain_db / 20.0))
        meta = {
            "name": name,
            "made_by": "tools/make_tone_fixtures.py (espeak-ng 1.51 default voice, sox to 16 kHz)",
            "ssml": markup,
            "gain_db": gain_db,
            "clipped_at_full_scale": gain_db > 0,
            "sentences": len(SENTENCES),
            "expect": spec["expect"],
        }
        (OUT_DIR / f"{name}.json").write_text(json.dumps(meta, indent=2) + "\n")
        print(f"wrote {name}.wav ({len(samples) / 16000:.2f} s)")


if __name__ == "__main__":
    main()
