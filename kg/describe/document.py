"""One source document as people read it: its text, the entity mentions in it, and the facts it yields."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import DocumentError
from kg.namespaces import QC
from kg.store.interface import KnowledgeStore
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


def _bind(query: str, iri: str) -> str:
    return query.replace("?d ", f"{ox.NamedNode(iri)} ")


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


def _names(store: KnowledgeStore, iri: str) -> dict[str, tuple[str, str]]:
    """Each name (label or alias) of the entities read from the document: the entity and its kind."""
    rank = {name: index for index, name in enumerate(MENTION_KINDS)}
    classes = " ".join(f"qc:{name}" for name in MENTION_KINDS)
    best: dict[str, int] = {}
    names: dict[str, str] = {}
    for row in store.query(_bind(_ENTITIES.replace("CLASSES_", classes), iri)):
        entity = row["e"].value
        best[entity] = min(best.get(entity, len(rank)), rank[row["class"].value[len(str(QC)):]])
        name = row["name"].value.strip()
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


def statements(store: KnowledgeStore, iri: str) -> list[dict[str, str]]:
    """The facts stated by the document's sentences (at most MAX_STATEMENTS)."""
    rows = store.query(_bind(_STATEMENTS.replace("LIMIT_", str(MAX_STATEMENTS)), iri))
    names = ("st", "subject", "predicate", "object", "sentence", "confidence")
    return [{name: row[name].value for name in names if row[name] is not None} for row in rows]


def document_view(store: KnowledgeStore, iri: str, seeds_dir: Path, max_bytes: int) -> DocumentView | None:
    """The document, or None when the graph has no qc:SourceDocument of this IRI."""
    found = list(store.query(_bind(_DOCUMENT, iri)))
    if not found:
        return None
    row = found[0]
    value = {name: row[name].value if row[name] is not None else None for name in ("title", "source", "sha")}
    sentences = [Sentence(r["s"].value, int(r["start"].value), int(r["end"].value), r["text"].value)
                 for r in store.query(_bind(_SENTENCES, iri))]
    text = _text(value["source"], value["sha"], seeds_dir, max_bytes)
    from_file = text is not None
    if text is None:
        text, sentences = _stored_text(sentences)
    return DocumentView(iri, value["title"] or iri, value["source"], text, from_file, sentences,
                        find_mentions(text, _names(store, iri)), statements(store, iri))
