"""Where a statistical entity's name really ends: across "and", a list of fields or a campus name."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from kg.extract.language import KNOWN_LABEL_PREFIX
from kg.extract.lexicon import NAME_HEADS
from kg.extract.organizations import FIELD_WORDS, ORG_HEADS

# Words that end a name whose parts "and" joins ("French Alternative Energies and Atomic Energy Commission").
JOINED_HEADS = NAME_HEADS | frozenset(
    {
        "Commission",
        "Department",
        "Secretariat",
        "Fund",
        "Board",
        "Authority",
        "Society",
        "Association",
        "Federation",
        "Ministry",
        "University",
        "Academy",
        "Corporation",
        "Organisation",
        "Organization",
    }
)


def _unknown_title(token: Token) -> bool:
    """A capitalized word the gazetteer did not claim."""
    return token.text.istitle() and not token.ent_type_.startswith(KNOWN_LABEL_PREFIX)


def _joined_right(span: Span) -> Span | None:
    """ "Illinois Quantum" + "and Microelectronics Park"."""
    doc, end = span.doc, span.end
    if end + 1 >= len(doc) or doc[end].lower_ != "and" or any(t.text in JOINED_HEADS for t in span):
        return None  # "University of Helsinki and ...": the name is whole
    other = end + 1  # where an entity NER saw after "and" ends, if one starts there
    while doc[end + 1].ent_iob_ == "B" and other + 1 < len(doc) and doc[other + 1].ent_iob_ == "I":
        other += 1
    last = end + 1
    while last < len(doc) and last - end <= 4 and _unknown_title(doc[last]):
        if doc[last].text in JOINED_HEADS:
            if doc[end + 1].ent_iob_ == "B" and other > last:
                return None  # "Quantum Motion and University College London": the joined part is cut short
            return doc[span.start : last + 1]
        last += 1
    return None


NAME_PARTICLES = frozenset({"de", "du", "des", "di", "del", "della", "der", "la", "van", "von", "voor"})


def _particle_joined(span: Span) -> Span | None:
    """ "Banque de" + "France", "Agence nationale de la" + "recherche": a name in a language whose names
    run on through a lower-case particle, where NER stopped at the particle."""
    doc, end = span.doc, span.end
    if span[-1].lower_ not in NAME_PARTICLES or span[-1].text != span[-1].lower_:
        return None
    last = end

    def runs_on(token: Token) -> bool:
        return token.lower_ in NAME_PARTICLES or token.text[:1].isupper()

    while last < len(doc) and last - end < 4 and runs_on(doc[last]):
        last += 1
    while last > end and doc[last - 1].lower_ in NAME_PARTICLES:
        last -= 1
    return doc[span.start : last] if last > end else None


def _joined_left(span: Span) -> Span | None:
    """ "Knut and" + "Alice Wallenberg Foundation": a first name or word NER left out."""
    doc, start = span.doc, span.start
    if start < 2 or doc[start - 1].lower_ != "and" or span[-1].text not in JOINED_HEADS:
        return None
    first = start - 2
    left = doc[first]
    single_org = left.ent_type_ == "ORG" and left.ent_iob_ == "B"
    if not left.text.istitle() or not (left.ent_type_ in ("", "PERSON") or single_org):
        return None
    if first and doc[first - 1].text[:1].isupper() and doc[first - 1].lower_ not in ("the",):
        return None  # a longer name ends there: two names joined by "and"
    return doc[first : span.end]


def _field_list(span: Span) -> Span | None:
    """ "State Secretariat for Education" + ", Research and Innovation"."""
    doc, index = span.doc, span.end
    if span[-1].lower_ not in FIELD_WORDS:
        return None
    joined = False
    while index + 1 < len(doc) and doc[index].text in (",", "and"):
        joined = doc[index].text == "and"
        index += 1
        if not joined and doc[index].lower_ == "and":
            joined, index = True, index + 1
        if index >= len(doc) or not doc[index].text.istitle() or doc[index].lower_ not in FIELD_WORDS:
            return None
        index += 1
        if joined:
            return doc[span.start : index]
    return None


def campus(span: Span) -> Span | None:
    """ "University of California" + ", Santa Barbara"; "University of Texas" + " at Austin"."""
    doc, end = span.doc, span.end
    if not span.text.startswith("University of") or end + 1 >= len(doc):
        return None
    if doc[end].lower_ == "at" and doc[end + 1].ent_type_ == "GPE" and doc[end + 1].text[:1].isupper():
        last = end + 2
        while last < len(doc) and doc[last].ent_type_ == "GPE" and doc[last].ent_iob_ == "I":
            last += 1  # "at Urbana-Champaign", "at College Park": the whole place
        return doc[span.start : last]
    if doc[end].text != ",":
        return None
    last = end + 1
    while last < len(doc) and last - end <= 3 and _unknown_title(doc[last]):
        last += 1
    if last == end + 1 or doc[last - 1].lower_ in ORG_HEADS:  # "..., Imperial College": another name
        return None
    place = all(t.ent_type_ == "GPE" for t in doc[end + 1 : last])  # "Santa Barbara", "Berkeley"
    after = doc[last] if last < len(doc) else None
    if after is not None and (after.text[:1].isupper() or (after.text in ("and", ",") and not place)):
        return None  # "University of Oxford, Imperial and ...": a list of names
    return doc[span.start : last]


def name_goes_on(span: Span) -> Span:
    """ "White House Office of Science and Technology" + "Policy", "Illinois Quantum" + "and
    Microelectronics Park", "Knut and" + "Alice Wallenberg Foundation": the statistical entity stopped short
    of the name's head or its start."""
    doc = span.doc
    end = span.end
    if end < len(doc) and doc[end].text in NAME_HEADS and span[-1].lower_ in FIELD_WORDS:
        return doc[span.start : end + 1]  # "... Office of Science and Technology" + "Policy"
    for extend in (_joined_right, _joined_left, _field_list, campus, _particle_joined):
        longer = extend(span)
        if longer is not None:
            return longer
    return span


AGENCY_HEADS = frozenset({"Department", "Ministry", "Office", "Embassy", "Agency"})


def agency_after(span: Span) -> Span | None:
    """ "U.S." + "Department of State", "French" + "Ministry of Armed Forces": a country the gazetteer
    matched, followed at once by the name of one of its government bodies, is that body's name."""
    doc, end = span.doc, span.end
    if end + 2 >= len(doc) or doc[end].text not in AGENCY_HEADS or doc[end + 1].lower_ not in ("of", "for"):
        return None
    last = end + 2
    while last < len(doc) and (doc[last].text[:1].isupper() or _joins_words(doc, last)):
        last += 1
    return doc[span.start : last] if last > end + 2 else None


def _joins_words(doc: Doc, at: int) -> bool:
    """ "of", "for" or "and" between two words of one name ("Science and Technology"), not before another
    name ("State and DST")."""
    after = doc[at + 1] if at + 1 < len(doc) else None
    return doc[at].lower_ in ("and", "of", "for") and after is not None and after.text.istitle()
