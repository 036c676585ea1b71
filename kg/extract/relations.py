"""Relations read from the dependency parse: who collaborates with whom, who joins, leads or funds what."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations, product

from spacy.tokens import Doc, Token

from kg.extract.lexicon import (
    COLLAB_NOUNS,
    CONSORTIUM_NOUNS,
    DESCRIPTOR_NOUNS,
    DISTRIBUTIVE,
    FOUND_VERBS,
    FUND_VERBS,
    HEDGES,
    HOST_VERBS,
    JOIN_VERBS,
    JOINT_ADJECTIVES,
    JOINT_NOUNS,
    JOINT_VERBS,
    LEAD_VERBS,
    LOOSE_JOINT_VERBS,
    PEOPLE_NOUNS,
    PLAN_NOUNS,
    PROGRAM_NOUNS,
    SELECT_VERBS,
    SHARED_TEXTS,
    STATE_NOUNS,
    TOGETHER_WORDS,
    WITH_VERBS,
)
from kg.extract.mentions import EntityMention
from kg.extract.methods import DEPENDENCY, Method
from kg.namespaces import QC

_GROUP_DEPS = frozenset({"conj", "cc", "det", "amod", "nummod", "punct", "preconj", "quantmod"})
_MAX_GROUP = 6
_MAX_JOINT = 3  # "A, B, C and D launched": most lists of four or more act apart
_MAX_LIST = 5  # "A, B, C and D signed a memorandum", "agreed": one act of all of them


@dataclass(frozen=True)
class Relation:
    """A relation between two mentions: collaboration, participation, leads or funds."""

    kind: str
    first: EntityMention
    second: EntityMention
    method: Method
    confidence: float


def _of_objects(noun: Token) -> list[Token]:
    """ "memorandum of understanding": the noun after "of"."""
    return [
        g
        for c in noun.children
        if c.dep_ == "prep" and c.lower_ == "of"
        for g in c.children
        if g.dep_ == "pobj"
    ]


def _one_agreement(obj: Token) -> bool:
    """ "an agreement with X and Y", "a plan with X and Y" (one, among all three), not "agreements with"."""
    noun = obj.head.head if obj.head.dep_ == "prep" else obj.head
    return noun.tag_ == "NN" and noun.lemma_.lower() in COLLAB_NOUNS | PLAN_NOUNS


def _attribute(token: Token) -> bool:
    """ "the Finnish company", "a British start-up": an adjective of origin, not an actor of the group
    ("the Finnish government" is one)."""
    return token.dep_ == "amod" and token.pos_ == "ADJ" and token.head.lemma_.lower() not in STATE_NOUNS


MEMBERSHIP_VERBS = frozenset({"include", "comprise", "bring", "gather", "unite", "involve", "count"})
MEMBER_NOUNS = frozenset({"partners", "partnership", "project", "projects"})
OWNED_LISTS = frozenset({"partners", "members", "customers", "clients", "participants"})


class SentenceGraph:
    """One parsed sentence with its mentions: groups of actors and the relations the parse states."""

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
            if mention is not None and mention.kind in kinds and not _attribute(t):
                seen.setdefault(f"{mention.iri}", mention)
        return list(seen.values())[:_MAX_GROUP]

    def _phrase(self, token: Token) -> Iterator[Token]:
        yield token
        own = self.at.get(token.i)
        if own is None and token.lemma_.lower() in PEOPLE_NOUNS:  # "researchers at X", "colleagues from Y"
            for child in token.children:
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
        for child in token.children:
            inside = own is not None and own.covers(child)
            if inside or child.dep_ in _GROUP_DEPS or child.dep_ == "compound" and own is None:
                yield from self._phrase(child)
            elif child.dep_ == "prep" and child.lower_ == "of" and own is None:
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
            elif child.dep_ == "appos":  # "NPL, the UK institute, and NIST": a conjunct of the apposition
                listed = self.at.get(child.i)  # "Aalto University, the University of Helsinki and VTT"
                listing = any(g.dep_ == "conj" for g in child.children)
                if listed is not None and listed.iri != own.iri and listing:
                    yield from self.doc[listed.start : listed.end]
                for grandchild in child.children:
                    if grandchild.dep_ == "conj":
                        yield from self._phrase(grandchild)

    def subject(self, verb: Token) -> Token | None:
        """The subject of a verb, through "went on to", "will continue to work" and conjoined verbs."""
        current = verb
        for _ in range(6):
            for child in current.children:
                if child.dep_ in ("nsubj", "nsubjpass", "csubj"):
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
        return None

    def subjects(self, verb: Token) -> list[EntityMention]:
        """The actors a verb's subjects name, also when the parse gives it two ("UKRI ... and NSF intend")."""
        first = self.subject(verb)
        if first is None:
            return []
        found = self.group(first)
        for sibling in first.head.children:
            if sibling.dep_ in ("nsubj", "nsubjpass") and sibling.i != first.i:
                found += [m for m in self.group(sibling) if m.iri not in {f.iri for f in found}]
        return found[:_MAX_GROUP]

    def agents(self, verb: Token) -> list[EntityMention]:
        """The actors after "by" of a passive verb ("founded by X and Y")."""
        return [
            m
            for c in verb.children
            if c.dep_ == "agent"
            for g in c.children
            if g.dep_ == "pobj"
            for m in self.group(g)
        ]

    def left_conjuncts(self, verb: Token) -> list[EntityMention]:
        """ "X and Y jointly designed", read off the words when the parse lost the conjunction."""
        doc = self.doc
        index = verb.i - 1
        while index >= 0 and doc[index].pos_ in ("ADV", "AUX", "PART"):
            index -= 1
        names: list[EntityMention] = []
        while index >= 0:
            if index >= 2 and doc[index].text == ")" and doc[index - 2].text == "(":
                index -= 3  # "the National Research Council of Canada (NRC)"
            mention = self.at.get(index)
            if index < 0 or mention is None or mention.kind != "actor":
                break
            if mention.iri not in {n.iri for n in names}:
                names.append(mention)
            index = mention.start - 1
            while index >= 0 and doc[index].lower_ in ("the", "a"):
                index -= 1
            if index < 0 or doc[index].lower_ not in ("and", ",", "&"):
                break
            index -= 1
            while index >= 0 and doc[index].lower_ in ("the", ","):
                index -= 1
        return names[::-1] if len(names) >= 2 else []

    def with_objects(self, token: Token) -> list[Token]:
        """The objects of "with", "together with", "alongside" attached to a token."""
        objects = []
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in ("with", "alongside"):
                objects += [g for g in child.children if g.dep_ == "pobj"]
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
        return objects

    def _distributive(self, verb: Token) -> bool:
        """ "X and Y each launched their own strategy", "X and Y compete": the subjects act apart."""
        near = [verb, *verb.children]
        near += [g for c in verb.children if c.dep_ in ("dobj", "nsubj", "attr") for g in c.subtree]
        return any(t.lower_ in DISTRIBUTIVE for t in near)

    def _negated(self, token: Token) -> bool:
        return any(c.dep_ == "neg" or (c.dep_ == "aux" and c.lower_ in HEDGES) for c in token.children)

    def _together(self, verb: Token) -> bool:
        if any(c.lower_ in TOGETHER_WORDS for c in verb.children) or self._agreement_object(verb):
            return True
        if verb.lemma_.lower() in ("release", "issue", "adopt", "publish") and any(
            c.dep_ == "dobj" and c.tag_ == "NN" and c.lemma_.lower() in SHARED_TEXTS for c in verb.children
        ):
            return True  # "X and Y released a statement"
        return any(
            c.dep_ in ("dobj", "attr", "nsubjpass") and any(g.lower_ in JOINT_ADJECTIVES for g in c.children)
            for c in verb.children
        )

    def collaborations(self) -> list[Relation]:
        """Every pair of actors the sentence says collaborate, once."""
        pairs: list[tuple[EntityMention, EntityMention, float]] = []
        for token in self.doc:
            if self._negated(token) or (token.head is not token and self._negated(token.head)):
                continue
            if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB"):
                pairs += self._verb_pairs(token)
            elif token.pos_ in ("NOUN", "PROPN") or token.lower_ in COLLAB_NOUNS:
                pairs += self._noun_pairs(token)
        unique: dict[frozenset[str], Relation] = {}
        for a, b, confidence in pairs:
            if a.iri != b.iri:
                key = frozenset({str(a.iri), str(b.iri)})
                if key not in unique or unique[key].confidence < confidence:
                    unique[key] = Relation("collaboration", a, b, DEPENDENCY, confidence)
        return list(unique.values())

    def _consortium_pairs(self, verb: Token) -> list[tuple[EntityMention, EntityMention, float]]:
        """ "Coordinated by X, its consortium included Y and Z": the coordinator and the members, pairwise."""
        subject = self.subject(verb)
        gathers = verb.lemma_.lower() in ("unite", "gather") or any(
            c.lower_ == "together" for c in verb.children
        )  # "the Center brings together X and Y", "the flagship brings together"
        owner = self.at.get(subject.i) if subject is not None else None
        program_subject = subject is not None and (
            (owner is not None and owner.kind == "program") or subject.lower_ in PROGRAM_NOUNS
        )
        listed = [m for c in verb.children if c.dep_ in ("dobj", "attr") for m in self.group(c)]
        if subject is not None and subject.lower_ in OWNED_LISTS:  # "IBM's partners include X and Y"
            owners = [m for c in subject.children if c.dep_ == "poss" for m in self.group(c)]
            if owners:
                return [(a, b, 0.75) for a, b in product(owners, listed) if a.iri != b.iri]
            if not any(c.dep_ == "poss" and c.lower_ in CONSORTIUM_NOUNS | {"its"} for c in subject.children):
                return []
        if subject is None or not (
            subject.lower_ in CONSORTIUM_NOUNS | MEMBER_NOUNS or (gathers and program_subject)
        ):
            return []
        members = list(listed)
        for clause in [*verb.children, *subject.children]:
            if clause.dep_ in ("advcl", "acl", "relcl") and clause.lemma_.lower() in LEAD_VERBS:
                members += self.agents(clause)
        unique = list({str(m.iri): m for m in members}.values())
        return [(a, b, 0.75) for a, b in combinations(unique, 2)] if 2 <= len(unique) <= _MAX_GROUP else []

    def _verb_pairs(self, verb: Token) -> list[tuple[EntityMention, EntityMention, float]]:
        lemma = verb.lemma_.lower()
        if lemma in MEMBERSHIP_VERBS:
            return self._consortium_pairs(verb)
        subjects = self.subjects(verb)
        pairs: list[tuple[EntityMention, EntityMention, float]] = []
        objects = list(self.with_objects(verb))
        for child in verb.children:
            if child.dep_ in ("dobj", "attr") and (
                child.lower_ in COLLAB_NOUNS or child.lemma_ in COLLAB_NOUNS
            ):
                objects += self.with_objects(child)
                objects += [o for of in _of_objects(child) for o in self.with_objects(of)]
        if lemma in WITH_VERBS | LOOSE_JOINT_VERBS:  # "announced a plan with X and Y", "set up hubs with"
            for child in verb.children:
                if child.dep_ == "dobj" and child.lemma_.lower() in JOINT_NOUNS | PLAN_NOUNS:
                    objects += self.with_objects(child)
        if any(c.dep_ == "auxpass" for c in verb.children):  # "developed by X together with Y"
            agents = self.agents(verb)
            if agents and objects:
                subjects = agents
        if lemma in WITH_VERBS or objects and lemma not in ("compete", "rival"):
            for obj in objects:
                if obj.ent_type_ == "PERSON":  # "with OSTP director Arati Prabhakar as signatory"
                    continue
                partners = self.group(obj) + self._stray_conjuncts(obj)
                pairs += [(a, b, 0.85) for a, b in product(subjects, partners)]
                if _one_agreement(obj) and 2 <= len(partners) <= _MAX_JOINT:  # "an agreement with X and Y"
                    pairs += [(a, b, 0.8) for a, b in combinations(partners, 2)]
        joint = lemma in JOINT_VERBS or (lemma in LOOSE_JOINT_VERBS and self._together(verb))
        bare = lemma in JOINT_VERBS and not any(
            c.dep_ == "dobj" for c in verb.children
        )  # "A, B, C and D agreed"
        largest = _MAX_LIST if bare or self._agreement_object(verb) else _MAX_JOINT
        if joint and len(subjects) < 2 and (self._together(verb) or self.subject(verb) is None):
            subjects = self.left_conjuncts(verb)  # the parse lost the subjects or their conjunction
        if any(c.lower_ in TOGETHER_WORDS for c in verb.children):
            largest = _MAX_LIST  # "researchers from A, B, C and D work together"
        if verb.dep_ == "relcl" and verb.head.lower_ in COLLAB_NOUNS:  # "the agreement that X and Y signed"
            subjects = [m for c in verb.children if c.dep_ == "nsubj" for m in self.group(c)]
            joint = True
        if joint and not objects and 2 <= len(subjects) <= largest and not self._distributive(verb):
            pairs += [(a, b, 0.8) for a, b in combinations(subjects, 2)]
        if lemma == "join" and any(c.lower_ == "forces" for c in verb.children):
            pairs += [(a, b, 0.8) for a, b in combinations(subjects, 2)]
        if lemma in ("invest", "co-invest") or lemma in SELECT_VERBS:  # "invest in PsiQuantum", "chose X"
            slots = ("dobj",) if lemma in SELECT_VERBS else ()
            chosen = [m for c in verb.children if c.dep_ in slots for m in self.group(c)]
            chosen += [
                m
                for c in verb.children
                if c.dep_ == "prep" and c.lower_ == "in"
                for g in c.children
                if g.dep_ == "pobj"
                for m in self.group(g)
            ]
            pairs += [(a, b, 0.75) for a, b in product(subjects, chosen) if QC.Country not in b.classes]
        target = self.passive_target(verb) if lemma in FOUND_VERBS else None
        if target is not None and target.tag_ != "NNS":  # "founded by X and Y", not "institutes led by"
            founders = self.agents(verb)
            if 2 <= len(founders) <= _MAX_JOINT:
                pairs += [(a, b, 0.8) for a, b in combinations(founders, 2)]
        return pairs

    def _agreement_object(self, verb: Token) -> bool:
        """ "signed a memorandum", "formed a partnership": the verb's object is an agreement."""
        return any(
            c.dep_ in ("dobj", "attr") and (c.lower_ in COLLAB_NOUNS or c.lemma_.lower() in COLLAB_NOUNS)
            for c in verb.children
        )

    def _stray_conjuncts(self, obj: Token) -> list[EntityMention]:
        """ "a plan with X and Y" parsed as "plan ... and Y": actors conjoined to the noun "with" hangs on."""
        preposition = obj.head
        noun = preposition.head
        if preposition.dep_ != "prep" or noun.pos_ not in ("NOUN", "PROPN") or noun.i in self.at:
            return []
        return [m for c in noun.children if c.dep_ == "conj" and c.i > obj.i for m in self.group(c)]

    def _noun_pairs(self, noun: Token) -> list[tuple[EntityMention, EntityMention, float]]:
        word = noun.lower_
        strong = word in COLLAB_NOUNS or noun.lemma_.lower() in COLLAB_NOUNS
        joint = word in JOINT_NOUNS and any(c.lower_ in JOINT_ADJECTIVES for c in noun.children)
        if not (strong or joint):
            return []
        pairs: list[tuple[EntityMention, EntityMention, float]] = []
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ in ("between", "among", "amongst"):
                for obj in (g for g in child.children if g.dep_ == "pobj"):
                    members = self.group(obj)
                    if 2 <= len(members) <= _MAX_JOINT + 1:
                        pairs += [(a, b, 0.85) for a, b in combinations(members, 2)]
        compounds = [
            m for c in noun.children if c.dep_ in ("compound", "nmod", "amod", "poss") for m in self.group(c)
        ]
        owner_verb = self._owner(noun)
        subjects = self.subjects(owner_verb) if owner_verb is not None else []
        owners = compounds or subjects
        partners = [m for obj in self.with_objects(noun) for m in self.group(obj)]
        clause = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "of" else noun
        if clause.dep_ in ("nsubj", "nsubjpass") and clause.head.lemma_ == "be":  # "X's partnership is with"
            partners += [m for obj in self.with_objects(clause.head) for m in self.group(obj)]
        if word in ("partner", "partners"):
            partners += [
                m
                for c in noun.children
                if c.dep_ == "prep" and c.lower_ in ("of", "to")
                for g in c.children
                if g.dep_ == "pobj"
                for m in self.group(g)
            ]
            if compounds:
                partners += subjects
        if word in CONSORTIUM_NOUNS and noun.tag_ == "NNS":  # "consortia that include partners from ..."
            return pairs
        if word in CONSORTIUM_NOUNS:
            members = self._members(noun) + subjects
            members = list({str(m.iri): m for m in members}.values())
            if 2 <= len(members) <= _MAX_GROUP:
                pairs += [(a, b, 0.8) for a, b in combinations(members, 2)]
        elif partners:
            pairs += [(a, b, 0.85) for a, b in product(owners, partners)]
        elif 2 <= len(compounds) <= _MAX_JOINT:
            pairs += [(a, b, 0.8) for a, b in combinations(compounds, 2)]
        elif (
            strong
            and not compounds
            and 2 <= len(subjects) <= _MAX_JOINT
            and not self._distributive(noun.head)
        ):
            pairs += [(a, b, 0.8) for a, b in combinations(subjects, 2)]
        return pairs

    def _members(self, noun: Token) -> list[EntityMention]:
        """A consortium's members: led by X, with Y, of Z, including W, and those "taking part" in it."""
        members: list[EntityMention] = []
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ in ("with", "of", "including", "comprising", "between"):
                members += [m for g in child.children if g.dep_ == "pobj" for m in self.group(g)]
            elif child.dep_ in ("acl", "relcl"):
                for grandchild in child.subtree:
                    mention = self.at.get(grandchild.i)
                    if (
                        mention is not None
                        and mention.kind == "actor"
                        and grandchild.dep_ in ("pobj", "nsubj", "conj", "dobj", "appos")
                    ):
                        members.append(mention)
        return members

    def _owner(self, noun: Token) -> Token | None:
        """The verb whose subjects have the partnership: "X signed an MoU with Y", "X and Y are building
        computers in a partnership"."""
        head = noun
        for _ in range(4):
            if head.head is head:
                return None
            head = head.head
            if head.pos_ in ("VERB", "AUX") or head.tag_.startswith("VB"):
                return head
        return None

    def passive_target(self, verb: Token) -> Token | None:
        """What "led by X" or "is funded by X" is said of: the noun it qualifies, or the passive subject."""
        if verb.dep_ == "acl":
            return verb.head
        if verb.dep_ == "conj" and verb.head.dep_ == "acl":
            return verb.head.head
        subject = self.subject(verb)
        return subject if subject is not None and subject.dep_ == "nsubjpass" else subject

    def role_verbs(self) -> Iterator[tuple[Token, str, list[Token]]]:
        """Each "led by", "funded by", "coordinated by" in the sentence: the verb, the role and the agents."""
        for token in self.doc:
            lemma = token.lemma_.lower()
            if lemma not in LEAD_VERBS and lemma not in FUND_VERBS and lemma not in HOST_VERBS:
                continue
            agents = [g for c in token.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
            if agents and not self._negated(token):
                yield token, ("funds" if lemma in FUND_VERBS else "leads"), agents

    def roles(self, fallback: EntityMention | None = None) -> list[Relation]:
        """Who leads, funds or takes part in a program named in the sentence ("it": the fallback)."""
        relations: list[Relation] = []
        fallback = next((m for m in self.mentions if m.kind == "program"), None) or fallback
        for token, kind, agents in self.role_verbs():
            target = self.passive_target(token)
            programs = self.group(target, ("program",)) if target is not None else []
            if not programs and target is not None and target.lower_ in ("it", "which") and fallback:
                programs = [fallback]
            actors = [m for a in agents for m in self.group(a)]
            relations += [Relation(kind, a, p, DEPENDENCY, 0.85) for a, p in product(actors, programs)]
        for token in self.doc:
            lemma = token.lemma_.lower()
            if (
                token.pos_ == "VERB"
                and not self._negated(token)
                and (lemma in LEAD_VERBS or lemma in FUND_VERBS or lemma in JOIN_VERBS)
            ):
                relations += self._active_roles(token, lemma)
        for mention in self.mentions:
            if mention.kind != "program":
                continue
            root = self.doc[mention.start : mention.end].root
            for child in root.children:
                if child.dep_ == "poss":
                    relations += [Relation("leads", a, mention, DEPENDENCY, 0.75) for a in self.group(child)]
        return relations

    def led_names(self) -> set[int]:
        """Token positions of names "led by", "funded by" or "hosted by" someone (programs, then)."""
        positions: set[int] = set()
        for token, _, _ in self.role_verbs():
            target = self.passive_target(token)
            if target is not None:
                positions.add(target.i)
        return positions

    def _child(self, token: Token, deps: tuple[str, ...]) -> Token | None:
        return next((c for c in token.children if c.dep_ in deps), None)

    def _active_roles(self, verb: Token, lemma: str) -> list[Relation]:
        actors = self.subjects(verb)
        if not actors or verb.dep_ in ("acl", "relcl") or any(c.dep_ == "auxpass" for c in verb.children):
            return []
        targets = [c for c in verb.children if c.dep_ in ("dobj", "attr")]
        targets += [
            g
            for c in verb.children
            if c.dep_ == "prep" and c.lower_ in ("to", "in", "into", "for")
            for g in c.children
            if g.dep_ == "pobj"
        ]
        programs = [p for t in targets for p in self.group(t, ("program",))]
        kind = "participation" if lemma in JOIN_VERBS else "funds" if lemma in FUND_VERBS else "leads"
        return [Relation(kind, a, p, DEPENDENCY, 0.8) for a, p in product(actors, programs)]
