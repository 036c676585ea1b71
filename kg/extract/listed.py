"""Names read from the lists they stand in: "start-ups such as Diraq, Q-CTRL and SQC"."""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from kg.extract.lexicon import COMPANY_NOUNS, GENERIC_WORDS
from kg.extract.methods import SURFACE
from kg.extract.spans import EntityMention, joined, new_mention
from kg.namespaces import QC, QCR
from kg.text.sentences import slugify

LISTED_CONFIDENCE = 0.72
_INTRODUCERS = frozenset({"such as", "including", "among them", "among which", "like", "notably"})
_LIST_VERBS = frozenset({"include", "included", "includes", "including"})
_UNIVERSITY_NOUNS = frozenset({"universities", "university", "campuses"})
_MEMBER_NOUNS = frozenset(
    {"members", "partners", "participants", "organisations", "organizations", "institutions", "spin-offs"}
)
_KIND_NOUNS = COMPANY_NOUNS | _UNIVERSITY_NOUNS | _MEMBER_NOUNS | {"spin", "offs", "ups"}


# Nouns that describe a name as an actor ("Mitacs, a Canadian non-profit organisation").
_DESCRIBING_NOUNS = {
    **{noun: (QC.Company,) for noun in COMPANY_NOUNS},
    **{noun: (QC.University,) for noun in ("university", "college")},
    **{noun: (QC.ResearchInstitute,) for noun in ("institute", "laboratory", "lab", "centre", "center")},
    **{noun: (QC.GovernmentAgency,) for noun in ("agency", "ministry", "department", "regulator")},
    **{
        noun: (QC.Organization,)
        for noun in (
            "organisation",
            "organization",
            "consortium",
            "association",
            "foundation",
            "body",
            "charity",
            "nonprofit",
            "non-profit",
        )
    },
}


def _listed_mention(span: Span, offset: int, classes: tuple) -> EntityMention:
    name = span.text
    return new_mention(
        span, offset, name, QCR[slugify(name)], "actor", classes, None, SURFACE, LISTED_CONFIDENCE
    )


def _name_at(doc: Doc, head: Token, taken: set[int]) -> Span | None:
    """The proper-noun name whose last word is `head` ("Mitacs", "Delft Circuits"), if no mention has it."""
    if head.pos_ != "PROPN" or not head.text[:1].isupper() or head.i in taken:
        return None
    if head.ent_type_.startswith("QC_") or head.ent_type_ == "LOC" or (head.is_upper and head.i == 0):
        return None  # a known name, a place ("Delft"), a dateline ("DAEJEON, July 2025 - ...")
    if head.dep_ == "pobj" and head.head.lower_ in ("in", "at", "near", "from", "outside", "across"):
        return None  # "a lab in Delft, its first laboratory abroad": a place
    start = head.i
    while (
        start > 0
        and doc[start - 1].pos_ == "PROPN"
        and doc[start - 1].head == head
        and start - 1 not in taken
    ):
        start -= 1
    span = doc[start : head.i + 1]
    before = doc[start - 1] if start else None
    joined = before is not None and before.lower_ in ("and", "&") and start - 2 not in taken
    if before is not None and (joined or before.lower_ in ("of", "for") or before.text[:1].isupper()):
        return None  # the end of a longer name ("... Science and Technology Forum"), not "CNRS and Inria"
    if all(w.lower() in GENERIC_WORDS for w in span.text.split()):
        return None
    return span


