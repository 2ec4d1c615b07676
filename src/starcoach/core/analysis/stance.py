"""Stance and digression signals of one sentence, for the ``negative`` and ``off_topic`` flags.

Negativity is a judgement aimed at a person or an organisation: a target (my manager, the
company, coworkers, the customer, "he", "they") plus contempt (lazy, useless, a joke), blame
(it was their fault, threw me under the bus), neglect said of someone else (never listened,
didn't care, wasn't much help), a sweeping claim about people (they always do, people like that)
or a dismissive aside (whatever, come on, honestly). A neutral account of a hard moment ("the
customer was furious", "we were short-staffed") names emotions and pressure, not faults; it is
counted separately so the learned weights can tell the two apart. Negated contempt ("he wasn't
rude") does not count, and fault taken on oneself ("it was my fault") is not blame.

A digression is about the speaker's life away from the story (family, pets, hobbies, the
weekend, the weather) or is announced as an aside ("funny thing", "long story", "anyway").

Every list is general English vocabulary, not phrases of a particular answer; the weights that
combine these signals are learned (``model_training``).
"""

from __future__ import annotations

import re

import numpy as np


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a block of text, as a set."""
    return frozenset(text.split())


_CONTEMPT = _words("""
useless lazy rude incompetent clueless toxic stupid dumb idiot idiots idiotic moron morons jerk
jerks arrogant selfish pathetic hopeless careless unprofessional ignorant condescending rude
disrespectful dishonest liar liars shady sloppy greedy petty nasty lousy terrible awful horrible
joke lunatic psycho clown clowns animals
entitled spoiled bossy controlling obsessed two-faced fake spineless gutless hypocrite
hypocritical cruel creepy annoying obnoxious unbearable clueless
unreliable untrustworthy inept amateur amateurs cheap stingy cheapskate slacker slackers
slacking lazier laziest brat brats snob snobby smug bully bullies tyrant backstabbing gossip
gossipy disorganized dysfunctional unreasonable irresponsible
""")
"""Words that run a person or a place down."""
_HARSH = _words("""
worst disaster nightmare mess messy chaotic ridiculous crazy insane terrible awful horrible
impossible miserable pointless hopeless weird
""")
"""Harsh words that describe situations as often as people: they count only when aimed at a
person named just before them ("the management there is a disaster")."""
_BLAME = re.compile(
    r"\b(blam\w*|(his|her|their|its|\w+'s) fault|under the bus|lied|lying|lies"
    r"|took (all )?(the )?credit|messed (it |things )?up"
    r"|screwed (it |things |us |me )?up|wrote (me|us) up|complained about (me|us)|set (me|us) up"
    r"|not fair|wasn't fair|isn't fair|unfair|dumped (it|this|that|everything) on"
    r"|left (me|us) to|made (me|us) look|(get|gets|got|getting) (mad|angry|upset) at (me|us)"
    r"|(yell|yelled|yelling|snapped|screamed) at (me|us)|their problem)\b"
)
"""Blame put on someone (fault taken on oneself is checked apart)."""
_SELF_FAULT = re.compile(r"\b(my|our) (own )?fault\b|\bi (messed|screwed) up\b|\bi blamed myself\b")
_NOT_SELF_FAULT = re.compile(r"\b(not|isn't|wasn't|never) (really )?(my|our) fault\b")
_NEG = r"(didn't|don't|doesn't|never|wouldn't|couldn't|can't|won't|wasn't|weren't|isn't|aren't|not)"
_DUTY = re.compile(
    rf"\b{_NEG} (\w+ ){{0,2}}(care|cared|cares|help|helped|helpful|listen|listened|listens"
    r"|bother|bothered|know|knew|fix|fixed|answer|answered|answers|respond|responded|train"
    r"|trained|support|supported|do anything|did anything|do his|do her"
    r"|do their|do the job|pick up|picked up|follow through|back (me|us) up|backed (me|us) up"
    r"|stand up for|stood up for"
    r"|much help|any help|easy to work|there for)\b"
)
"""Neglect: a duty not done ("never listened", "didn't care", "wasn't much help")."""
_COMPLAINT = re.compile(
    r"\b(took (forever|ages)|couldn't care less|couldn't be bothered|no idea what|not that hard"
    r"|not rocket science|get away with|acting like|sick of|fed up|had enough|drove me (crazy|nuts)"
    r"|drives me (crazy|nuts)|a pain|pain in the|for no reason|out of nowhere|zero (help|support)"
    r"|talked down|looked down|passed the buck|cut corners|no clue|played favou?rites|favou?ritism"
    r"|took it out on|went behind (my|our) back|backstab\w*|never (once )?thanked)\b"
)
"""Stock phrases of complaint about how someone behaved."""
_SWEEP = re.compile(
    r"\b(they always|they never|people always|people never"
    r"|(people|customers|clients|guests|callers|folks|guys) like (that|them|this|him|her)"
    r"|always do|nobody (cared|cares|knew|listened|helped)|everybody knew|everyone knew"
    r"|some people|those people|these people|a lot of (people|customers|them|the customers)"
    r"|half of them|none of them|every single time|all the time|of course (he|she|they)"
    r"|typical)\b"
)
"""A sweeping claim about people."""
_COUNTERFACTUAL = re.compile(
    r"\b(he|she|they|him|her|them|manager|boss|supervisor|customer|management)( \w+)? (could've|"
    r"should've|could have|should have|was supposed to|were supposed to)\b"
)
"""Blame by what someone else could have done ("she could've just said something")."""
_ASIDE = re.compile(
    r"\b(whatever|come on|i'm sorry but|no offense|honestly|frankly|for real|seriously"
    r"|give me a break|it's not (that|rocket)|it's like|of course|literally|to be fair"
    r"|to be honest|if you knew|you know the type|i swear)\b"
)
"""A dismissive or editorial aside."""
_TARGET = _words("""
manager managers management boss bosses supervisor supervisors coworker coworkers co-worker
co-workers colleague colleagues customer customers client clients guest guests caller callers
passenger passengers patient patients people guy guys lady ladies girl woman man he she they
them him her everybody everyone nobody company companies corporate employer owner owners
director staff team department headquarters leadership teammate teammates
""")
"""Who or what a judgement can be aimed at."""
_COPULA = frozenset({"is", "was", "are", "were", "'s", "they're", "he's", "she's", "being", "been"})
_SELF = frozenset({"i", "we", "i'm", "we're", "i've", "i'd", "we'd"})
_HARDSHIP = _words("""
upset angry furious frustrated mad annoyed stressed stressful panicked panicking worried crying
yelling shouting screaming emotional confused scared nervous tense heated irate livid busy
short-staffed understaffed slammed swamped overwhelmed backed backlog rush chaos hectic long
late delayed cancelled canceled broken down outage crashed difficult hard tough
""")
"""Emotion and pressure: how a neutral account of a hard situation sounds."""
_KIN = _words("""
cousin cousins sister sisters brother brothers brother-in-law sister-in-law uncle aunt mom dad
mother father grandma grandpa grandmother grandfather wife husband girlfriend boyfriend fiance
fiancee kids son daughter nephew niece neighbor neighbour neighbors roommate in-laws family dog
dogs puppy cat cats kitten pet pets car apartment landlord house
""")
"""Family, pets and belongings: life away from the story when they are the speaker's own."""
_LEISURE = _words("""
hobby hobbies weekend weekends vacation hike hiking gym workout lifting powerlifting squat yoga
marathon photography painting guitar piano concert movie movies netflix gaming football soccer
basketball baseball hockey golf fishing camping beach gardening baking recipe weather rain snow
sunny traffic towed wedding birthday church
""")
"""Leisure, weather and errands."""
_OFF_WORK = re.compile(
    r"\b(outside (of )?work|in my (free|spare|own) time|on the side|for fun"
    r"|after work|on (the )?weekends?|back home|growing up)\b"
)
"""Phrases that turn to the speaker's life outside work."""
_DIGRESS = re.compile(
    r"\b(funny thing|fun fact|side note|by the way|long story|whole other"
    r"|whole thing|another story|different story|speaking of|random(ly)?|unrelated|tangent"
    r"|off topic|but i digress|which is a story)\b"
)
"""Words that announce an aside."""

