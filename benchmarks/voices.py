"""Transcription on voices no test uses: corpus answers read aloud by espeak-ng voices.

Renders answers of ``../shared/corpus/v2`` (three authors) with espeak-ng voices and rates that
no fixture or test uses (the fixtures use en, en-us, en-us+f3, en-gb-scotland, en-us-nyc and
en-gb-x-rp at 110-200 wpm), runs each through the real pipeline
(``recording.pipeline.analyze_clip`` with the bundled Whisper) and prints, per clip:

- ``cover``: transcript words over reference words, filled pauses left out of both. Speech
  lost silently shows here (the lost window of issue 10 gave 0.08); a word heard wrong does not;
- ``recall``: reference words found in order in the transcript (``difflib`` matching blocks).
  It also counts words heard wrong (tiny on espeak's accents), so it is lower than ``cover``;
- ``pace``: starcoach's words per minute against the reference rate: reference words without
  filled pauses over the rendering's audible span (first to last sample above -40 dBFS;
  espeak's pauses at commas and full stops are inside it, as in ``core/analysis/pace.py``);
- ``fillers``: filled pauses in the text (``{um}``, ``{uh}``) and in the transcript.

Then the minimum cover, mean and minimum recall, mean and largest pace error, and filled-pause
precision and recall (matched by count per clip). ``--set`` picks the answers and voices:
``check`` (default) is measured, and no setting was chosen on it (one of its clips, in a
rendering with sox's random dither, showed the sentence Whisper wrote twice); ``found``
and ``first`` are the two sets that were looked at while finding the repairs they led to (two
of ``found``'s clips lost a sentence each; ``first`` lost its opening "Um,"), so they are not
held out.

    .venv/bin/python benchmarks/voices.py [--set check|found|first] [-v]

Needs ``espeak-ng`` and ``sox`` (Debian packages) and ``../shared`` next to the clone.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "v2"
AUDIBLE_DBFS = -40.0
"""A sample this loud or louder is part of the rendering's audible span."""

SETS: dict[str, tuple[slice, tuple[str, ...], tuple[int, ...]]] = {
    "first": (
        slice(0, 6),
        ("en-029", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-us+m3", "en-us+f4", "en+klatt"),
        (140, 160, 180, 150),
    ),
    "found": (
        slice(6, 12),
        ("en", "en-us", "en-gb-x-rp+m7", "en-us+f2", "en-gb-scotland+croak", "en-us-nyc+klatt3"),
        (200, 175, 230),
    ),
    "check": (
        slice(12, 18),
        ("en-us+m6", "en-gb+f1", "en-029+m2", "en-gb-x-gbcwmd+f5", "en-us+klatt4", "en+m4"),
        (165, 190, 145, 210),
    ),
}
"""Answers (index range per author), voices and rates of each set."""


@dataclass(frozen=True)
class ClipScore:
    """What one rendered answer scored."""

    answer: str
    voice: str
    rate: int
    cover: float
    recall: float
    pace_error: float
    fillers_said: int
    fillers_found: int


def words(text: str) -> list[str]:
    """Lower-case words without punctuation ("two-factor" is two words)."""
    return re.findall(r"[a-z0-9']+", text.lower().replace("-", " "))


def spoken_text(sentences: list[dict[str, object]]) -> str:
    """The answer as read aloud: the corpus's filler and hedge marks removed."""
    text = " ".join(str(s["text"]) for s in sentences)
    return re.sub(r"[{}\[\]]", "", text)


def render(text: str, voice: str, rate: int, out: Path) -> Path:
    """``text`` spoken by espeak-ng, as a 16 kHz mono 16-bit WAV."""
    raw = out.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(raw), text], check=True)
    # -D: no dither, so the same text gives the same samples (dither noise alone changed
    # one transcript: Whisper wrote an earlier sentence again in place of another)
    convert = ["-r", "16000", "-c", "1", "-b", "16", str(out), "gain", "-n", "-3"]
    subprocess.run(["sox", "-q", "-D", str(raw), *convert], check=True)
    raw.unlink()
    return out


