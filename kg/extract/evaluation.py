"""Extraction quality against gold annotations: precision, recall and F1 per kind and per document.

A gold file `NAME.gold.json` next to a document `NAME.md|.txt` lists the actors, programs
(with leaders, funders and amounts) and stated collaborations of the text (the format is
in `tests/corpus/README.md`). Names are compared after the one normaliser
(`kg.names.normalize.name_keys`): an extracted entity matches a gold item when one of its
labels or aliases is one of the gold item's names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.errors import InputError
from kg.extract.consistency import Consistency
from kg.extract.extractor import Extractor
from kg.extract.gazetteer import ACTOR_CLASSES, PROGRAM_CLASSES
from kg.extract.pipeline import extract_document
from kg.names.normalize import name_keys
from kg.namespaces import QC, SDO
from kg.text.readers import read_document

KINDS = ("actors", "programs", "collaborations", "amounts", "program roles")
DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
Pair = frozenset[str]


@dataclass
class Score:
    """Counts of one kind: true positives among the extracted, gold items found, and the misses."""

    extracted: int = 0
    correct: int = 0
    gold: int = 0
    found: int = 0
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.correct / self.extracted if self.extracted else None

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)

    def add(self, other: Score, source: str) -> None:
        """Count another score in, its misses named by their source."""
        self.missed += [f"{source}: {item}" for item in other.missed]
        self.spurious += [f"{source}: {item}" for item in other.spurious]
        self.extracted += other.extracted
        self.correct += other.correct
        self.gold += other.gold
        self.found += other.found

    def as_dict(self) -> dict[str, object]:
        return {
            "extracted": self.extracted,
            "correct": self.correct,
            "gold": self.gold,
            "found": self.found,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "missed": self.missed,
            "spurious": self.spurious,
        }


@dataclass
class DocumentScore:
    """The scores of one document, by kind."""

    document: str
    words: int
    kinds: dict[str, Score]


_OWNER = re.compile(r"^\S+(?:\s\S+)?['’]s\s+")
_TRAILING_NOUN = re.compile(r"\s+(?:programme|program|project|initiative)$", re.IGNORECASE)


def _forms(text: str) -> set[str]:
    """A name's normalised keys, also without an owner's possessive ("Canada's National Quantum Strategy")
    and without a trailing generic noun ("the Quantum Delta NL programme"): the same program either way."""
    unowned = _OWNER.sub("", text)
    forms = {text, unowned, _TRAILING_NOUN.sub("", text), _TRAILING_NOUN.sub("", unowned)}
    return {key for form in forms if form.strip() for key in name_keys(form, inner=True)}


class Matcher:
    """Gold items by their normalised names: which gold item an extracted name stands for."""

    def __init__(self, items: Iterable[dict[str, object]]) -> None:
        self.by_key: dict[str, str] = {}
        exact: dict[str, str] = {}
        for item in items:
            name = str(item["name"])
            for text in [name, *(str(a) for a in item.get("aliases", []) or [])]:  # type: ignore[union-attr]
                for key in name_keys(text, inner=True):
                    exact.setdefault(key, name)
                for key in _forms(text):
                    self.by_key.setdefault(key, name)
        self.by_key.update(exact)  # a name as written wins over a shortened form of another

    def match(self, names: Iterable[str]) -> str | None:
        for text in names:
            for key in sorted(name_keys(text, inner=True)) + sorted(_forms(text)):
                if key in self.by_key:
                    return self.by_key[key]
        return None


def entity_names(graph: Graph, node: URIRef) -> list[str]:
    predicates = (SKOS.prefLabel, RDFS.label, SKOS.altLabel)
    return sorted({str(o) for p in predicates for o in graph.objects(node, p)})


def _typed(graph: Graph, classes: frozenset[URIRef]) -> list[URIRef]:
    return sorted({s for c in classes for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)})


def _amount(value: object, currency: object) -> tuple[Decimal, str] | None:
    try:
        return Decimal(str(value)).normalize(), str(currency).upper()
    except InvalidOperation:
        return None


def _set_score(extracted: dict[str, str | None], gold: set[str]) -> Score:
    """Score named items: `extracted` maps each extracted item's label to the gold item it matches.

    A second entity for the same gold item is wrong too (one thing, two IRIs): only the first counts.
    """
    matched: set[str] = set()
    spurious = []
    for label, match in sorted(extracted.items()):
        if match is None:
            spurious.append(label)
        elif match in matched:
            spurious.append(f"{label} (a second entity for {match})")
        else:
            matched.add(match)
    return Score(
        extracted=len(extracted),
        correct=len(matched),
        gold=len(gold),
        found=len(gold & matched),
        missed=sorted(gold - matched),
        spurious=spurious,
    )


def _pair_score(extracted: dict[Pair, str], gold: set[Pair]) -> Score:
    """Score unordered pairs (or triples): each extracted one with a label, against the gold ones."""
    return Score(
        extracted=len(extracted),
        correct=sum(1 for p in extracted if p in gold),
        gold=len(gold),
        found=len(gold & set(extracted)),
        missed=sorted(" – ".join(sorted(p)) for p in gold - set(extracted)),
        spurious=sorted(label for p, label in extracted.items() if p not in gold),
    )


def score_graph(graph: Graph, gold: dict[str, object]) -> dict[str, Score]:
    """Score one document's extracted graph against its gold annotation."""
    actors = list(gold.get("actors", []))  # type: ignore[call-overload]
    programs = list(gold.get("programs", []))  # type: ignore[call-overload]
    actor_of, program_of = Matcher(actors), Matcher(programs)
    actor_names = {n: actor_of.match(entity_names(graph, n)) for n in _typed(graph, ACTOR_CLASSES)}
    program_names = {n: program_of.match(entity_names(graph, n)) for n in _typed(graph, PROGRAM_CLASSES)}
    label = {n: (entity_names(graph, n) or [str(n)])[0] for n in (*actor_names, *program_names)}

    pairs: dict[Pair, str] = {}
    for s, o in graph.subject_objects(QC.collaboratesWith):
        if s == o or s not in actor_names or o not in actor_names:
            continue
        a, b = actor_names[s], actor_names[o]  # type: ignore[index]
        key = frozenset({a or f"?{label[s]}", b or f"?{label[o]}"})  # type: ignore[index]
        pairs.setdefault(key, f"{label[s]} – {label[o]}")  # type: ignore[index]

    def canonical(name: object) -> str:
        return actor_of.match([str(name)]) or str(name)

    collaborations = gold.get("collaborations", []) or []
    gold_pairs = {frozenset(map(canonical, c["between"])) for c in collaborations}  # type: ignore[union-attr]

    amounts: dict[Pair, str] = {}
    for program in program_names:
        stated = [(graph.value(program, QC.fundingAmount), graph.value(program, QC.fundingCurrency))]
        stated += [
            (graph.value(f, SDO.value), graph.value(f, SDO.currency))
            for f in graph.objects(program, QC.hasFunding)
        ]
        for value, currency in stated:
            amount = _amount(value, currency) if value is not None and currency is not None else None
            if amount is not None:
                amounts.setdefault(frozenset({f"{amount[0]:f} {amount[1]}"}), f"{value} {currency}")
    gold_amounts = {
        frozenset({f"{a[0]:f} {a[1]}"})
        for p in programs
        for item in p.get("amounts", []) or []  # type: ignore[union-attr]
        if (a := _amount(item["value"], item["currency"])) is not None
    }

    roles: dict[Pair, str] = {}
    for predicate, role, forward in (
        (QC.leads, "led by", True),
        (QC.ledBy, "led by", False),
        (QC.funds, "funded by", True),
        (QC.fundedBy, "funded by", False),
    ):
        for s, o in graph.subject_objects(predicate):
            actor, program = (s, o) if forward else (o, s)
            if actor in actor_names and program in program_names:
                a = actor_names[actor] or f"?{label[actor]}"  # type: ignore[index]
                p = program_names[program] or f"?{label[program]}"  # type: ignore[index]
                roles.setdefault(frozenset({f"{p} {role}", a}), f"{p} {role} {a}")
    gold_roles = {
        frozenset({f"{p['name']} {role}", canonical(actor)})
        for p in programs
        for key, role in (("led_by", "led by"), ("funded_by", "funded by"))
        for actor in p.get(key, []) or []  # type: ignore[union-attr]
    }
    return {
        "actors": _set_score({label[n]: g for n, g in actor_names.items()}, {str(a["name"]) for a in actors}),
        "programs": _set_score(
            {label[n]: g for n, g in program_names.items()}, {str(p["name"]) for p in programs}
        ),
        "collaborations": _pair_score(pairs, gold_pairs),
        "amounts": _pair_score(amounts, gold_amounts),
        "program roles": _pair_score(roles, gold_roles),
    }


