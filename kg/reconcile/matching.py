"""Reconciliation (W3C Reconciliation Service API 0.2) over the graph: matching without HTTP.

The index works over the entity index (kg.names.index): every resource of ours with a qc:
class (sources left out) and its names, rdfs:label / skos:prefLabel and skos:altLabel from the
graph, plus, for entities linked by owl:sameAs or skos:exactMatch in the linkset graphs, the
labels, aliases and redirect names of the linked Wikidata / DBpedia item in the reference
snapshot (so "Royaume-Uni", "Kanada" or "Nippon" find their entity once `qcollab link` has run).
Queries are matched on normalised names, filtered by type and checked against property values;
`match` is true only for an exact name of a single clear winner.

Identifiers follow the manifest: entity ids are relative to the identifier space (base_iri),
type and property ids relative to the schema space (the ontology namespace); full IRIs and
qc: CURIEs are accepted in queries too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.linking.sources import RDFS_LABEL
from kg.names.index import SAME_AS, SKOS_PREF, EntityIndex, Entry
from kg.names.normalize import name_keys, normalize, similarity
from kg.namespaces import QC
from kg.reconcile.keys import MAX_KEYS, NameKeys
from kg.reconcile.protocol import (
    MAX_TYPES,
    ReconcileLimits,
    ReconcileQueryError,
    property_constraints,
    property_iri,
    query_limit,
    schema_id,
    schema_iri,
)
from kg.settings import Settings
from kg.store.interface import KnowledgeStore

# Resources that are not things to reconcile against.
EXCLUDED_CLASSES = frozenset({str(QC.SourceSentence), str(QC.SourceDocument)})

DEFAULT_TYPES = (
    "Actor", "Country", "SupranationalUnion", "Region", "Organization", "Program",
    "TechnologyArea", "ApplicationDomain", "CollaborationModel",
)

# Name scores (0-100) by where the name comes from.
SCORE_LABEL = 100.0
SCORE_ALIAS = 95.0
SCORE_LINKED_LABEL = 95.0
SCORE_LINKED_ALIAS = 90.0
FUZZY_SCALE = 85.0
FUZZY_FLOOR = 0.7
MATCH_FLOOR = 90.0
MATCH_MARGIN = 10.0
PROPERTY_BOOST = 5.0
PROPERTY_PENALTY = 30.0
MIN_SCORE = 50.0

NAME_RANK = {"label": SCORE_LABEL, "alias": SCORE_ALIAS, "linked-label": SCORE_LINKED_LABEL,
             "linked-alias": SCORE_LINKED_ALIAS}


@dataclass
class Candidate:
    entry: Entry
    score: float
    exact: bool
    matched: str
    origin: str


def _may_reach(a: str, b: str) -> bool:
    """Whether the lengths allow a similarity of FUZZY_FLOOR (a ratio is at most 2 min / sum of them)."""
    return 2 * min(len(a), len(b)) >= FUZZY_FLOOR * (len(a) + len(b))


def schema_types(entry: Entry) -> frozenset[str]:
    """The entry's classes in the schema space (qc:), superclasses included."""
    return frozenset(t for t in entry.all_types if t.startswith(str(QC)))


