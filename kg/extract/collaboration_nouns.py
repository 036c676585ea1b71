"""Collaborations a noun states ("a partnership between X and Y", "an agreement with Y", "a consortium of")
and a team of people from several actors states ("researchers from X and Y demonstrated")."""

from __future__ import annotations

from itertools import combinations, product

from spacy.tokens import Token

from kg.extract.lexicon import (
    COLLAB_NOUNS,
    CONSORTIUM_NOUNS,
    DISTRIBUTIVE,
    JOINT_ADJECTIVES,
    JOINT_NOUNS,
    PEOPLE_NOUNS,
)
from kg.extract.mentions import EntityMention
from kg.extract.phrases import MAX_GROUP, MAX_JOINT, ParsedSentence


class NounPairs(ParsedSentence):
    """The pairs of actors around a collaboration noun."""

    def _distributive(self, verb: Token) -> bool:
        """ "X and Y each launched their own strategy", "X and Y compete": the subjects act apart."""
        near = [verb, *verb.children]
        near += [g for c in verb.children if c.dep_ in ("dobj", "nsubj", "attr") for g in c.subtree]
        return any(t.lower_ in DISTRIBUTIVE for t in near)

    def _team_pairs(self, verb: Token) -> list[tuple[EntityMention, EntityMention, float]]:
        """ "Researchers from A, B and C demonstrated", "the work was carried out by a team from A and B":
        people of several actors doing one thing together, every pair of them."""
        if verb.lemma_.lower() in ("compete", "rival") or self._distributive(verb):
            return []
        people = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        people += [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        if not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):  # "In 2019 researchers at X
            people += [  # and Y demonstrated": the parse took the subject into the opening phrase
                g for c in verb.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"
            ]
        for person in people:
            if person.lemma_.lower() not in PEOPLE_NOUNS or person.i in self.at:
                continue
            if not any(c.dep_ == "prep" and c.lower_ in ("at", "from", "of") for c in person.children):
                continue
            team = self.group(person)
            if 2 <= len(team) <= MAX_GROUP:
                return [(a, b, 0.8) for a, b in combinations(team, 2)]
        return []

    def _noun_pairs(self, noun: Token) -> list[tuple[EntityMention, EntityMention, float]]:
        word = noun.lower_
        of_intent = noun.lemma_.lower() == "letter" and any(  # "a letter of intent between X and Y"
            c.lower_ == "of" and any(g.lower_ == "intent" for g in c.children) for c in noun.children
        )
        strong = word in COLLAB_NOUNS or noun.lemma_.lower() in COLLAB_NOUNS or of_intent
        joint = word in JOINT_NOUNS and any(c.lower_ in JOINT_ADJECTIVES for c in noun.children)
        named = self.at.get(noun.i)  # "the Japan–IBM Quantum Partnership": its words name it, not partners
        if named is not None and named.end - named.start == 1:  # "the MoU between X and Y" taken for a name
            named = None
        if not (strong or joint) or (named is not None and named.kind != "program"):
            return []
        pairs: list[tuple[EntityMention, EntityMention, float]] = []
        heard = [g for c in noun.children if c.dep_ == "acl" for g in c.children]  # "a partnership announced
        for child in [*noun.children, *heard]:  # today between X and Y"
            if child.dep_ == "prep" and child.lower_ in ("between", "among", "amongst"):
                for obj in (g for g in child.children if g.dep_ == "pobj"):
                    members = self.group(obj)
                    if 2 <= len(members) <= MAX_JOINT + 1:
                        pairs += [(a, b, 0.85) for a, b in combinations(members, 2)]
        if pairs:  # "a partnership between X and Y": the two, not also whoever announced it
            return pairs
        compounds = [
            m
            for c in noun.children
            if c.dep_ in ("compound", "nmod", "amod", "poss")
            for m in self.group(c)
            if named is None
            and (c.dep_ == "poss" or word not in ("partner", "partners") or not self.is_place(c))
        ]  # "the UK partners": partners from the UK, not the UK's
        owner_verb = self._owner(noun)
        subjects = self.subjects(owner_verb) if owner_verb is not None else []
        owners = compounds or subjects or self._contributors(noun)
        partners = [m for obj in self.with_objects(noun) for m in self.group(obj)]
        if owner_verb is not None and noun.dep_ == "pobj" and noun.head.lower_ == "under":
            partners += self._beneficiaries(owner_verb)  # "Under the deal, X will supply GPUs to Y"
        if joint and not strong and 2 <= len(partners) <= MAX_JOINT and noun.tag_ == "NN":
            pairs += [(a, b, 0.8) for a, b in combinations(partners, 2)]  # "a joint programme with X and Y"
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
            if 2 <= len(members) <= MAX_GROUP:
                pairs += [(a, b, 0.8) for a, b in combinations(members, 2)]
        elif partners:
            pairs += [(a, b, 0.85) for a, b in product(owners, partners)]
        elif 2 <= len(compounds) <= MAX_JOINT:
            pairs += [(a, b, 0.8) for a, b in combinations(compounds, 2)]
        elif (
            strong and not compounds and 2 <= len(subjects) <= MAX_JOINT and not self._distributive(noun.head)
        ):
            pairs += [(a, b, 0.8) for a, b in combinations(subjects, 2)]
        return pairs

    def _beneficiaries(self, verb: Token) -> list[EntityMention]:
        """Whom a verb's subject acts for or with: the object of "to", "with" or "for"."""
        found = [m for c in verb.children if c.dep_ == "dative" for m in self.group(c)]
        return found + [
            m
            for c in verb.children
            if c.dep_ in ("prep", "dative") and c.lower_ in ("to", "with", "for")
            for g in c.children
            if g.dep_ == "pobj"
            for m in self.group(g)
        ]

    def _contributors(self, noun: Token) -> list[EntityMention]:
        """ "the Dutch contribution to a joint programme", "Japan's part in the partnership": who joins."""
        if noun.dep_ != "pobj" or noun.head.lower_ not in ("to", "in") or noun.head.head.pos_ != "NOUN":
            return []
        share = noun.head.head
        return [
            m
            for c in share.children
            if c.dep_ in ("poss", "amod", "compound")
            and (m := self.at.get(c.i)) is not None
            and m.kind == "actor"
        ]

    def _members(self, noun: Token) -> list[EntityMention]:
        """A consortium's members: led by X, with Y, of Z, including W, and those "taking part" in it."""
        members: list[EntityMention] = []
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ in ("with", "of", "including", "comprising", "between"):
                for g in (g for g in child.children if g.dep_ == "pobj"):
                    members += self.group(g)
                    if child.lower_ == "of" and g.i not in self.at:  # "a consortium of companies, in which X"
                        members += self._members(g)
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
        for _ in range(8):
            if head.head is head:
                return None
            head = head.head
            if head.pos_ in ("VERB", "AUX") or head.tag_.startswith("VB"):
                return head
        return None