def gold_documents(folder: Path) -> list[tuple[Path, Path]]:
    """The (document, gold file) pairs of a folder, in name order."""
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder of documents with gold files")
    pairs = []
    for gold in sorted(folder.glob("*.gold.json")):
        stem = gold.name.removesuffix(".gold.json")
        documents = [folder / f"{stem}{suffix}" for suffix in DOCUMENT_SUFFIXES]
        existing = [d for d in documents if d.is_file()]
        if not existing:
            raise InputError(f"{gold.name} has no document next to it ({stem}.md or {stem}.txt)")
        pairs.append((existing[0], gold))
    if not pairs:
        raise InputError(f"{folder} holds no gold file (NAME.gold.json)")
    return pairs


def read_gold(path: Path) -> dict[str, object]:
    """A gold file's annotation; one that is not JSON names where."""
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise InputError(f"{path.name}: not valid JSON at {where}: {error.msg}") from None
    if not isinstance(gold, dict):
        raise InputError(f"{path.name}: a gold file holds one JSON object")
    return gold


def evaluate(
    folder: Path, extractor: Extractor | None = None
) -> tuple[list[DocumentScore], dict[str, Score]]:
    """Extract every document of a gold folder and score it; also the totals per kind (micro-averaged)."""
    known = extractor or Extractor.load()
    documents = []
    totals = {kind: Score() for kind in KINDS}
    for path, gold_path in gold_documents(folder):
        gold = read_gold(gold_path)
        alone = replace(known, consistency=Consistency())  # each document is scored on its own
        kinds = score_graph(extract_document(path, alone).graph, gold)
        for kind, score in kinds.items():
            totals[kind].add(score, path.name)
        words = len(read_document(path).text.split())
        documents.append(DocumentScore(path.name, words, kinds))
    return documents, totals
