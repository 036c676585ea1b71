"""Named actors and programs in a parsed sentence: known names, statistical NER and the name's shape."""

from __future__ import annotations

import re
from dataclasses import replace

from rdflib import URIRef
from spacy.tokens import Doc, Span

from kg.extract.acronyms import spelled_names
from kg.extract.coreference import DocumentMemory
from kg.extract.gazetteer import Gazetteer, KnownEntity
from kg.extract.language import KNOWN_LABEL_PREFIX
from kg.extract.lexicon import (
    COMPANY_NOUNS,
    CURRENCY_CODE_PATTERN,
    CURRENCY_CODES,
    EVENT_WORDS,
    GENERIC_WORDS,
    NAME_HEADS,
    NUMBERED_WORDS,
    PUBLICATION_NOUNS,
    WORK_WORDS,
)
from kg.extract.listed import lift_coordinated, named_like_areas, national_names, with_introduced_lists
from kg.extract.methods import GAZETTEER, NER, SURFACE, Method
from kg.extract.name_bounds import agency_after, campus, name_goes_on
from kg.extract.name_shapes import (
    acts,
    company_context,
    generic,
    is_place_slot,
    owned,
    program_classes,
    program_noun_follows,
    program_slot,
    trimmed,
)
from kg.extract.organizations import FIELD_WORDS, ORG_HEADS, OrgMatch, classify_name, find_organizations
from kg.extract.places import place_of
from kg.extract.program_names import dated_plans, described_programs, extend_programs, find_programs
from kg.extract.programs import canonical_program
from kg.extract.spans import (
    ACRONYM,
    STRONG_SLOT,
    EntityMention,
    acronym_after,
    actor_slot,
    bracketed_acronym,
    dateline,
    field_after_and,
    fits,
    lone_misread,
    longest,
    new_mention,
    plain,
    proper_runs,
    quantum_facility,
    titled_person,
)
from kg.namespaces import QC, QCR
from kg.text.sentences import slugify

_ACTOR_LABELS = frozenset({"ORG", "GPE", "NORP_ORG"})
_OTHER_NAME_LABELS = frozenset({"LAW", "PRODUCT", "EVENT", "WORK_OF_ART", "FAC", "PERSON", "LOC"})
_NOT_NAMES = re.compile(
    r"^(?:Sections?|Chapters?|Tables?|Figures?|Annex(?:es)?|Appendix|Appendices|Box|Part)\b|^[\d€$£¥₹]|\b(?:million|billion)\b"
    rf"|^{CURRENCY_CODE_PATTERN}"
)
# Heads of names that are neither actors nor programs: prizes, budget statements, manifestos, reports.
_NOT_PROGRAMS = re.compile(
    r"\b(?:Prize|Prizes|Award|Awards|Medal|Manifesto|Report|Review)\b(?!\s+(?:Programme|Program|Fund))"
    r"|\bStatement\b(?!\s+(?:on|of)\b)"  # "the Autumn Statement", not "the Tokyo Statement on Quantum ..."
)
_GOVERNMENT_OF = re.compile(
    r"^(?:the\s+)?(?:Government|Governments|Republic|Kingdom|State|People's\s+Republic|Federal"
    r"\s+Republic)\s+of(?:\s+the)?(?:\s+(?:Republic|Kingdom|Federal\s+Republic)\s+of)?\s+"
    r"(?:the\s+)?(?P<place>.+)$|^(?P<owner>.+?)\s+[Gg]overnment$"
)
# Code names: "OPENQKD", "Q-NEXT", "Eagle-1", "HellasQCI", "IRIS²".
_CODE_NAME = re.compile(
    r"(?<![\w-])(?:[A-Z][A-Za-z]*-\d+|[A-Z]+-[A-Z]{2,}|[A-Z][A-Za-z]*[A-Z][A-Za-z0-9²]*(?:-[A-Z0-9][A-Za-z0-9]*)*"
    r"|[A-Z][a-z]{1,3}-[A-Z][a-z]+)(?![\w-])"  # "Qu-Test", "Qu-Pilot"
)


