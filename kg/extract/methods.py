"""How a fact was found: the extraction methods of the ontology (qc:ExtractionMethod individuals)."""

from __future__ import annotations

from rdflib import URIRef

from kg.namespaces import QC

Method = URIRef

GAZETTEER: Method = QC.GazetteerMatch
NER: Method = QC.StatisticalNer
DEPENDENCY: Method = QC.DependencyPattern
SURFACE: Method = QC.SurfacePattern
STRUCTURE: Method = QC.DocumentStructure
LEARNED: Method = QC.LearnedClassifier
