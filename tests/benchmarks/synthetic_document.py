"""One document of the synthetic graph: its quads in the order they are made, without repeats.

A document describes the qc:SourceDocument, its qc:ExtractionRun (with the qc:NlpModel and the extractor),
its sentences with offsets into its text, every entity a sentence mentions (type, labels, provenance, the
same wherever it is mentioned: synthetic_world.World decides) and each fact with its reified rdf:Statement.
"""

from __future__ import annotations

import hashlib

from synthetic_world import PROV_ENTITY, QC, QCR, Entity, Ref, World

from kg.text.sentences import slugify

QCG = "https://w3id.org/qcollab/graph/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
TYPE, LABEL = f"<{RDF}type>", "<http://www.w3.org/2000/01/rdf-schema#label>"
PREF, ALT = (
    "<http://www.w3.org/2004/02/skos/core#prefLabel>",
    "<http://www.w3.org/2004/02/skos/core#altLabel>",
)
DESCRIPTION, TITLE = "<http://purl.org/dc/terms/description>", "<http://purl.org/dc/terms/title>"
DEPENDENCY, SURFACE, STRUCTURE = (
    QC + m for m in ("DependencyPattern", "SurfacePattern", "DocumentStructure")
)
MODEL = QCR + "nlp-model/en-core-web-sm-3-8-0"
EXTRACTOR = QCR + "software/qcollab-extractor"
GRAPH_PREFIX = QCG + "document/synthetic-"  # every synthetic document graph, and nothing else


