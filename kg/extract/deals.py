"""Deals read from the parse: a selection ("DARPA chose X"), an investment, a supply ("X will supply its
machine to Y") and a purchase ("X buys a machine from Y"), each a collaboration of the two sides."""

from __future__ import annotations

from itertools import product

from spacy.tokens import Token

from kg.extract.lexicon import PURCHASE_VERBS, SELECT_VERBS
from kg.extract.mentions import EntityMention
from kg.extract.phrases import ParsedSentence
from kg.namespaces import QC

# Verbs of a supply deal: "X will supply / deliver / sell its machine to Y".
SUPPLY_VERBS = frozenset({"supply", "deliver", "sell", "provide", "ship"})
MADE_VERBS = frozenset({"build", "make", "manufacture"})  # "a machine built by IBM"
# What a buyer does with a thing it was supplied: "installed", "took delivery of", "put into service".
RECEIVE_VERBS = frozenset(
    {"install", "instal", "take", "put", "receive", "acquire", "buy", "purchase", "deploy", "host", "run"}
)
_CLIMB = frozenset({"appos", "pobj", "prep", "dobj", "conj", "nmod"})
Pairs = list[tuple[EntityMention, EntityMention, float]]


class DealPairs(ParsedSentence):
    """The two sides of the deals one parsed sentence states."""

    def _chosen_pairs(self, verb: Token, lemma: str, subjects: list[EntityMention], passive: bool) -> Pairs:
        """ "X chose / selected / invested in Y", "Y was selected by X"."""
        pairs: Pairs = []
        if lemma in ("invest", "co-invest") or lemma in SELECT_VERBS:  # "invest in PsiQuantum", "chose X"
            slots = ("dobj",) if lemma in SELECT_VERBS else ()
            chosen = [m for c in verb.children if c.dep_ in slots for m in self.group(c)]
            if lemma in SELECT_VERBS:  # "KAIST has chosen IonQ's processor": the maker of what was chosen
                chosen += [
                    m
                    for c in verb.children
                    if c.dep_ in ("dobj", "nsubjpass") and c.i not in self.at
                    for g in c.children
                    if g.dep_ == "poss"
                    for m in self.group(g)
                ]
            chosen += [
                m
                for c in verb.children
                if c.dep_ == "prep" and c.lower_ == "in"
                for g in c.children
                if g.dep_ == "pobj"
                for m in self.group(g)
            ]
            if lemma in SELECT_VERBS and not chosen:  # "selected fifteen companies for Stage A: X, Y, ..."
                chosen = self._listed_after_colon(verb)
            pairs += [(a, b, 0.75) for a, b in product(subjects, chosen) if QC.Country not in b.classes]
            if lemma in SELECT_VERBS and passive:  # "IonQ was selected by AFRL", "IQM's system was chosen by"
                makers = subjects or [m for m in chosen if m not in subjects]
                pairs += [(a, b, 0.75) for a, b in product(makers, self.agents(verb)) if a.iri != b.iri]
        return pairs

    def _supplied_pairs(self, verb: Token) -> Pairs:
        """ "RIKEN took delivery of Reimei, a computer supplied by Quantinuum", "X installed a machine built
        by Y": the maker of a thing another actor receives, installs or runs."""
        if verb.lemma_.lower() not in SUPPLY_VERBS | MADE_VERBS or verb.dep_ != "acl" or verb.tag_ != "VBN":
            return []
        makers = self.agents(verb)
        receiver = verb.head  # up from the thing to the verb: "took delivery of Reimei, a computer supplied"
        for _ in range(5):
            if receiver.pos_ in ("VERB", "AUX") or receiver.dep_ not in _CLIMB or receiver.head is receiver:
                break
            receiver = receiver.head
        if receiver.pos_ not in ("VERB", "AUX") or receiver.lemma_.lower() not in RECEIVE_VERBS:
            return []
        return [(a, b, 0.75) for a, b in product(self.subjects(receiver), makers) if a.iri != b.iri]

    def _supply_pairs(self, verb: Token, lemma: str, subjects: list[EntityMention]) -> Pairs:
        """ "X will supply its machine to Y", "X is supplying Y with a computer"."""
        pairs: Pairs = self._supplied_pairs(verb)
        if lemma in SUPPLY_VERBS:  # "Quantinuum will supply its H2 machine to RIKEN"
            buyers = [
                m
                for c in verb.children
                if c.dep_ in ("prep", "dative") and c.lower_ == "to"
                for g in c.children
                if g.dep_ == "pobj"
                for m in self.group(g)
            ]
            buyers += [  # the parse may read "to RIKEN" as an infinitive
                m
                for c in verb.children
                if c.dep_ in ("advcl", "xcomp") and c.i in self.at
                if any(g.lower_ == "to" for g in c.children)
                for m in self.group(c)
            ]
            supplied_with = any(  # "with" on the verb, or on its object where the parse hangs it
                c.dep_ == "prep" and c.lower_ == "with"
                for c in (*verb.children, *(g for d in verb.children if d.dep_ == "dobj" for g in d.children))
            )
            if supplied_with:  # "Pasqal is supplying CINECA with a quantum computer"
                buyers += [m for c in verb.children if c.dep_ == "dobj" for m in self.group(c)]
            goods = [c for c in verb.children if c.dep_ == "dobj" and c.i not in self.at or supplied_with]
            if goods:
                pairs += [(a, b, 0.75) for a, b in product(subjects, buyers) if QC.Country not in b.classes]
        return pairs

    def _listed_after_colon(self, verb: Token) -> list[EntityMention]:
        """The actors listed after a colon that follows the verb's counted object ("fifteen companies ...: X,
        Y and Z"), where the object itself names none."""
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        counted = any(g.dep_ == "nummod" or g.like_num for c in objects for g in c.children)
        colon = next((t for t in self.doc[verb.i + 1 :] if t.text == ":"), None)
        if not counted or colon is None:
            return []
        return list({m.iri: m for m in self.mentions if m.kind == "actor" and m.start > colon.i}.values())

    def _purchase_pairs(self, verb: Token) -> list[tuple[EntityMention, EntityMention, float]]:
        """ "X buys / procures / orders a machine from Y and Z": the buyer with each seller."""
        if verb.lemma_.lower() not in PURCHASE_VERBS:
            return []
        buyers = self.subjects(verb)
        holders = [verb, *(c for c in verb.children if c.dep_ == "dobj")]
        holders += [g for c in verb.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
        sellers = [
            m
            for holder in holders
            for c in holder.children
            if c.dep_ == "prep" and c.lower_ == "from"
            for g in c.children
            if g.dep_ == "pobj"
            for m in self.group(g)
        ]
        return [(a, b, 0.75) for a, b in product(buyers, sellers) if a.iri != b.iri]
