"""What a document has named so far: acronyms it defined, and the recent actors short forms point to."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rdflib import URIRef
from spacy.tokens import Doc, Token

from kg.extract.methods import SURFACE
from kg.extract.name_shapes import generic
from kg.extract.places import country_code, country_names_starting
from kg.names.normalize import alias_key
from kg.namespaces import QC

if TYPE_CHECKING:
    from kg.extract.mentions import EntityMention

# "the two countries", "both nations": the last two countries named.
_PAIR_OF_COUNTRIES = re.compile(
    r"\b(?:the\s+two|both)\s+(?:countries|nations|governments|leaders|administrations|states)\b",
    re.IGNORECASE,
)
# "the two partners", "both sides", "the two organisations": the last two actors named.
_PAIR_OF_ACTORS = re.compile(
    r"\b(?:the\s+two|both)\s+(?:partners|sides|organi[sz]ations|institutions|parties)\b",
    re.IGNORECASE,
)
# "the Commission", "the Agency": the last actor whose name has that word.
_DEFINITE_HEAD = re.compile(
    r"\bthe\s+(Commission|Agency|Council|Ministry|Department|Foundation|University|Institute|Centre|Center"
    r"|Laboratory|Consortium|Office|Alliance|Government)\b"
)
# "the company", "the institute", "the two universities": the last actors of that class.
_NOMINAL = re.compile(
    r"\b(?:(?P<two>(?i:the\s+two|both))\s+|(?i:the)\s+(?:[A-Z][a-z]+\s+)?)(?P<noun>company|companies|firm|firms|start-?up|chipmaker"
    r"|institute|institutes|university|universities|agency|agencies|ministry|government|laboratory)\b"
    r"(?!\s+(?:of\b|[A-Z]))"
)
_NOMINAL_CLASSES = {
    "company": QC.Company,
    "firm": QC.Company,
    "startup": QC.Company,
    "start-up": QC.Company,
    "chipmaker": QC.Company,
    "institute": QC.ResearchInstitute,
    "laboratory": QC.ResearchInstitute,
    "university": QC.University,
    "agency": QC.GovernmentAgency,
    "ministry": QC.GovernmentAgency,
    "government": QC.Country,
}
_NOMINAL_SENTENCES = 6
_PRONOUNS = frozenset({"it", "its"})
_RECENT_SENTENCES = 3
_MAX_RECENT = 12


@dataclass
class Recent:
    """An actor named recently: the mention and the sentence number it was named in."""

    mention: EntityMention
    sentence: int


# Head words a later mention may leave off: "Chicago State University" is then "Chicago State".
_SHORTENED_HEADS = frozenset({"University", "College"})
# A name's own first words stand for it later: "Chalmers University of Technology" is "Chalmers", "Argonne
# National Laboratory" "Argonne"; not words any name may start with, nor a place ("Korea University").
_LEADING_HEADS = frozenset({"University", "College", "Institute", "Laboratory"})
_NOT_LEADING = frozenset(
    {"The", "Royal", "Technical", "State", "National", "Federal", "Free", "Open", "New"}
    | {"American", "British", "Dutch", "European", "French", "Swiss"}  # demonyms not spelled like the place
)
_DEMONYM_ENDINGS = ("an", "ese", "ish", "i", "ic")


class DocumentMemory:
    """The names and recent actors of one document, as it is read in order."""

    def __init__(self) -> None:
        self.aliases: dict[str, EntityMention] = {}
        self.recent: list[Recent] = []
        self.programs: list[EntityMention] = []
        self.sentence = 0
        self.topic: EntityMention | None = None  # what the last sentence was about: "it" in the next
        self.named: dict[URIRef, EntityMention] = {}  # every actor named so far, the last named last

    def next_sentence(self) -> None:
        """Move on to the next sentence of the document."""
        self.sentence += 1

    def define(self, alias: str, mention: EntityMention) -> None:
        """An acronym or short form the text defines for an entity."""
        self.aliases.setdefault(alias_key(alias, case_sensitive=True), mention)

    def alias(self, name: str) -> EntityMention | None:
        """The entity a name defined earlier in the document stands for."""
        return self.aliases.get(alias_key(name, case_sensitive=True))

    def defined_aliases(self, iri: URIRef) -> list[str]:
        """The short forms the document defined for an entity."""
        return sorted(key for key, mention in self.aliases.items() if mention.iri == iri)

    def saw(self, mention: EntityMention) -> None:
        """Remember a mention for the short forms that follow."""
        if mention.kind == "program":
            self.programs.append(mention)
            words = mention.name.split()
            rest = " ".join(words[1:])
            if len(words) >= 3 and words[0].isupper() and len(words[0]) >= 2 and not generic(rest):
                self.define(rest, mention)  # "AUKUS Pillar II", later "Pillar II" (not a generic rest)
            return
        if mention.kind != "actor":
            return
        self.recent = [r for r in self.recent if r.mention.iri != mention.iri][-_MAX_RECENT:]
        self.recent.append(Recent(mention, self.sentence))
        self.named.pop(mention.iri, None)
        self.named[mention.iri] = mention
        words = mention.name.split()
        if len(words) >= 3 and words[-1] in _SHORTENED_HEADS and words[-2][:1].isupper():
            self.define(" ".join(words[:-1]), mention)  # "Chicago State University", later "Chicago State"
        if (leading := _leading_words(words)) is not None and self.alias(leading) is None:
            self.define(leading, mention)

    def last_program(self) -> EntityMention | None:
        """The program named last, for "the programme" and the like."""
        return self.programs[-1] if self.programs else None

    def _window(
        self, sentences: int, before: list[EntityMention], classes: set[URIRef] | None, count: int
    ) -> list[EntityMention]:
        """The actors (of these classes) named in the last few sentences, then those named earlier in this
        one when they are as many as the phrase stands for ("SKT ... IDQ ..., and the two companies")."""
        window = [r.mention for r in self.recent if self.sentence - r.sentence <= sentences]
        here = list({m.iri: m for m in before if m.kind == "actor"}.values())
        if classes is not None:
            window = [m for m in window if classes & set(m.classes)]
            here = [m for m in here if classes & set(m.classes)]
        if not here or (count > 1 and len(here) != count):  # "China, Germany, Canada ... the two countries"
            return window
        named = {m.iri for m in here}
        return [m for m in window if m.iri not in named] + here

    def _last(self, count: int, countries_only: bool, before: list[EntityMention]) -> list[EntityMention]:
        classes = {QC.Country, QC.SupranationalUnion} if countries_only else None
        window = self._window(_RECENT_SENTENCES, before, classes, count)
        picked = window[-count:]
        return picked if len(picked) == count else []

    def about(self, doc: Doc, chosen: list[EntityMention]) -> None:
        """Remember the subject of the sentence's main verb ("PsiQuantum was founded ..."), or nothing."""
        root = next((t for t in doc if t.dep_ == "ROOT"), None)
        subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None) if root else None
        if subject is None or subject.lower_ in _PRONOUNS:
            return
        self.topic = next((m for m in chosen if m.start <= subject.i < m.end), None)

    def pronouns(self, doc: Doc, offset: int, found: list[EntityMention]) -> list[EntityMention]:
        """ "In 2021 it formalised a partnership": "it" and "its" as the subject or owner, for the topic."""
        taken = [(m.char_start, m.char_end) for m in found]
        mentions: list[EntityMention] = []
        for token in doc:
            if token.lower_ not in _PRONOUNS or token.dep_ not in ("nsubj", "nsubjpass", "poss"):
                continue
            target = _main_subject(doc, token, found) or self.topic
            if target is not None and target.kind == "actor":
                mentions += self._spans(doc, offset, token.idx, token.idx + len(token), [target], taken)
        return mentions

    def _last_of(self, cls: URIRef, count: int, before: list[EntityMention]) -> list[EntityMention]:
        """The last `count` actors of a class named in the last few sentences, or none."""
        classes = {cls, QC.Organization} if cls == QC.Company else {cls}  # a company not known as one
        window = self._window(_NOMINAL_SENTENCES, before, classes, count)
        picked = window[-count:]
        return picked if len(picked) == count else []

    def short_forms(self, doc: Doc, offset: int, found: list[EntityMention]) -> list[EntityMention]:
        """Mentions for "the two countries", "both sides" and "the Commission" in this sentence."""
        taken = [(m.char_start, m.char_end) for m in found]
        not_origins = [  # "the American company": the adjective of origin gives way to the short form
            (m.char_start, m.char_end)
            for m in found
            if not all(t.pos_ == "ADJ" for t in doc[m.start : m.end])
        ]
        mentions: list[EntityMention] = []

        def before(at: int) -> list[EntityMention]:
            return sorted((m for m in found if m.char_end <= offset + at), key=lambda m: m.char_start)

        for pattern, countries in ((_PAIR_OF_COUNTRIES, True), (_PAIR_OF_ACTORS, False)):
            for match in pattern.finditer(doc.text):
                pair = self._last(2, countries, before(match.start()))
                mentions += self._spans(doc, offset, match.start(), match.end(), pair, taken)
        for match in _NOMINAL.finditer(doc.text):
            noun = match.group("noun")
            singular = {
                "companies": "company",
                "firms": "firm",
                "institutes": "institute",
                "universities": "university",
                "agencies": "agency",
            }.get(noun, noun)
            count = 2 if match.group("two") else 1
            if count == 1 and singular != noun:
                continue
            cls = _NOMINAL_CLASSES[singular]
            picked = self._last_of(cls, count, before(match.start()))
            states = (QC.Country, QC.GovernmentAgency)  # "the Danish government" is Denmark's
            blocked = taken if cls in states else not_origins
            mentions += self._spans(doc, offset, match.start(), match.end(), picked, blocked)
        for match in _DEFINITE_HEAD.finditer(doc.text):
            head = match.group(1).lower()
            candidates = [r.mention for r in reversed(self.recent) if head in r.mention.name.lower().split()]
            candidates = candidates or [  # "the Commission" named long ago
                m for m in reversed(self.named.values()) if head in m.name.lower().split()
            ]
            mentions += self._spans(doc, offset, match.start(), match.end(), candidates[:1], taken)
        return mentions

    def _spans(
        self,
        doc: Doc,
        offset: int,
        start: int,
        end: int,
        targets: list[EntityMention],
        taken: list[tuple[int, int]],
    ) -> list[EntityMention]:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not targets or any(s < offset + end and offset + start < e for s, e in taken):
            return []
        if len(targets) == 1:
            target = targets[0]
            return [
                replace(
                    target,
                    start=span.start,
                    end=span.end,
                    char_start=offset + span.start_char,
                    char_end=offset + span.end_char,
                    name=span.text,
                    method=SURFACE,
                    confidence=min(target.confidence, 0.75),
                )
            ]
        # Two actors for one phrase: the phrase's head token stands for the first, the rest for the second.
        head = span.root.i
        first, second = targets
        spans = (
            [(head, head + 1, first), (span.start, head, second)]
            if head > span.start
            else [(span.start, span.start + 1, first), (span.start + 1, span.end, second)]
        )
        return [
            replace(
                target,
                start=s,
                end=e,
                char_start=offset + doc[s].idx,
                char_end=offset + doc[e - 1].idx + len(doc[e - 1]),
                name=span.text,
                method=SURFACE,
                confidence=min(target.confidence, 0.75),
            )
            for s, e, target in spans
            if e > s
        ]


