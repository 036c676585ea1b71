"""Who leads, funds or joins a program, read from the dependency parse."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product

from spacy.tokens import Token

from kg.extract.lexicon import FUND_VERBS, HOST_VERBS, JOIN_VERBS, LEAD_VERBS
from kg.extract.mentions import EntityMention
from kg.extract.methods import DEPENDENCY
from kg.extract.phrases import ParsedSentence, Relation

# What a program is called in an apposition that names its owner: "QBI, a DARPA programme".
_OWNED_NOUNS = frozenset(
    {"programme", "program", "initiative", "project", "effort", "scheme", "centre", "center"}
)


class RoleReader(ParsedSentence):
    """The program roles of one parsed sentence."""

    def role_verbs(self) -> Iterator[tuple[Token, str, list[Token]]]:
        """Each "led by", "funded by", "coordinated by" in the sentence: the verb, the role and the agents."""
        for token in self.doc:
            lemma = token.lemma_.lower()
            if lemma not in LEAD_VERBS and lemma not in FUND_VERBS and lemma not in HOST_VERBS:
                continue
            agents = [g for c in token.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
            if agents and not self.negated(token):
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
                and not self.negated(token)
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
                elif child.dep_ == "appos":  # "QBI, a DARPA programme"
                    owners = self._owners(child)
                    relations += [Relation("leads", a, mention, DEPENDENCY, 0.75) for a in owners]
        return relations

    def _owners(self, apposition: Token) -> list[EntityMention]:
        """The actors an apposition names as a program's owner ("a DARPA programme")."""
        if apposition.lemma_.lower() not in _OWNED_NOUNS or apposition.i in self.at:
            return []
        deps = ("compound", "poss", "nmod")
        return [m for g in apposition.children if g.dep_ in deps and g.i in self.at for m in self.group(g)]

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
