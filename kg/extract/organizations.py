"""Organizations named in running text: known ones by alias, new ones by the shape of their name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef

from kg.extract.context import Context
from kg.extract.gazetteer import Gazetteer, KnownEntity
from kg.extract.patterns import LEADING_FUNCTION_WORDS
from kg.namespaces import QC, QCR
from kg.text.document import Sentence, slugify

# The last of these words in a capitalized name makes it an organization of that class.
ORG_HEADS: dict[str, URIRef] = {
    "university": QC.University,
    "universität": QC.University,
    "université": QC.University,
    "universiteit": QC.University,
    "college": QC.University,
    "polytechnic": QC.University,
    "institute": QC.ResearchInstitute,
    "institution": QC.ResearchInstitute,
    "laboratory": QC.ResearchInstitute,
    "laboratories": QC.ResearchInstitute,
    "lab": QC.ResearchInstitute,
    "labs": QC.ResearchInstitute,
    "centre": QC.ResearchInstitute,
    "center": QC.ResearchInstitute,
    "academy": QC.ResearchInstitute,
    "observatory": QC.ResearchInstitute,
    "organisation": QC.Organization,
    "organization": QC.Organization,
    "council": QC.GovernmentAgency,
    "agency": QC.GovernmentAgency,
    "ministry": QC.GovernmentAgency,
}
# Phrases that override the head word ("Standards Institute", "Institute of Technology").
ORG_PHRASES: tuple[tuple[re.Pattern[str], URIRef], ...] = (
    (re.compile(r"\bstandard(?:s|i[sz]ation)\b", re.IGNORECASE), QC.StandardsBody),
    (re.compile(r"\binstitute\s+of\s+technology$", re.IGNORECASE), QC.University),
)
# A capitalized name ending with one of these is a company; the suffix is not part of its label.
COMPANY_SUFFIXES = frozenset(
    {
        "inc",
        "ltd",
        "limited",
        "gmbh",
        "ag",
        "corporation",
        "corp",
        "plc",
        "llc",
        "pty",
        "sa",
        "bv",
        "nv",
        "se",
        "kk",
    }
)
# Words that join the parts of one name ("University of Tokyo", "Institute for Quantum Computing").
NAME_CONNECTORS = frozenset({"of", "for", "and", "the", "de", "du", "des", "der", "für", "&"})
_SPLITTERS = frozenset({"and", "&"})
# The last words of "Ministry of Science and ICT"-like names, which go on after "and".
FIELD_WORDS = frozenset(
    {
        "science",
        "sciences",
        "technology",
        "technologies",
        "innovation",
        "research",
        "education",
        "energy",
        "industry",
        "economy",
        "culture",
        "communications",
        "development",
        "engineering",
        "trade",
        "space",
    }
)
_TOKEN = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w'’&-]*)"
_CONNECTOR = r"(?:of|for|and|the|de|du|des|der|für|&)"
_RUN = re.compile(rf"{_TOKEN}(?:\s+(?:{_CONNECTOR}\s+)*{_TOKEN})*")
_CAPS = r"[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*"
_LISTED_NAME = re.compile(
    rf"\b(?:(?:Federal|State)\s+)?(?:Department|Ministry|Office)\s+(?:for|of)(?:\s+the)?\s+{_CAPS}"
    rf"(?:,\s+{_CAPS})+,?\s+and\s+{_CAPS}"
)
_PIECE = re.compile(rf"{_TOKEN}|{_CONNECTOR}")
_POSSESSIVE = re.compile(r"['’]s$")
_MIN_NAME_WORDS = 2
PLACE_CLASSES = frozenset({QC.Country, QC.SupranationalUnion})


@dataclass(frozen=True)
class OrgMatch:
    """An organization named in a text: a gazetteer entry, or a new name with its classes."""

    name: str
    start: int
    end: int
    entry: KnownEntity | None
    classes: tuple[URIRef, ...] = ()
    owner: KnownEntity | None = None

    @property
    def iri(self) -> URIRef:
        """The entity the name refers to."""
        return self.entry.iri if self.entry is not None else QCR[slugify(self.name)]


def is_organization(entry: KnownEntity) -> bool:
    """True for gazetteer actors that are organizations (not countries, unions or regions)."""
    return entry.kind == "actor" and not entry.types & {QC.Country, QC.SupranationalUnion, QC.Region}


def _is_company_suffix(word: str) -> bool:
    """ "Ltd", "Inc.", "B.V." and the like."""
    return word.replace(".", "").lower() in COMPANY_SUFFIXES


def classify_name(name: str) -> tuple[URIRef, ...]:
    """The organization class a name's shape implies ("X University", "X GmbH"), or ()."""
    words = [w.lower() for w in name.split()]
    if len(words) >= _MIN_NAME_WORDS and _is_company_suffix(words[-1]):
        return (QC.Company,)
    heads = [w for w in words if w in ORG_HEADS]
    if not heads:
        return ()
    for phrase, cls in ORG_PHRASES:
        if phrase.search(name):
            return (cls,)
    return (ORG_HEADS[heads[-1]],)