# Words that count the members of a region's group: "two European countries", "other Asian nations".
_COUNTING_WORDS = frozenset({"both", "other", "several", "many", "some", "all", "fellow", "most", "few"})
# Who a demonym only says the origin of: "the American company", "Dutch partners", "a Swiss physicist".
_PEOPLE_NOUNS = frozenset(
    {
        "partner",
        "physicist",
        "researcher",
        "scientist",
        "engineer",
        "entrepreneur",
        "investor",
        "team",
        "organisation",
        "organization",
    }
)


def _named_apart(doc: Doc, start: int, end: int) -> bool:
    """ "University of Toronto and Rolls-Royce": the part after "and" is a name of its own to the
    statistical reader (an entity of its own, ending where the shaped name ends)."""
    part = doc.char_span(start, end, alignment_mode="expand")
    if part is None:
        return False
    begins = part[0].ent_iob_ == "B" or (
        part[0].ent_iob_ == "I" and part.start > 0 and doc[part.start - 1].lower_ == "the"
    )  # NER may take "The" in: "The Netherlands Organisation for ..."
    return (
        begins
        and part[0].ent_type_ in ("ORG", "PERSON", "GPE", "NORP")
        and (part.end >= len(doc) or doc[part.end].ent_iob_ != "I")
        and all(t.ent_iob_ == "I" for t in part[1:])
    )


def _origin_only(span: Span, entry: KnownEntity) -> bool:
    """An adjective of origin of a company or of people ("the American company", "Dutch start-ups"), not
    the state: "the Finnish government", "the Dutch contribution", "a German university" name it."""
    if len(span) != 1 or not entry.types & {QC.Country, QC.Region, QC.SupranationalUnion}:
        return False
    token = span[0]
    tagged = token.tag_ == "JJ" or token.pos_ == "ADJ"
    demonym = tagged or (token.text.endswith("an") and token.dep_ == "amod")
    if not demonym:  # "European" may be tagged a proper noun
        return False
    if QC.Region in entry.types and not entry.types & {QC.Country, QC.SupranationalUnion}:
        return True  # "European countries", "African researchers": a continent is not an actor
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    head = token.head
    word = head.lemma_.lower()
    if head.i >= 2 and head.nbor(-1).text == "-":  # "start-up" is three tokens
        word = f"{head.nbor(-2).lower_}-{head.lower_}"
    return token.dep_ == "amod" and word in COMPANY_NOUNS | _PEOPLE_NOUNS


