"""STAR coverage: split an answer into sentences, label each Situation/Task/Action/Result/other.

Each sentence gets hand-weighted cue scores per label (setting phrases, "my job was to",
first-person past-tense action verbs, outcome words and numbers, meta remarks); a Viterbi
pass over hand-set S -> T -> A -> R transition weights then picks the most likely sequence.
Nothing is learned from data. Fillers are removed before labeling.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from starcoach.core.analysis.fillers import filler_word_mask, find_fillers
from starcoach.core.analysis.text import (  # noqa: F401  (re-exported)
    Sentence,
    count_pronouns,
    normalize,
    split_sentences,
    words_from_text,
)
from starcoach.core.models import Word

PARTS = ("situation", "task", "action", "result")
"""STAR parts in story order."""
LABELS = (*PARTS, "other")
"""Every sentence label."""

_BEHAVIORAL_Q = re.compile(
    r"\b(tell me about a time|describe a (time|situation)|give (me )?an example|walk me through a"
    r"|share an? (example|experience|time)|talk about a time|a time (when|you|that)"
    r"|a situation (where|when|in which)|have you ever|recall a time|an instance)\b"
)
_NUM_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty"
    r"|fifty|sixty|seventy|eighty|ninety|hundred|thousand|half|dozen|\d[\d,.]*%?"
)
_NUMBER = re.compile(rf"\b({_NUM_WORDS})\b|%|\bpercent\b")
_CUES: dict[str, list[tuple[float, str]]] = {
    "situation": [
        (1.5, r"when i was|this was (at|when|back|during|in|last|about|a)"
              r"|back (when|in (the|my|college|school|\d+))"),
        (1.5, r"i was (a|an|the|working|doing|on the|on a|in|at|one of|employed|interning)"),
        (1.5, r"i (worked|work) (at|for|in|as|on|the|a)(?! out)|where i work"),
        (1.0, r"there (was|were|is|are)|we (had|were|didn't have)|our \w+( \w+)? (was|were|went)"),
        (1.5, r"(years?|months?|weeks?) ago|(last|one) (year|month|spring|summer|fall|winter|day"
              r"|evening|morning|night|afternoon|december|christmas|black friday|saturday)"),
        (1.5, r"(a|an|this|one) (customer|user|man|woman|guy|gentleman|lady|client|patient|caller"
              r"|passenger|coworker|server|technician)\b( \w+)? "
              r"(came|called|walked|wanted|was|had|who|comes)"),
        (0.8, r"(he|she|they|it|we|i) (was|were|is|are|'s) \w+ing|(he|she|they)'(s|re) \w+ing"),
        (0.6, r"(he|she|they|it|users|customers|people) (was|were|had|thought|wanted|kept|would)"),
        (0.6, r"\w+'d (been|already|never|clearly|gotten|seen|tried|worn|paid|bought|thought)"),
        (0.6, r"(happened|was happening|going on|in stock|in line|queue|busy|packed|rush)"),
    ],
    "task": [
        (3.0, r"(my|our) (job|goal|task|responsibility|role|part|priority|challenge|assignment"
              r"|mission|aim) (was|became|is)"),
        (2.5, r"the (goal|task|challenge|priority|objective|problem) was|it was (up to me|my job)"),
        (2.5, r"i was (supposed|expected|asked|responsible|tasked|told|in charge)"),
        (2.0, r"(i|we) (needed|had|have|need) to"),
        (1.5, r"i (really )?wanted to|make sure|i had to decide|figure out"),
        (0.6, r"without (making|letting|losing|getting)|while keeping|i (couldn't|wasn't allowed)"),
    ],
    "action": [
        (0.8, r"(then|first|so|also|next|finally|after that|and) i\b"),
        (1.0, r"i (started|began) (by|to|\w+ing)|i decided to|instead of|i made sure"),
        (0.6, r"i (also|first|then|immediately|quickly|personally) \w+"),
        (0.5, r"(we|i) (worked out|figured out|set up|put together)"),
    ],
    "result": [
        (2.5, r"as a result|in the end|by the end|ended up|eventually|since then|ever since"
              r"|ultimately|in the long run|never happened again|back to normal|anymore"),
        (2.5, r"i (learned|realized|took away)|taught me|showed me|what i took from|the lesson"),
        (1.0, r"(saved|increased|decreased|reduced|improved|dropped|grew|doubled|tripled|boosted"
              r"|lowered|resolved|approved|exceeded|promoted|thanked|praised|became|made it"
              r"|on time|to spare|fewest|review|survey|tip|thanks|went (up|down)|came back"
              r"|got (faster|better|approved|\w+ back)|kept (her|his|their)|calmed down|renewed"
              r"|early|ahead of (schedule|time)|succeeded|successful|satisfied|positive feedback)"),
        (1.0, r"(by|within|in|after) (about |almost |like )?("
              + _NUM_WORDS + r"|a couple of|the|that)"
              r" (\w+ )?(minutes?|hours?|days?|weeks?|months?|seconds?|percent|night|week)"),
        (1.2, r"(manager|supervisor|boss|lead|director|customer|client) (later )?(told|said|thanked"
              r"|praised|mentioned|brought|gave|asked me|had me|used|sent|wrote|okayed)"),
        (0.8, r"(next|following) (week|day|month|shift|meeting|huddle)|weeks? later|proud"),
    ],
    "other": [
        (4.0, r"good question|let me think|comes to mind|i('ve| have) got one|this one('s| is)"
              r"|that's (\w+ )?(how|what|where|the part|all|about it)|i can think of"
              r"|off the top of my head|i remember most|i'd say"),
        (1.5, r"^(i'm|i am) (really |so |very )?(grateful|glad|thankful|happy)|^yeah"),
        (1.5, r"^it was (a )?(really |very )?(long|crazy|tough|rough|hard|stressful|wild|fun)"),
    ],
}
_HYPOTHETICAL = re.compile(r"\b(i'd|would|if|usually|always|i try)\b")
_COMPILED = {
    k: [(w, re.compile(r"(?:^|\b)(?:" + p + r")(?!\w)")) for w, p in v] for k, v in _CUES.items()
}
_BIAS = {"situation": 0.0, "task": -1.0, "action": -0.3, "result": -0.8, "other": -0.6}
_ADVERBS = frozenset("also then first immediately quickly personally just finally really actually "
                     "even eventually still basically never".split())
_STATE_VERBS = frozenset("was were had needed wanted thought knew felt liked loved hated worked "
                         "used supposed ended sat".split())
_IRREGULAR_PAST = frozenset(
    """went told got made took gave sent put found wrote kept brought caught let set left came began
    ran saw said held stood spoke paid bought sat drove met led won chose built taught spent cut
    sold stuck dealt heard understood forgot drew threw rode broke fed flew""".split()
)
_THIRD_PERSON = frozenset("he she they he's she's they're everyone nobody everybody".split())
_OTHER_PEOPLE = frozenset(
    """manager supervisor boss lead customer client woman man guy user users customers team
    coworker coworkers director owner caller patient passenger""".split()
)
_START = {"situation": 0.5, "task": 0.12, "action": 0.08, "result": 0.02, "other": 0.28}
_END = {"situation": 0.05, "task": 0.05, "action": 0.35, "result": 0.5, "other": 0.5}
_TRANSITIONS = {
    "situation": {"situation": 0.5, "task": 0.28, "action": 0.17, "result": 0.02, "other": 0.03},
    "task": {"situation": 0.06, "task": 0.2, "action": 0.66, "result": 0.05, "other": 0.03},
    "action": {"situation": 0.02, "task": 0.03, "action": 0.55, "result": 0.28, "other": 0.12},
    "result": {"situation": 0.01, "task": 0.01, "action": 0.05, "result": 0.7, "other": 0.23},
    "other": {"situation": 0.45, "task": 0.15, "action": 0.1, "result": 0.1, "other": 0.2},
}
_CONCRETE = re.compile(
    rf"\b(?!one\b)({_NUM_WORDS})\b|%|\bpercent\b"
    r"|\b(increased|decreased|reduced|dropped|saved|doubled|"
    r"tripled|cut|faster|slower|fewer|fewest|more|less|higher|lower|went (up|down))\b"
)


@dataclass(frozen=True)
class StarResult:
    """STAR structure of one answer."""

    coverage: dict[str, float]
    """Per part, 0..1: strength of the evidence (0 when absent)."""
    sentences: tuple[Sentence, ...]
    """The answer's sentences."""
    labels: tuple[str, ...]
    """One label per sentence."""
    strengths: tuple[float, ...]
    """Per sentence, how clearly it shows its label (0..1)."""
    behavioral: bool
    """Whether the question calls for a STAR story."""
    missing: tuple[str, ...]
    """Parts never covered (empty for non-behavioral answers)."""
    time_share: dict[str, float] | None
    """Per part, share of speaking time; None when untimed."""
    result_concrete: bool
    """The result carries a number or a measurable change."""
    result_evidence: tuple[str, ...]
    """The words that make the result concrete."""
    pronouns: dict[str, Any]
    """Counts of "I" and "we" words and a verdict."""
    tips: tuple[str, ...] = field(default=())
    """One specific tip per weakness."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; ``situation``..``result``, ``missing``, ``sentences`` are public."""
        out: dict[str, Any] = {p: round(self.coverage[p], 2) for p in PARTS}
        out["missing"] = list(self.missing)
        out["sentences"] = [
            {"text": s.text, "label": lab, "start": s.start, "end": s.end}
            for s, lab in zip(self.sentences, self.labels, strict=True)
        ]
        out["time_share"] = dict.fromkeys(PARTS) if self.time_share is None else self.time_share
        out["evidence"] = {p: [i for i, lab in enumerate(self.labels) if lab == p] for p in PARTS}
        out["result_concrete"] = self.result_concrete
        out["result_evidence"] = list(self.result_evidence)
        out["pronouns"] = dict(self.pronouns)
        out["tips"] = list(self.tips)
        out["behavioral"] = self.behavioral
        return out


