"""Writes one document's entities, evidence sentences and reified statements into an rdflib Graph."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.extract.consistency import CLASS_KINDS, Consistency
from kg.extract.gazetteer import Gazetteer, KnownEntity
from kg.extract.methods import GAZETTEER, SURFACE, Method
from kg.extract.review import ReviewItem
from kg.extract.run import RunInfo, add_run, run_iri
from kg.namespaces import DCTERMS, PROV, QC, QCR, RDF, RDFS, SDO, SKOS, XSD
from kg.text.document import Document, Sentence

_LABEL_CHARS = 80


def _shorten(text: str) -> str:
    """A label-sized form of a sentence: its first words, with an ellipsis if cut."""
    flat = " ".join(text.split())
    if len(flat) <= _LABEL_CHARS:
        return flat
    return flat[:_LABEL_CHARS].rsplit(" ", 1)[0] + "…"


def statement_iri(subject: Node, predicate: Node, obj: Node) -> URIRef:
    """The IRI of the reified statement (s, p, o): a hash of its N-Triples terms."""
    key = "|".join(term.n3() for term in (subject, predicate, obj))
    return QCR[f"statement/{hashlib.sha1(key.encode()).hexdigest()[:16]}"]


class Emitter:
    """Adds typed, labelled entities with provenance, and relations with reified evidence."""

    def __init__(
        self,
        document: Document,
        doc_slug: str,
        *,
        source: str,
        sha256: str,
        media_type: str,
        gazetteer: Gazetteer,
        run: RunInfo | None = None,
        min_confidence: float = 0.0,
        consistency: Consistency | None = None,
        title: str | None = None,
    ) -> None:
        self.graph = Graph()
        self.title = title  # the document's own title (HTML <title>, PDF /Title): wins over the parsed one
        self.run = run
        self.run_iri = run_iri(doc_slug, sha256)
        self.min_confidence = min_confidence
        self.consistency = consistency or Consistency()
        self.rejected: set[URIRef] = set()  # entities another document already gave another kind
        self.review: list[ReviewItem] = []
        self._judged: dict[URIRef, tuple[float, Method]] = {}
        self.document = document
        self.doc_slug = doc_slug
        self.doc_iri = QCR[f"document/{doc_slug}"]
        self.gazetteer = gazetteer
        self.kinds: dict[URIRef, str] = {}
        self._labelled: set[URIRef] = set()
        self._described: set[URIRef] = set()
        self._statements = 0
        self._emit_document(source, sha256, media_type)

    def _emit_document(self, source: str, sha256: str, media_type: str) -> None:
        title = Literal(self.title or self.document.title or self.doc_slug, lang="en")
        for triple in (
            (RDF.type, QC.SourceDocument),
            (RDF.type, PROV.Entity),
            (RDFS.label, title),
            (DCTERMS.title, title),
            (QC.sha256, Literal(sha256)),
            (DCTERMS.format, Literal(media_type)),
            (DCTERMS.source, Literal(source)),
        ):
            self.graph.add((self.doc_iri, *triple))

    def sentence(self, sentence: Sentence) -> URIRef:
        """The evidence node of a sentence; offsets are str indices into the decoded text."""
        iri = QCR[f"sentence/{self.doc_slug}/{sentence.start}-{sentence.end}"]
        assert self.document.text[sentence.start : sentence.end] == sentence.text
        add = self.graph.add
        add((iri, RDF.type, QC.SourceSentence))
        add((iri, RDFS.label, Literal(_shorten(sentence.text), lang="en")))
        add((iri, PROV.value, Literal(sentence.text)))
        add((iri, QC.startOffset, Literal(sentence.start, datatype=XSD.nonNegativeInteger)))
        add((iri, QC.endOffset, Literal(sentence.end, datatype=XSD.nonNegativeInteger)))
        add((iri, QC.inDocument, self.doc_iri))
        return iri

    def confident(
        self, subject: Node, predicate: Node, obj: Node, evidence: Sentence, method: Method, confidence: float
    ) -> bool:
        """True when a fact is sure enough for the graph; otherwise it goes to the review report."""
        if confidence >= self.min_confidence:
            return True
        self.review.append(
            ReviewItem(
                self.doc_slug,
                self._name(subject),
                self._name(predicate),
                self._name(obj),
                evidence.text,
                evidence.start,
                evidence.end,
                round(confidence, 3),
                str(method).rsplit("#", 1)[-1],
            )
        )
        return False

    def _reject(self, iri: URIRef, kind: str, evidence: Sentence) -> None:
        """An entity whose kind contradicts an earlier document's: held back, with the reason, for review."""
        if iri not in self.rejected:
            self.rejected.add(iri)
            earlier = self.consistency.kind_of(iri)
            said = f"{kind} (an earlier document says: {earlier})"
            where = (evidence.text, evidence.start, evidence.end)
            self.review.append(ReviewItem(self.doc_slug, iri.n3(), "is a", said, *where, 0.0, "Consistency"))

    def _name(self, node: Node) -> str:
        label = self.graph.value(node, SKOS.prefLabel) if isinstance(node, URIRef) else None
        if label is not None:
            return str(label)
        return str(node) if isinstance(node, Literal) else node.n3()

    def has(self, iri: URIRef) -> bool:
        """True when the entity was already emitted for this document."""
        return iri in self.kinds

    def entity(
        self,
        iri: URIRef,
        kind: str,
        classes: Iterable[URIRef],
        label: str,
        evidence: Sentence | Iterable[Sentence],
        description: str | None = None,
        method: Method = SURFACE,
        confidence: float = 0.9,
    ) -> URIRef:
        """Emit an entity: types, one label, a description (first wins) and its evidence."""
        classes = list(classes)
        sentences = [evidence] if isinstance(evidence, Sentence) else list(evidence)
        claimed = next((CLASS_KINDS[c] for c in classes if c in CLASS_KINDS), None)
        if iri in self.rejected or (claimed and not self.consistency.claim_kind(iri, claimed)):
            self._reject(iri, claimed or kind, sentences[0])
            return iri
        self.kinds.setdefault(iri, kind)
        self._judge(iri, method, confidence)  # an entity carries how sure its reading is, as a statement does
        for cls in classes:
            self.graph.add((iri, RDF.type, cls))
        if iri not in self._labelled:
            self._labelled.add(iri)
            # The name the build's first document gave it: one label for the entity in the whole graph.
            named = self.consistency.values.setdefault((iri, RDFS.label), Literal(label, lang="en"))
            self.graph.add((iri, RDFS.label, named))
            self.graph.add((iri, SKOS.prefLabel, named))
        if description and iri not in self._described:
            self._described.add(iri)
            self.graph.add((iri, DCTERMS.description, Literal(description, lang="en")))
        for sentence in sentences:
            self.graph.add((iri, QC.extractedFrom, self.sentence(sentence)))
        self.graph.add((iri, PROV.hadPrimarySource, self.doc_iri))
        return iri

    def known(
        self, entry: KnownEntity, evidence: Sentence | Iterable[Sentence], description: str | None = None
    ) -> URIRef:
        """Emit a gazetteer entity with its own types, labels and codes."""
        claimed = next((CLASS_KINDS[c] for c in entry.types if c in CLASS_KINDS), None)
        if claimed and not self.consistency.claim_kind(entry.iri, claimed):
            first = evidence if isinstance(evidence, Sentence) else next(iter(evidence))
            self._reject(entry.iri, claimed, first)
            return entry.iri
        if entry.iri not in self._labelled:
            for triple in self.gazetteer.triples(entry.iri):
                self.graph.add(triple)
            self.graph.add((entry.iri, RDFS.label, Literal(entry.pref_label, lang="en")))
            self._labelled.add(entry.iri)
        return self.entity(
            entry.iri,
            entry.kind,
            sorted(entry.types, key=str),
            entry.pref_label,
            evidence,
            description,
            method=GAZETTEER,
            confidence=0.95,
        )

    def ensure(self, entry: KnownEntity, evidence: Sentence) -> URIRef:
        """Emit a gazetteer entity first seen in this sentence; keep it as it is if known."""
        return entry.iri if self.has(entry.iri) else self.known(entry, evidence)

    def relate(
        self,
        subject: URIRef,
        predicate: URIRef,
        obj: Node,
        evidence: Sentence,
        method: Method = SURFACE,
        confidence: float = 0.9,
    ) -> None:
        """Assert a fact and its reified statement, extracted from the evidence sentence.

        A fact about an entity left out, or one that contradicts what another document of the build
        said (the kind of its subject or object, a functional value), is left out too.
        """
        left_out = subject in self.rejected or obj in self.rejected
        if left_out or not self.consistency.allows(subject, predicate, obj):
            return
        self.graph.add((subject, predicate, obj))
        self._judge(self._reify(subject, predicate, obj, evidence), method, confidence)

    def funding(
        self,
        program: URIRef,
        value: Literal,
        currency: Literal,
        evidence: Sentence,
        method: Method = SURFACE,
        confidence: float = 0.9,
    ) -> None:
        """A program's amount and its currency, both or neither: another document of the build may have
        claimed the same amount in another currency ("€15 million" here, "$15 million" there)."""
        agreed = all(
            self.consistency.permits(program, p, o)
            for p, o in ((QC.fundingAmount, value), (QC.fundingCurrency, currency))
        )
        if agreed and self.graph.value(program, QC.fundingAmount) is None:
            self.relate(program, QC.fundingAmount, value, evidence, method, confidence)
            self.relate(program, QC.fundingCurrency, currency, evidence, method, confidence)

    def _judge(self, statement: URIRef, method: Method, confidence: float) -> None:
        """Keep the highest confidence a statement was read with, and the method that gave it."""
        best = self._judged.get(statement)
        if best is None or best[0] < confidence:
            self._judged[statement] = (confidence, method)

    def _reify(self, subject: Node, predicate: Node, obj: Node, evidence: Sentence) -> URIRef:
        statement = statement_iri(subject, predicate, obj)
        if (statement, RDF.type, RDF.Statement) not in self.graph:
            self._statements += 1
            for triple in (
                (RDF.type, RDF.Statement),
                (RDF.subject, subject),
                (RDF.predicate, predicate),
                (RDF.object, obj),
            ):
                self.graph.add((statement, *triple))
        self.graph.add((statement, QC.extractedFrom, self.sentence(evidence)))
        return statement

    def finish(self) -> Graph:
        """Write each statement's confidence and method and the extraction run; the graph is complete."""
        claimed = self.consistency.values
        for statement, (confidence, method) in self._judged.items():
            # A statement several documents state keeps the confidence and method it was first read with.
            score = Literal(Decimal(str(round(confidence, 3))))
            self.graph.add((statement, QC.confidence, claimed.setdefault((statement, QC.confidence), score)))
            how = claimed.setdefault((statement, QC.extractionMethod), method)
            self.graph.add((statement, QC.extractionMethod, how))
            if self.run is not None:
                self.graph.add((statement, PROV.wasGeneratedBy, self.run_iri))
        if self.run is not None:
            add_run(self.graph, self.run_iri, self.run, self.doc_iri)
        return self.graph

    def position(self, iri: URIRef, rank: int) -> None:
        """The rank of an entity in a numbered list."""
        self.graph.add((iri, SDO.position, Literal(rank, datatype=XSD.integer)))

    def counts(self) -> dict[str, int]:
        """Entities per kind, plus sentences, statements and triples."""
        counts = Counter(self.kinds.values())
        counts["sentence"] = len(set(self.graph.subjects(RDF.type, QC.SourceSentence)))
        counts["statement"] = self._statements
        counts["triple"] = len(self.graph)
        return dict(sorted(counts.items()))