STANCE_NAMES = (
    "contempt",
    "blame",
    "neglect",
    "sweep",
    "aside",
    "target",
    "target_many",
    "self_subject",
    "self_fault",
    "hardship",
    "judged_target",
    "life",
    "digress",
    "third_subject",
    "harsh_aimed",
    "counterfactual",
)
"""Names of the stance signals, in vector order."""


def _negated(tokens: list[str], i: int) -> bool:
    """Whether the word at ``i`` follows a negation within the two words before it."""
    window = tokens[max(0, i - 3) : i]
    return any(t in {"not", "never", "no"} or t.endswith("n't") for t in window)


def _aimed(tokens: list[str], i: int) -> bool:
    """Whether the word at ``i`` is said of a person: "<target> is/was (a) <word>", unnegated."""
    before = tokens[max(0, i - 4) : i]
    copula = any(t in _COPULA for t in before)
    target = any(t in _TARGET for t in tokens[max(0, i - 7) : i])
    return copula and target and not _negated(tokens, i)


def _life(tokens: list[str]) -> int:
    """Words about the speaker's life: "my"/"our" + kin, pet or belonging, or leisure words."""
    own = sum(
        t in _KIN and bool({"my", "our"} & set(tokens[max(0, i - 2) : i]))
        for i, t in enumerate(tokens)
    )
    return own + sum(t in _LEISURE for t in tokens) + len(_OFF_WORK.findall(" ".join(tokens)))


