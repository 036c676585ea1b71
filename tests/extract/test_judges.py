"""The learned judges (collaboration pairs, actor names): their shipped weights, what they change in a
document's graph, their provenance, and training (real spaCy pipeline, real scikit-learn)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Graph

from kg.errors import InputError
from kg.extract.consistency import Consistency
from kg.extract.evaluation import gold_documents, read_gold
from kg.extract.extractor import Extractor
from kg.extract.judges import MENTION_MODEL_PATH, PAIR_MODEL_PATH, LogisticJudge
from kg.extract.pipeline import extract_text
from kg.extract.training import document_examples, fit
from kg.namespaces import PROV, QC, RDF

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
# Two actors in one sentence that no rule reads as collaborating.
CO_MENTION = "Fraunhofer and Quantinuum presented results at the same conference in Berlin."


def _graph(extractor: Extractor, text: str) -> Graph:
    alone = replace(extractor, consistency=Consistency())
    return extract_text(
        text, doc_slug="t", source="t/t.txt", sha256="0" * 64, markdown=False, extractor=alone
    ).graph


def _learned_pairs(graph: Graph) -> set[frozenset[str]]:
    statements = graph.subjects(QC.extractionMethod, QC.LearnedClassifier)
    return {
        frozenset(
            {
                str(graph.value(s, RDF.subject)).rsplit("/", 1)[-1],
                str(graph.value(s, RDF.object)).rsplit("/", 1)[-1],
            }
        )
        for s in statements
        if graph.value(s, RDF.predicate) == QC.collaboratesWith
    }


@pytest.mark.parametrize("path", [PAIR_MODEL_PATH, MENTION_MODEL_PATH], ids=lambda p: p.stem)
def test_the_shipped_judges_were_trained_on_the_whole_dev_split_only(path: Path) -> None:
    model = json.loads(path.read_text(encoding="utf-8"))
    dev = {path.name for path, _ in gold_documents(CORPUS / "dev")}
    held_out = {path.name for path, _ in gold_documents(CORPUS / "test")}
    assert set(model["trained_on"]) == dev  # retrain (make train) when the dev split changes
    assert not set(model["trained_on"]) & held_out
    assert 0 < model["threshold"] < 1 and len(model["weights"]) > 1000


def test_the_extractor_loads_the_shipped_judges_and_names_them_in_the_run(extractor: Extractor) -> None:
    assert isinstance(extractor.pairs, LogisticJudge) and isinstance(extractor.names, LogisticJudge)
    graph = _graph(extractor, CO_MENTION)
    for name in ("collaboration-pairs", "mentions"):
        judges = [m for m in graph.objects(None, PROV.used) if f"nlp-model/{name}-" in str(m)]
        assert len(judges) == 1 and (judges[0], RDF.type, QC.NlpModel) in graph


def test_a_judge_that_says_yes_adds_the_pair_with_its_method_and_confidence(
    extractor: Extractor, tmp_path: Path
) -> None:
    path = tmp_path / "yes.json"
    path.write_text(json.dumps({"weights": {"bias": 5.0}, "threshold": 0.5}), encoding="utf-8")
    graph = _graph(replace(extractor, pairs=LogisticJudge.load(path)), CO_MENTION)
    assert _learned_pairs(graph) == {frozenset({"fraunhofer-society", "quantinuum"})}
    statement = next(graph.subjects(QC.extractionMethod, QC.LearnedClassifier))
    assert float(graph.value(statement, QC.confidence)) == pytest.approx(0.993, abs=1e-3)


def test_a_judge_that_says_no_adds_nothing_and_leaves_the_rules_alone(
    extractor: Extractor, tmp_path: Path
) -> None:
    path = tmp_path / "no.json"
    path.write_text(json.dumps({"weights": {"bias": -5.0}, "threshold": 0.5}), encoding="utf-8")
    text = "Fraunhofer partnered with Quantinuum on trapped-ion research."
    graph = _graph(replace(extractor, pairs=LogisticJudge.load(path)), text)
    assert not _learned_pairs(graph)
    assert _learned_pairs(_graph(replace(extractor, pairs=LogisticJudge.load(path)), CO_MENTION)) == set()
    assert len(set(graph.subject_objects(QC.collaboratesWith))) == 1


@pytest.mark.parametrize(
    "content", ["not json", "[]", '{"weights": {"bias": 1}}', '{"weights": 3, "threshold": 1}']
)
def test_a_file_that_is_not_a_model_names_itself(tmp_path: Path, content: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match="broken.json: not a judge's weights"):
        LogisticJudge.load(path)


def test_training_labels_stated_pairs_and_names_and_is_deterministic(rules_extractor: Extractor) -> None:
    path, gold = gold_documents(CORPUS / "dev")[0]
    labelled = document_examples(path, read_gold(gold), rules_extractor)
    names = labelled.by_judge["mentions"]
    assert any(e.label for e in names) and all(e.candidate.features for e in names)
    examples = labelled.by_judge["collaboration-pairs"]
    assert any(e.label for e in examples) and any(not e.label for e in examples)
    assert all(e.candidate.features for e in examples)
    once, twice = fit(examples, threshold=0.5), fit(examples, threshold=0.5)
    assert once["weights"] == twice["weights"] and once["positives"] == sum(e.label for e in examples)
    judge = LogisticJudge.from_dict(once)
    stated = [judge.probability(e.candidate.features) for e in examples if e.label]
    other = [judge.probability(e.candidate.features) for e in examples if not e.label]
    assert sum(stated) / len(stated) > sum(other) / len(other) + 0.3  # it learned the training pairs


def test_a_name_judge_that_says_no_sends_new_names_to_review_but_never_known_ones(
    extractor: Extractor, tmp_path: Path
) -> None:
    path = tmp_path / "no.json"
    path.write_text(json.dumps({"weights": {"bias": -5.0}, "threshold": 0.5}), encoding="utf-8")
    text = "Zorblax Quantum Ltd partnered with Quantinuum on trapped-ion research."
    reviewing = replace(extractor, min_confidence=0.6, consistency=Consistency())
    kept = _graph(replace(reviewing, names=None), text)
    judged = extract_text(
        text,
        doc_slug="t",
        source="t/t.txt",
        sha256="0" * 64,
        markdown=False,
        extractor=replace(reviewing, names=LogisticJudge.load(path)),
    )
    slugs = {str(s).rsplit("/", 1)[-1] for s in kept.subjects(RDF.type, QC.Company)}
    assert {"zorblax-quantum-ltd", "quantinuum"} <= slugs
    companies = {str(s).rsplit("/", 1)[-1] for s in judged.graph.subjects(RDF.type, QC.Company)}
    assert companies == slugs - {"zorblax-quantum-ltd"}
    held = [item for item in judged.review if item.subject.endswith("/zorblax-quantum-ltd>")]
    assert held and held[0].confidence < 0.01  # the judge's probability, sigmoid(-5)


def test_researchers_of_several_actors_doing_one_thing_collaborate(extractor: Extractor) -> None:
    rules = replace(extractor, pairs=None, names=None)
    text = (
        "The work was carried out by researchers from JPMorganChase, Quantinuum and The University of Texas "
        "at Austin."
    )
    pairs = {
        frozenset(str(x).rsplit("/", 1)[-1] for x in pair)
        for pair in _graph(rules, text).subject_objects(QC.collaboratesWith)
    }
    assert pairs == {
        frozenset({"jpmorganchase", "quantinuum"}),
        frozenset({"jpmorganchase", "university-of-texas-at-austin"}),
        frozenset({"quantinuum", "university-of-texas-at-austin"}),
    }
    apart = (
        "Researchers from IBM and Google compete for the lead; scientists at Harvard and MIT each published."
    )
    assert not set(_graph(rules, apart).subject_objects(QC.collaboratesWith))


def test_a_judge_that_says_yes_adds_no_pair_across_a_negated_verb(
    extractor: Extractor, tmp_path: Path
) -> None:
    path = tmp_path / "yes.json"
    path.write_text(json.dumps({"weights": {"bias": 5.0}, "threshold": 0.5}), encoding="utf-8")
    yes = replace(extractor, pairs=LogisticJudge.load(path))
    assert not _learned_pairs(
        _graph(yes, "France and Italy have not signed a comparable agreement, diplomats said.")
    )
    assert _learned_pairs(_graph(yes, "France and Italy presented results at a conference in Rome."))
