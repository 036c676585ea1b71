"""One source document as people read it: its text, the entity mentions in it, and the facts it yields.

The document is read with a few SELECT queries (`head_query`, then `queries`) and put together here
(`document_view`); the caller runs the queries (the service: in the query workers, under the query deadline).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.describe.network import Row
from kg.errors import DocumentError
from kg.namespaces import QC
from kg.text.readers import read_document

# The most specific class names an entity's kind (the first of this list it has).
MENTION_KINDS = ("Country", "SupranationalUnion", "Region", "GovernmentAgency", "University",
                 "ResearchInstitute", "Company", "StandardsBody", "Organization", "Legislation", "Program",
                 "TechnologyArea", "ApplicationDomain", "CollaborationModel", "Driver", "Challenge",
                 "Solution", "Recommendation", "TalentMobilityMechanism", "EcosystemStrategy", "Actor")
MAX_STATEMENTS = 5000

_DOCUMENT = """
SELECT ?title ?source ?sha ?format WHERE {
  ?d a qc:SourceDocument .
  OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d dcterms:source ?source }
  OPTIONAL { ?d qc:sha256 ?sha } OPTIONAL { ?d dcterms:format ?format }
} LIMIT 1"""
_SENTENCES = """
SELECT ?s ?start ?end ?text WHERE {
  ?s qc:inDocument ?d ; qc:startOffset ?start ; qc:endOffset ?end ; prov:value ?text .
} ORDER BY ?start"""
_ENTITIES = """
SELECT DISTINCT ?e ?class ?name WHERE {
  ?e prov:hadPrimarySource ?d ; a ?class ; skos:prefLabel|rdfs:label|skos:altLabel ?name .
  VALUES ?class { CLASSES_ }
}"""
_STATEMENTS = """
SELECT ?st ?subject ?predicate ?object ?sentence ?confidence WHERE {
  ?sentence qc:inDocument ?d .
  ?st a rdf:Statement ; qc:extractedFrom ?sentence ;
      rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object .
  OPTIONAL { ?st qc:confidence ?confidence }
} ORDER BY ?sentence ?st LIMIT LIMIT_"""
# A readable label for each entity read from the document and each IRI its statements use, best first.
_LABELS = """
SELECT DISTINCT ?x ?label ?rank WHERE {
  { ?x prov:hadPrimarySource ?d }
  UNION { ?sentence qc:inDocument ?d . ?st a rdf:Statement ; qc:extractedFrom ?sentence ;
          rdf:subject|rdf:predicate|rdf:object ?x . FILTER(isIRI(?x)) }
  VALUES (?p ?rank) { (skos:prefLabel 1) (rdfs:label 2) (dcterms:title 3) }
  ?x ?p ?label . FILTER(isLiteral(?label) && (LANG(?label) = "" || LANGMATCHES(LANG(?label), "en")))
}"""


@dataclass(frozen=True)
class Sentence:
    iri: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    """An entity named in the text: characters [start, end) of the shown text."""

    start: int
    end: int
    entity: str
    kind: str


@dataclass(frozen=True)
class DocumentView:
    """What a document page shows: `from_file` says whether `text` is the document itself (read from the
    seeds folder, with the checksum the graph records) or its stored sentences laid end to end."""

    iri: str
    title: str
    source: str | None
    text: str
    from_file: bool
    sentences: list[Sentence]
    mentions: list[Mention]
    statements: list[dict[str, str]]
    labels: dict[str, str]  # of the entities and of the terms of the statements


def _bind(query: str, iri: str) -> str:
    return query.replace("?d ", f"{ox.NamedNode(iri)} ")


def _value(row: Row, name: str) -> str:
    term = row[name]
    return term.value if term is not None else ""


def _text(source: str | None, sha256: str | None, seeds_dir: Path, max_bytes: int) -> str | None:
    """The document's text from the seeds folder, if the file there is the one the graph was built from."""
    if not source or not sha256:
        return None
    path = seeds_dir / Path(source).name
    try:
        document = read_document(path, max_bytes=max_bytes)
    except DocumentError:
        return None
    return document.text if document.sha256 == sha256 else None