def _said_of_self(before: str) -> bool:
    """Whether the clause ending at a negation has "I" or "we" as its subject."""
    words = before.split()[-3:]
    return any(w in _SELF for w in words)


def stance_features(clean: str) -> np.ndarray:
    """The stance signals of one sentence (order: ``STANCE_NAMES``), each 0..1.

    Args:
        clean: The sentence lower-cased, punctuation and fillers removed (``clean_sentence``).
    """
    tokens = clean.split()
    aimed = sum(t in _HARSH and _aimed(tokens, i) for i, t in enumerate(tokens))
    contempt = sum(t in _CONTEMPT and not _negated(tokens, i) for i, t in enumerate(tokens))
    self_fault = bool(_SELF_FAULT.search(clean)) and not _NOT_SELF_FAULT.search(clean)
    blame = (
        len(_BLAME.findall(clean))
        + bool(_NOT_SELF_FAULT.search(clean))
        + len(_COMPLAINT.findall(clean))
    )
    duty = [m for m in _DUTY.finditer(clean) if not _said_of_self(clean[: m.start()])]
    target = sum(t in _TARGET for t in tokens)
    first = next((t for t in tokens if t not in {"and", "but", "so", "then", "because"}), "")
    self_subject = first in _SELF
    third = first in _TARGET or first in {"my", "our", "the", "this", "that", "his", "their"}
    sweep = bool(_SWEEP.search(clean))
    counter = bool(_COUNTERFACTUAL.search(clean))
    judged = float(min(1, contempt + aimed + blame + len(duty) + sweep + counter) * (target > 0))
    return np.array(
        [
            min(contempt, 2) / 2.0,
            min(blame, 2) / 2.0,
            min(len(duty), 2) / 2.0,
            float(sweep),
            min(len(_ASIDE.findall(clean)), 2) / 2.0,
            float(target > 0),
            min(target, 4) / 4.0,
            float(self_subject),
            float(self_fault),
            min(sum(t in _HARDSHIP for t in tokens), 2) / 2.0,
            judged,
            min(_life(tokens), 2) / 2.0,
            float(bool(_DIGRESS.search(clean))),
            float(third),
            min(aimed, 1),
            float(counter),
        ],
        dtype=np.float32,
    )