def score(
    answer: str, voice: str, rate: int, text: str, wav: Path, transcriber: object
) -> tuple[ClipScore, str]:
    """Run one rendering through the pipeline and compare it with its text."""
    from starcoach.adapters.audio_files import load_audio
    from starcoach.core.analysis.fillers import filled_pause
    from starcoach.recording.pipeline import analyze_clip

    clip = load_audio(wav)
    loud = np.nonzero(np.abs(clip.samples) >= 10 ** (AUDIBLE_DBFS / 20))[0]
    span_s = (loud[-1] - loud[0]) / 16_000
    reference = words(text)
    lexical = [w for w in reference if not filled_pause(w)]
    analysis = analyze_clip(clip, transcriber, tone=False)  # type: ignore[arg-type]
    heard = words(analysis.transcript)
    heard_lexical = [w for w in heard if not filled_pause(w)]
    blocks = difflib.SequenceMatcher(None, lexical, heard_lexical, autojunk=False)
    matched = sum(b.size for b in blocks.get_matching_blocks())
    reference_wpm = len(lexical) / span_s * 60.0
    wpm = analysis.pace.wpm or 0.0
    return ClipScore(
        answer=answer,
        voice=voice,
        rate=rate,
        cover=len(heard_lexical) / len(lexical),
        recall=matched / len(lexical),
        pace_error=(wpm - reference_wpm) / reference_wpm,
        fillers_said=len(reference) - len(lexical),
        fillers_found=len(heard) - len(heard_lexical),
    ), analysis.transcript


def summary(rows: list[ClipScore]) -> str:
    """The figures over all clips, one per line."""
    hits = sum(min(r.fillers_said, r.fillers_found) for r in rows)
    said = sum(r.fillers_said for r in rows)
    found = sum(r.fillers_found for r in rows)
    errors = [abs(r.pace_error) for r in rows]
    recalls = [r.recall for r in rows]
    return "\n".join(
        [
            f"clips: {len(rows)}",
            f"cover: min {min(r.cover for r in rows):.2f}",
            f"recall: mean {np.mean(recalls):.3f} min {min(recalls):.2f}",
            f"pace error: mean {np.mean(errors):.1%} max {max(errors):.1%}",
            f"fillers: precision {hits / max(found, 1):.2f} recall {hits / max(said, 1):.2f}"
            f" ({hits} of {said} said, {found} written)",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Render, transcribe and score one set; returns an exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=list(SETS), default="check")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every transcript")
    args = parser.parse_args(argv)
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if missing or not CORPUS.is_dir():
        print(f"voices: needs {', '.join(missing) or CORPUS}", file=sys.stderr)
        return 2
    from starcoach.adapters.whisper_transcriber import WhisperTranscriber

    transcriber = WhisperTranscriber()
    answers_of, voices, rates = SETS[args.set]
    rows: list[ClipScore] = []
    with tempfile.TemporaryDirectory(prefix="starcoach-voices-") as tmp:
        for a, author in enumerate("abc"):
            corpus = json.loads((CORPUS / f"author-{author}.json").read_text())
            for k, answer in enumerate(corpus["answers"][answers_of]):
                voice, rate = voices[(a * 6 + k) % len(voices)], rates[k % len(rates)]
                text = spoken_text(answer["sentences"])
                wav = render(text, voice, rate, Path(tmp) / f"{answer['id']}.wav")
                started = time.perf_counter()
                row, transcript = score(answer["id"], voice, rate, text, wav, transcriber)
                rows.append(row)
                print(
                    f"{row.answer:<6} {voice:<18} {rate:>3} cover {row.cover:4.2f} "
                    f"recall {row.recall:4.2f} pace {row.pace_error:+6.1%} "
                    f"fillers {row.fillers_said}/{row.fillers_found} "
                    f"({time.perf_counter() - started:.1f} s)",
                    flush=True,
                )
                if args.verbose:
                    print(f"    {transcript}", flush=True)
    print(summary(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