def is_behavioral_question(question: str | None) -> bool | None:
    """Whether a question asks for a past example ("Tell me about a time...").

    Args:
        question: The question text, or None.

    Returns:
        True or False from the wording; None when there is no question.
    """
    if question is None or not question.strip():
        return None
    return bool(_BEHAVIORAL_Q.search(question.lower()))


def _clean(text: str) -> str:
    """Fillers removed, lower-case, punctuation dropped: what the cue patterns read."""
    words = words_from_text(text)
    mask = filler_word_mask(words, find_fillers(words))
    kept = (normalize(w.text) for w, m in zip(words, mask, strict=True) if not m)
    return " ".join(n for n in kept if n)


def _first_person_past(tokens: Sequence[str]) -> int:
    """How many times "I"/"we" is followed by a past-tense action verb ("I called")."""
    count = 0
    for i, tok in enumerate(tokens):
        if tok not in {"i", "we"}:
            continue
        j = i + 1
        while j < len(tokens) and tokens[j] in _ADVERBS:
            j += 1
        verb = tokens[j] if j < len(tokens) else ""
        if verb in _STATE_VERBS or verb.endswith("'d"):
            continue
        if verb in _IRREGULAR_PAST or (verb.endswith("ed") and len(verb) > 4) or verb == "didn't":
            count += 1 if tok == "i" else 0.7
    return int(round(count))


