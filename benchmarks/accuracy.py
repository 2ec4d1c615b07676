"""Accuracy of the analysis: fillers, pace, pauses and STAR, on text and on real audio.

Prints numbers for
1. ``../shared/corpus`` (labeled text answers): filler precision/recall on ``answers.json``, and
   the learned STAR labeller, sentence flags and content judgements measured leave one source
   out (trained on three of the four sources, scored on the fourth; ``star_eval.py``), plus the
   speed of text analysis after the models load;
2. the project's recorded fixtures in ``audio_fixtures/``: the real transcriber + analysis
   against ground truth (filler recall/precision, words-per-minute error, pauses, STAR labels);
3. ``../shared/real_speech/`` (real recordings, when present): filled pauses kept by the
   transcriber (recall/precision by count), word error rate on read speech, and pace and
   pause counts against the aligner's word times (``real_pace.py``, also run on its own).

    .venv/bin/python benchmarks/accuracy.py [--model NAME] [--skip-real] [--skip-fixtures]
                                            [--text-only]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "benchmarks"))

from text_accuracy import filler_scores, load_answers  # noqa: E402
from transcriber import edit_distance  # noqa: E402

from starcoach.adapters.audio_files import load_audio  # noqa: E402
from starcoach.adapters.whisper_transcriber import WhisperTranscriber  # noqa: E402
from starcoach.core.analysis.contract import to_json  # noqa: E402
from starcoach.core.analysis.engine import QuestionRef  # noqa: E402
from starcoach.core.analysis.fillers import filled_pause  # noqa: E402
from starcoach.recording.pipeline import analyze_clip  # noqa: E402

FILLER_TIME_TOLERANCE_S = 1.0
"""A detected filler matches a true one of the same text within this many seconds."""
PAUSE_TOLERANCE_S = 0.15
"""A detected pause matches a true one when both ends are within this many seconds."""


def corpus_numbers() -> None:
    path = SHARED / "corpus" / "answers.json"
    if not path.exists():
        print("corpus: ../shared/corpus/answers.json not found, skipped")
        return
    answers = load_answers(path)
    f = filler_scores(answers)
    f_plain = filler_scores(answers, lambda t: t.replace(",", "").lower())
    print(f"corpus ({len(answers)} answers)")
    print(f"  fillers, text as written:        precision {f['precision']:.3f}  "
          f"recall {f['recall']:.3f}  (tp {f['tp']}, fp {f['fp']}, fn {f['fn']})")
    print(f"  fillers, no commas, lower case:  precision {f_plain['precision']:.3f}  "
          f"recall {f_plain['recall']:.3f}")


def learned_numbers() -> None:
    """Leave-one-source-out figures of the learned text models, then the speed line."""
    from star_eval import load_sources, loao, print_table

    from starcoach.adapters.embedding import default_embedder
    from starcoach.core.analysis.model_training import prepare

    embedder = default_embedder()
    prepared = {name: prepare(ans, embedder) for name, ans in load_sources().items()}
    per, pooled = loao(prepared)
    print("learned STAR / flags / content, leave one source out (train on 3 of the 4 sources, "
          "test on the 4th; v1 open answers left out of STAR: v1 labels them all 'other'):")
    print_table(per, pooled)
    speed_numbers()


def speed_numbers() -> None:
    """Model load time (fresh process) and text analysis time of a 2-minute answer."""
    import subprocess

    code = ("import time; t=time.perf_counter(); "
            "from starcoach.adapters.embedding import MiniLMEmbedder, load_text_model; "
            "e=MiniLMEmbedder(); e.load(); load_text_model(); "
            "print(time.perf_counter()-t)")
    load_s = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True).stdout)
    from starcoach.recording.pipeline import analyze_text

    sentences = [
        "Last spring I was working the returns desk at a busy hardware store.",
        "A man came in upset because the drill he bought had stopped working after a week.",
        "He had no receipt and the line behind him was about ten people deep.",
        "I had to find a fair answer for him without breaking the store's policy.",
        "First I let him explain the whole story without interrupting him.",
        "Then I looked up his card payment and found the purchase from nine days earlier.",
        "I swapped the drill for a new one and checked that the battery charged properly.",
        "He thanked me and came back the next month to buy a saw from me.",
    ]
    text = " ".join(sentences * 2 + sentences[:4])  # 283 words: two minutes at 140 wpm
    question = QuestionRef(text="Tell me about a time you helped an unhappy customer.")
    analyze_text(text, question)
    runs, cpu = [], []
    for _ in range(7):
        t0, c0 = time.perf_counter(), time.process_time()
        analyze_text(text, question)
        runs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    runs.sort()
    cpu.sort()
    print(f"speed: models load in {load_s:.2f} s (fresh process); text analysis of a "
          f"{len(text.split())}-word (2-minute) answer: median {runs[3] * 1000:.0f} ms wall "
          f"(min {runs[0] * 1000:.0f}, max {runs[-1] * 1000:.0f}), median "
          f"{cpu[3] * 1000:.0f} ms CPU")


def fixture_numbers(transcriber: WhisperTranscriber) -> None:
    rows, totals = [], Counter()
    wpm_errors: list[float] = []
    for js in sorted((ROOT / "audio_fixtures").glob("*.json")):
        truth = json.loads(js.read_text())
        if not truth.get("text") or not js.with_suffix(".wav").exists():
            continue
        clip = load_audio(js.with_suffix(".wav"))
        question = QuestionRef(text=truth.get("question"),
                               behavioral=truth.get("kind") == "behavioral")
        a = to_json(analyze_clip(clip, transcriber, question, tone=False))
        tp, fp, fn = match_fillers(truth, a)
        totals.update(tp=tp, fp=fp, fn=fn)
        p_tp, p_fp, p_fn, over_speech = match_pauses(truth, a)
        totals.update(p_tp=p_tp, p_fp=p_fp, p_fn=p_fn, over_speech=over_speech)
        true_wpm = truth_wpm(truth)
        err = abs(a["pace"]["wpm"] - true_wpm) / true_wpm if a["pace"]["wpm"] else float("nan")
        wpm_errors.append(err)
        ok, total = star_agreement(truth, a)
        totals.update(star_ok=ok, star_total=total)
        rows.append(f"  {truth['name']:<28} {true_wpm:6.0f} {a['pace']['wpm'] or 0:6.0f} "
                    f"{err:6.1%}  fillers {tp}/{tp + fn} (+{fp})  pauses {p_tp}/{p_tp + p_fn} "
                    f"(+{p_fp})  STAR {ok}/{total}")
    print("fixtures (real transcriber on audio_fixtures/)")
    print(f"  {'clip':<28} {'wpm':>6} {'found':>6} {'error':>6}")
    print("\n".join(rows))
    t = totals
    print(f"  filler recall {t['tp'] / max(1, t['tp'] + t['fn']):.3f}  precision "
          f"{t['tp'] / max(1, t['tp'] + t['fp']):.3f}  (tp {t['tp']}, fp {t['fp']}, fn {t['fn']})")
    print(f"  wpm error: mean {sum(wpm_errors) / len(wpm_errors):.1%}, max {max(wpm_errors):.1%}")
    print(f"  pauses >= 0.25 s: recall {t['p_tp'] / max(1, t['p_tp'] + t['p_fn']):.3f}  precision "
          f"{t['p_tp'] / max(1, t['p_tp'] + t['p_fp']):.3f}; pauses over speech: {t['over_speech']}")
    print(f"  STAR sentence labels: {t['star_ok'] / max(1, t['star_total']):.3f} "
          f"({t['star_ok']}/{t['star_total']})")


def truth_wpm(truth: dict[str, Any]) -> float:
    said = [w for w in re.findall(r"[A-Za-z']+", truth["text"]) if not filled_pause(w.lower())]
    return len(said) / (truth["speech_end_s"] - truth["speech_start_s"]) * 60.0


def match_fillers(truth: dict[str, Any], a: dict[str, Any]) -> tuple[int, int, int]:
    words = truth.get("words") or []
    wanted = []
    for f in truth["fillers"]:
        i = f.get("word_index")
        t = words[i]["start"] if i is not None and i < len(words) else None
        wanted.append((_canon(f["text"]), t))
    found = [(_canon(h["text"]), h["start"]) for h in a["fillers"]["items"]]
    tp = 0
    for text, t in wanted:
        for j, (ftext, ft) in enumerate(found):
            if ftext == text and (t is None or ft is None or abs(ft - t) <= FILLER_TIME_TOLERANCE_S):
                tp += 1
                found.pop(j)
                break
    return tp, len(found), len(wanted) - tp


def _canon(text: str) -> str:
    norm = re.sub(r"[^a-z ]", "", text.lower()).strip()
    return filled_pause(norm) or norm


def match_pauses(truth: dict[str, Any], a: dict[str, Any]) -> tuple[int, int, int, int]:
    true = [(p["start"], p["end"]) for p in truth["pauses"] if p["end"] - p["start"] >= 0.25]
    got = [(p["start"], p["end"]) for p in a["pauses"]["items"]]
    tp = sum(any(abs(s - gs) <= PAUSE_TOLERANCE_S and abs(e - ge) <= PAUSE_TOLERANCE_S
                 for gs, ge in got) for s, e in true)
    matched = sum(any(abs(s - gs) <= PAUSE_TOLERANCE_S and abs(e - ge) <= PAUSE_TOLERANCE_S
                      for s, e in true) for gs, ge in got)
    over = sum(
        any(min(ge, pe) - max(gs, ps) > 0.05 for ps, pe in
            ((p["start"], p["end"]) for p in truth["phrases"]))
        for gs, ge in got
    )
    return tp, len(got) - matched, len(true) - tp, over


def star_agreement(truth: dict[str, Any], a: dict[str, Any]) -> tuple[int, int]:
    """Each true sentence takes the label of the detected sentence overlapping it most."""
    spans: dict[int, list[float]] = {}
    for p in truth["phrases"]:
        i = p["sentence_index"]
        spans.setdefault(i, [p["start"], p["end"]])
        spans[i][1] = p["end"]
    ok = 0
    for i, sentence in enumerate(truth["sentences"]):
        s, e = spans[i]
        best = max(a["star"]["sentences"], default=None,
                   key=lambda x: min(e, x["end"] or 0) - max(s, x["start"] or 0))
        ok += best is not None and best["label"] == sentence["label"]
    return ok, len(truth["sentences"])


def real_speech_numbers(transcriber: WhisperTranscriber) -> None:
    manifest = SHARED / "real_speech" / "manifest.json"
    if not manifest.exists():
        print("real speech: ../shared/real_speech not found, skipped")
        return
    clips = json.loads(manifest.read_text())
    kept = said = invented = 0
    spont_kept = spont_said = 0
    wer_num = wer_den = 0
    seconds = audio_s = 0.0
    for clip in clips:
        if clip["category"] not in ("spontaneous", "filler_probe", "filler_probes", "read"):
            continue
        path = SHARED / "real_speech" / clip["file"]
        audio = load_audio(path)
        t0 = time.monotonic()
        transcript = transcriber.transcribe(audio)
        seconds += time.monotonic() - t0
        audio_s += audio.duration_s
        found = sum(1 for w in transcript.words if filled_pause(_canon(w.text)))
        truth = int(clip.get("filled_pause_total") or 0)
        kept += min(found, truth)
        said += truth
        invented += max(0, found - truth)
        if clip["file"].startswith("spontaneous/mfa_"):
            spont_kept += min(found, truth)
            spont_said += truth
        if clip["category"] == "read":
            ref = re.findall(r"[a-z']+", clip["transcript"].lower())
            hyp = re.findall(r"[a-z']+", " ".join(w.text for w in transcript.words).lower())
            wer_num += edit_distance(ref, hyp)
            wer_den += len(ref)
    print(f"real speech ({len(clips)} clips, model {transcriber.model_name})")
    print(f"  filled pauses kept: {kept}/{said} (recall {kept / max(1, said):.3f}), "
          f"invented {invented} (precision {kept / max(1, kept + invented):.3f})")
    print(f"  of which the 3 spontaneous monologues: {spont_kept}/{spont_said}")
    print(f"  word error rate on read speech: {wer_num / max(1, wer_den):.3f}")
    print(f"  speed: {audio_s / max(seconds, 1e-9):.1f}x real time")


def main() -> None:
    parser = argparse.ArgumentParser(description="Accuracy benchmark")
    parser.add_argument("--model", default=None)
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--skip-fixtures", action="store_true")
    parser.add_argument("--text-only", action="store_true", help="corpus figures only")
    args = parser.parse_args()
    corpus_numbers()
    learned_numbers()
    if args.text_only:
        return
    transcriber = WhisperTranscriber(args.model)
    if not args.skip_fixtures:
        fixture_numbers(transcriber)
    if not args.skip_real:
        real_speech_numbers(transcriber)
        if (SHARED / "real_speech").is_dir():
            from real_pace import report

            report(transcriber)


if __name__ == "__main__":
    main()
