"""Writes one document's entities, evidence sentences and reified statements into an rdflib Graph."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.extract.gazetteer import Gazetteer, KnownEntity
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
        self, document: Document, doc_slug: str, *, source: str, sha256: str, media_type: str,
        gazetteer: Gazetteer,
    ) -> None:
        self.graph = Graph()
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
        title = Literal(self.document.title or self.doc_slug, lang="en")
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

    def has(self, iri: URIRef) -> bool:
        """True when the entity was already emitted for this document."""
        return iri in self.kinds

    def entity(
        self, iri: URIRef, kind: str, classes: Iterable[URIRef], label: str,
        evidence: Sentence | Iterable[Sentence], description: str | None = None,
    ) -> URIRef:
        """Emit an entity: types, one label, a description (first wins) and its evidence."""
        self.kinds.setdefault(iri, kind)
        for cls in classes:
            self.graph.add((iri, RDF.type, cls))
        if iri not in self._labelled:
            self._labelled.add(iri)
            self.graph.add((iri, RDFS.label, Literal(label, lang="en")))
            self.graph.add((iri, SKOS.prefLabel, Literal(label, lang="en")))
        if description and iri not in self._described:
            self._described.add(iri)
            self.graph.add((iri, DCTERMS.description, Literal(description, lang="en")))
        sentences = [evidence] if isinstance(evidence, Sentence) else list(evidence)
        for sentence in sentences:
            self.graph.add((iri, QC.extractedFrom, self.sentence(sentence)))
        self.graph.add((iri, PROV.hadPrimarySource, self.doc_iri))
        return iri

    def known(
        self, entry: KnownEntity, evidence: Sentence | Iterable[Sentence], description: str | None = None
    ) -> URIRef:
        """Emit a gazetteer entity with its own types, labels and codes."""
        if entry.iri not in self._labelled:
            for triple in self.gazetteer.triples(entry.iri):
                self.graph.add(triple)
            self.graph.add((entry.iri, RDFS.label, Literal(entry.pref_label, lang="en")))
            self._labelled.add(entry.iri)
        return self.entity(entry.iri, entry.kind, (), entry.pref_label, evidence, description)

    def ensure(self, entry: KnownEntity, evidence: Sentence) -> URIRef:
        """Emit a gazetteer entity first seen in this sentence; keep it as it is if known."""
        return entry.iri if self.has(entry.iri) else self.known(entry, evidence)

    def relate(self, subject: URIRef, predicate: URIRef, obj: Node, evidence: Sentence) -> None:
        """Assert a fact and its reified statement, extracted from the evidence sentence."""
        self.graph.add((subject, predicate, obj))
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
