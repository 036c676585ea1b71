"""IRIs and namespaces shared by every module."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, VOID, XSD

QC = Namespace("https://w3id.org/qcollab/ontology#")
QCR = Namespace("https://w3id.org/qcollab/resource/")
QCG = Namespace("https://w3id.org/qcollab/graph/")
SH = Namespace("http://www.w3.org/ns/shacl#")
OA = Namespace("http://www.w3.org/ns/oa#")

ONTOLOGY_IRI = "https://w3id.org/qcollab/ontology"
ONTOLOGY_GRAPH = QCG["ontology"]
INFERRED_GRAPH = QCG["inferred"]
DOCUMENT_GRAPH_PREFIX = str(QCG["document/"])
LINKSET_GRAPH_PREFIX = str(QCG["linkset/"])
RECORD_GRAPH_PREFIX = str(QCG["record/"])
LOAD_GRAPH_PREFIX = str(QCG["load/"])

PREFIXES: dict[str, str] = {
    "qc": str(QC),
    "qcr": str(QCR),
    "qcg": str(QCG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "schema": str(SDO),
    "void": str(VOID),
    "sh": str(SH),
}

__all__ = [
    "DCTERMS", "FOAF", "ORG", "OWL", "PROV", "RDF", "RDFS", "SDO", "SKOS", "VOID", "XSD",
    "QC", "QCR", "QCG", "SH", "OA", "PREFIXES", "ONTOLOGY_IRI", "ONTOLOGY_GRAPH",
    "INFERRED_GRAPH", "DOCUMENT_GRAPH_PREFIX", "LINKSET_GRAPH_PREFIX", "RECORD_GRAPH_PREFIX",
    "LOAD_GRAPH_PREFIX",
]