def _third_person_subject(tokens: Sequence[str]) -> bool:
    """The sentence opens with someone else as the subject ("She moved him", "My manager said")."""
    rest = [t for t in tokens[:3] if t not in {"and", "but", "then", "so"}] + ["", ""]
    return rest[0] in _THIRD_PERSON or rest[0] in {"my", "our", "the"} and rest[1] in _OTHER_PEOPLE


def cue_scores(clean: str) -> dict[str, float]:
    """Evidence per label for one filler-free, lower-case sentence.

    Args:
        clean: Sentence text from ``_clean``.

    Returns:
        A score per label (0 = no evidence; about 2-3 = one clear cue).
    """
    scores = dict.fromkeys(LABELS, 0.0)
    for label, cues in _COMPILED.items():
        scores[label] = sum(w for w, rx in cues if rx.search(clean))
    tokens = clean.split()
    scores["action"] += min(2.4, 1.2 * _first_person_past(tokens))
    if _NUMBER.search(clean):
        scores["result"] += 0.5
    if _third_person_subject(tokens):
        scores["result"] += 0.6
        scores["situation"] += 0.4
    if len(tokens) < 6 and max(scores.values()) < 1.0:
        scores["other"] += 0.8
    return scores


def _viterbi(emissions: Sequence[dict[str, float]]) -> list[str]:
    """Most likely label sequence given per-sentence log-scores and the transition weights."""
    log = math.log
    best = {s: log(_START[s]) + emissions[0][s] for s in LABELS}
    back: list[dict[str, str]] = []
    for em in emissions[1:]:
        step = {s: max(LABELS, key=lambda p, s=s: best[p] + log(_TRANSITIONS[p][s]))
                for s in LABELS}
        best = {s: best[step[s]] + log(_TRANSITIONS[step[s]][s]) + em[s] for s in LABELS}
        back.append(step)
    last = max(LABELS, key=lambda s: best[s] + log(_END[s]))
    path = [last]
    for step in reversed(back):
        path.append(step[path[-1]])
    return path[::-1]