class ReconcileIndex:
    """The reconcilable entries of an entity index: those with a qc: class, sources left out.

    Updated with the entity index (`update`); names are found by their normalised keys, similar
    names through the words of the keys (kg.names.words), property values are read from the store.
    """

    def __init__(self, entities: EntityIndex) -> None:
        self.entities = entities
        self.base_iri = entities.base_iri
        self._entries = entities.entries  # reconcilable or not: see `reconcilable`
        self._keys = NameKeys(entities.entries)
        self._count = 0
        self._schema: dict[frozenset[str], frozenset[str]] = {}
        self.update((), list(entities.entries.values()))

    @classmethod
    def build(
        cls, store: KnowledgeStore, settings: Settings, reference_dir: Path | None = None
    ) -> ReconcileIndex:
        """The index of a store's current content."""
        return cls(EntityIndex.from_store(store, settings.base_iri, reference_dir))

    @property
    def type_names(self) -> dict[str, str]:
        return self.entities.class_labels if self._count else {}

    def schema_types(self, entry: Entry) -> frozenset[str]:
        """The entry's classes in the schema space (qc:), superclasses included."""
        found = self._schema.get(entry.all_types)
        if found is None:
            found = self._schema[entry.all_types] = schema_types(entry)
        return found

    def reconcilable(self, entry: Entry) -> bool:
        """Whether the entry has a qc: class and is not a source."""
        classes = self.schema_types(entry)
        return bool(classes) and not classes & EXCLUDED_CLASSES

    def update(self, removed: Sequence[Entry], added: Sequence[Entry]) -> None:
        """Forget the removed entries, take in the added ones (cost: their names)."""
        for entry in removed:
            if self.reconcilable(entry):
                self._keys.remove(entry)
                self._count -= 1
        for entry in added:
            if self.reconcilable(entry):
                self._keys.add(entry)
                self._count += 1

    # ------------------------------------------------------------ identifiers

    def entry(self, identifier: str) -> Entry | None:
        """An entry by id (relative to the identifier space) or full IRI."""
        found = self._entries.get(identifier) or self._entries.get(self.base_iri + identifier)
        return found if found is not None and self.reconcilable(found) else None

    def type_ref(self, iri: str) -> dict[str, str]:
        return {"id": schema_id(iri), "name": self.type_names.get(iri, schema_id(iri))}

    def entry_types(self, entry: Entry) -> list[dict[str, str]]:
        return [self.type_ref(t) for t in sorted(entry.types)]

    # ------------------------------------------------------------ matching

    def candidates(self, text: str) -> list[Candidate]:
        """Entries whose names agree with the text: exact normalised names first, then similar ones."""
        keys = set(sorted(name_keys(text, inner=True), key=lambda k: (-len(k), k))[:MAX_KEYS])
        best: dict[str, Candidate] = {}
        for key in keys:
            for iri, name, origin in self._keys.hits(key):
                score = NAME_RANK[origin]
                current = best.get(iri)
                if current is None or score > current.score:
                    best[iri] = Candidate(self._entries[iri], score, True, name, origin)
        if normalize(text):
            for key in self._keys.similar(keys):
                ratio = max((similarity(k, key) for k in keys if _may_reach(k, key)), default=0.0)
                if ratio < FUZZY_FLOOR or ratio == 1.0:
                    continue
                for iri, name, origin in self._keys.hits(key):
                    score = round(FUZZY_SCALE * ratio * NAME_RANK[origin] / SCORE_LABEL, 1)
                    current = best.get(iri)
                    if current is None or score > current.score:
                        best[iri] = Candidate(self._entries[iri], score, False, name, origin)
        return list(best.values())

    def reconcile(
        self, query: dict[str, object], limits: ReconcileLimits | None = None
    ) -> list[dict[str, object]]:
        """Answer one query object: {"query", "type", "limit", "properties", "type_strict"}."""
        text = query.get("query")
        properties = property_constraints(query.get("properties"))
        if not isinstance(text, str) and not properties:
            raise ReconcileQueryError("a query needs a 'query' string or 'properties'")
        text = text if isinstance(text, str) else ""
        if limits is not None:
            limits.check_query(text, properties)
        limit = query_limit(query.get("limit"))
        wanted_types = self._types(query.get("type"))
        strict = query.get("type_strict", "any")
        if text.strip():
            candidates = self.candidates(text)
        else:  # properties only: the entries with a value for one of them
            having = set().union(*(self._having(pid) for pid, _ in properties))
            candidates = [Candidate(self._entries[iri], 0.0, False, "", "") for iri in sorted(having)]
        results: list[Candidate] = []
        for candidate in candidates:
            entry = candidate.entry
            if wanted_types:
                present = wanted_types & self.schema_types(entry)
                if strict == "all" and present != wanted_types:
                    continue
                if strict != "should" and not present:
                    continue
                if strict == "should" and not present:
                    candidate.score *= 0.8
            for pid, values in properties:
                have = {normalize(v) for v in self._property_values(entry, pid)}
                asked = {normalize(v) for v in values}
                if have & asked:
                    candidate.score = min(100.0, candidate.score + PROPERTY_BOOST) if text.strip() else 100.0
                elif have:
                    candidate.score = max(0.0, candidate.score - PROPERTY_PENALTY)
                    candidate.exact = False
                elif not text.strip():
                    candidate.score = 0.0
            if candidate.score >= MIN_SCORE:
                results.append(candidate)
        results.sort(key=lambda c: (-c.score, c.entry.name, c.entry.id))
        results = results[:limit]
        matched = self._is_match(results)
        return [
            {
                "id": c.entry.id,
                "name": c.entry.name,
                **({"description": c.entry.description} if c.entry.description else {}),
                "type": self.entry_types(c.entry),
                "score": round(c.score, 1),
                "match": matched and index == 0,
                "features": [
                    {"id": "name_exact", "value": c.exact},
                    {"id": "name_score", "value": round(c.score, 1)},
                ],
            }
            for index, c in enumerate(results)
        ]

    def reconcile_batch(
        self, queries: dict[str, object], limits: ReconcileLimits | None = None
    ) -> dict[str, dict[str, list[dict[str, object]]]]:
        """Answer a batch {"q0": {...}, ...} with {"q0": {"result": [...]}, ...}, within the limits."""
        if not isinstance(queries, dict):
            raise ReconcileQueryError("queries must be a JSON object of query objects")
        if limits is not None:
            limits.check_batch(queries)
        answers = {}
        for key, query in queries.items():
            if not isinstance(query, dict):
                raise ReconcileQueryError(f"query {key[:100]!r} is not an object")
            answers[key] = {"result": self.reconcile(query, limits)}
        return answers

    @staticmethod
    def _is_match(results: list[Candidate]) -> bool:
        if not results:
            return False
        top = results[0]
        if not top.exact or top.score < MATCH_FLOOR:
            return False
        return len(results) == 1 or results[1].score <= top.score - MATCH_MARGIN

    def _types(self, value: object) -> set[str]:
        if value is None or value == "":
            return set()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ReconcileQueryError("type must be a string or a list of strings")
        if len(items) > MAX_TYPES:
            raise ReconcileQueryError(f"a query may name at most {MAX_TYPES} types")
        return {schema_iri(i) for i in items}

    def _property_values(self, entry: Entry, pid: str) -> set[str]:
        iri = property_iri(pid)
        values = self.entities.values(entry.iri, iri)
        if iri in (RDFS_LABEL, SKOS_PREF):
            values |= {n.text for n in entry.names if n.origin == "label"}
        if iri == SAME_AS:
            values |= entry.links
        return values | {v[len(self.base_iri):] for v in values if v.startswith(self.base_iri)}

    def _having(self, pid: str) -> set[str]:
        """The reconcilable entries with a value for a property (links count for owl:sameAs)."""
        iri = property_iri(pid)
        having = self.entities.subjects(iri, linksets=iri == SAME_AS)
        return {found for found in having if self.reconcilable(self._entries[found])}

    # ------------------------------------------------------------ suggest

    def suggest_entities(
        self, prefix: str, type_id: str | None = None, limit: int = 10
    ) -> list[dict[str, object]]:
        """Entities whose names start with (or contain) the prefix, for auto-completion."""
        key = normalize(prefix)
        wanted = self._types(type_id) if type_id else set()
        ranks: dict[str, int] = {}
        for name_key in self._keys.containing(key) if key else ():
            for iri, text, _ in self._keys.hits(name_key):
                if wanted and not wanted & self.schema_types(self._entries[iri]):
                    continue
                normal = normalize(text)
                if key in normal:
                    ranks[iri] = min(ranks.get(iri, 1), 0 if normal.startswith(key) else 1)
        found = sorted((rank, self._entries[iri].name, iri) for iri, rank in ranks.items())
        return [
            {"id": e.id, "name": e.name, **({"description": e.description} if e.description else {}),
             "notable": self.entry_types(e)}
            for e in (self._entries[iri] for _, _, iri in found[:limit])
        ]

    def suggest_types(self, prefix: str, limit: int = 10) -> list[dict[str, str]]:
        key = normalize(prefix)
        hits = [
            self.type_ref(iri) for iri, label in sorted(self.type_names.items())
            if key in normalize(label) or key in normalize(schema_id(iri))
        ]
        return hits[:limit]
