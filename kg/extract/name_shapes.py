"""The shape and the syntactic slot of a name: program or organization, generic or owned, actor or place."""

from __future__ import annotations

import re

from rdflib import URIRef
from spacy.tokens import Span, Token

from kg.extract.lexicon import (
    COMPANY_NOUNS,
    FACILITY_PLURALS,
    FACILITY_WORDS,
    FACILITY_WORK_WORDS,
    GENERIC_WORDS,
    ORGANIZATION_WORDS,
    PROGRAM_NOUNS,
    WORK_WORDS,
)
from kg.namespaces import QC

PROGRAM_WORDS: dict[str, tuple[URIRef, ...]] = {
    word: (QC.Program,)
    for word in (
        "programme",
        "program",
        "initiative",
        "flagship",
        "strategy",
        "mission",
        "arrangement",
        "declaration",
        "dialogue",
        "challenge",
        "hub",
        "pillar",
        "plan",
        "fund",
        "call",
        "competition",
        "infrastructure",
        "roadmap",
        "facility",
        "project",
        "partnership",
        "moonshot",
        "year",
        "goal",
        "agenda",
        "cofund",
        "concept",
    )
} | {"act": (QC.Legislation, QC.Program), "law": (QC.Legislation, QC.Program)}
_OWNER = r"[A-Z][\w.]*(?: [A-Z][\w.]*)*"
_JOINTLY_OWNED = re.compile(rf"{_OWNER}[–—-]{_OWNER} (?:Centre|Center|Lab)\b")  # "Max Planck–UBC Centre"
_TRAILING = frozenset({"'s", "’s", "of", "and", "for", "on", "the", "&"})
_BODY_STARTS = frozenset({"Department", "Ministry", "Office", "Agency", "Secretariat"})
_LEADING = frozenset({"the", "a", "an", "its", "their", "our", "this", "these", "both"})


def trimmed(span: Span) -> Span | None:
    """The span without leading articles or "Innsbruck-based", nor a trailing possessive, punctuation or
    "(ACRONYM" the statistical NER took in."""
    doc = span.doc
    start, end = span.start, span.end
    opening = next((t.i for t in span if t.text == "("), None)
    if opening is not None and opening > start:
        end = opening
    while start < end and (doc[start].lower_ in _LEADING or doc[start].text.islower()):
        start += 1  # "the", "federal Department of ..."
    body = next(
        (
            t.i + 1
            for t in reversed(doc[start:end])
            if t.text == "," and t.i + 1 < end and doc[t.i + 1].text in _BODY_STARTS
        ),
        None,
    )
    if body is not None:  # "Minister for Science, Research and Innovation, Department for Business, ..."
        start = body
    based = next((t.i for t in doc[start:end] if t.lower_ == "based" and doc[t.i - 1].text == "-"), None)
    if based is not None and based > start:
        start = based + 1
    while end > start and (span.doc[end - 1].is_punct or span.doc[end - 1].lower_ in _TRAILING):
        end -= 1
    return doc[start:end] if end > start else None


_PROJECT_BODIES = frozenset({"office", "management", "group", "team", "agency", "council", "board", "unit"})


def program_classes(name: str) -> tuple[URIRef, ...]:
    """A program's classes from its head word: "... Strategy", "Agreement on ...", "Act on ..."."""
    words = name.lower().split()
    if len(words) < 2 or name.split()[0] in _BODY_STARTS:  # "Department for ... Industrial Strategy"
        return ()
    if words[0] == "project" and name.split()[1][:1].isupper() and not _PROJECT_BODIES & set(words):
        return (QC.Program,)  # "Project Leap", not "Project Management Office"
    cut = next((i for i, w in enumerate(words) if w in ("on", "for", "of", "to") and i > 0), len(words))
    head = words[cut - 1]
    if head in PROGRAM_WORDS or head == "agreement" or (head == "statement" and cut < len(words)):
        return PROGRAM_WORDS.get(head, (QC.Program,))
    if head == "group" and {"focus", "working", "specification", "study", "expert"} & set(words):
        return (QC.Program,)
    return PROGRAM_WORDS.get(words[-1], ())


def generic(name: str) -> bool:
    """ "National Quantum Strategy": a program name that says whose only with its owner."""
    return all(w.lower() in GENERIC_WORDS or w.lower() in PROGRAM_WORDS for w in name.split())


def owned(span: Span, name: str) -> str:
    """ "Canada's National Quantum Strategy": the owner before a possessive becomes part of the name."""
    doc = span.doc
    if span.start >= 2 and doc[span.start - 1].lower_ in ("'s", "’s"):
        owner = next((e for e in doc.ents if e.end == span.start - 1), None)
        if owner is not None:
            return f"{owner.text}'s {name}"
    return name


def _coded(name: str) -> bool:
    """A name written like a program's: with a number, in capitals or camel case, or a program word."""
    words = name.split()
    return (
        any(c.isdigit() for c in name)
        or any(w.isupper() or (w[:1].isupper() and any(c.isupper() for c in w[1:])) for w in words)
        or any(w.lower() in PROGRAM_WORDS for w in words)
    )


