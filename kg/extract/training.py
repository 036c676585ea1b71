"""Training the learned judges on a gold corpus: candidates, labels, logistic weights, and cross-validation
by document (each fold scored by the real evaluation, read with judges that never saw it)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import URIRef

from kg.extract.consistency import Consistency
from kg.extract.evaluation import KINDS, Matcher, Score, entity_names, gold_documents, read_gold, score_graph
from kg.extract.extractor import Extractor
from kg.extract.judges import Candidate, LogisticJudge, Recorder
from kg.extract.mention_features import MentionCandidate
from kg.extract.pair_features import PairCandidate
from kg.extract.pipeline import extract_document

Progress = Callable[[str, int, int], None]  # document name, documents done, documents in all
JUDGES = ("collaboration-pairs", "mentions")


@dataclass(frozen=True)
class Example:
    """One candidate of a gold document, labelled from the gold."""

    document: str
    candidate: Candidate
    label: bool


@dataclass
class Examples:
    """The labelled candidates of a corpus, by judge."""

    by_judge: dict[str, list[Example]] = field(default_factory=lambda: {name: [] for name in JUDGES})

    def __iadd__(self, other: Examples) -> Examples:
        for name, examples in other.by_judge.items():
            self.by_judge[name] += examples
        return self


def _letters(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def _same_sentence(ours: str, gold: str) -> bool:
    a, b = _letters(ours), _letters(gold)
    return bool(a) and bool(b) and (a in b or b in a)


def document_examples(path: Path, gold: dict[str, object], extractor: Extractor) -> Examples:
    """Every candidate pair and name the rules read in one document, labelled from the gold: a pair by
    whether the gold states it in that sentence, a name by whether it names a gold actor or program."""
    pairs, names = Recorder(), Recorder()
    alone = replace(extractor, pairs=pairs, names=names, consistency=Consistency())
    graph = extract_document(path, alone).graph
    actors = Matcher(list(gold.get("actors", [])))  # type: ignore[call-overload]
    programs = Matcher(list(gold.get("programs", [])))  # type: ignore[call-overload]
    stated = [
        (frozenset(actors.match([str(n)]) or str(n) for n in c["between"]), str(c.get("sentence", "")))
        for c in gold.get("collaborations", []) or []  # type: ignore[union-attr]
    ]
    cache: dict[URIRef, str | None] = {}

    def gold_actor(iri: URIRef) -> str | None:
        if iri not in cache:
            cache[iri] = actors.match(entity_names(graph, iri))
        return cache[iri]

    examples = Examples()
    for candidate in pairs.candidates:
        assert isinstance(candidate, PairCandidate)
        pair = frozenset((gold_actor(candidate.first), gold_actor(candidate.second)))
        text = candidate.sentence_text
        label = None not in pair and any(pair == b and _same_sentence(text, s) for b, s in stated)
        examples.by_judge["collaboration-pairs"].append(Example(path.name, candidate, label))
    for candidate in names.candidates:
        assert isinstance(candidate, MentionCandidate)
        matcher = actors if candidate.kind == "actor" else programs
        label = matcher.match([candidate.name]) is not None
        examples.by_judge["mentions"].append(Example(path.name, candidate, label))
    return examples


def corpus_examples(folder: Path, extractor: Extractor, progress: Progress | None = None) -> Examples:
    """The labelled candidates of every document of a gold folder."""
    examples = Examples()
    documents = gold_documents(folder)
    for done, (path, gold_path) in enumerate(documents):
        if progress:
            progress(path.name, done, len(documents))
        examples += document_examples(path, read_gold(gold_path), extractor)
    return examples


def fit(
    examples: Sequence[Example], *, threshold: float, regularization: float = 1.0, judge: str = "a"
) -> dict[str, object]:
    """Logistic regression (scikit-learn, L-BFGS: deterministic) over the examples: the judge's JSON."""
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
        "description": f"logistic weights of the {judge} judge (kg/extract/judges.py)",
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
    examples: Examples,
    thresholds: dict[str, float],
    *,
    folds: int = 5,
    progress: Progress | None = None,
) -> dict[str, dict[str, Score]]:
    """The folder read by the rules alone, and with judges trained, for each document, on the other folds
    only: what the judges add on documents they never saw. Scores by reading, then by kind."""
    documents = gold_documents(folder)
    scores = {reading: {kind: Score() for kind in KINDS} for reading in ("rules alone", "with the judges")}
    judges: dict[int, dict[str, LogisticJudge]] = {}
    for done, (path, gold_path) in enumerate(documents):
        if progress:
            progress(path.name, done, len(documents))
        fold = done % folds
        if fold not in judges:
            held = {p.name for n, (p, _) in enumerate(documents) if n % folds == fold}
            judges[fold] = {
                name: LogisticJudge.from_dict(
                    fit([e for e in examples.by_judge[name] if e.document not in held], threshold=threshold)
                )
                for name, threshold in thresholds.items()
            }
        gold = read_gold(gold_path)
        chosen = judges[fold]
        readings = {
            "rules alone": replace(extractor, pairs=None, names=None),
            "with the judges": replace(
                extractor, pairs=chosen.get("collaboration-pairs"), names=chosen.get("mentions")
            ),
        }
        for reading, reader in readings.items():
            graph = extract_document(path, replace(reader, consistency=Consistency())).graph
            for kind, score in score_graph(graph, gold).items():
                scores[reading][kind].add(score, path.name)
    return scores