def _stored_text(sentences: list[Sentence]) -> tuple[str, list[Sentence]]:
    """The stored sentences end to end, each a paragraph, with their offsets in that text."""
    parts, placed, offset = [], [], 0
    for sentence in sentences:
        parts.append(sentence.text)
        placed.append(Sentence(sentence.iri, offset, offset + len(sentence.text), sentence.text))
        offset += len(sentence.text) + 2
    return "\n\n".join(parts), placed


def _names(rows: Iterable[Row]) -> dict[str, tuple[str, str]]:
    """Each name (label or alias) of the entities read from the document: the entity and its kind."""
    rank = {name: index for index, name in enumerate(MENTION_KINDS)}
    best: dict[str, int] = {}
    names: dict[str, str] = {}
    for row in rows:
        entity = _value(row, "e")
        best[entity] = min(best.get(entity, len(rank)), rank[_value(row, "class")[len(str(QC)):]])
        name = _value(row, "name").strip()
        if len(name) > 1:
            names.setdefault(name, entity)
    return {name: (entity, MENTION_KINDS[best[entity]]) for name, entity in names.items()}


def find_mentions(text: str, names: dict[str, tuple[str, str]]) -> list[Mention]:
    """Whole-word occurrences of the names, longest first, never overlapping (one pass over the text);
    a name in lower case also matches capitalized."""
    if not names:
        return []
    folded = {name.lower(): value for name, value in names.items() if name == name.lower()}
    ordered = sorted(names, key=lambda name: (-len(name), name))
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in ordered) + r")(?!\w)",
                         re.IGNORECASE if folded else 0)
    found = []
    for match in pattern.finditer(text):
        value = names.get(match.group()) or folded.get(match.group().lower())
        if value is not None:
            found.append(Mention(match.start(), match.end(), *value))
    return found


def _statements(rows: Iterable[Row]) -> list[dict[str, str]]:
    """The facts stated by the document's sentences (at most MAX_STATEMENTS)."""
    names = ("st", "subject", "predicate", "object", "sentence", "confidence")
    return [{name: term.value for name in names if (term := row[name]) is not None} for row in rows]


def _labels(rows: Iterable[Row]) -> dict[str, str]:
    """Each IRI's best label: skos:prefLabel, else rdfs:label, else dcterms:title."""
    found: dict[str, str] = {}
    for row in sorted(rows, key=lambda row: int(_value(row, "rank") or 9)):
        found.setdefault(_value(row, "x"), _value(row, "label"))
    return found


def head_query(iri: str) -> str:
    """The SELECT query of the document's title, source, checksum and format: no row if there is none."""
    return _bind(_DOCUMENT, iri)


def queries(iri: str) -> dict[str, str]:
    """The SELECT queries of the rest of a document's page, by name (see `document_view`)."""
    classes = " ".join(f"qc:{name}" for name in MENTION_KINDS)
    return {
        "sentences": _bind(_SENTENCES, iri),
        "entities": _bind(_ENTITIES.replace("CLASSES_", classes), iri),
        "statements": _bind(_STATEMENTS.replace("LIMIT_", str(MAX_STATEMENTS)), iri),
        "labels": _bind(_LABELS, iri),
    }


def document_view(iri: str, head: Row, rows: Mapping[str, Iterable[Row]], seeds_dir: Path,
                  max_bytes: int) -> DocumentView:
    """The document from the answers to its `head_query` (its one row) and its `queries`; its text from
    the seeds folder when the file there is the one the graph was built from."""
    value = {name: _value(head, name) or None for name in ("title", "source", "sha")}
    sentences = [Sentence(_value(r, "s"), int(_value(r, "start")), int(_value(r, "end")), _value(r, "text"))
                 for r in rows["sentences"]]
    text = _text(value["source"], value["sha"], seeds_dir, max_bytes)
    from_file = text is not None
    if text is None:
        text, sentences = _stored_text(sentences)
    return DocumentView(iri, value["title"] or iri, value["source"], text, from_file, sentences,
                        find_mentions(text, _names(rows["entities"])), _statements(rows["statements"]),
                        _labels(rows["labels"]))
