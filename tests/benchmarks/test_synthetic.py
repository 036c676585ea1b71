"""The synthetic graph of the scale benchmark: it conforms to the shapes, is the same for the same seed,
comes in document graphs of the size asked, and its sentences cut the document text; the benchmark's
section of docs/benchmarks.md replaces only itself."""

from __future__ import annotations

import re
from pathlib import Path

from bench_report import write_section
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS
from scale_report import HEADING
from synthetic import GRAPH_PREFIX, Summary, document, write
from synthetic_world import World

from kg.quality.shacl import Validator


def sample(folder: Path) -> tuple[Summary, Graph]:
    """10k triples of the synthetic graph, as N-Triples: the union of its document graphs."""
    summary = write(folder / "sample.nt", 10_000)
    return summary, Graph().parse(folder / "sample.nt", format="nt")


def test_a_sample_of_10k_triples_conforms_to_the_shapes(tmp_path: Path, validator: Validator) -> None:
    summary, graph = sample(tmp_path)
    outcome = validator.validate(graph)
    assert outcome.conforms, outcome.report_text[:3000]
    entity = URIRef(summary.probes["entity"])
    assert graph.value(entity, RDFS.label).toPython() == summary.probes["label"]
    kinds = {str(o).rsplit("#", 1)[-1] for o in graph.objects(None, RDF.type)}
    assert {
        "Country",
        "University",
        "Company",
        "Program",
        "FundingCommitment",
        "Collaboration",
        "SourceSentence",
        "Statement",
        "ExtractionRun",
    } <= kinds


def test_the_shapes_catch_a_sample_with_an_entity_without_label(tmp_path: Path, validator: Validator) -> None:
    summary, graph = sample(tmp_path)
    graph.remove((URIRef(summary.probes["entity"]), RDFS.label, None))
    outcome = validator.validate(graph)
    assert not outcome.conforms
    assert {v.focus_node for v in outcome.violations} == {summary.probes["entity"]}


def test_same_seed_same_bytes_in_document_graphs_of_the_size_asked(tmp_path: Path) -> None:
    first, again, other = (tmp_path / name for name in ("first.nq", "again.nq", "other.nq"))
    summary = write(first, 5_000)
    write(again, 5_000)
    write(other, 5_000, seed=2)
    assert first.read_bytes() == again.read_bytes() != other.read_bytes()
    lines = first.read_text().splitlines()
    assert len(lines) == summary.quads and 5_000 <= summary.quads < 5_000 + 4_000
    assert all(line.endswith(".") and f"<{GRAPH_PREFIX}" in line for line in lines)
    triples = write(tmp_path / "triples.nt", 5_000)
    assert triples.quads == summary.quads
    assert GRAPH_PREFIX not in (tmp_path / "triples.nt").read_text()


def test_sentence_offsets_cut_the_document_text() -> None:
    doc = document(World(10_000, 1), 3)
    text = " ".join(doc.text)
    values = {}
    for triple in doc.triples:
        found = re.match(r'<[^>]*/(\d+)-(\d+)> <http://www.w3.org/ns/prov#value> "(.*)"$', triple)
        if found:
            values[int(found[1]), int(found[2])] = found[3].replace('\\"', '"').replace("\\\\", "\\")
    assert len(values) == len(doc.text) >= 30
    assert all(text[start:end] == value for (start, end), value in values.items())


def test_the_scale_section_replaces_only_itself(tmp_path: Path) -> None:
    path = tmp_path / "benchmarks.md"
    path.write_text(f"# Benchmarks\n\n## Store\n\nold store\n\n{HEADING}\n\nold scale\n\n## HTTP\n\nhttp\n")
    write_section(path, [HEADING, "", "new scale", ""])
    assert (
        path.read_text()
        == "# Benchmarks\n\n## Store\n\nold store\n\n" + f"{HEADING}\n\nnew scale\n\n## HTTP\n\nhttp\n"
    )
    alone = tmp_path / "alone.md"
    alone.write_text("# Benchmarks\n\n## Store\n\nstore\n")
    write_section(alone, [HEADING, "", "scale", ""])
    assert alone.read_text() == f"# Benchmarks\n\n## Store\n\nstore\n\n{HEADING}\n\nscale\n"
