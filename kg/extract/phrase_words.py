"""What single words of a parse say: the object of "of", an agreement noun, a relative pronoun."""

from __future__ import annotations

from spacy.tokens import Token

from kg.extract.lexicon import (
    COLLAB_NOUNS,
    CONSORTIUM_NOUNS,
    DESCRIPTOR_NOUNS,
    JOINT_NOUNS,
    LOOSE_JOINT_VERBS,
    PEOPLE_NOUNS,
    PLAN_NOUNS,
    PROGRAM_NOUNS,
    STATE_NOUNS,
    words,
)


def of_objects(noun: Token) -> list[Token]:
    """ "memorandum of understanding": the noun after "of"."""
    return [
        g
        for c in noun.children
        if c.dep_ == "prep" and c.lower_ == "of"
        for g in c.children
        if g.dep_ == "pobj"
    ]


def one_agreement(obj: Token) -> bool:
    """ "an agreement with X and Y", "a plan with X and Y" (one, among all three), not "agreements with"."""
    noun = obj.head.head if obj.head.dep_ == "prep" else obj.head
    if noun.dep_ == "amod" and noun.pos_ == "ADJ":  # "a plan worth US$100 million with X and Y"
        noun = noun.head
    return noun.tag_ == "NN" and noun.lemma_.lower() in COLLAB_NOUNS | PLAN_NOUNS


def is_attribute(token: Token) -> bool:
    """ "the Finnish company", "a British start-up": an adjective of origin, not an actor of the group
    ("the Finnish government" is one)."""
    return token.dep_ == "amod" and token.pos_ == "ADJ" and token.head.lemma_.lower() not in STATE_NOUNS


# Verbs whose subjects share what they set up or run ("X and Y established the Z Center").
SHARED_OBJECT_VERBS = LOOSE_JOINT_VERBS | words("inaugurate unveil install")
SHARED_THINGS = JOINT_NOUNS | PLAN_NOUNS | PROGRAM_NOUNS | words("center centre facility system")
# What brings actors together ("the flagship brings together X, Y and Z"): a program, said in a word.
GATHERING_NOUNS = PROGRAM_NOUNS | words(
    "centre center flagship network programme cluster consortium alliance"
)
# Verbs of an act done by two ("co-funded by X and Y").
CO_VERBS = words(
    "co-fund cofund co-finance co-develop co-design co-host co-organise co-organize co-sponsor co-chair "
    "co-invest"
)
# Verbs by which one actor takes in another's machine or centre ("host an IBM hub").
HOST_OBJECT_VERBS = words("host house install")
# What one actor strikes with another ("inked a deal with Y").
DEAL_NOUNS = words("deal deals")

# Nouns that stand for actors: "with colleagues at X", "with the governments of X and Y", "with partners".
ACTOR_HEADS = (
    PEOPLE_NOUNS
    | STATE_NOUNS
    | DESCRIPTOR_NOUNS
    | CONSORTIUM_NOUNS
    | words(
        "affiliate ally business counterpart country customer government institution member nation "
        "network operator organisation organization partner party player side stakeholder subsidiary"
    )
)


def is_relative(token: Token) -> bool:
    """ "which", "who", "each of which", "both of whom": the subject of a relative clause."""
    if token.tag_ in ("WDT", "WP") or token.lower_ in ("which", "who", "that"):
        return True
    return any(
        c.dep_ == "prep" and c.lower_ == "of" and any(g.tag_ in ("WDT", "WP") for g in c.children)
        for c in token.children
    )


def is_person(token: Token) -> bool:
    """ "Christopher Monroe of the University of Maryland": a person, not the organisation named after."""
    return token.ent_type_ == "PERSON"