def program_noun_follows(span: Span) -> bool:
    """Whether the name is a program's: "the OPENQKD project", "SAGA, the segment", "under Horizon 2020"."""
    doc = span.doc
    if span.end < len(doc) and doc[span.end].lower_ in PROGRAM_NOUNS:
        return True
    root = span.root
    if root.dep_ == "compound" and root.head.lower_ in PROGRAM_NOUNS and root.head.i >= span.end:
        return True
    if root.dep_ == "pobj" and root.head.lower_ in ("under", "through", "via") and _coded(span.text):
        return True  # "under Horizon 2020", "through NextGenerationEU", not "under Leo Kouwenhoven"
    if (
        root.dep_ in ("oprd", "attr", "dobj")
        and root.head.lemma_ in ("call", "name", "dub")
        and (
            root.head.head.lower_ in PROGRAM_NOUNS  # "a coordination and support action called PETRUS"
        )
    ):
        return True
    if _expanded_as_work(span):
        return True
    if (
        span.start >= 2
        and doc[span.start - 1].text in (",", "called", "named")
        and (
            doc[span.start - 2].lower_ in PROGRAM_NOUNS  # "a coordination and support action, QFlag,"
        )
    ):
        return True
    if _listed_as_program(root) or _described_after(span):
        return True
    if any(c.dep_ == "appos" and c.lower_ in PROGRAM_NOUNS for c in root.children):
        return True
    if root.dep_ == "appos" and root.head.lower_ in PROGRAM_NOUNS:
        return True
    head = root.head
    return (
        root.dep_ == "nsubj"
        and head.lemma_ == "be"
        and any(c.dep_ == "attr" and c.lower_ in PROGRAM_NOUNS for c in head.children)
    )


def _described_after(span: Span) -> bool:
    """ "QuantIC, the hub for quantum enhanced imaging": a code name and, after a comma, what it is."""
    doc = span.doc
    at = span.end
    if not _coded(span.text) or at + 2 >= len(doc) or doc[at].text != ",":
        return False
    at += 1
    if doc[at].lower_ not in ("the", "a", "an"):
        return False
    at += 1
    while at < len(doc) and at - span.end <= 6 and doc[at].pos_ in ("ADJ", "NOUN", "PROPN", "PUNCT"):
        if doc[at].lower_ in PROGRAM_NOUNS:
            return True
        if doc[at].is_punct and doc[at].text not in ("-", "–"):
            return False
        at += 1
    return False


def _expanded_as_work(span: Span) -> bool:
    """ "AQTION (Advanced Quantum computing with Trapped IONs)": a code name spelled out as a piece of work,
    not as an organization."""
    doc = span.doc
    start = span.end
    while start < len(doc) and doc[start].text.strip("*_") == "":  # "**AQTION** (...)"
        start += 1
    if start + 2 >= len(doc) or doc[start].text != "(":
        return False
    close = next((t.i for t in doc[start + 1 : start + 14] if t.text == ")"), None)
    if close is None or close - start < 3:
        return False
    inner = {t.lower_ for t in doc[start + 1 : close]}
    return bool(inner & WORK_WORDS) and not inner & ORGANIZATION_WORDS


def program_slot(span: Span) -> bool:
    """The subject of "is being built", "was funded", "was launched": what programs are said to undergo;
    or a name "coordinated by" someone ("UNIQORN, coordinated by AIT")."""
    root = span.root
    if any(c.dep_ == "acl" and c.lemma_ in ("coordinate", "co-ordinate") for c in root.children):
        return True
    if _coded(span.text) and any(
        c.dep_ == "acl" and c.lemma_ == "lead" and _led_by_a_body(c) for c in root.children
    ):
        return True  # "Q-NEXT, led by Argonne National Laboratory", not "IQM, led by Jan Goetz"
    listed = [root, *root.conjuncts]  # "Qu-Test and Qu-Pilot, launched in 2023"
    if any(_described_as_program(t, _coded(span.text)) for t in listed):
        return True
    if (
        _coded(span.text)
        and root.dep_ == "dobj"
        and root.head.lemma_ in ("lead", "coordinate", "run", "host")
    ):
        return True  # "Argonne leads Q-NEXT"
    return root.dep_ == "nsubjpass" and root.head.lemma_ in (
        "build",
        "fund",
        "launch",
        "lead",
        "coordinate",
        "finance",
        "co-fund",
        "develop",
        "run",
        "deploy",
    )


# What a program is said to be ("QuantERA, an ERA-NET Cofund", "Q-NEXT, one of the five centres") and to
# undergo in a clause about it ("OpenSuperQPlus, which started in 2023", "Qu-Test, launched under ...").
_PROGRAM_APPOSITIONS = frozenset(
    {
        "programme",
        "program",
        "initiative",
        "project",
        "mission",
        "cofund",
        "scheme",
        "call",
        "flagship",
        "centre",
        "center",
        "centres",
        "centers",
        "hub",
        "hubs",
        "testbed",
        "partnership",
        "strategy",
    }
)
_PROGRAM_CLAUSE_VERBS = frozenset({"launch", "start", "begin", "run", "co-fund", "fund", "coordinate"})