def described(doc: Doc, offset: int, mentions: list[EntityMention]) -> list[EntityMention]:
    """Names an apposition describes as actors ("Mitacs, a Canadian non-profit organisation, and") and
    names listed among two or more named organizations ("the CEA, the CNRS and Inria")."""
    taken = {i for m in mentions for i in range(m.start, m.end)}
    organizations = {
        i
        for m in mentions
        if m.kind == "actor"
        and m.confidence >= LISTED_CONFIDENCE
        and not set(m.classes) & {QC.Country, QC.Region, QC.SupranationalUnion}
        for i in range(m.start, m.end)
    }
    found: list[EntityMention] = []
    for token in doc:
        classes = None
        if (
            token.dep_ == "appos"
            and token.pos_ == "NOUN"
            and token.text.islower()
            and (token.lemma_.lower() in _DESCRIBING_NOUNS)
        ):
            classes, head = _DESCRIBING_NOUNS[token.lemma_.lower()], token.head
        elif (
            token.ent_type_ in ("", "ORG", "PERSON", "GPE")
            and not token.is_upper
            and token.lower_ != "city"
            and (token.dep_ == "conj" or any(c.dep_ == "conj" for c in token.children))
        ):  # not a place ("Delft"), nor a dateline ("KOBE")
            listed = [c for c in token.conjuncts if c.i in organizations]
            classes, head = ((QC.Organization,), token) if len(listed) >= 2 else (None, token)
        if classes is None or (span := _name_at(doc, head, taken)) is None:
            continue
        taken.update(range(span.start, span.end))
        found.append(_listed_mention(span, offset, classes))
    return found


def _demonym_of(doc: Doc, previous: EntityMention, mention: EntityMention) -> bool:
    """ "Swiss", "German", "Korean" right before the name, not "US" (a name of the country)."""
    word = doc[previous.start].text
    return (
        previous.end == mention.start
        and previous.end - previous.start == 1
        and bool(set(previous.classes) & {QC.Country, QC.SupranationalUnion})
        and word.endswith(("ss", "an", "sh", "ch", "se", "ic", "li", "di"))
    )


def national_names(doc: Doc, mentions: list[EntityMention]) -> list[EntityMention]:
    """ "Swiss" + "National Science Foundation": a known name made of generic words, right after a
    demonym, is another organization's name ("Swiss National Science Foundation"), not the US one."""
    result: list[EntityMention] = []
    for mention in mentions:
        previous = result[-1] if result else None
        generic_name = mention.entry is not None and mention.name.split()[0].lower() in GENERIC_WORDS
        if (
            mention.kind == "actor"
            and generic_name
            and previous is not None
            and _demonym_of(doc, previous, mention)
        ):
            result[-1] = joined(
                previous, mention, f"{previous.name} {mention.name}", method=SURFACE, confidence=0.85
            )
            continue
        result.append(mention)
    return result


def _root(doc: Doc, mention: EntityMention) -> Token:
    return doc[mention.start : mention.end].root


def lift_coordinated(doc: Doc, mentions: list[EntityMention]) -> list[EntityMention]:
    """A weak one-word actor ("Daimler") listed with confident actors or with two others is an actor too."""
    actors = [m for m in mentions if m.kind == "actor"]
    by_root = {_root(doc, m).i: m for m in actors}
    lifted = []
    for mention in mentions:
        if mention.kind != "actor" or mention.entry is not None or mention.confidence >= LISTED_CONFIDENCE:
            lifted.append(mention)
            continue
        partners = [by_root[t.i] for t in _root(doc, mention).conjuncts if t.i in by_root]
        strong = any(p.confidence >= LISTED_CONFIDENCE for p in partners)
        if strong or len(partners) >= 2:
            mention = replace(mention, confidence=LISTED_CONFIDENCE)
        lifted.append(mention)
    return lifted


def _introduced_at(doc: Doc) -> list[tuple[int, tuple]]:
    """Where a list of named actors starts, with the class its kind noun gives."""
    starts = []
    for token in doc:
        two = f"{token.lower_} {token.nbor(1).lower_}" if token.i + 1 < len(doc) else ""
        if two in _INTRODUCERS:
            begin = token.i + 2
        elif token.lower_ in _INTRODUCERS or token.lower_ in _LIST_VERBS:
            begin = token.i + 1
        else:
            continue
        window = [t.lower_ for t in doc[max(0, token.i - 6) : token.i]]
        nouns = [w for w in window if w in _KIND_NOUNS]
        if not nouns:
            continue
        noun = nouns[-1]
        kind = (
            (QC.Company,)
            if noun in COMPANY_NOUNS | {"spin", "offs", "ups", "spin-offs"}
            else ((QC.University,) if noun in _UNIVERSITY_NOUNS else (QC.Organization,))
        )
        starts.append((begin, kind))
    return starts


