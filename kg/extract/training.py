"""Training the collaboration-pair judge on a gold corpus: candidates, labels, logistic weights, and
cross-validation by document (each fold scored by the real evaluation, with a model that never saw it)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import URIRef

from kg.extract.consistency import Consistency
from kg.extract.evaluation import Matcher, Score, entity_names, gold_documents, read_gold, score_graph
from kg.extract.extractor import Extractor
from kg.extract.pair_model import PairCandidate, PairModel, PairRecorder
from kg.extract.pipeline import extract_document

Progress = Callable[[str, int, int], None]  # document name, documents done, documents in all


@dataclass(frozen=True)
class Example:
    """One candidate pair of a gold document, labelled by whether the gold states it in that sentence."""

    document: str
    candidate: PairCandidate
    label: bool


def _letters(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def _same_sentence(ours: str, gold: str) -> bool:
    a, b = _letters(ours), _letters(gold)
    return bool(a) and bool(b) and (a in b or b in a)


def document_examples(path: Path, gold: dict[str, object], extractor: Extractor) -> list[Example]:
    """Every candidate pair the extractor sees in one document, labelled from the gold."""
    recorder = PairRecorder()
    graph = extract_document(path, replace(extractor, pairs=recorder, consistency=Consistency())).graph
    actors = Matcher(list(gold.get("actors", [])))  # type: ignore[call-overload]
    stated = [
        (frozenset(actors.match([str(n)]) or str(n) for n in c["between"]), str(c.get("sentence", "")))
        for c in gold.get("collaborations", []) or []  # type: ignore[union-attr]
    ]
    cache: dict[URIRef, str | None] = {}

    def gold_actor(iri: URIRef) -> str | None:
        if iri not in cache:
            cache[iri] = actors.match(entity_names(graph, iri))
        return cache[iri]

    examples = []
    for candidate in recorder.candidates:
        pair = frozenset((gold_actor(candidate.first), gold_actor(candidate.second)))
        text = candidate.sentence_text
        label = None not in pair and any(pair == b and _same_sentence(text, s) for b, s in stated)
        examples.append(Example(path.name, candidate, label))
    return examples


def corpus_examples(folder: Path, extractor: Extractor, progress: Progress | None = None) -> list[Example]:
    """The labelled candidates of every document of a gold folder."""
    examples: list[Example] = []
    documents = gold_documents(folder)
    for done, (path, gold_path) in enumerate(documents):
        if progress:
            progress(path.name, done, len(documents))
        examples += document_examples(path, read_gold(gold_path), extractor)
    return examples


def fit(
    examples: Sequence[Example], *, regularization: float = 1.0, threshold: float = 0.85
) -> dict[str, object]:
    """Logistic regression (scikit-learn, L-BFGS: deterministic) over the examples: the model's JSON."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([dict.fromkeys(e.candidate.features, 1) for e in examples])
    labels = [int(e.label) for e in examples]
    learner = LogisticRegression(C=regularization, solver="lbfgs", fit_intercept=False, max_iter=2000)
    learner.fit(matrix, labels)
    weights = {
        name: round(float(w), 5)
        for name, w in zip(vectorizer.get_feature_names_out(), learner.coef_[0], strict=True)
        if abs(w) >= 1e-4
    }
    return {
        "description": "logistic weights of the collaboration-pair judge (kg/extract/pair_model.py)",
        "trained_on": sorted({e.document for e in examples}),
        "examples": len(examples),
        "positives": sum(labels),
        "regularization": regularization,
        "threshold": threshold,
        "weights": dict(sorted(weights.items())),
    }


def write_model(model: dict[str, object], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")


def cross_validated(
    folder: Path,
    extractor: Extractor,
    examples: Sequence[Example],
    *,
    folds: int = 5,
    progress: Progress | None = None,
    **fit_options: float,
) -> dict[str, Score]:
    """Collaborations of the folder read by the rules alone, and with a judge trained, for each document, on
    the other folds only: what the judge adds on documents it never saw."""
    documents = gold_documents(folder)
    scores = {"rules alone": Score(), "with the judge": Score()}
    judges: dict[int, PairModel] = {}
    for done, (path, gold_path) in enumerate(documents):
        if progress:
            progress(path.name, done, len(documents))
        fold = done % folds
        if fold not in judges:
            held = _fold(documents, fold, folds)
            trained = fit([e for e in examples if e.document not in held], **fit_options)
            judges[fold] = PairModel.from_dict(trained)
        gold = read_gold(gold_path)
        for name, judge in (("rules alone", None), ("with the judge", judges[fold])):
            alone = replace(extractor, pairs=judge, consistency=Consistency())
            read = score_graph(extract_document(path, alone).graph, gold)
            scores[name].add(read["collaborations"], path.name)
    return scores


def _fold(documents: Sequence[tuple[Path, Path]], fold: int, folds: int) -> set[str]:
    return {path.name for n, (path, _) in enumerate(documents) if n % folds == fold}
