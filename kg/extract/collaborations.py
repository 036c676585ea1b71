"""Collaborations read from the dependency parse: the pairs of actors a sentence says work together."""

from __future__ import annotations

from itertools import combinations, product

from spacy.tokens import Token

from kg.extract.collaboration_nouns import NounPairs
from kg.extract.deals import DealPairs
from kg.extract.lexicon import (
    COLLAB_NOUNS,
    CONSORTIUM_NOUNS,
    FOUND_VERBS,
    JOINT_ADJECTIVES,
    JOINT_NOUNS,
    JOINT_VERBS,
    LEAD_VERBS,
    LOOSE_JOINT_VERBS,
    PLAN_NOUNS,
    SHARED_TEXTS,
    TOGETHER_WORDS,
    WITH_VERBS,
)
from kg.extract.mentions import EntityMention
from kg.extract.methods import DEPENDENCY
from kg.extract.phrase_words import (
    CO_VERBS,
    DEAL_NOUNS,
    GATHERING_NOUNS,
    HOST_OBJECT_VERBS,
    SHARED_OBJECT_VERBS,
    SHARED_THINGS,
    of_objects,
    one_agreement,
)
from kg.extract.phrases import MAX_GROUP, MAX_JOINT, Relation
from kg.extract.reported import ReportedPairs
from kg.extract.word_order import right_conjuncts

_MAX_LIST = 6  # "A, B, C and D signed a memorandum", "agreed": one act of all of them
MEMBERSHIP_VERBS = frozenset({"include", "comprise", "bring", "gather", "unite", "involve", "count"})
MEMBER_NOUNS = frozenset({"partners", "partnership", "project", "projects"})
OWNED_LISTS = frozenset({"partners", "members", "customers", "clients", "participants"})


def _said_together(verb: Token) -> bool:
    """ "X and Y work together", also where the parse hangs "together" on a phrase of the verb ("trialled
    it together in London")."""
    return any(c.lower_ in TOGETHER_WORDS for c in verb.children) or any(
        g.lower_ in TOGETHER_WORDS and g.dep_ == "advmod"
        for c in verb.children
        if c.dep_ == "prep"
        for g in c.children
    )


def _together_with(obj: Token) -> bool:
    """ "coordinates the programme together with X and Y": X and Y act with the subject and each other."""
    preposition = obj.head
    return preposition.lower_ == "with" and (
        any(c.lower_ == "together" for c in preposition.children)
        or (preposition.i > 0 and preposition.doc[preposition.i - 1].lower_ == "together")
    )


def _misread_verb(token: Token) -> bool:
    """ "X and Y work together": the verb the tagger took for a noun, told by its subject."""
    return (
        token.dep_ == "ROOT"
        and token.pos_ == "NOUN"
        and any(c.dep_ == "nsubj" for c in token.children)
        and any(c.dep_ in ("advmod", "prep") for c in token.children)
    )