class MentionFinder:
    """Turns a sentence's entities into actor and program mentions, remembering the document's names."""

    def __init__(self, gazetteer: Gazetteer, memory: DocumentMemory) -> None:
        self.gazetteer = gazetteer
        self.memory = memory
        self._organizations: dict[str, list[OrgMatch]] = {}

    def _names(self, doc: Doc, offset: int) -> list[EntityMention]:
        """The names the sentence spells out: statistical entities, program patterns, organization shapes."""
        found: list[EntityMention] = []
        for ent in doc.ents:
            mention = self._mention(ent, offset)
            if mention is not None:
                found.append(mention)
        found += self._pattern_programs(doc, offset)
        found += self._shaped_organizations(doc, offset)
        found += described_programs(self.gazetteer, doc, offset)
        return found

    def find(self, doc: Doc, offset: int) -> list[EntityMention]:
        """Every actor and program the sentence names, in text order, without overlaps."""
        found = self._names(doc, offset)
        found += self._acronyms_used(doc, offset, found)
        found += self._unnamed(doc, offset, found)
        found += self.memory.short_forms(doc, offset, found)
        found += self.memory.pronouns(doc, offset, found)
        chosen = longest(doc, [m for m in found if not dateline(doc, m)])
        chosen = self._define_acronyms(doc, spelled_names(doc, offset, chosen))
        chosen = [
            replace(m, kind="program", classes=(QC.Program,)) if quantum_facility(m) else m for m in chosen
        ]
        chosen = dated_plans(doc, offset, extend_programs(self.gazetteer, doc, offset, chosen))
        chosen = lift_coordinated(doc, named_like_areas(doc, offset, national_names(doc, chosen)))
        chosen = with_introduced_lists(doc, offset, chosen)
        for mention in chosen:
            if mention.name.lower() not in ("it", "its"):
                self.memory.saw(mention)
        self.memory.about(doc, chosen)
        return chosen

    def _known(
        self, span: Span, offset: int, entry: KnownEntity, method: Method, confidence: float
    ) -> EntityMention | None:
        if _origin_only(span, entry):
            return None  # "the American company", "Dutch partners": where a thing is from
        kind = entry.kind if entry.kind in ("actor", "program") else entry.kind
        return new_mention(
            span, offset, span.text, entry.iri, kind, tuple(sorted(entry.types)), entry, method, confidence
        )

    def _agency(self, span: Span, offset: int) -> EntityMention:
        """A government body named after its country's name, known or new."""
        name = " ".join(span.text.split())
        entry = self.gazetteer.lookup(name)
        if entry is not None and entry.kind == "actor":
            return self._known(span, offset, entry, GAZETTEER, 0.9) or new_mention(
                span, offset, name, entry.iri, "actor", tuple(sorted(entry.types)), entry, GAZETTEER, 0.9
            )
        iri = QCR[slugify(name)]
        return new_mention(span, offset, name, iri, "actor", (QC.GovernmentAgency,), None, SURFACE, 0.85)

    def definitions(self, doc: Doc, offset: int) -> None:
        """Acronyms the sentence defines ("UK Research and Innovation (UKRI)"), read before the document."""
        for mention in longest(doc, self._names(doc, offset)):
            found = bracketed_acronym(doc, mention.end)
            if found is not None and fits(found[2], mention):
                self.memory.define(found[2], self._adopted(found[2], mention))

    def _mention(self, ent: Span, offset: int) -> EntityMention | None:
        if ent.label_.startswith(KNOWN_LABEL_PREFIX):
            entry = self.gazetteer.get(URIRef(ent.ent_id_))
            if entry is not None and QC.Region in entry.types and (not acts(ent) or ent.root.dep_ == "poss"):
                return None  # "in Europe", "Europe's first platform": a place, not a partner
            before = ent.doc[ent.start - 1] if ent.start else None
            counted = before is not None and (before.like_num or before.lower_ in _COUNTING_WORDS)
            if entry is not None and QC.Region in entry.types and counted:
                return None  # "between two European countries": the countries just named
            if entry is not None and QC.Country in entry.types and (body := agency_after(ent)) is not None:
                return self._agency(body, offset)  # "U.S. Department of State"
            return self._known(ent, offset, entry, GAZETTEER, 0.95) if entry is not None else None
        span = trimmed(ent)
        if span is None or len(span.text) < 2 or not any(c.isupper() for c in span.text):
            return None
        if span.start and span.doc[span.start - 1].lower_ in PUBLICATION_NOUNS:
            return None  # "the journal Nature Electronics"
        if titled_person(span) or field_after_and(span):
            return None  # "Champagne, then Minister of ...", the "ICT" of "Minister of Science and ICT"
        span = name_goes_on(span)
        name = " ".join(span.text.split())
        if " and the " in name or any(classify_name(part) for part in name.split(", ")[1:]):
            return None  # "EPSRC and the Science and Technology Facilities Council", "Wits, Stellenbosch
            # University": two names, each found on its own
        if _NOT_NAMES.search(name) or all(w.lower() in GENERIC_WORDS for w in name.split()):
            return None
        if _NOT_PROGRAMS.search(name):
            return None  # "the Nobel Prize in Physics", "the Autumn Statement", "the Quantum Manifesto"
        if name.split()[-1].lower().strip(".") in EVENT_WORDS | {"inc", "ltd", "plc", "gmbh"} and (
            len(name.split()) == 1 or name.split()[-1].lower() in EVENT_WORDS
        ):
            return None  # "the European Quantum Technologies Conference", a lone "Inc."
        if (government := _GOVERNMENT_OF.match(name)) is not None:
            place = place_of(self.gazetteer, government.group("place") or government.group("owner"))
            if place is not None:
                return self._place(span, offset, place[3], force=True)
        remembered = self.memory.alias(name)
        if remembered is not None:
            return self._as_remembered(span, offset, name, remembered)
        entry = self.gazetteer.lookup(name)
        if entry is not None:
            return self._known(span, offset, entry, GAZETTEER, 0.9)
        program = program_classes(name)
        if (
            not program
            and ent.label_ != "GPE"
            and (
                program_noun_follows(span)
                or program_slot(span)
                or ent.label_ in ("PRODUCT", "EVENT", "WORK_OF_ART")
            )
        ):
            program = (QC.Program,)
        if program and generic(name):
            name = owned(span, name)
            if generic(name):
                return None
        if program and ent.label_ in _ACTOR_LABELS | _OTHER_NAME_LABELS:
            return new_mention(span, offset, name, QCR[slugify(name)], "program", program, None, NER, 0.75)
        if ent.label_ == "LAW":
            classes = (QC.Legislation, QC.Program)
            return new_mention(span, offset, name, QCR[slugify(name)], "program", classes, None, NER, 0.7)
        if ent.label_ in ("GPE", "LOC"):
            return self._place(span, offset, name)
        if ent.label_ not in ("ORG", "PERSON", "PRODUCT", "FAC", "NORP"):
            return None
        shape = classify_name(name)
        left, _, right = name.rpartition(" and ")
        if shape and left and classify_name(left) and classify_name(right):
            return None  # "University of Helsinki and Aalto University": two names, read by their shapes
        if shape:
            return new_mention(span, offset, name, QCR[slugify(name)], "actor", shape, None, SURFACE, 0.85)
        if is_place_slot(span):  # "the company, founded in Espoo"
            return None
        if company_context(span):
            return new_mention(span, offset, name, QCR[slugify(name)], "actor", (QC.Company,), None, NER, 0.8)
        if ent.label_ != "ORG":
            return None
        # One capitalized word NER calls an organization is often a place or an adjective: held for review.
        confidence = 0.7 if len(span) > 1 or name.isupper() else max(0.55, actor_slot(span, []) or 0.0)
        org = (QC.Organization,)
        return new_mention(span, offset, name, QCR[slugify(name)], "actor", org, None, NER, confidence)

    def _place(self, span: Span, offset: int, name: str, force: bool = False) -> EntityMention | None:
        place = place_of(self.gazetteer, name)
        if place is None:
            return None
        entry, iri, classes, label = place
        if QC.Region in classes and not force and not acts(span):
            return None
        if entry is not None:
            return self._known(span, offset, entry, GAZETTEER, 0.9)
        return new_mention(span, offset, label, iri, "actor", classes, None, NER, 0.85)

    def _pattern_programs(self, doc: Doc, offset: int) -> list[EntityMention]:
        """Capitalized names ending with a program word ("... Strategy", "... Act"), as programs.py does."""
        mentions = []
        for match in find_programs(self.gazetteer, doc.text):
            span = doc.char_span(match.start, match.end, alignment_mode="expand")
            if span is None:
                continue
            entry, _, name = canonical_program(self.gazetteer, match.name)
            if entry is not None:
                mentions.append(
                    new_mention(
                        span,
                        offset,
                        name,
                        entry.iri,
                        "program",
                        tuple(sorted(entry.types)),
                        entry,
                        GAZETTEER,
                        0.9,
                    )
                )
            elif not generic(name) or acronym_after(doc, span.end) is not None:  # "... Initiative (NQI)"
                classes = (QC.Legislation, QC.Program) if match.kind == "legislation" else (QC.Program,)
                mentions.append(
                    new_mention(
                        span, offset, name, QCR[slugify(name)], "program", classes, None, SURFACE, 0.8
                    )
                )
        return mentions

    def _shaped_organizations(self, doc: Doc, offset: int) -> list[EntityMention]:
        """Names shaped like organizations ("Korea Institute of Science and Technology", "X GmbH")."""
        mentions = []
        if doc.text not in self._organizations:  # asked twice: for the definitions, then for the mentions
            self._organizations[doc.text] = find_organizations(self.gazetteer, doc.text)
        for match in [
            part for whole in self._organizations[doc.text] for part in self._two_names(whole, doc)
        ]:
            left, _, right = match.name.rpartition(" and ")
            known = self.gazetteer.lookup(right) if left else None
            # "University of Helsinki and VTT" is two names, "Ministry of Science and ICT" one
            whole = self.gazetteer.lookup(left) if left else None  # "Delft University of Technology and TNO"
            acronym = (
                bool(left)
                and right.isupper()
                and (
                    left.split()[-1].lower() not in FIELD_WORDS
                    or (whole is not None and whole.kind == "actor")
                )
            )
            if left and (
                acronym
                or (known and known.kind == "actor")
                or self.memory.alias(right)
                or (
                    re.search(r"\bof(?: the)? [A-Z]\w+$", left) is not None  # "University of Toronto and"
                    and left.split()[-1].lower() not in FIELD_WORDS | WORK_WORDS  # not "Ministry of Science"
                    and _named_apart(doc, match.start + len(left) + len(" and "), match.end)
                )
            ):
                match = replace(match, name=left, end=match.start + len(left))  # "U. of Helsinki and VTT"
            span = doc.char_span(match.start, match.end, alignment_mode="expand")
            if span is None:
                continue
            if match.entry is None and (longer := campus(span)) is not None:  # "... of California, Berkeley"
                span = longer
                match = replace(match, name=span.text, end=match.start + len(span.text))
            if match.entry is not None:
                mentions.append(
                    new_mention(
                        span,
                        offset,
                        match.name,
                        match.entry.iri,
                        "actor",
                        tuple(sorted(match.entry.types)),
                        match.entry,
                        GAZETTEER,
                        0.9,
                    )
                )
            elif (remembered := self.memory.alias(plain(match))) is not None:
                mentions.append(self._as_remembered(span, offset, match.name, remembered))
            else:
                name = plain(match)
                mention = new_mention(
                    span, offset, name, match.iri, "actor", match.classes, None, SURFACE, 0.85
                )
                if match.owner is not None:  # "Germany's Federal Ministry ...", later "the Federal Ministry"
                    self.memory.define(name, mention)
                mentions.append(mention)
        return mentions

    def _two_names(self, match: OrgMatch, doc: Doc) -> list[OrgMatch]:
        """ "University of Helsinki and Aalto University": two names, each with its own head word; "Erlangen
        and the Max Planck Institute": a name starts after "and the"."""
        if match.entry is None and " and the " in match.name:
            left, _, right = match.name.partition(" and the ")
            right_start = match.start + len(left) + len(" and the ")
            match = replace(match, name=right, start=right_start, classes=classify_name(right), owner=None)
            if not classify_name(left):
                return self._two_names(match, doc)
            head = replace(match, name=left, start=match.start, end=match.start + len(left))
            return [replace(head, classes=classify_name(left)), *self._two_names(match, doc)]
        left, _, right = match.name.rpartition(" and ")
        if match.entry is not None or not left:
            return [match]
        right_start = match.start + len(left) + len(" and ")
        ends_named = left.split()[-1].lower() in ORG_HEADS or left.split()[-1] in NAME_HEADS
        new_name = right[:1].isupper() and right.split()[0].lower() not in FIELD_WORDS | WORK_WORDS
        both_shaped = bool(classify_name(left)) and bool(classify_name(right))
        field_list = left.split()[-1].lower() in FIELD_WORDS and (right.split()[0].isupper() or not new_name)
        left_apart = (
            not field_list  # "Ministry of Science and ICT"
            and _named_apart(doc, match.start, match.start + len(left))
            and bool(classify_name(right))
        )
        known_left = (entry := self.gazetteer.lookup(left)) is not None and entry.kind == "actor"
        if not (both_shaped or ((ends_named or known_left) and new_name) or left_apart):
            return [match]  # "Ministry of Science and ICT", "Institute of Science and Technology": one name
        return [  # "Barcelona Supercomputing Center and Qilimanjaro Quantum Tech", "Quantum Motion and UCL"
            replace(match, name=left, end=match.start + len(left), classes=classify_name(left), owner=None),
            replace(
                match,
                name=right,
                start=right_start,
                classes=classify_name(right) or (QC.Organization,),
                owner=None,
            ),
        ]

    def _unnamed(self, doc: Doc, offset: int, found: list[EntityMention]) -> list[EntityMention]:
        """Code names NER skipped: "OPENQKD was a project", "Eagle-1 is built by", "led by SES"."""
        taken = {i for m in found for i in range(m.start, m.end)}
        mentions: list[EntityMention] = []
        spans = [doc.char_span(m.start(), m.end()) for m in _CODE_NAME.finditer(doc.text)]
        candidates = [s for s in [*spans, *proper_runs(doc)] if s is not None]
        for span in sorted(candidates, key=lambda s: (s.start - s.end, s.start)):  # the longest first
            if any(i in taken for i in range(span.start, span.end)):
                continue
            taken.update(range(span.start, span.end))
            name = span.text
            generic_words = all(w.lower() in GENERIC_WORDS for w in name.split())  # "Director General"
            generic_words = generic_words or name.lower().strip(".") in ("inc", "ltd", "plc", "gmbh", "llc")
            if name.upper() in CURRENCY_CODES or self.memory.alias(name) or generic_words:
                continue
            numbered = False
            after = doc[span.end] if span.end < len(doc) else None
            if after is not None and after.text.istitle() and after.lower_ in NUMBERED_WORDS:
                span, numbered = doc[span.start : span.end + 1], True  # "QuantERA Call", "Call" a verb
            if span.end < len(doc) and doc[span.end].like_num and span[-1].lower_ in NUMBERED_WORDS:
                span, numbered = doc[span.start : span.end + 1], True  # "Moonshot Goal 6", "... Call 2017"
            name = span.text
            iri = QCR[slugify(name)]
            if numbered or program_noun_follows(span) or program_slot(span) or program_classes(name):
                mentions.append(
                    new_mention(span, offset, name, iri, "program", (QC.Program,), None, SURFACE, 0.7)
                )
            elif (confidence := actor_slot(span, found)) is not None and (
                confidence >= STRONG_SLOT or not lone_misread(span[0])
            ):
                org = (QC.Organization,)
                mentions.append(new_mention(span, offset, name, iri, "actor", org, None, SURFACE, confidence))
        return mentions

    def _as_remembered(self, span: Span, offset: int, name: str, remembered: EntityMention) -> EntityMention:
        """A name the document defined earlier ("UKRI"), standing for the entity it was defined for."""
        return new_mention(
            span,
            offset,
            name,
            remembered.iri,
            remembered.kind,
            remembered.classes,
            remembered.entry,
            SURFACE,
            0.85,
        )

    def _acronyms_used(self, doc: Doc, offset: int, found: list[EntityMention]) -> list[EntityMention]:
        """Tokens that are acronyms the document defined earlier, where NER saw no entity."""
        taken = {i for m in found for i in range(m.start, m.end)}
        mentions = []
        for token in doc:
            if token.i in taken or not (ACRONYM.fullmatch(token.text) or token.text.istitle()):
                continue  # "UKRI", or a short form the text defined ("Wits")
            following = doc[token.i + 1] if token.i + 1 < len(doc) else None
            if following is not None and following.pos_ == "PROPN" and following.text[:1].isupper():
                continue  # "Delft" of "Delft Circuits": the first word of another name
            remembered = self.memory.alias(token.text)
            if remembered is not None:
                word = doc[token.i : token.i + 1]
                mentions.append(self._as_remembered(word, offset, token.text, remembered))
        return mentions

    def _adopted(self, acronym: str, mention: EntityMention) -> EntityMention:
        """ "Netherlands Organisation for Applied Scientific Research (TNO)": a new name whose acronym is a
        known organization's is that organization."""
        known = self.gazetteer.lookup(acronym)
        if mention.entry is not None or mention.kind != "actor" or known is None or known.kind != "actor":
            return mention
        if known.types & {QC.Country, QC.SupranationalUnion, QC.Region}:
            return mention
        return replace(mention, iri=known.iri, classes=tuple(sorted(known.types)), entry=known)

    def _define_acronyms(self, doc: Doc, mentions: list[EntityMention]) -> list[EntityMention]:
        """ "UK Research and Innovation (UKRI)": UKRI names the entity from now on, here too."""
        result = list(mentions)
        for index, original in enumerate(mentions):
            found = bracketed_acronym(doc, original.end)
            if found is None or not fits(found[2], original):
                continue
            start, _, acronym = found
            mention = self._adopted(acronym, original)
            result[index] = mention
            self.memory.define(acronym, mention)
            for other_index, other in enumerate(mentions[index + 1 :], start=index + 1):
                if other.start == start and other.iri != mention.iri:
                    result[other_index] = replace(
                        other,
                        iri=mention.iri,
                        kind=mention.kind,
                        classes=mention.classes,
                        entry=mention.entry,
                        method=SURFACE,
                        confidence=min(mention.confidence, 0.9),
                    )
        return result