def _emissions(scores: Sequence[dict[str, float]]) -> list[dict[str, float]]:
    return [{lab: sc[lab] + _BIAS[lab] for lab in LABELS} for sc in scores]


def infer_behavioral(cleaned: Sequence[str]) -> bool:
    """Whether an answer reads as a past story (used when the question does not say).

    Args:
        cleaned: Filler-free, lower-case sentences.

    Returns:
        True when at least two sentences narrate past actions or settings and few are
        hypothetical.
    """
    scores = [cue_scores(c) for c in cleaned]
    story = sum(max(s["situation"], s["action"], s["task"], s["result"]) >= 1.2 for s in scores)
    hypothetical = sum(bool(_HYPOTHETICAL.search(c)) for c in cleaned)
    return story >= max(2, 0.5 * len(cleaned)) and hypothetical * 2 < len(cleaned)


def label_sentences(
    texts: Sequence[str], question: str | None = None, behavioral: bool | None = None
) -> list[str]:
    """Label each sentence "situation", "task", "action", "result" or "other".

    Args:
        texts: The answer's sentences in order (fillers may be present; they are ignored).
        question: The question, used to decide whether a STAR story is expected.
        behavioral: Overrides the decision when not None.

    Returns:
        One label per sentence; all "other" for a non-behavioral answer.
    """
    labels, _ = _label(texts, question, behavioral)
    return labels


def _label(
    texts: Sequence[str], question: str | None, behavioral: bool | None
) -> tuple[list[str], list[float]]:
    """Labels and per-sentence strengths (0..1)."""
    if not texts:
        return [], []
    cleaned = [_clean(t) for t in texts]
    if behavioral is None:
        behavioral = is_behavioral_question(question)
    if behavioral is None:
        behavioral = infer_behavioral(cleaned)
    if not behavioral:
        return ["other"] * len(texts), [0.0] * len(texts)
    scores = [cue_scores(c) for c in cleaned]
    labels = _viterbi(_emissions(scores))
    strengths = [min(0.8, 0.4 + 0.15 * sc[lab]) for sc, lab in zip(scores, labels, strict=True)]
    return labels, strengths