def _leading_words(words: list[str]) -> str | None:
    """The words before the head of a name, when they can stand for it alone ("Chalmers", "Oak Ridge")."""
    head = next((i for i, word in enumerate(words) if i and word in _LEADING_HEADS), None)
    if head is None:
        return None
    prefix = words[: head - 1] if words[head - 1] == "National" else words[:head]
    if not 1 <= len(prefix) <= 2 or any(not w.isalpha() or not w[:1].isupper() for w in prefix):
        return None
    if any(w in _NOT_LEADING for w in prefix):
        return None
    text = " ".join(prefix)
    return None if generic(text) or country_code(text) is not None or _demonym(prefix[0]) else text


def _demonym(word: str) -> bool:
    """ "Indian", "Finnish", "Korean": a word of origin, told by a country whose name it shortens."""
    return word.endswith(_DEMONYM_ENDINGS) and any(
        country_code(name) is not None for name in country_names_starting(word[:3])
    )


def _main_subject(doc: Doc, pronoun: Token, found: list[EntityMention]) -> EntityMention | None:
    """ "Fujitsu joined ... when it signed", "X set out how its cooperation with Y has grown": the actor
    the sentence's main clause is about, when the pronoun comes after it and outside it."""
    root = pronoun.sent.root if pronoun.doc.has_annotation("SENT_START") else doc[0].sent.root
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.i >= pronoun.i or pronoun in subject.subtree:
        return None
    return next((m for m in found if m.kind == "actor" and m.start <= subject.i < m.end), None)