def literal(text: str, lang: str | None = "en", datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"' + (f"@{lang}" if lang and not datatype else f"^^<{datatype}>" if datatype else "")


class Document:
    """The quads of one document, in the order they are made, without repeats."""

    def __init__(self, world: World, index: int) -> None:
        self.world, self.rng = world, world.rng("doc", index)
        self.focus = ("country", world.pick_country(self.rng))
        self.slug = f"synthetic-{index}-{slugify(world.entity(self.focus).label)}"
        self.title = f"Quantum cooperation report {index}: {world.entity(self.focus).label}"
        self.iri, self.graph = QCR + f"document/{self.slug}", QCG + f"document/{self.slug}"
        self.run = QCR + f"extraction/{self.slug}-0-1-0"
        self.triples: dict[str, None] = {}
        self.text: list[str] = []
        self.offset = 0
        self.mentioned: list[Entity] = []

    def add(self, subject: str, predicate: str, obj: str) -> None:
        self.triples.setdefault(f"<{subject}> {predicate} {obj}", None)

    def sentence(self, text: str) -> str:
        start, end = self.offset, self.offset + len(text)
        self.text.append(text)
        self.offset = end + 1
        iri = QCR + f"sentence/{self.slug}/{start}-{end}"
        short = text if len(text) <= 80 else text[:79].rsplit(" ", 1)[0] + "…"
        self.add(iri, TYPE, f"<{QC}SourceSentence>")
        self.add(iri, LABEL, literal(short))
        self.add(iri, f"<{PROV}value>", literal(text, lang=None))
        self.add(iri, f"<{QC}startOffset>", literal(str(start), datatype=XSD + "nonNegativeInteger"))
        self.add(iri, f"<{QC}endOffset>", literal(str(end), datatype=XSD + "nonNegativeInteger"))
        self.add(iri, f"<{QC}inDocument>", f"<{self.iri}>")
        return iri

    def mention(self, ref: Ref, sentence: str) -> Entity:
        entity = self.world.entity(ref)
        iri = entity.iri
        if (f"<{iri}> {LABEL} {literal(entity.label)}") not in self.triples:
            self.mentioned.append(entity)
            if self.rng.random() < 0.25:
                self.add(iri, DESCRIPTION, literal(self.text[-1]))
        for cls in entity.classes:
            self.add(iri, TYPE, f"<{cls}>")
        self.add(iri, LABEL, literal(entity.label))
        self.add(iri, PREF, literal(entity.label))
        for alt in entity.alt_labels:
            self.add(iri, ALT, literal(alt))
        for predicate, obj in entity.attributes:
            self.add(iri, f"<{predicate}>", obj)
        self.add(iri, f"<{QC}extractedFrom>", f"<{sentence}>")
        self.add(iri, f"<{PROV}hadPrimarySource>", f"<{self.iri}>")
        self.add(iri, f"<{QC}confidence>", literal(entity.confidence, datatype=XSD + "decimal"))
        self.add(iri, f"<{QC}extractionMethod>", f"<{entity.method}>")
        self.add(iri, f"<{PROV}wasGeneratedBy>", f"<{self.run}>")
        return entity

    def fact(
        self, subject: Ref, predicate: str, obj: Ref | str, sentence: str, method: str = SURFACE
    ) -> None:
        """State `subject predicate obj` (an entity or a literal) and its reified rdf:Statement."""
        s = self.mention(subject, sentence).iri
        o = obj if isinstance(obj, str) else f"<{self.mention(obj, sentence).iri}>"
        self.add(s, f"<{QC}{predicate}>", o)
        key = hashlib.blake2b(f"{self.graph}|{s}|{predicate}|{o}".encode(), digest_size=8)
        statement = QCR + f"statement/{key.hexdigest()}"
        self.add(statement, TYPE, f"<{RDF}Statement>")
        self.add(statement, f"<{RDF}subject>", f"<{s}>")
        self.add(statement, f"<{RDF}predicate>", f"<{QC}{predicate}>")
        self.add(statement, f"<{RDF}object>", o)
        self.add(
            statement,
            f"<{QC}confidence>",
            literal(f"0.{70 + key.digest()[0] % 6 * 5}", datatype=XSD + "decimal"),
        )
        self.add(statement, f"<{QC}extractionMethod>", f"<{method}>")
        self.add(statement, f"<{PROV}wasGeneratedBy>", f"<{self.run}>")
        self.add(statement, f"<{QC}extractedFrom>", f"<{sentence}>")

    def label(self, ref: Ref) -> str:
        return self.world.entity(ref).label

    def close(self) -> None:
        """The document and its extraction run, once the text (hence the checksum) is known."""
        doc, run = self.iri, self.run
        checksum = hashlib.sha256(" ".join(self.text).encode()).hexdigest()
        for cls in (QC + "SourceDocument", PROV_ENTITY):
            self.add(doc, TYPE, f"<{cls}>")
        self.add(doc, LABEL, literal(self.title))
        self.add(doc, TITLE, literal(self.title))
        self.add(doc, f"<{QC}sha256>", literal(checksum, lang=None))
        self.add(doc, "<http://purl.org/dc/terms/format>", literal("text/plain", lang=None))
        self.add(doc, "<http://purl.org/dc/terms/source>", literal(f"synthetic/{self.slug}.txt", lang=None))
        for cls in (QC + "ExtractionRun", PROV + "Activity"):
            self.add(run, TYPE, f"<{cls}>")
        self.add(run, LABEL, literal(f"extraction of {self.slug}"))
        self.add(run, f"<{PROV}used>", f"<{doc}>")
        self.add(run, f"<{PROV}used>", f"<{MODEL}>")
        self.add(run, f"<{PROV}wasAssociatedWith>", f"<{EXTRACTOR}>")
        minutes = self.offset % 50
        for predicate, minute in (("startedAtTime", 0), ("endedAtTime", minutes)):
            stamp = f"2025-06-30T12:{minute:02d}:00Z"
            self.add(run, f"<{PROV}{predicate}>", literal(stamp, datatype=XSD + "dateTime"))
        for cls in (QC + "NlpModel", PROV_ENTITY):
            self.add(MODEL, TYPE, f"<{cls}>")
        self.add(MODEL, LABEL, literal("en_core_web_sm", lang=None))
        self.add(MODEL, "<https://schema.org/version>", literal("3.8.0", lang=None))
        self.add(EXTRACTOR, TYPE, f"<{PROV}SoftwareAgent>")
        self.add(EXTRACTOR, LABEL, literal("qcollab extractor"))
