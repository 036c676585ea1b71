"""Acts read through a report or a helper: "X and Y said they would build a centre" (the reporting verb's
subjects do it together) and "X built the chip with help from Y" (the helper works with the subject)."""

from __future__ import annotations

from itertools import combinations, product

from spacy.tokens import Token

from kg.extract.lexicon import DISTRIBUTIVE, JOINT_VERBS, LOOSE_JOINT_VERBS, WITH_VERBS
from kg.extract.mentions import EntityMention
from kg.extract.phrases import MAX_JOINT, ParsedSentence

REPORTING_VERBS = frozenset(
    {"say", "announce", "state", "agree", "confirm", "declare", "affirm", "decide", "promise", "pledge"}
)
SHARED_SUBJECTS = frozenset({"they", "both"})  # "X and Y said they would", "... said both would"
HELP_NOUNS = frozenset({"help", "assistance", "expertise", "input"})
ACT_VERBS = WITH_VERBS | LOOSE_JOINT_VERBS | JOINT_VERBS
Pairs = list[tuple[EntityMention, EntityMention, float]]


class ReportedPairs(ParsedSentence):
    """The pairs of one parsed sentence stated through a report of a shared plan, or a helper."""

    def _reported_pairs(self, verb: Token, lemma: str) -> Pairs:
        """ "Yonsei and IBM said they would build a data centre": one act of the reporting verb's subjects."""
        head = verb.head
        if verb.dep_ != "ccomp" or head.lemma_.lower() not in REPORTING_VERBS or lemma not in ACT_VERBS:
            return []
        shared = any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in SHARED_SUBJECTS for c in verb.children)
        if not shared or any(t.lower_ in DISTRIBUTIVE for t in verb.subtree):
            return []
        subjects = self.subjects(head)
        return [(a, b, 0.8) for a, b in combinations(subjects, 2)] if 2 <= len(subjects) <= MAX_JOINT else []

    def _helped_pairs(self, verb: Token, subjects: list[EntityMention]) -> Pairs:
        """ "X built the chip with help from Y", "with the assistance of Y", "with Y's expertise"."""
        helpers: list[EntityMention] = []
        for noun in (g for c in verb.children if c.dep_ == "prep" and c.lower_ == "with" for g in c.children):
            if noun.dep_ != "pobj" or noun.lemma_.lower() not in HELP_NOUNS:
                continue
            for child in noun.children:
                if child.dep_ == "poss":
                    helpers += self.group(child)
                elif child.dep_ == "prep" and child.lower_ in ("from", "of"):
                    helpers += [m for g in child.children if g.dep_ == "pobj" for m in self.group(g)]
        return [(a, b, 0.75) for a, b in product(subjects, helpers) if a.iri != b.iri]