def _items(doc: Doc, begin: int) -> list[Span]:
    """The capitalized names of a list "A, B-C and D Ltd", up to the first word that is not one."""
    items: list[Span] = []
    start = begin
    index = begin
    while index <= len(doc):
        token = doc[index] if index < len(doc) else None
        name_word = token is not None and (
            token.text[:1].isupper()
            or token.text[:1].isdigit()
            or (token.text in ("-", "&") and index > start)
        )
        if name_word:
            index += 1
            continue
        if index > start:
            items.append(doc[start:index])
        if token is None or token.text not in (",", "and", "or") or index == start and token.text != ",":
            break
        index += 1
        if index < len(doc) and doc[index].text in ("and", "or"):
            index += 1
        start = index
    return items


def with_introduced_lists(doc: Doc, offset: int, mentions: list[EntityMention]) -> list[EntityMention]:
    """The mentions and the actors named after "companies such as", "members included", "spin-offs, among
    them" where no actor or program covers them ("Silicon Quantum Computing" there is a company, not the
    technology area)."""
    listed = _introduced(doc, offset, mentions)
    kept = [m for m in mentions if not any(m.start < n.end and n.start < m.end for n in listed)]
    listed += described(doc, offset, [*kept, *listed])
    return sorted([*kept, *listed], key=lambda m: m.start)


_COMPANY_SUFFIX_WORDS = frozenset(
    {"inc.", "inc", "ltd", "ltd.", "gmbh", "corp.", "corp", "pty", "plc", "ag", "sas"}
)


def named_like_areas(doc: Doc, offset: int, mentions: list[EntityMention]) -> list[EntityMention]:
    """Companies named like a technology area: "Photonic Inc.", and "Silicon Quantum Computing" written in
    capitals where an actor stands ("UNSW and Silicon Quantum Computing are working together")."""
    confident = [m for m in mentions if m.kind == "actor" and m.confidence >= 0.85]
    actors = {i for m in confident for i in range(m.start, m.end)}
    result = []
    for mention in mentions:
        span = doc[mention.start : mention.end]
        after = doc[span.end] if span.end < len(doc) else None
        suffix = after is not None and after.lower_ in _COMPANY_SUFFIX_WORDS
        capitals = all(t.text[:1].isupper() for t in span) and (mention.start > 0 or suffix)
        if mention.kind != "technology_area" or not capitals:
            result.append(mention)
            continue
        root = span.root
        slot = (
            root.dep_ in ("nsubj", "nsubjpass")
            or (root.dep_ == "pobj" and root.head.lower_ in ("with", "by", "between", "alongside"))
            or any(c.i in actors for c in root.conjuncts)
        )
        before = doc[: span.start]
        bracketed = sum(t.text == "(" for t in before) > sum(t.text == ")" for t in before)
        if bracketed or not (suffix or (slot and len(span) >= 2)):
            result.append(mention)  # "AQTION (Advanced Quantum computing with Trapped IONs)": a gloss
            continue
        named = doc[span.start : span.end + 1] if suffix and len(span) == 1 else span  # "Photonic Inc."
        result.append(_listed_mention(named, offset, (QC.Company,)))
    return result


def _introduced(doc: Doc, offset: int, mentions: list[EntityMention]) -> list[EntityMention]:
    taken = {i for m in mentions if m.kind in ("actor", "program") for i in range(m.start, m.end)}
    found: list[EntityMention] = []
    for begin, classes in _introduced_at(doc):
        items = _items(doc, begin)
        if len(items) < 2:
            continue
        for span in items:
            name = span.text.strip(" -&")
            if any(i in taken for i in range(span.start, span.end)) or all(
                w.lower() in GENERIC_WORDS for w in name.split()
            ):
                continue
            taken.update(range(span.start, span.end))
            found.append(_listed_mention(doc[span.start : span.end], offset, classes))
    return found
