"""Many graphs validated in batches and worker processes judge exactly as one validator does."""

from __future__ import annotations

import re

from paths import FIXTURES, ONTOLOGY, SHAPES
from rdflib import Graph

from kg.quality.batch import BATCH_SIZE, validate_graphs
from kg.quality.shacl import Validator


def _records(kind: str) -> list[Graph]:
    return [Graph().parse(p, format="turtle") for p in sorted((FIXTURES / "records" / kind).glob("*.ttl"))]


def test_parallel_batches_judge_as_one_validator_judges_the_same_batches() -> None:
    graphs = _records("valid") + _records("invalid")
    assert len(graphs) >= 8, "too few records to take the parallel path"
    single = Validator(SHAPES, ONTOLOGY)
    expected = []
    for start in range(0, len(graphs), BATCH_SIZE):
        union = Graph()
        for graph in graphs[start : start + BATCH_SIZE]:
            union += graph
        outcome = single.validate(union)
        expected.append((outcome.conforms, outcome.report_text))
    found = validate_graphs(SHAPES, ONTOLOGY, graphs, processes=2)
    assert [conforms for conforms, _ in found] == [conforms for conforms, _ in expected]
    assert [_lines(text) for _, text in found] == [_lines(text) for _, text in expected]
    assert not all(conforms for conforms, _ in expected)  # the invalid records are found


def _lines(report: str) -> list[str]:
    """The report's lines in order, blank node labels aside (they differ once a graph is serialized)."""
    return sorted(re.sub(r"_:\w+|\bN[0-9a-f]{32}\b", "_:b", line) for line in report.splitlines())


def test_valid_graphs_conform_in_parallel() -> None:
    valid = _records("valid") * 9
    outcomes = validate_graphs(SHAPES, ONTOLOGY, valid, processes=2)
    assert len(outcomes) == -(-len(valid) // BATCH_SIZE) and all(conforms for conforms, _ in outcomes)
