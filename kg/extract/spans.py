"""A name's span in a parsed sentence: the mention it makes, and how spans are cut, joined and judged."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rdflib import URIRef
from spacy.tokens import Doc, Span, Token

from kg.extract.gazetteer import KnownEntity
from kg.extract.lexicon import (
    COLLAB_NOUNS,
    COMPANY_NOUNS,
    GENERIC_WORDS,
    PARTNER_VERBS,
    SITE_HEADS,
    TITLE_WORDS,
)
from kg.extract.methods import Method
from kg.extract.name_shapes import facility_program
from kg.extract.organizations import FIELD_WORDS, OrgMatch
from kg.namespaces import QC, QCR
from kg.text.sentences import slugify

STRONG_SLOT = 0.7
ACRONYM = re.compile(r"[A-Z][A-Za-z0-9&\-²]*[A-Z0-9²][A-Za-z0-9&\-²]*")


@dataclass(frozen=True)
class EntityMention:
    """An actor or program named in a sentence: token span, absolute character span and identity."""

    start: int
    end: int
    char_start: int
    char_end: int
    name: str
    iri: URIRef
    kind: str
    classes: tuple[URIRef, ...]
    entry: KnownEntity | None
    method: Method
    confidence: float

    def covers(self, token: Token) -> bool:
        """True when the token is part of this mention."""
        return self.start <= token.i < self.end


def proper_runs(doc: Doc) -> list[Span]:
    """Runs of capitalized proper nouns no entity covers ("Craft Prospect", "Diraq"): for actor slots."""
    runs: list[Span] = []
    start = None
    for token in [*doc, None]:
        proper = token is not None and token.pos_ == "PROPN" and token.text[:1].isupper()
        proper = proper and (
            not token.ent_type_ or lone_misread(token) or generic_entity(token)  # type: ignore[arg-type]
        )
        if proper and start is None:
            start = token.i  # type: ignore[union-attr]
        elif not proper and start is not None:
            end = token.i if token is not None else len(doc)
            if end - start <= 4 and not (start == 0 and end - start == 1):
                runs.append(doc[start:end])
            start = None
    return runs


def generic_entity(token: Token) -> bool:
    """A one-word entity that is only a generic word ("Quantum" of "Quantum Policy Dialogue")."""
    return (
        token.ent_type_ == "ORG"
        and token.ent_iob_ == "B"
        and token.lower_ in GENERIC_WORDS
        and (token.i + 1 >= len(token.doc) or token.nbor(1).ent_iob_ != "I")
    )


def lone_misread(token: Token) -> bool:
    """A one-word name NER took for a person or a place ("Orange", "Leonardo"): an actor in a strong slot."""
    return (
        token.ent_type_ in ("PERSON", "GPE") and token.ent_iob_ == "B" and token.nbor(1).ent_iob_ != "I"
        if token.i + 1 < len(token.doc)
        else token.ent_type_ in ("PERSON", "GPE") and token.ent_iob_ == "B"
    )


def actor_slot(span: Span, found: list[EntityMention]) -> float | None:
    """How likely an unknown code ("SES", "GRNET") names an actor from its slot: "led by SES", "X and SES".

    The subject of a verb is the weakest slot (programs are subjects too): below the default threshold,
    such a name goes to the review report.
    """
    root = span.root
    before = span.doc[span.start - 1] if span.start else None
    actor_tokens = {i for m in found if m.kind == "actor" for i in range(m.start, m.end)}
    if before is not None and before.lower_ in COMPANY_NOUNS:
        return 0.75
    partner_of = root.head.lower_ == "of" and root.head.head.lemma_.lower() in ("partner", "partnership")
    if root.dep_ == "pobj" and (root.head.lower_ in ("by", "with", "between", "alongside") or partner_of):
        governor = root.head.head  # "collaborating with Cisco", "an alliance with Quandela"
        partnering_with = root.head.lower_ in ("with", "alongside") and (
            governor.lemma_.lower() in PARTNER_VERBS | {"work"} or governor.lower_ in COLLAB_NOUNS
        )
        return STRONG_SLOT if partnering_with else 0.65
    if (root.dep_ == "conj" and root.head.i in actor_tokens) or any(
        c.dep_ == "conj" and c.i in actor_tokens for c in root.children
    ):
        return 0.65
    subject = root.head if root.dep_ == "conj" and root.head.dep_ == "nsubj" else root
    verb = subject.head
    partnering = verb.lemma_.lower() in PARTNER_VERBS and (
        verb.lemma_.lower() != "take" or any(c.lower_ == "part" for c in verb.children)
    )
    if subject.dep_ == "nsubj" and partnering:
        return STRONG_SLOT  # "in which Orange and Leonardo took part", "Diraq partnered with"
    if root.dep_ == "nsubj" and root.head.pos_ == "VERB":
        return 0.55
    return None


def titled_person(span: Span) -> bool:
    """ "François-Philippe Champagne, then Minister of Innovation": a person named with their office."""
    doc = span.doc
    after = [t for t in doc[span.end : span.end + 4]]
    if not after or after[0].text != ",":
        return False
    words = [t.lower_ for t in after[1:]]
    while words and words[0] in ("then", "the", "former", "its", "a", "now"):
        words = words[1:]
    return bool(words) and words[0] in TITLE_WORDS


def field_after_and(span: Span) -> bool:
    """ "Minister of Science and ICT": a field of a longer name, not a name of its own."""
    doc = span.doc
    return (
        len(span) == 1
        and span.start >= 2
        and doc[span.start - 1].lower_ == "and"
        and doc[span.start - 2].lower_ in FIELD_WORDS
    )


def plain(match: OrgMatch) -> str:
    """ "Ministry of Education (Japan)" as the text names it: "Ministry of Education"."""
    return match.name.removesuffix(f" ({match.owner.pref_label})") if match.owner else match.name


def longest(doc: Doc, found: list[EntityMention]) -> list[EntityMention]:
    """The longest names that do not overlap, in text order, with "CSC – IT Center for Science" joined."""
    chosen: list[EntityMention] = []
    for mention in sorted(found, key=lambda m: (m.start - m.end, m.start)):
        if all(mention.end <= c.start or mention.start >= c.end for c in chosen):
            chosen.append(mention)
    return dash_names(doc, sorted(chosen, key=lambda m: m.start))


def dateline(doc: Doc, mention: EntityMention) -> bool:
    """ "BRISBANE - ...", "**ESPOO, January 2024** –": the place a news story was filed from."""
    first = next((t.i for t in doc if t.text.strip("*_") != ""), 0)
    after = mention.end
    return (
        mention.entry is None
        and mention.kind != "program"  # "- Q-NEXT, led by Argonne ...": a list of centres, not a dateline
        and mention.start == first
        and mention.name.isupper()
        and len(mention.name) >= 4
        and after < len(doc)
        and doc[after].text in ("-", "–", "—", ",", ":")
    )


def quantum_facility(mention: EntityMention) -> bool:
    """ "the Spin Quantum Computing Center", "Quantum Materials Lab": a facility set up for quantum work is a
    program; "Centre for Quantum Technologies" and "German Aerospace Center" stay actors."""
    return mention.kind == "actor" and mention.entry is None and facility_program(mention.name)


def site_named(doc: Doc, mention: EntityMention, taken: set[int]) -> EntityMention:
    """ "IBM Research – Zurich": a laboratory named by its company and its site is a name of its own."""
    dash = mention.end
    if dash < len(doc) and doc[dash].text.istitle() and doc[dash].lower_ in SITE_HEADS and dash not in taken:
        dash += 1  # "IBM" + "Research"
    site = dash + 1
    if (
        mention.kind != "actor"
        or site >= len(doc)
        or doc[dash].text not in ("–", "—")
        or site in taken
        or not doc[site].text.istitle()
        or (site + 1 < len(doc) and doc[site + 1].text.istitle())
        or doc[dash - 1].lower_ not in SITE_HEADS
    ):
        return mention
    name = " ".join(doc[mention.start : site + 1].text.split())
    return replace(
        mention,
        end=site + 1,
        char_end=mention.char_start + doc[site].idx + len(doc[site]) - doc[mention.start].idx,
        name=name,
        iri=QCR[slugify(name)],
        entry=None,
        classes=(QC.ResearchInstitute,),
    )


def new_mention(
    span: Span,
    offset: int,
    name: str,
    iri: URIRef,
    kind: str,
    classes: tuple[URIRef, ...],
    entry: KnownEntity | None,
    method: Method,
    confidence: float,
) -> EntityMention:
    """A mention of the words of `span` in a sentence that starts at `offset` in the document."""
    chars = (offset + span.start_char, offset + span.end_char)
    return EntityMention(span.start, span.end, *chars, name, iri, kind, classes, entry, method, confidence)


def joined(previous: EntityMention, mention: EntityMention, name: str, **changes: object) -> EntityMention:
    """Two mentions read as one name, a new entity ("CSC – IT Center for Science", "Max Planck–UBC ...")."""
    return replace(
        mention,
        start=previous.start,
        char_start=previous.char_start,
        name=name,
        iri=QCR[slugify(name)],
        entry=None,
        **changes,  # type: ignore[arg-type]
    )


def dash_names(doc: Doc, mentions: list[EntityMention]) -> list[EntityMention]:
    """ "CSC – IT Center for Science": an acronym, a dash and a new name are one name."""
    merged: list[EntityMention] = []
    taken = {i for m in mentions for i in range(m.start, m.end)}
    for mention in mentions:
        mention = site_named(doc, mention, taken)
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.kind == mention.kind == "actor"
            and mention.entry is None
            and previous.end - previous.start == 1
            and previous.name.isupper()
            and mention.start == previous.end + 1
            and doc[previous.end].text in ("–", "—")
        ):
            merged[-1] = joined(previous, mention, f"{previous.name} – {mention.name}")
            continue
        if (centre := _jointly_run(doc, merged, mention)) is not None:
            merged[-1:] = [centre]
            continue
        merged.append(mention)
    return merged


def _jointly_run(doc: Doc, merged: list[EntityMention], mention: EntityMention) -> EntityMention | None:
    """ "Max Planck" + "–" + "UBC Centre for Quantum Materials" (no spaces): one centre, a program, that
    its owners run together; "Max Planck–UBC–UTokyo Centre" too."""
    previous = merged[-1] if merged else None
    if previous is None or previous.kind != "actor" or mention.kind != "actor" or mention.entry is not None:
        return None
    dash = doc[previous.end] if previous.end < len(doc) else None
    if dash is None or mention.start != previous.end + 1 or dash.text not in ("–", "—", "-"):
        return None
    if dash.whitespace_ or doc[previous.end - 1].whitespace_:
        return None  # "CSC – IT Center": spaced dashes are other names
    name = f"{previous.name}{dash.text}{mention.name}"
    if not facility_program(name):
        return None
    return joined(previous, mention, name, kind="program", classes=(QC.Program,))


def bracketed_acronym(doc: Doc, end: int) -> tuple[int, int, str] | None:
    """The tokens and text of "(ACR)" right after a name, past Markdown emphasis ("**Name** (ACR)",
    "(**QRDI**)"), or None. An acronym the tokenizer split at its hyphens ("(Q-LEAP)": Q, -, LEAP) is one,
    its tokens joined with no space between them."""
    while end < len(doc) and doc[end].text.strip("*_") == "":
        end += 1
    if end + 2 >= len(doc) or doc[end].text != "(":
        return None
    inner = [t for t in doc[end + 1 : end + 10] if t.text.strip("*_") != ""]
    closing = next((k for k, t in enumerate(inner) if t.text == ")"), None)
    if not closing:
        return None
    parts = inner[:closing]
    if any(t.whitespace_ for t in parts[:-1]) or any(t.text in ("(", ",", ";") for t in parts):
        return None
    if len(parts) > 1 and (parts[0].text in "-–" or parts[-1].text in "-–"):
        return None
    return parts[0].i, parts[-1].i + 1, "".join(t.text for t in parts)


def acronym_after(doc: Doc, end: int) -> int | None:
    """The position of the first token of "(ACR)" right after a name (see bracketed_acronym), or None."""
    found = bracketed_acronym(doc, end)
    return found[0] if found is not None else None


def fits(acronym: str, mention: EntityMention) -> bool:
    """Whether "(VTT)" can abbreviate the name before it. A place must begin with the acronym's letter:
    "... Centre of Finland (VTT)" read as "Finland" is not VTT ("(TNO)" may well be Dutch for the name)."""
    if acronym == mention.name:
        return False
    if not ACRONYM.fullmatch(acronym):  # "University of the Witwatersrand (Wits)": a short form of a word
        words = [w.lower() for w in re.split(r"[\s\-–]+", mention.name) if w[:1].isupper()]
        return (
            acronym.istitle()
            and len(acronym) >= 3
            and any(w[:3] == acronym.lower()[:3] and len(w) - len(acronym) >= 3 for w in words)
        )
    if not set(mention.classes) & {QC.Country, QC.Region, QC.SupranationalUnion}:
        return True
    return any(word[:1].lower() == acronym[0].lower() for word in re.split(r"[\s\-–]+", mention.name))