def _words(tokens: list[re.Match[str]]) -> list[str]:
    return [t.group() for t in tokens]


def _actor_like(gazetteer: Gazetteer, tokens: list[re.Match[str]], first: bool = False) -> bool:
    """Whether a part of a run names an actor on its own (so "A and B" are two names); an acronym does
    only as the first part ("the NRC and the Netherlands ...", not "Ministry of Science and ICT")."""
    words = _words(tokens)
    while words and words[0].lower() in LEADING_FUNCTION_WORDS:
        words = words[1:]
    if not words:
        return False
    if any(_POSSESSIVE.search(w) for w in words) or classify_name(" ".join(words)):
        return True
    if first and len(words) == 1 and len(words[0]) >= 2 and words[0].isupper():
        return True  # an acronym: "the NRC and the Netherlands Organisation for Scientific Research"
    entry = gazetteer.lookup(" ".join(words))
    return entry is not None and entry.kind == "actor"


def _acronym_after_name(before: list[re.Match[str]], after: list[re.Match[str]]) -> bool:
    """ "Niels Bohr Institute and DTU": a whole name, then an acronym; not "Ministry of Science and ICT",
    where the name goes on with a field."""
    words = _words(before)
    return (
        len(after) == 1
        and len(after[0].group()) >= 2
        and after[0].group().isupper()
        and bool(classify_name(" ".join(words)))
        and words[-1].lower() not in FIELD_WORDS
    )


def _split(gazetteer: Gazetteer, tokens: list[re.Match[str]]) -> list[list[re.Match[str]]]:
    """Cut a run at "and" where both sides name actors: "TU Delft and the National University"."""
    pieces: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    for index, token in enumerate(tokens):
        if token.group() in _SPLITTERS and current:
            rest = tokens[index + 1 :]
            upto = next((i for i, t in enumerate(rest) if t.group() in _SPLITTERS), len(rest))
            after = rest[:upto]
            before_the = bool(rest) and rest[0].group() == "the"  # "Erlangen and the Max Planck Institute"
            if (before_the and _actor_like(gazetteer, rest)) or (
                _actor_like(gazetteer, current, first=True)
                and (_actor_like(gazetteer, after) or _acronym_after_name(current, after))
            ):
                pieces.append(current)
                current = []
                continue
        current.append(token)
    pieces.append(current)
    return pieces


def _qualified(gazetteer: Gazetteer, name: str, owner: KnownEntity | None) -> KnownEntity | None:
    """A known organization by its name, or by its name with its country ("NRC" of Canada)."""
    entry = gazetteer.lookup(name)
    if entry is not None:
        return entry if is_organization(entry) else None
    if owner is None:
        return None
    for alias in (owner.pref_label, *owner.alt_labels):
        for form in (f"{name} {alias}", f"{name} of {alias}", f"{alias} {name}"):
            entry = gazetteer.lookup(form)
            if entry is not None and is_organization(entry):
                return entry
    return None


def _leading_owner(gazetteer: Gazetteer, words: list[str]) -> tuple[KnownEntity | None, int]:
    """The country or union a name starts with ("UK National ...", "Korea Institute ...")."""
    for cut in range(len(words) - 1, 0, -1):
        entry = gazetteer.lookup(" ".join(words[:cut]))
        if entry is not None and entry.kind == "actor" and not is_organization(entry):
            return entry, cut
    return None, 0


def _trim(tokens: list[re.Match[str]]) -> list[re.Match[str]]:
    """Without leading function words ("the", "Under") and trailing connectors."""
    while tokens and (
        tokens[0].group().lower() in LEADING_FUNCTION_WORDS | NAME_CONNECTORS
        or tokens[0].group().lower().endswith("-based")  # "Innsbruck-based Institute for ..."
    ):
        tokens = tokens[1:]
    while tokens and tokens[-1].group().lower() in NAME_CONNECTORS:
        tokens = tokens[:-1]
    return tokens


