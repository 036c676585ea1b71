"""Scoring extraction against gold annotations: exact counts on a hand-made graph, and the command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from paths import ROOT, SEEDS
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, SKOS, XSD

from kg.extract.evaluation import score_graph

QC = Namespace("https://w3id.org/qcollab/ontology#")
QCR = Namespace("https://w3id.org/qcollab/resource/")
GOLD = {
    "actors": [
        {"name": "United Kingdom", "kind": "Country", "aliases": ["UK"]},
        {"name": "Canada", "kind": "Country"},
        {"name": "Japan", "kind": "Country"},
    ],
    "programs": [
        {"name": "National Quantum Technologies Programme", "aliases": ["National Quantum Programme"],
         "led_by": ["UK"], "funded_by": [], "amounts": [{"value": "2500000000", "currency": "GBP"}]},
    ],
    "collaborations": [
        {"between": ["UK", "Canada"], "sentence": "..."},
        {"between": ["Canada", "Japan"], "sentence": "..."},
    ],
}


def extracted() -> Graph:
    graph = Graph()
    for node, kind, label in ((QCR.uk, QC.Country, "UK"), (QCR.canada, QC.Country, "Canada"),
                              (QCR.acme, QC.Company, "Acme Quantum"),
                              (QCR.nqp, QC.Program, "National Quantum Programme")):
        graph.add((node, RDF.type, kind))
        graph.add((node, SKOS.prefLabel, Literal(label, lang="en")))
    graph.add((QCR.nqp, QC.fundingAmount, Literal("2500000000", datatype=XSD.decimal)))
    graph.add((QCR.nqp, QC.fundingCurrency, Literal("GBP")))
    graph.add((QCR.uk, QC.leads, QCR.nqp))
    graph.add((QCR.uk, QC.collaboratesWith, QCR.canada))
    graph.add((QCR.canada, QC.collaboratesWith, QCR.uk))  # the symmetric statement counts once
    graph.add((QCR.uk, QC.collaboratesWith, QCR.acme))
    return graph


def test_scores_count_matches_by_any_name_and_list_the_misses() -> None:
    scores = score_graph(extracted(), GOLD)
    actors = scores["actors"]
    assert (actors.extracted, actors.correct, actors.gold, actors.found) == (3, 2, 3, 2)
    assert actors.missed == ["Japan"] and actors.spurious == ["Acme Quantum"]
    assert actors.precision == pytest.approx(2 / 3) and actors.recall == pytest.approx(2 / 3)
    assert (scores["programs"].precision, scores["programs"].recall) == (1.0, 1.0)
    collaborations = scores["collaborations"]
    assert (collaborations.extracted, collaborations.correct, collaborations.gold, collaborations.found) == (
        2, 1, 2, 1)
    assert collaborations.missed == ["Canada – Japan"]
    assert (scores["amounts"].precision, scores["amounts"].recall) == (1.0, 1.0)
    assert (scores["program roles"].correct, scores["program roles"].found) == (1, 1)
    assert scores["program roles"].f1 == 1.0


def test_nothing_extracted_scores_zero_recall_and_no_precision() -> None:
    scores = score_graph(Graph(), GOLD)
    assert scores["actors"].recall == 0.0 and scores["actors"].precision is None
    assert scores["collaborations"].missed == ["Canada – Japan", "Canada – United Kingdom"]


def qcollab(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from kg.cli.main import main; main()", *args],
                          capture_output=True, text=True, cwd=ROOT, env={"COLUMNS": "200", "PATH": ""})


def test_evaluate_command_scores_a_folder_in_json(tmp_path: Path) -> None:
    seed = next(SEEDS.glob("*.txt"))
    (tmp_path / seed.name).write_bytes(seed.read_bytes())
    gold = {"actors": [{"name": "Japan", "kind": "Country"}, {"name": "Atlantis", "kind": "Country"}],
            "programs": [{"name": "Quantum Flagship",
                          "amounts": [{"value": "1000000000", "currency": "EUR"}]}],
            "collaborations": []}
    (tmp_path / seed.name.replace(".txt", ".gold.json")).write_text(json.dumps(gold))
    done = qcollab("evaluate", str(tmp_path), "--format", "json")
    assert done.returncode == 0, done.stderr
    totals = json.loads(done.stdout)[tmp_path.as_posix()]["totals"]
    assert totals["actors"]["gold"] == 2 and totals["actors"]["found"] == 1
    assert totals["actors"]["missed"] == [f"{seed.name}: Atlantis"]
    assert totals["amounts"]["found"] == 1 and totals["programs"]["found"] == 1


def test_a_folder_without_gold_files_is_one_readable_error(tmp_path: Path) -> None:
    done = qcollab("evaluate", str(tmp_path))
    assert done.returncode == 1
    assert "holds no gold file" in done.stderr and "Traceback" not in done.stderr


def test_two_entities_for_one_gold_actor_count_once() -> None:
    graph = extracted()
    graph.add((QCR.britain, RDF.type, QC.Country))
    graph.add((QCR.britain, SKOS.prefLabel, Literal("United Kingdom", lang="en")))
    actors = score_graph(graph, GOLD)["actors"]
    assert (actors.extracted, actors.correct, actors.found) == (4, 2, 2)
    assert "United Kingdom (a second entity for United Kingdom)" in actors.spurious
