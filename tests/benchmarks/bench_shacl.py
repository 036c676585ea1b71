"""SHACL engines compared (pyshacl-turbo, pySHACL): a record with its store context, the built graph, a batch.

Builds the seeds into a temporary folder, then times, for each engine, the median of `--runs` runs of
(a) `Validator.validate_record` of a 15-triple record citing a stored entity, (b) `Validator.validate` of
the whole built graph, and (c) `validate_graphs` of 1,000 small document graphs in one process. Prints a
Markdown table (wall-clock ms; CPU ms in brackets). Usage: python tests/benchmarks/bench_shacl.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from paths import ONTOLOGY, RECORDS, SHAPES  # noqa: E402

from kg.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH  # noqa: E402
from kg.pipeline.build import build  # noqa: E402
from kg.quality.batch import validate_graphs  # noqa: E402
from kg.quality.shacl import Validator  # noqa: E402
from kg.settings import Settings  # noqa: E402
from kg.store.oxigraph import open_store  # noqa: E402

RECORD = """@prefix qc: <https://w3id.org/qcollab/ontology#> .
@prefix qcr: <https://w3id.org/qcollab/resource/> .
@prefix document: <https://w3id.org/qcollab/resource/document/> .
@prefix sentence: <https://w3id.org/qcollab/resource/sentence/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
document:ruritania-note a qc:SourceDocument ; rdfs:label "A note on Ruritania"@en ;
  dcterms:title "A note on Ruritania"@en ;
  qc:sha256 "0000000000000000000000000000000000000000000000000000000000000000" .
sentence:ruritania-note-0-30 a qc:SourceSentence ; rdfs:label "Ruritania partners with Japan."@en ;
  prov:value "Ruritania partners with Japan." ;
  qc:startOffset "0"^^xsd:nonNegativeInteger ; qc:endOffset "30"^^xsd:nonNegativeInteger ;
  qc:inDocument document:ruritania-note .
qcr:ruritania a qc:Country ; rdfs:label "Ruritania"@en ; skos:prefLabel "Ruritania"@en ;
  qc:extractedFrom sentence:ruritania-note-0-30 ; qc:collaboratesWith qcr:japan .
"""
ENGINES = ("turbo", "pyshacl")
BATCH_GRAPHS = 1000
RESOURCES = "https://w3id.org/qcollab/resource/"


def timed(run: Callable[[], object], runs: int) -> tuple[float, float]:
    """The median wall-clock and CPU milliseconds of `runs` runs (after one warm-up run, which must pass)."""
    assert run(), "the benchmark's data does not conform"
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(1000 * (time.perf_counter() - wall))
        cpus.append(1000 * (time.process_time() - cpu))
    return statistics.median(walls), statistics.median(cpus)


def documents(count: int) -> list[Graph]:
    """`count` small conforming graphs: the valid fixture records, their resource IRIs made distinct."""
    records = [Graph().parse(path, format="turtle") for path in sorted((RECORDS / "valid").glob("*.ttl"))]

    def renamed(node: Node, i: int) -> Node:
        return URIRef(f"{node}-{i}") if isinstance(node, URIRef) and node.startswith(RESOURCES) else node

    graphs = []
    for i in range(count):
        graph = Graph()
        for triple in records[i % len(records)]:
            graph.add(tuple(renamed(node, i) for node in triple))  # type: ignore[arg-type]
        graphs.append(graph)
    return graphs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "data"
        build(Settings(data_dir=data_dir), force=True)
        store = open_store(data_dir / "store")
        seed = store.union_graph(exclude=(str(ONTOLOGY_GRAPH), str(INFERRED_GRAPH)))
        record = Graph().parse(data=RECORD, format="turtle")
        batch = documents(BATCH_GRAPHS)
        rows = []
        for engine in ENGINES:
            validator = Validator(SHAPES, ONTOLOGY, engine)
            record_ms = timed(lambda v=validator: v.validate_record(record, store).conforms, args.runs)
            seed_ms = timed(lambda v=validator: v.validate(seed).conforms, args.runs)
            batch_ms = timed(
                lambda e=engine: all(c for c, _ in validate_graphs(SHAPES, ONTOLOGY, batch, 1, engine=e)),
                max(1, args.runs // 2),
            )
            rows.append((engine, record_ms, seed_ms, batch_ms))
        store.close()
    print(f"record: {len(record)} triples; built graph: {len(seed)} triples; batch: {len(batch)} graphs")
    print("| engine | (a) record with context | (b) built graph | (c) 1,000 graphs, 1 process |")
    print("|---|---:|---:|---:|")
    for engine, *cells in rows:
        print(f"| {engine} | " + " | ".join(f"{wall:,.0f} ({cpu:,.0f})" for wall, cpu in cells) + " |")


if __name__ == "__main__":
    main()