def _known_tail(
    gazetteer: Gazetteer, tokens: list[re.Match[str]]
) -> tuple[KnownEntity | None, list[re.Match[str]]]:
    """A known organization that ends the name ("Yesterday Stanford University" -> Stanford)."""
    for cut in range(1, len(tokens)):
        entry = gazetteer.lookup(" ".join(_words(tokens[cut:])))
        if entry is not None and is_organization(entry) and tokens[cut].group()[0].isupper():
            return entry, tokens[cut:]
    return None, tokens


def _piece_match(gazetteer: Gazetteer, offset: int, tokens: list[re.Match[str]]) -> OrgMatch | None:
    """The organization one part of a capitalized run names, if any."""
    tokens = _trim(tokens)
    owner: KnownEntity | None = None
    possessive = [i for i, t in enumerate(tokens[:-1]) if _POSSESSIVE.search(t.group())]
    if possessive:
        owner = gazetteer.lookup(_POSSESSIVE.sub("", " ".join(_words(tokens[: possessive[-1] + 1]))))
        owner = owner if owner is not None and owner.kind == "actor" else None
        tokens = _trim(tokens[possessive[-1] + 1 :])
    if not tokens:
        return None
    words = _words(tokens)
    heads = [i for i, w in enumerate(words) if w.lower() in ORG_HEADS]
    joint = next((i for i, w in enumerate(words) if w in ("of", "at") and i > 0), None)
    if heads and joint is not None and joint < heads[0]:  # "Christopher Monroe of the University of ..."
        tokens = _trim(tokens[joint + 1 :])
        if not tokens:
            return None
        words = _words(tokens)
        heads = [i for i, w in enumerate(words) if w.lower() in ORG_HEADS]
    if heads and heads[-1] + 1 < len(words) and words[heads[-1] + 1].lower() not in NAME_CONNECTORS:
        tokens, words = tokens[: heads[-1] + 1], words[: heads[-1] + 1]
    name = " ".join(words)
    start, end = offset + tokens[0].start(), offset + tokens[-1].end()
    known = _qualified(gazetteer, name, owner)
    if known is None and owner is None:
        leading, cut = _leading_owner(gazetteer, words)
        known = _qualified(gazetteer, " ".join(words[cut:]), leading) if leading else None
        owner = leading if known is not None else None
    if known is None:
        known, tokens = _known_tail(gazetteer, tokens)
        start = offset + tokens[0].start()
    if known is not None:
        return OrgMatch(" ".join(_words(tokens)), start, end, known, owner=owner)
    classes = classify_name(name)
    if not classes or sum(1 for w in words if w[0].isupper()) < _MIN_NAME_WORDS:
        return None
    if classes == (QC.Company,):
        while len(words) > 1 and _is_company_suffix(words[-1]):
            words = words[:-1]
        entry = gazetteer.lookup(" ".join(words))
        if entry is not None:
            return OrgMatch(name, start, end, entry) if is_organization(entry) else None
        name = " ".join(words)
    if owner is not None:
        name = f"{name} ({owner.pref_label})"
    return OrgMatch(name, start, end, None, classes, owner)


def find_organizations(
    gazetteer: Gazetteer, text: str, start: int = 0, end: int | None = None
) -> list[OrgMatch]:
    """Organizations named in text[start:end] by a known alias or by the shape of the name."""
    stop = len(text) if end is None else end
    found: list[OrgMatch] = []
    listed: list[tuple[int, int]] = []
    for name in _LISTED_NAME.finditer(text, start, stop):  # "Department for Business, Energy and ..."
        words = name.group().split()
        found.append(
            OrgMatch(
                " ".join(words),
                name.start(),
                name.end(),
                gazetteer.lookup(name.group()),
                classify_name(name.group()) or (QC.GovernmentAgency,),
            )
        )
        listed.append((name.start(), name.end()))
    for run in _RUN.finditer(text, start, stop):
        if any(s <= run.start() < e for s, e in listed):
            continue
        tokens = list(_PIECE.finditer(run.group()))
        for piece in _split(gazetteer, tokens):
            match = _piece_match(gazetteer, run.start(), piece)
            if match is not None:
                found.append(match)
    return found


def emit_organization(ctx: Context, match: OrgMatch, sentence: Sentence) -> URIRef:
    """The organization as an entity of this document (first sentence = evidence), with the
    country the text places it in ("Canada's National Research Council") as qc:basedIn."""
    if match.entry is not None:
        iri = ctx.emitter.ensure(match.entry, sentence)
    else:
        if not ctx.emitter.has(match.iri):
            ctx.emitter.entity(match.iri, "actor", match.classes, match.name, sentence)
        iri = match.iri
    if match.owner is not None and match.owner.types & PLACE_CLASSES:
        ctx.emitter.relate(iri, QC.basedIn, ctx.emitter.ensure(match.owner, sentence), sentence)
    return iri
