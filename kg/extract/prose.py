"""Running prose read through the statistical pipeline: mentions, relations and amounts per sentence."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from itertools import combinations

from rdflib import Literal, URIRef
from spacy.tokens import Doc, Token

from kg.extract.context import Context
from kg.extract.coreference import DocumentMemory
from kg.extract.dates import parse_date
from kg.extract.judges import Judge
from kg.extract.mention_features import MentionCandidate, mention_features
from kg.extract.mentions import EntityMention, MentionFinder
from kg.extract.methods import LEARNED, SURFACE
from kg.extract.pair_features import PairCandidate, dependency_path, pair_features
from kg.extract.partnerships import area_iris, partnership, sentence_model
from kg.extract.patterns import Amount, find_amounts
from kg.extract.places import country_code
from kg.extract.relations import Relation, SentenceGraph
from kg.namespaces import QC, QCR, RDF, SDO, SKOS, XSD
from kg.text.document import Sentence
from kg.text.sentences import slugify

CENTRE_WORDS = frozenset({"centre", "center", "centers", "centres", "hub", "hubs", "accelerator", "lab"})
ROLE_PREDICATES = {"leads": QC.leads, "funds": QC.funds, "participation": QC.participatesIn}
_MAX_AMOUNT_DISTANCE = 8


class ProseReader:
    """Reads one document's sentences in order, with the memory short forms and acronyms need."""

    def __init__(self, ctx: Context, pairs: Judge | None = None, names: Judge | None = None) -> None:
        self.ctx = ctx
        self.judge = pairs
        self.names = names
        self.memory = DocumentMemory()
        self.finder = MentionFinder(ctx.gazetteer, self.memory)
        self.parsed_partnerships: set[tuple[int, int]] = set()  # sentences whose partners the parse found
        self.spans: dict[tuple[int, int], URIRef] = {}  # the names read, by their character spans

    def read(self, sentences: Iterable[tuple[Sentence, Doc]]) -> None:
        """Every sentence in document order; then the acronyms the document defined become aliases."""
        pairs = list(sentences)
        for sentence, doc in pairs:
            self.finder.definitions(doc, sentence.start)
        for sentence, doc in pairs:
            self.memory.next_sentence()
            self.sentence(sentence, doc)
        emitter = self.ctx.emitter
        for alias, mention in sorted(self.memory.aliases.items()):
            if emitter.has(mention.iri):
                emitter.graph.add((mention.iri, SKOS.altLabel, Literal(alias, lang="en")))

    def sentence(self, sentence: Sentence, doc: Doc) -> None:
        """The mentions, collaborations, roles and amounts of one sentence."""
        found = self.finder.find(doc, sentence.start)
        led = SentenceGraph(doc, found).led_names()
        found = [_as_program(m) if _centre_led(m, led) else m for m in found]
        found = [self._named(doc, sentence, m) for m in found]
        mentions = [m for m in found if self._emit(m, sentence)]
        self.spans.update(((m.char_start, m.char_end), m.iri) for m in mentions)
        graph = SentenceGraph(doc, mentions)
        collaborations = graph.collaborations()
        learned = self._judged(doc, sentence, mentions, collaborations, graph)
        if collaborations or learned:
            self.parsed_partnerships.add((sentence.start, sentence.end))
            areas = area_iris(self.ctx, sentence)
            model = sentence_model(self.ctx, sentence, len(collaborations))
            dates = [d for e in doc.ents if e.label_ == "DATE" and (d := parse_date(e.text)) is not None]
            stated = [((r.first.iri, r.second.iri), (r.method, _confidence(r))) for r in collaborations]
            for pair, how in [*stated, *learned]:
                iri = partnership(self.ctx, *pair, sentence, areas, model, *how)
                for date in dates[:1]:  # the first date the sentence gives: when it was agreed
                    self.ctx.emitter.graph.add((iri, SDO.startDate, date))
        for relation in graph.roles(self.memory.last_program()):
            self._role(relation, sentence)
        programs = [m for m in mentions if m.kind == "program"]
        for amount in find_amounts(self.ctx.text, sentence.start, sentence.end):
            self._amount(amount, doc, sentence, programs)

    def _judged(
        self,
        doc: Doc,
        sentence: Sentence,
        mentions: list[EntityMention],
        stated: list[Relation],
        graph: SentenceGraph,
    ) -> list[tuple[tuple[URIRef, URIRef], tuple[URIRef, float]]]:
        """The pairs of actors the rules did not find and the pair judge says collaborate, with its confidence
        (the judge sees every pair, so that a recorder collects all of them for training). Never a pair joined
        by a negated or hedged verb ("have not signed"), which no rule reads either."""
        if self.judge is None:
            return []
        found = {frozenset((r.first.iri, r.second.iri)) for r in stated}
        actors = list({m.iri: m for m in reversed(mentions) if m.kind == "actor"}.values())[::-1]
        learned = []
        for first, second in combinations(sorted(actors, key=lambda m: m.start), 2):
            known = frozenset((first.iri, second.iri)) in found
            features = pair_features(doc, first, second, actors)
            candidate = PairCandidate(
                first.iri, second.iri, sentence.start, sentence.end, sentence.text, features, known
            )
            verdict = self.judge.judge(candidate)
            if verdict is not None and verdict[0] and not known and not _denied(graph, doc, first, second):
                learned.append(((first.iri, second.iri), (LEARNED, round(verdict[1], 3))))
        return learned

    def _named(self, doc: Doc, sentence: Sentence, mention: EntityMention) -> EntityMention:
        """A new actor name as the name judge sees it: one it says is no actor ("Eagle", the processor;
        "President") takes the judge's probability as its confidence, so that it goes to the review report
        rather than into the graph (unless the threshold for review is below it). Known names pass."""
        if self.names is None or mention.entry is not None or mention.kind != "actor":
            return mention
        features = mention_features(doc, mention)
        verdict = self.names.judge(MentionCandidate(mention.name, mention.kind, sentence.text, features))
        if verdict is None or verdict[0]:
            return mention
        return replace(mention, confidence=round(min(mention.confidence, verdict[1]), 3))

    def _emit(self, mention: EntityMention, sentence: Sentence) -> bool:
        """The mention's entity in this document's graph; False when it is held back for review."""
        emitter = self.ctx.emitter
        if mention.kind not in ("actor", "program"):
            if mention.entry is not None:
                emitter.ensure(mention.entry, sentence)
            return False
        main = mention.classes[0] if mention.classes else QC.Organization
        if not emitter.confident(mention.iri, RDF.type, main, sentence, mention.method, mention.confidence):
            return False
        if mention.entry is not None:
            if not emitter.has(mention.iri):
                emitter.known(mention.entry, sentence)
            return True
        if not emitter.has(mention.iri):
            emitter.entity(
                mention.iri,
                mention.kind,
                mention.classes,
                mention.name,
                sentence,
                method=mention.method,
                confidence=mention.confidence,
            )
            if QC.Country in mention.classes and (code := country_code(mention.name)) is not None:
                emitter.graph.add((mention.iri, QC.iso3166Alpha2, Literal(code[0])))
        return True

    def _role(self, relation: Relation, sentence: Sentence) -> None:
        actor, program = relation.first, relation.second
        if actor.kind != "actor" or program.kind != "program":
            return
        predicate = ROLE_PREDICATES[relation.kind]
        confidence = _confidence(relation)
        emitter = self.ctx.emitter
        if emitter.confident(actor.iri, predicate, program.iri, sentence, relation.method, confidence):
            emitter.relate(actor.iri, predicate, program.iri, sentence, relation.method, confidence)

    def _amount(self, amount: Amount, doc: Doc, sentence: Sentence, programs: list[EntityMention]) -> None:
        """An amount belongs to the program nearest to it in the parse, else the program named last."""
        span = doc.char_span(
            amount.start - sentence.start, amount.end - sentence.start, alignment_mode="expand"
        )
        target, confidence = None, 0.0
        if span is not None and programs:
            distance, target = min(
                ((_distance(span.root, doc[m.start : m.end].root), m) for m in programs), key=lambda d: d[0]
            )
            confidence = 0.85 if distance <= _MAX_AMOUNT_DISTANCE else 0.7
        elif (last := self.memory.last_program()) is not None and self.ctx.emitter.has(last.iri):
            target, confidence = last, 0.65
        if target is None:
            return
        self._funding(target.iri, amount, sentence, confidence)

    def _funding(self, program: URIRef, amount: Amount, sentence: Sentence, confidence: float) -> None:
        emitter = self.ctx.emitter
        value = Literal(amount.value, datatype=XSD.decimal)
        slug = str(program).removeprefix(str(QCR))
        node = QCR[f"funding/{slug}/{slugify(f'{amount.value} {amount.currency}')}"]
        if not emitter.confident(program, QC.hasFunding, node, sentence, SURFACE, confidence):
            return
        emitter.funding(program, value, Literal(amount.currency), sentence, SURFACE, confidence)
        emitter.relate(program, QC.hasFunding, node, sentence, SURFACE, confidence)
        if not emitter.has(node):
            label = f"{amount.currency} {amount.value:,}"
            emitter.entity(
                node,
                "funding",
                [QC.FundingCommitment],
                label,
                sentence,
                method=SURFACE,
                confidence=confidence,
            )
            emitter.graph.add((node, SDO.value, value))
            emitter.graph.add((node, SDO.currency, Literal(amount.currency)))