def _indefinite(noun: Token) -> bool:
    return any(d.lower_ in ("a", "an") for d in noun.children)


def _described_as_program(root: Token, coded: bool) -> bool:
    for child in root.children:
        if child.dep_ == "appos":
            nouns = [child, *(g for c in child.children if c.dep_ == "prep" for g in c.children)]
            common = [n for n in nouns if n.text.islower() or _indefinite(n)]
            if any(n.lower_ in _PROGRAM_APPOSITIONS for n in common):
                return True  # "QuantERA, an ERA-NET Cofund", "Q-NEXT, one of the five centres"
        if coded and child.dep_ in ("acl", "relcl") and child.lemma_.lower() in _PROGRAM_CLAUSE_VERBS:
            subject = next((c for c in child.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is None or subject.tag_ == "WDT":  # "which started", "launched in 2023"
                return True
    return False


def _led_by_a_body(verb: Token) -> bool:
    """ "led by Argonne National Laboratory": the agent is an organization, not a person."""
    agents = [t for c in verb.children if c.dep_ == "agent" for t in c.children if t.dep_ == "pobj"]
    return any(t.ent_type_ and t.ent_type_ != "PERSON" for t in agents)


def acts(span: Span) -> bool:
    """A region that acts ("Queensland will invest", "the Queensland Government"), not a place."""
    doc = span.doc
    if span.end < len(doc) and doc[span.end].lower_ == "government":
        return True
    token = span.root
    while token.dep_ == "conj" and token.head is not token:  # "Australia and Queensland will invest"
        token = token.head
    if token.dep_ in ("amod", "compound") and token.head.lemma_.lower() in ("government", "state"):
        return True  # "the Australian and Queensland governments"
    return token.dep_ in ("nsubj", "nsubjpass", "poss", "agent") or (
        token.dep_ == "pobj" and token.head.lower_ in ("by", "with", "between")
    )


def company_context(span: Span) -> bool:
    """ "the UK company Craft Prospect", "companies such as Airbus", "X, a Finnish start-up"."""
    doc = span.doc
    before = [t.lower_ for t in doc[max(0, span.start - 3) : span.start]]
    if any(word in COMPANY_NOUNS for word in before):
        return True
    head = span.root
    for _ in range(5):
        if head.lower_ in COMPANY_NOUNS and head.i not in range(span.start, span.end):
            return True
        if any(c.dep_ == "appos" and c.lower_ in COMPANY_NOUNS for c in head.children):
            return True
        if head.head is head:
            break
        head = head.head
    return any(c.dep_ == "appos" and c.lower_ in COMPANY_NOUNS for c in span.root.children)


def _listed_as_program(token: Token) -> bool:
    """ "projects such as OpenSuperQ, AQTION and PASQuanS", "programmes including ARTES"."""
    current = token
    for _ in range(8):
        if current.dep_ == "conj" or current.dep_ == "appos":
            current = current.head
            continue
        if current.dep_ == "pobj" and current.head.lower_ in ("as", "including", "like"):
            noun = current.head.head
            noun = noun.head if noun.lower_ == "such" else noun
            return noun.lower_ in PROGRAM_NOUNS
        if current.dep_ in ("dobj", "attr") and current.head.lemma_ in ("include", "comprise", "be"):
            return any(c.dep_ == "nsubj" and c.lower_ in PROGRAM_NOUNS for c in current.head.children)
        return False
    return False


def is_place_slot(span: Span) -> bool:
    """ "at Harwell", "in Copenhagen", "near Stuttgart": one word after a preposition of place (or an ADJ)."""
    root = span.root
    if len(span) == 1 and root.pos_ == "ADJ":
        return True
    return len(span) == 1 and root.dep_ == "pobj" and root.head.lower_ in ("at", "in", "near", "outside")


def facility_program(name: str) -> bool:
    """ "Binnig and Rohrer Nanotechnology Center", "Center for Quantum Error Correction", "Quantum Leap
    Challenge Institutes": a facility set up for a piece of work (or a set of them) is a program; "German
    Aerospace Center" and "RIKEN Center for Quantum Computing" (an organization's unit) stay actors."""
    words = name.lower().split()
    if len(words) < 2:
        return False
    if words[-1] in FACILITY_WORDS and "quantum" in words:
        return True
    if re.search(r"\b(?:centres?|centers?) of excellence\b|\bchallenge institutes?\b", name, re.IGNORECASE):
        return True  # "ARC Centre of Excellence for ...", "NSF Quantum Leap Challenge Institute for ..."
    if _JOINTLY_OWNED.match(name):
        return True  # "Max Planck–UBC Centre for Quantum Materials": a centre two owners run together
    cut = next((i for i, w in enumerate(words) if w in ("for", "of", "on", "in") and i > 0), len(words))
    head, before, after = words[cut - 1], words[: cut - 1], words[cut:]
    if head in FACILITY_PLURALS:
        return "quantum" in words
    if head not in FACILITY_WORDS:
        return False
    if not before:
        return "quantum" in after
    return any(part in FACILITY_WORK_WORDS for word in before for part in (word, *word.split("-")))
