"""One parsed sentence with its mentions: the groups of actors its noun phrases name, and who acts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from kg.extract.lexicon import COLLAB_NOUNS, DESCRIPTOR_NOUNS, HEDGES, PEOPLE_NOUNS
from kg.extract.mentions import EntityMention
from kg.extract.methods import Method
from kg.extract.phrase_words import ACTOR_HEADS, is_attribute, is_person, is_relative
from kg.extract.word_order import left_conjuncts, right_conjuncts
from kg.namespaces import QC

_GROUP_DEPS = frozenset({"conj", "cc", "det", "amod", "nummod", "punct", "preconj", "quantmod"})
MAX_GROUP = 6
# Verbs that report what was agreed: "the leaders said Korea and Denmark would establish a centre".
_REPORTING_VERBS = frozenset({"say", "announce", "state", "agree", "confirm", "declare", "affirm", "decide"})
_PLACE_PREPOSITIONS = frozenset({"in", "at", "from", "of"})
MAX_JOINT = 3  # "A, B, C and D launched": most lists of four or more act apart


@dataclass(frozen=True)
class Relation:
    """A relation between two mentions: collaboration, participation, leads or funds."""

    kind: str
    first: EntityMention
    second: EntityMention
    method: Method
    confidence: float


class ParsedSentence:
    """One parsed sentence with its mentions: groups of actors, subjects, agents and partners of a word."""

    def __init__(self, doc: Doc, mentions: Iterable[EntityMention]) -> None:
        self.doc = doc
        self.mentions = list(mentions)
        self.at: dict[int, EntityMention] = {i: m for m in self.mentions for i in range(m.start, m.end)}

    def group(self, token: Token | None, kinds: tuple[str, ...] = ("actor",)) -> list[EntityMention]:
        """The mentions a noun phrase names: "X, Y and Z", "the governments of X and Y", "both countries"."""
        if token is None:
            return []
        seen: dict[str, EntityMention] = {}
        for t in self._phrase(token):
            mention = self.at.get(t.i)
            if mention is not None and mention.kind in kinds and not is_attribute(t):
                seen.setdefault(f"{mention.iri}", mention)
        return list(seen.values())[:MAX_GROUP]

    def _phrase(self, token: Token) -> Iterator[Token]:
        yield token
        own = self.at.get(token.i)
        if own is None and token.lemma_.lower() in PEOPLE_NOUNS:  # "researchers at X", "colleagues from Y"
            for child in token.children:
                if child.dep_ == "poss" and child.i in self.at:  # "its researchers", "IBM's engineers"
                    yield child
                if child.dep_ == "prep" and child.lower_ in ("at", "from", "of"):
                    for grandchild in child.children:
                        if grandchild.dep_ == "pobj":
                            yield from self._phrase(grandchild)
        if own is None and token.lower_ in DESCRIPTOR_NOUNS and token.i + 1 < len(self.doc):
            named = self.at.get(token.i + 1)  # "the Finnish company IQM" parsed as two nouns
            if named is not None and named.start == token.i + 1:
                yield from self.doc[named.start : named.end]
                return
        if own is not None and token.i > own.start:  # "the Luxembourg satellite operator SES"
            descriptor = self.doc[own.start - 1] if own.start else None
            if descriptor is not None and descriptor.lower_ in DESCRIPTOR_NOUNS and descriptor.head == token:
                yield from self.doc[own.start : own.end]
                return
        if own is None and token.tag_ == "NNS" and token.lemma_.lower() in ACTOR_HEADS:
            yield from self._examples(token)  # "partners that included X and Y", "companies such as X"
        for child in token.children:
            inside = own is not None and own.covers(child)
            if inside or child.dep_ in _GROUP_DEPS or child.dep_ == "compound" and own is None:
                yield from self._phrase(child)
            elif child.dep_ == "prep" and child.lower_ == "of" and own is None and not is_person(token):
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj":
                        yield from self._phrase(grandchild)
            elif child.dep_ == "appos" and own is None:
                yield from self._phrase(child)
            elif child.dep_ == "acl" and child.lemma_.lower() in ("make", "consist", "comprise", "compose"):
                for part in child.children:  # "the Quad, made up of A, B, C and D"
                    if part.dep_ == "dobj":
                        yield from self._phrase(part)
                    elif part.dep_ in ("prep", "agent") and part.lower_ in ("of", "by"):
                        for grandchild in part.children:
                            if grandchild.dep_ == "pobj":
                                yield from self._phrase(grandchild)
            elif child.dep_ == "prep" and child.lower_ in _PLACE_PREPOSITIONS and own is not None:
                for place in child.children:  # "X in Japan, Y in the UK and Z in Australia": Y and Z
                    if place.dep_ == "pobj" and self.is_place(place):
                        for conjunct in place.children:
                            if conjunct.dep_ in ("conj", "appos") and self._names_actor(conjunct):
                                yield from self._phrase(conjunct)
            elif child.dep_ == "appos":  # "NPL, the UK institute, and NIST": a conjunct of the apposition
                listed = self.at.get(child.i)  # "Aalto University, the University of Helsinki and VTT"
                listing = any(g.dep_ == "conj" for g in child.children)
                if listed is not None and listed.iri != own.iri and self._names_actor(child):
                    yield from self._phrase(child)  # "X in Japan, Y in the UK": a list, not a description
                    continue
                if listed is not None and listed.iri != own.iri and listing:
                    yield from self.doc[listed.start : listed.end]
                for grandchild in child.children:
                    if grandchild.dep_ == "conj":
                        yield from self._phrase(grandchild)

    def _examples(self, noun: Token) -> Iterator[Token]:
        """The actors a plural noun includes: "partners that included X", "such as X", "including X"."""
        for child in noun.children:
            if child.dep_ == "relcl" and child.lemma_.lower() in ("include", "comprise"):
                for part in child.children:
                    if part.dep_ in ("dobj", "attr"):
                        yield from self._phrase(part)
            elif child.dep_ == "prep" and child.lower_ in ("including", "like", "as", "among"):
                if child.lower_ == "as" and not any(
                    c.lower_ == "such" for c in [*child.children, *noun.children]
                ):
                    continue
                for part in child.children:
                    if part.dep_ == "pobj":
                        yield from self._phrase(part)

    def _names_actor(self, token: Token) -> bool:
        """The token is in the name of an actor other than a country."""
        mention = self.at.get(token.i)
        return mention is not None and mention.kind == "actor" and QC.Country not in mention.classes

    def stands_for_actors(self, token: Token) -> bool:
        """ "with X", "with colleagues at X", "with the two universities", not "with an EU contribution" or
        "with X as its leading house" (what X is, not a partner)."""
        after = max(t.i for t in token.subtree) + 1
        if any(c.dep_ == "prep" and c.lower_ == "as" for c in token.children) or (
            after < len(self.doc) and self.doc[after].lower_ == "as"
        ):
            return False
        if token.i in self.at or token.pos_ in ("PRON", "PROPN"):
            return True
        return token.lemma_.lower() in ACTOR_HEADS or token.lower_ in ACTOR_HEADS

    def is_place(self, token: Token) -> bool:
        """A country, region or other place ("in Japan", "in the United States")."""
        mention = self.at.get(token.i)
        if mention is not None:
            return bool({QC.Country, QC.Region} & set(mention.classes))
        return token.ent_type_ in ("GPE", "LOC")

    def subject(self, verb: Token) -> Token | None:
        """The subject of a verb, through "went on to", "will continue to work" and conjoined verbs."""
        current = verb
        for _ in range(6):
            for child in current.children:
                if child.dep_ in ("nsubj", "nsubjpass", "csubj") and not (
                    current.dep_ == "relcl" and is_relative(child)
                ):
                    return child
            if current.dep_ == "relcl":  # "X and Y, which work in partnership with Z": both X and Y
                head = current.head
                while head.dep_ == "conj" and head.head is not head:
                    head = head.head
                return head
            head = current.head
            if head is current:
                break
            own = (
                [
                    c
                    for c in head.children
                    if c.dep_ == "conj"
                    and head.i < c.i < current.i
                    and c.pos_ in ("PROPN", "NOUN")
                    and c.i in self.at
                ]
                if current.dep_ == "conj"
                else []
            )
            if own:  # "X works with Y, and Z is partnered with W": Z parsed as a conjunct of "works"
                return own[-1]
            if current.dep_ in ("xcomp", "conj", "advcl", "ccomp", "acomp"):
                current = head
            elif current.dep_ == "pcomp" or (current.dep_ == "acl" and head.dep_ in ("dobj", "pobj", "attr")):
                current = head.head if head.dep_ != "pobj" else head.head.head
            else:
                break
        return self._dated_subject(current)

    def _dated_subject(self, verb: Token) -> Token | None:
        """ "In April 2024 Rensselaer Polytechnic Institute became": the parse took the name into the date."""
        for child in verb.children:
            if child.dep_ != "prep" or child.i > verb.i:
                continue
            for name in (g for g in child.children if g.dep_ == "pobj"):
                mention = self.at.get(name.i)
                dated = any(t.ent_type_ == "DATE" for t in self.doc[child.i + 1 : name.i])
                if dated and mention is not None and mention.kind == "actor":
                    return name
        return None

    def subjects(self, verb: Token) -> list[EntityMention]:
        """The actors a verb's subjects name, also when the parse gives it two ("UKRI ... and NSF intend")."""
        first = self.subject(verb)
        if first is None:
            return []
        found = self.group(first)
        if first.dep_ not in ("nsubj", "nsubjpass"):  # "X works with Y, and Z is partnered with W": Z alone
            return found[:MAX_GROUP]
        for sibling in first.head.children:
            if sibling.dep_ in ("nsubj", "nsubjpass") and sibling.i != first.i:
                found += [m for m in self.group(sibling) if m.iri not in {f.iri for f in found}]
        return found[:MAX_GROUP]

    def agents(self, verb: Token) -> list[EntityMention]:
        """The actors after "by" of a passive verb ("founded by X and Y", "by X (X2) and Y")."""
        found: list[EntityMention] = []
        for g in (g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"):
            group = self.group(g)
            if (mention := self.at.get(g.i)) is not None:  # the parse may lose a list at brackets or places
                group += [m for m in right_conjuncts(self.doc, self.at, mention) if m not in group]
            found += [m for m in group if m.iri not in {f.iri for f in found}]
        return found

    def left_conjuncts(self, verb: Token) -> list[EntityMention]:
        """ "X and Y jointly designed", read off the words when the parse lost the conjunction."""
        return left_conjuncts(self.doc, self.at, verb.i - 1)

    def with_objects(self, token: Token) -> list[Token]:
        """The objects of "with", "together with", "alongside" attached to a token."""
        objects = []
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in ("with", "alongside"):
                objects += [g for g in child.children if g.dep_ == "pobj"]
                objects += [  # "with X and with Y"
                    g
                    for c in child.children
                    if c.dep_ == "conj" and c.lower_ == "with"
                    for g in c.children
                    if g.dep_ == "pobj"
                ]
            elif child.dep_ == "prep" and child.lower_ in ("in", "under"):  # "in collaboration with X"
                objects += [
                    o
                    for g in child.children
                    if g.dep_ == "pobj" and g.lemma_.lower() in COLLAB_NOUNS | {"association", "conjunction"}
                    for o in self.with_objects(g)
                ]
            elif (
                child.dep_ == "advmod"
                and child.lower_ in ("together", "along", "jointly")
                or child.dep_ == "prep"
                and child.lower_ == "along"
            ):
                objects += self.with_objects(child)
            elif child.dep_ == "amod" and child.pos_ == "ADJ" and token.pos_ == "NOUN":
                objects += [  # "a plan worth US$100 million with X", the parse hangs "with" on "worth"
                    g
                    for c in child.children
                    if c.dep_ == "prep" and c.lower_ == "with"
                    for g in c.children
                    if g.dep_ == "pobj"
                ]
        return objects

    def negated(self, token: Token) -> bool:
        """A verb said not to happen or only maybe ("have not signed", "could partner")."""
        reported = token.dep_ == "ccomp" and token.head.lemma_.lower() in _REPORTING_VERBS  # "said X would"
        hedges = HEDGES - {"would"} if reported else HEDGES
        return any(c.dep_ == "neg" or (c.dep_ == "aux" and c.lower_ in hedges) for c in token.children)

    def passive_target(self, verb: Token) -> Token | None:
        """What "led by X" or "is funded by X" is said of: the noun it qualifies, or the passive subject."""
        if verb.dep_ == "acl":
            return verb.head
        if verb.dep_ == "conj" and verb.head.dep_ == "acl":
            return verb.head.head
        subject = self.subject(verb)
        return subject if subject is not None and subject.dep_ == "nsubjpass" else subject