def _centre_led(mention: EntityMention, led: set[int]) -> bool:
    """ "the National Quantum Computing Centre, led by UKRI": a centre someone leads or funds is a program."""
    words = mention.name.lower().split()
    return (
        mention.kind == "actor"
        and mention.entry is None
        and bool(words)
        and words[-1] in CENTRE_WORDS
        and any(mention.start <= i < mention.end for i in led)
    )


def _as_program(mention: EntityMention) -> EntityMention:
    return replace(mention, kind="program", classes=(QC.Program,))


def _denied(graph: SentenceGraph, doc: Doc, first: EntityMention, second: EntityMention) -> bool:
    """A verb on the parse path between the two, or the verb that governs both ("France and Italy have not
    signed"), is negated or hedged."""
    roots = doc[first.start : first.end].root, doc[second.start : second.end].root
    up, down, meeting = dependency_path(*roots)
    governing = next((t for t in meeting.ancestors if t.pos_ in ("VERB", "AUX")), None)
    path = (*up, meeting, *down, *([governing] if governing is not None else []))
    return any(graph.negated(t) for t in path if t.pos_ in ("VERB", "AUX", "NOUN"))


def _confidence(relation: Relation) -> float:
    return min(relation.confidence, relation.first.confidence, relation.second.confidence)


def _distance(a: Token, b: Token) -> int:
    """The number of edges between two tokens in the parse tree."""
    up_a = [a, *a.ancestors]
    up_b = [b, *b.ancestors]
    index_b = {t.i: n for n, t in enumerate(up_b)}
    for n, token in enumerate(up_a):
        if token.i in index_b:
            return n + index_b[token.i]
    return len(up_a) + len(up_b)