class CollaborationReader(NounPairs, DealPairs, ReportedPairs):
    """Who collaborates with whom in one parsed sentence."""

    def _partners_named(self, verb: Token) -> list[EntityMention]:
        """ "The partners are A, B and C", "its partners were A and B": the actors who partner."""
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        partners = subject is not None and subject.tag_ == "NNS" and subject.lemma_.lower() == "partner"
        if not partners:
            return []
        named = [m for c in verb.children if c.dep_ == "attr" for m in self.group(c)]
        return named if 2 <= len(named) <= _MAX_LIST else []

    def _together(self, verb: Token) -> bool:
        if _said_together(verb) or self._agreement_object(verb):
            return True
        if verb.lemma_.lower() in ("release", "issue", "adopt", "publish") and any(
            c.dep_ == "dobj" and c.tag_ == "NN" and c.lemma_.lower() in SHARED_TEXTS for c in verb.children
        ):
            return True  # "X and Y released a statement"
        if verb.lemma_.lower() == "announce" and any(c.dep_ == "ccomp" for c in verb.children):
            return True  # "X and Y announced that the company would become the anchor tenant"
        joint_things = [c for c in verb.children if c.dep_ in ("dobj", "attr", "nsubjpass")]
        return self._joint_frame(verb) or any(
            any(g.lower_ in JOINT_ADJECTIVES for g in c.children) for c in joint_things
        )

    def _joint_frame(self, verb: Token) -> bool:
        """ "Through a joint programme, X and Y will fund", "X and Y linked ... in a joint demonstration"."""
        return any(
            any(t.lower_ in JOINT_ADJECTIVES for t in g.children)
            for c in verb.children
            if c.dep_ == "prep" and c.lower_ in ("through", "in", "under", "via")
            for g in c.children
            if g.dep_ == "pobj"
        )

    def collaborations(self) -> list[Relation]:
        """Every pair of actors the sentence says collaborate, once."""
        pairs: list[tuple[EntityMention, EntityMention, float]] = []
        for token in self.doc:
            if self.negated(token) or (token.head is not token and self.negated(token.head)):
                continue
            if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB") or _misread_verb(token):
                pairs += self._verb_pairs(token) + self._team_pairs(token) + self._purchase_pairs(token)
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
            (owner is not None and owner.kind == "program")
            or subject.lower_ in GATHERING_NOUNS
            or (owner is not None and owner.kind == "actor" and gathers and verb.lemma_.lower() == "bring")
        )  # "the Munich Quantum Valley brings together X, Y and Z"
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
        return [(a, b, 0.75) for a, b in combinations(unique, 2)] if 2 <= len(unique) <= MAX_GROUP else []

    def _verb_pairs(self, verb: Token) -> list[tuple[EntityMention, EntityMention, float]]:
        lemma = verb.lemma_.lower()
        if lemma in MEMBERSHIP_VERBS:
            return self._consortium_pairs(verb)
        if lemma == "be" and (listed := self._partners_named(verb)):
            return [(a, b, 0.8) for a, b in combinations(listed, 2)]
        subjects = self.subjects(verb)
        pairs: list[tuple[EntityMention, EntityMention, float]] = []
        objects = list(self.with_objects(verb))
        for child in verb.children:
            if child.dep_ in ("dobj", "attr") and (
                child.lower_ in COLLAB_NOUNS or child.lemma_ in COLLAB_NOUNS
            ):
                objects += self.with_objects(child)
                objects += [o for of in of_objects(child) for o in self.with_objects(of)]
        if lemma == "join":  # "X joined forces with Y", the parse hangs "with" on "forces"
            objects += [
                o for c in verb.children if c.lower_ in ("forces", "hands") for o in self.with_objects(c)
            ]
        if lemma in WITH_VERBS | LOOSE_JOINT_VERBS:  # "announced a plan with X and Y", "set up hubs with"
            for child in verb.children:
                if child.dep_ == "dobj" and child.lemma_.lower() in JOINT_NOUNS | PLAN_NOUNS | DEAL_NOUNS:
                    objects += self.with_objects(child)
        companions = self._subject_companions(verb)  # "X and Y, together with Z, are building"
        objects += companions
        passive = any(c.dep_ == "auxpass" for c in verb.children)
        if passive or verb.dep_ == "acl" and verb.tag_ == "VBN":  # "developed by X together with Y"
            agents = self.agents(verb)
            if agents and objects and passive:
                subjects = agents
            elif 2 <= len(agents) <= _MAX_LIST and self._shared_passive(verb, lemma):
                pairs += [(a, b, 0.8) for a, b in combinations(agents, 2)]  # "was signed by X and Y"
        if lemma in WITH_VERBS or objects and lemma not in ("compete", "rival"):
            for obj in objects:
                listing = any(c.dep_ == "conj" and self._names_actor(c) for c in obj.children)
                if obj.ent_type_ == "PERSON" and not listing or not self.stands_for_actors(obj):
                    continue  # "with director Arati Prabhakar as signatory", "with an EU contribution"
                partners = self.group(obj) + self._stray_conjuncts(obj)
                if (named := self.at.get(obj.i)) is not None:  # "with X in Erlangen and Y in Garching"
                    partners += [m for m in right_conjuncts(self.doc, self.at, named) if m not in partners]
                pairs += [(a, b, 0.85) for a, b in product(subjects, partners)]
                shared = one_agreement(obj) or _together_with(obj)  # "an agreement with X and Y"
                if shared and 2 <= len(partners) <= MAX_JOINT:
                    pairs += [(a, b, 0.8) for a, b in combinations(partners, 2)]
        joint = (
            lemma in JOINT_VERBS | CO_VERBS
            or (lemma in LOOSE_JOINT_VERBS and self._together(verb))
            or _said_together(verb)
            or self._joint_frame(verb)
            or lemma == "work"
            and any(c.dep_ == "aux" and c.lower_ in ("will", "shall") for c in verb.children)
        )  # "X, Y and Z set out to jointly produce", "X and Y will work on"
        bare = lemma in JOINT_VERBS and not any(
            c.dep_ == "dobj" for c in verb.children
        )  # "A, B, C and D agreed"
        largest = _MAX_LIST if bare or self._agreement_object(verb) else MAX_JOINT
        if joint and len(subjects) < 2 and (self._together(verb) or self.subject(verb) is None):
            subjects = self.left_conjuncts(verb)  # the parse lost the subjects or their conjunction
        if _said_together(verb):
            largest = _MAX_LIST  # "researchers from A, B, C and D work together"
        if verb.dep_ == "relcl" and verb.head.lower_ in COLLAB_NOUNS:  # "the agreement that X and Y signed"
            subjects = [m for c in verb.children if c.dep_ == "nsubj" for m in self.group(c)]
            joint = True
        if (
            companions
            and 2 <= len(subjects) <= largest
            and not self._distributive(verb)
            or joint
            and not objects
            and 2 <= len(subjects) <= largest
            and not self._distributive(verb)
        ):
            pairs += [(a, b, 0.8) for a, b in combinations(subjects, 2)]
        elif (
            not joint
            and not objects
            and lemma in SHARED_OBJECT_VERBS
            and 2 <= len(subjects) <= MAX_JOINT
            and self._shared_object(verb)
            and not self._distributive(verb)
        ):  # "X and Y launched the Z initiative"
            pairs += [(a, b, 0.75) for a, b in combinations(subjects, 2)]
        if lemma == "join" and any(c.lower_ == "forces" for c in verb.children):
            pairs += [(a, b, 0.8) for a, b in combinations(subjects, 2)]
        if lemma == "join" and self._as_partner(verb):  # "X joined the Chicago Quantum Exchange as a partner"
            joined = [m for c in verb.children if c.dep_ == "dobj" for m in self.group(c)]
            pairs += [(a, b, 0.75) for a, b in product(subjects, joined) if a.iri != b.iri]
        pairs += self._chosen_pairs(verb, lemma, subjects, passive)
        pairs += self._supply_pairs(verb, lemma, subjects)
        pairs += self._reported_pairs(verb, lemma) + self._helped_pairs(verb, subjects)
        if lemma in HOST_OBJECT_VERBS:  # "NCSU became the first university to host an IBM hub"
            makers = [
                m
                for c in verb.children
                if c.dep_ == "dobj"
                for g in c.children
                if g.dep_ in ("compound", "nmod", "poss") and self._names_actor(g)
                for m in self.group(g)
            ]
            pairs += [(a, b, 0.75) for a, b in product(subjects, makers)]
        target = self.passive_target(verb) if lemma in FOUND_VERBS | LEAD_VERBS else None
        if target is not None and target.tag_ != "NNS":  # "founded by X and Y", not "institutes led by"
            founders = self.agents(verb)
            if 2 <= len(founders) <= _MAX_LIST:  # founding is one act of all the founders
                pairs += [(a, b, 0.8) for a, b in combinations(founders, 2)]
        return pairs

    def _subject_companions(self, verb: Token) -> list[Token]:
        """ "Xanadu, together with Rolls-Royce, developed": partners the parse hangs on the subject."""
        subject = self.subject(verb)
        if subject is None or verb.lemma_.lower() == "be" or subject.head != verb:
            return []
        return [
            g
            for c in subject.children
            if c.dep_ == "prep"
            and (
                c.lower_ == "alongside"
                or c.lower_ == "with"
                and any(a.lower_ in ("together", "along") for a in c.children)
            )
            for g in c.children
            if g.dep_ == "pobj"
        ]

    def _as_partner(self, verb: Token) -> bool:
        """ "... as a partner", "as an international partner": joining an actor to work with it."""
        return any(
            c.dep_ == "prep" and c.lower_ == "as" and any(g.lemma_.lower() == "partner" for g in c.children)
            for c in verb.children
        )

    def _shared_passive(self, verb: Token, lemma: str) -> bool:
        """ "The memorandum was signed by X and Y", "the testbed is co-funded by X and Y": one act of both
        (not "funded by X and Y": funders apart, as the corpus annotates an initiative's funders)."""
        if lemma in CO_VERBS or _said_together(verb):
            return True
        agreed = [c for c in verb.children if c.dep_ == "nsubjpass"]
        if verb.dep_ == "acl":  # "an agreement signed by X and Y in 2021"
            agreed.append(verb.head)
        return lemma in JOINT_VERBS | WITH_VERBS and any(
            c.tag_ == "NN" and c.lemma_.lower() in COLLAB_NOUNS | SHARED_TEXTS for c in agreed
        )

    def _shared_object(self, verb: Token) -> bool:
        """ "X and Y established the Z Center", "the initiative, which the two governments launched": one
        named program, centre or project the subjects set up or run (not "national strategies")."""
        things = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
        if verb.dep_ == "relcl" and not any(c.dep_ == "dobj" and not c.tag_.startswith("W") for c in things):
            things.append(verb.head)  # "the initiative, which X and Y launched", the parse may hang it lower
            named = [m for m in self.mentions if m.kind == "program" and verb.head.i <= m.start < verb.i]
            things += [self.doc[m.start : m.end].root for m in named[-1:]]
        if any(t.lower_ in ("own", "respective", "such", "national", "domestic") for t in verb.subtree):
            return False  # "on its own soil", "both X and Y have launched a national strategy"
        subject = self.subject(verb)
        if subject is not None and any(c.dep_ == "preconj" and c.lower_ == "both" for c in subject.children):
            return False
        for thing in things:
            mention = self.at.get(thing.i)
            if thing.tag_ in ("NNS", "NNPS"):  # "X and Y launched national strategies": one each
                continue
            if mention is not None and mention.kind == "program":
                return True
            if mention is None and thing.tag_ in ("NN", "NNP") and thing.lemma_.lower() in SHARED_THINGS:
                return any(c.dep_ == "det" and c.lower_ in ("a", "an", "the") for c in thing.children)
        return False

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
        if preposition.dep_ == "prep" and (noun.pos_ == "VERB" or noun.tag_.startswith("VB")):
            return self._verb_strays(noun, obj)
        if preposition.dep_ != "prep" or noun.pos_ not in ("NOUN", "PROPN") or noun.i in self.at:
            return []
        return [m for c in noun.children if c.dep_ == "conj" and c.i > obj.i for m in self.group(c)]

    def _verb_strays(self, verb: Token, obj: Token) -> list[EntityMention]:
        """ "work with X (X2) and Y in Denmark, ... in the Netherlands and Z": a long list of partners the
        parse hung on the verb, as conjuncts of it or of a place after it."""
        found: list[EntityMention] = []
        clauses = [c.i for c in verb.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")]
        for child in verb.children:
            if child.i <= obj.i or any(i > child.i for i in clauses):  # "..., and Z is partnered with W"
                continue
            if child.dep_ == "conj" and child.pos_ in ("PROPN", "NOUN") and self._names_actor(child):
                found += self.group(child)
            elif child.dep_ == "prep" and child.lower_ in ("in", "at"):
                for place in (g for g in child.children if g.dep_ == "pobj" and self.is_place(g)):
                    found += [
                        m
                        for c in place.children
                        if c.dep_ in ("conj", "appos") and self._names_actor(c)
                        for m in self.group(c)
                    ]
        return found
