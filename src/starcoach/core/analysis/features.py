"""Sentence features for the learned STAR labeller and content judgements.

A sentence is described by its embedding (given by the caller, any sentence model) plus a few
grammatical signals that carry STAR structure across authors: tense of the verbs after "I" or
"we", who the subject is, modality ("would", "should", "always"), goal phrasing ("had to"),
numbers, negation, position in the answer and the kind of question. No signal names a
particular story's words; the weights that use them are learned (see ``text_model``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from starcoach.core.analysis.fillers import filler_word_mask, find_fillers
from starcoach.core.analysis.text import normalize, words_from_text

KINDS = ("behavioral", "open", "situational")
"""Question kinds."""
_BEHAVIORAL_Q = re.compile(
    r"\b(tell me about a time|describe a (time|situation)|give (me )?an example|walk me through a"
    r"|share an? (example|experience|time)|talk about a time|a time (when|you|that)"
    r"|a situation (where|when|in which)|have you ever|recall a time|an instance)\b"
)
_SITUATIONAL_Q = re.compile(
    r"\b(what would you do|how would you|what would you|imagine|suppose"
    r"|if a customer|if you (were|had|saw|found|noticed|got))\b"
)
_NUM = re.compile(
    r"\b(\d[\d,.:]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
    r"|thirty|forty|fifty|sixty|hundred|thousand|half|dozen|percent)\b|%|\$"
)
_TIME_UNIT = re.compile(r"\b(seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b")
_SUBJ_I = frozenset({"i"})
_SUBJ_WE = frozenset({"we"})
_SUBJ_THIRD = frozenset(
    {
        "he",
        "she",
        "they",
        "it",
        "this",
        "that",
        "everyone",
        "nobody",
        "someone",
        "he's",
        "she's",
        "they're",
        "it's",
    }
)
_DETERMINERS = frozenset({"my", "our", "the", "a", "an", "his", "her", "their", "one", "this"})
_CONNECTIVES = frozenset({"and", "but", "so", "then", "because", "also", "after", "when"})
_AUX_STATE = frozenset(
    {
        "was",
        "were",
        "am",
        "is",
        "are",
        "be",
        "been",
        "had",
        "has",
        "have",
        "'m",
        "'d",
        "would",
        "could",
        "should",
        "will",
        "can",
        "might",
        "must",
        "do",
        "does",
        "did",
        "didn't",
        "don't",
        "wasn't",
        "couldn't",
        "wouldn't",
    }
)
_IRREGULAR_PAST = frozenset(
    {
        "became",
        "began",
        "bought",
        "broke",
        "brought",
        "built",
        "came",
        "caught",
        "chose",
        "cut",
        "dealt",
        "drew",
        "drove",
        "fed",
        "felt",
        "flew",
        "forgot",
        "found",
        "gave",
        "got",
        "grew",
        "heard",
        "held",
        "kept",
        "knew",
        "led",
        "left",
        "let",
        "lost",
        "made",
        "meant",
        "met",
        "paid",
        "put",
        "ran",
        "read",
        "rode",
        "said",
        "sat",
        "saw",
        "sent",
        "set",
        "shut",
        "slept",
        "sold",
        "spent",
        "split",
        "spoke",
        "spread",
        "stood",
        "struck",
        "stuck",
        "swept",
        "taught",
        "thought",
        "threw",
        "told",
        "took",
        "understood",
        "went",
        "won",
        "wrote",
    }
)
_ADVERBS = frozenset(
    {
        "also",
        "then",
        "first",
        "just",
        "finally",
        "really",
        "actually",
        "even",
        "eventually",
        "still",
        "immediately",
        "quickly",
        "personally",
        "basically",
        "never",
        "always",
        "usually",
    }
)
_MODAL_WOULD = frozenset({"would", "i'd", "we'd", "you'd", "could", "might"})
_HABIT = frozenset({"always", "usually", "never", "generally", "normally", "often", "typically"})
_GOAL = re.compile(
    r"\b(had to|have to|has to|need to|needed to|needs to|wanted to|want to"
    r"|supposed to|goal|job was|my job|responsib\w*|make sure|was to)\b"
)
_SEQUENCE = frozenset({"first", "then", "next", "after", "finally", "afterwards", "later"})
_NEGATION = re.compile(r"\b(not|no|never|nothing|nobody)\b|n't\b")
_YOU = frozenset({"you", "your", "you're", "you've"})

GRAMMAR_NAMES = (
    "i_past",
    "we_past",
    "i_present",
    "third_past",
    "past_ratio",
    "present_ratio",
    "ing",
    "past_perfect",
    "subj_i",
    "subj_we",
    "subj_third",
    "subj_det_noun",
    "subj_there",
    "opens_connective",
    "opens_sequence",
    "i_any",
    "we_any",
    "third_any",
    "you_any",
    "would",
    "should",
    "habit",
    "if",
    "will",
    "goal",
    "numbers",
    "time_unit",
    "negation",
    "log_words",
    "short",
    "pos",
    "is_first",
    "is_last",
    "log_n",
    "kind_behavioral",
    "kind_open",
    "kind_situational",
    "q_sim",
)
"""Names of the grammatical features, in vector order (after the embedding)."""


def question_kind(question: str | None, behavioral: bool | None = None) -> str | None:
    """The question's kind from its wording.

    Args:
        question: Question text, or None.
        behavioral: True/False when known; overrides the wording for behavioral vs not.

    Returns:
        "behavioral", "situational" or "open"; None when there is no question and no hint.
    """
    text = (question or "").lower()
    if behavioral is True:
        return "behavioral"
    if not text.strip():
        return None if behavioral is None else "open"
    if behavioral is None and _BEHAVIORAL_Q.search(text):
        return "behavioral"
    return "situational" if _SITUATIONAL_Q.search(text) else "open"


def strip_marks(text: str) -> str:
    """Remove corpus annotation marks ({um} -> um, [[maybe]] -> maybe)."""
    return re.sub(r"\[\[|\]\]|[{}]", "", text)


def clean_sentence(text: str, remove_fillers: bool = True) -> str:
    """Lower-case sentence words, fillers removed (what the features read).

    Args:
        text: The sentence.
        remove_fillers: False when the fillers were already taken out (in the answer's context).
    """
    words = words_from_text(text)
    if remove_fillers:
        mask = filler_word_mask(words, find_fillers(words))
        words = [w for w, m in zip(words, mask, strict=True) if not m]
    return " ".join(n for n in (normalize(w.text) for w in words) if n)


def _is_past(tok: str) -> bool:
    return tok in _IRREGULAR_PAST or (tok.endswith("ed") and len(tok) > 4)


def _verb_after(tokens: Sequence[str], i: int) -> str:
    j = i + 1
    while j < len(tokens) and tokens[j] in _ADVERBS:
        j += 1
    return tokens[j] if j < len(tokens) else ""


def _subject_verbs(tokens: Sequence[str]) -> dict[str, float]:
    """Counts of past / present verbs right after "I", "we" and third-person subjects."""
    out = {"i_past": 0.0, "we_past": 0.0, "i_present": 0.0, "third_past": 0.0}
    for i, tok in enumerate(tokens):
        verb = _verb_after(tokens, i)
        if not verb:
            continue
        past = _is_past(verb) or verb in {"was", "were", "had", "did", "didn't"}
        if tok in _SUBJ_I:
            if past:
                out["i_past"] += 1
            elif verb not in _AUX_STATE and not verb.endswith("ing") and verb.isalpha():
                out["i_present"] += 1
        elif tok in _SUBJ_WE and past:
            out["we_past"] += 1
        elif tok in _SUBJ_THIRD and past:
            out["third_past"] += 1
    return {k: min(v, 3.0) / 3.0 for k, v in out.items()}


def grammar_features(clean: str, index: int, n: int, kind: str | None, q_sim: float) -> np.ndarray:
    """The grammatical feature vector of one sentence (order: ``GRAMMAR_NAMES``).

    Args:
        clean: The sentence from ``clean_sentence``.
        index: Its position in the answer (0-based).
        n: Number of sentences in the answer.
        kind: Question kind (``question_kind``), or None when unknown.
        q_sim: Cosine similarity between the sentence and the question embeddings (0 if none).

    Returns:
        float32 vector of ``len(GRAMMAR_NAMES)`` values, each about 0..1.
    """
    tokens = clean.split()
    nt = max(1, len(tokens))
    sv = _subject_verbs(tokens)
    body = [t for t in tokens if t not in _CONNECTIVES] or [""]
    first = body[0]
    second = body[1] if len(body) > 1 else ""
    past = sum(_is_past(t) or t in {"was", "were", "had", "did"} for t in tokens)
    present = sum(
        t in {"is", "are", "am", "'m", "i'm", "do", "does", "it's", "we're"} for t in tokens
    )
    f = {
        **sv,
        "past_ratio": min(1.0, 4.0 * past / nt),
        "present_ratio": min(1.0, 4.0 * present / nt),
        "ing": min(1.0, sum(t.endswith("ing") and len(t) > 4 for t in tokens) / 3.0),
        "past_perfect": float(
            bool(re.search(r"\b(had been|had \w+ed|'d been|\w+'d \w+ed)\b", clean))
        ),
        "subj_i": float(first in _SUBJ_I or first in {"i'm", "i've", "i'd"}),
        "subj_we": float(first in _SUBJ_WE or first in {"we're", "we've", "we'd"}),
        "subj_third": float(first in _SUBJ_THIRD),
        "subj_det_noun": float(first in _DETERMINERS and second not in {"", "i"}),
        "subj_there": float(first == "there"),
        "opens_connective": float(bool(tokens) and tokens[0] in _CONNECTIVES),
        "opens_sequence": float(bool(tokens) and tokens[0] in _SEQUENCE),
        "i_any": min(1.0, sum(t in {"i", "me", "my", "i'm", "i'd", "i've"} for t in tokens) / 3),
        "we_any": min(1.0, sum(t in {"we", "us", "our", "we're", "we'd"} for t in tokens) / 3),
        "third_any": min(
            1.0, sum(t in _SUBJ_THIRD or t in {"him", "her", "them", "his"} for t in tokens) / 3
        ),
        "you_any": min(1.0, sum(t in _YOU for t in tokens) / 2),
        "would": float(any(t in _MODAL_WOULD for t in tokens)),
        "should": float(any(t in {"should", "must", "shouldn't"} for t in tokens)),
        "habit": float(any(t in _HABIT for t in tokens)),
        "if": float("if" in tokens),
        "will": float(any(t in {"will", "i'll", "we'll", "going"} for t in tokens)),
        "goal": float(bool(_GOAL.search(clean))),
        "numbers": min(1.0, len(_NUM.findall(clean)) / 2.0),
        "time_unit": float(bool(_TIME_UNIT.search(clean))),
        "negation": min(1.0, len(_NEGATION.findall(clean)) / 2.0),
        "log_words": math.log1p(len(tokens)) / 4.0,
        "short": float(len(tokens) < 6),
        "pos": index / max(1, n - 1),
        "is_first": float(index == 0),
        "is_last": float(index == n - 1),
        "log_n": math.log1p(n) / 3.0,
        "kind_behavioral": float(kind == "behavioral"),
        "kind_open": float(kind == "open"),
        "kind_situational": float(kind == "situational"),
        "q_sim": q_sim,
    }
    return np.array([f[name] for name in GRAMMAR_NAMES], dtype=np.float32)


def sentence_matrix(
    cleaned: Sequence[str], kind: str | None, sent_emb: np.ndarray, q_emb: np.ndarray | None
) -> np.ndarray:
    """Feature matrix of one answer: [embedding | grammar | previous grammar | next grammar].

    Args:
        cleaned: The answer's sentences from ``clean_sentence``.
        kind: Question kind, or None.
        sent_emb: (n, d) unit sentence embeddings.
        q_emb: (d,) unit question embedding, or None.

    Returns:
        (n, d + 3 * len(GRAMMAR_NAMES)) float32 matrix (zeros stand for no neighbour).
    """
    n = len(cleaned)
    sims = sent_emb @ q_emb if q_emb is not None else np.zeros(n, dtype=np.float32)
    rows = [grammar_features(c, i, n, kind, float(sims[i])) for i, c in enumerate(cleaned)]
    grammar = np.vstack(rows) if rows else np.zeros((0, len(GRAMMAR_NAMES)), np.float32)
    pad = np.zeros((1, grammar.shape[1]), np.float32)
    before = np.vstack([pad, grammar[:-1]]) if n else grammar
    after = np.vstack([grammar[1:], pad]) if n else grammar
    parts = [sent_emb.astype(np.float32), grammar, before, after]
    return np.hstack(parts).astype(np.float32)