def analyze_star(
    words: Sequence[Word], question: str | None = None, behavioral: bool | None = None
) -> StarResult:
    """Find the STAR structure of an answer.

    Args:
        words: The answer's words (timed or not; fillers are ignored for labeling).
        question: The question text, used to decide whether STAR is expected.
        behavioral: True/False to force the decision; None to infer it from the question,
            or from the answer when there is no question.

    Returns:
        Coverage per part, labeled sentences, tips and the other details.
    """
    sentences = split_sentences(words)
    mask = filler_word_mask(words, find_fillers(words))
    texts = [_sentence_text(words, mask, s) for s in sentences]
    if behavioral is None:
        behavioral = is_behavioral_question(question)
    if behavioral is None:
        behavioral = infer_behavioral([_clean(t) for t in texts]) if texts else False
    labels, strengths = _label(texts, question, behavioral)
    pairs = list(zip(labels, strengths, strict=True))
    coverage = {p: min(1.0, sum((s for lab, s in pairs if lab == p), 0.0)) for p in PARTS}
    evidence = _result_evidence([t for t, (lab, _) in zip(texts, pairs, strict=True)
                                 if lab == "result"])
    result = StarResult(
        coverage, tuple(sentences), tuple(labels), tuple(strengths), behavioral,
        tuple(p for p in PARTS if behavioral and coverage[p] == 0.0),
        _time_share(sentences, labels), bool(evidence), evidence, count_pronouns(words),
    )
    return replace(result, tips=_tips(result) if behavioral else ())


def _sentence_text(words: Sequence[Word], mask: Sequence[bool], s: Sentence) -> str:
    """The sentence's words without the fillers found in the whole answer's context."""
    span = range(s.first_word, s.last_word + 1)
    return " ".join(words[i].text.strip() for i in span if not mask[i])


def _result_evidence(texts: Sequence[str]) -> tuple[str, ...]:
    """Words in the result sentences that make it concrete (numbers, measured change)."""
    found: list[str] = []
    for text in texts:
        found += [m.group(0) for m in _CONCRETE.finditer(_clean(text))]
    return tuple(dict.fromkeys(found))


def _time_share(sentences: Sequence[Sentence], labels: Sequence[str]) -> dict[str, float] | None:
    """Share of speaking time per part; None when any sentence is untimed."""
    if not sentences or any(s.start is None or s.end is None for s in sentences):
        return None
    durations = [max(0.0, (s.end or 0.0) - (s.start or 0.0)) for s in sentences]
    total = sum(durations) or 1.0
    pairs = list(zip(durations, labels, strict=True))
    return {p: round(sum(d for d, lab in pairs if lab == p) / total, 3) for p in PARTS}


_MISSING_TIPS = {
    "situation": "You never set the scene: open with where you were and what was going on.",
    "task": "You never said what you had to achieve: add a line like \"My job was to...\".",
    "action": "You never said what you did: describe two or three concrete steps you took.",
    "result": "You never said how it ended: add the result (what changed, ideally with a number).",
}


def _tips(r: StarResult) -> tuple[str, ...]:
    """One actionable tip per weakness of a behavioral answer."""
    tips = [_MISSING_TIPS[p] for p in r.missing]
    if "result" not in r.missing and not r.result_concrete:
        tips.append("Your result has no measurable outcome: add a number, a time saved or "
                    "what someone said.")
    if "action" not in r.missing and r.coverage["action"] < 0.5:
        tips.append("Your actions are thin: give more detail on the steps you personally took.")
    if r.time_share and r.time_share["situation"] + r.time_share["task"] > 0.5:
        tips.append("Over half your time went to setup: cut the situation to two sentences and "
                    "spend it on actions.")
    if r.pronouns["verdict"] == "too much we":
        tips.append(f"You said \"we\" {r.pronouns['we']} times and \"I\" {r.pronouns['i']}: "
                    "say what you did yourself.")
    return tuple(tips)
