"""Search by name over the entity index: folded, prefix and typo-tolerant, on our own names only."""

from __future__ import annotations

from dataclasses import dataclass

from kg.names.index import EntityIndex, Entry
from kg.names.normalize import edit_distance, squeeze, tokens
from kg.namespaces import PREFIXES, QC, QCR
from kg.store.interface import KnowledgeStore

_UNLISTED = {str(QC.SourceSentence), "http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement"}
_DESCRIPTION_CHARS = 240


def max_typos(token: str) -> int:
    """How many edits a query word of this length may carry."""
    return 2 if len(token) >= 9 else 1 if len(token) >= 5 else 0


def _token_score(query: str, words: list[str]) -> float:
    """How well one query word matches the best word of a name: 1 exact, .9 prefix, less for typos."""
    best = 0.0
    limit = max_typos(query)
    for word in words:
        if word == query:
            return 1.0
        if word.startswith(query):
            best = max(best, 0.9)
        elif limit:
            distance = edit_distance(query, word, limit)
            if distance <= limit:
                best = max(best, 0.75 - 0.1 * distance)
    return best


@dataclass(frozen=True)
class Name:
    """One label or alias of an entity, pre-folded."""

    text: str
    folded: str
    compact: str
    words: list[str]
    preferred: bool

    @classmethod
    def of(cls, text: str, preferred: bool) -> Name:
        words = tokens(text)
        return cls(text, " ".join(words), "".join(words), words, preferred)

    def score(self, query: Name) -> float:
        """1 for the same name, .85-.9 for a prefix, up to .8 when the words match, 0 for no match."""
        if not query.compact:
            return 0.0
        if self.compact == query.compact:
            score = 1.0
        elif self.folded.startswith(query.folded) or self.compact.startswith(query.compact):
            score = 0.85 + 0.05 * len(query.compact) / len(self.compact)
        else:
            per_word = [_token_score(word, self.words) for word in query.words]
            if not per_word or min(per_word) == 0.0:
                return 0.0
            coverage = min(1.0, len(query.words) / len(self.words))
            score = 0.8 * (0.85 + 0.15 * coverage) * sum(per_word) / len(per_word)
        return score if self.preferred else score * 0.98


@dataclass(frozen=True)
class Hit:
    """One search result."""

    iri: str
    label: str
    types: list[str]
    description: str | None
    score: float


@dataclass(frozen=True)
class _Searchable:
    """An entry as lookup sees it: its own names pre-folded, its label and short description."""

    entry: Entry
    names: list[Name]
    label: str
    description: str | None


def _searchable(entry: Entry) -> _Searchable | None:
    names: list[Name] = []
    for name in entry.names:
        if name.local and not any(n.text == name.text and n.preferred >= name.preferred for n in names):
            names.append(Name.of(name.text, name.preferred))
    if not names:
        return None
    preferred = [n.text for n in names if n.preferred]
    label = min(preferred or [n.text for n in names], key=lambda t: (len(t), t))
    description = _shorten(entry.description) if entry.description is not None else None
    return _Searchable(entry, names, label, description)


class LookupIndex:
    """The named entities of an entity index, searchable by label and alias."""

    def __init__(self, entities: EntityIndex) -> None:
        self.entities = entities
        found = (_searchable(entry) for entry in entities.entries.values())
        self.searchable = [s for s in found if s is not None]

    @classmethod
    def from_store(cls, store: KnowledgeStore, base_iri: str = str(QCR)) -> LookupIndex:
        """Read labels, aliases, types and descriptions of every resource in the store."""
        return cls(EntityIndex.from_store(store, base_iri))

    def resolve_type(self, name: str) -> str:
        """A class from a CURIE (qc:Country), a bare local name (Country) or a full IRI."""
        if "://" in name:
            return name
        prefix, sep, local = name.partition(":")
        if not sep:
            return str(QC) + name
        if prefix not in PREFIXES:
            raise ValueError(f"unknown prefix {prefix!r} in type {name!r}")
        return PREFIXES[prefix] + local

    def search(self, query: str, type_iri: str | None = None, limit: int = 10) -> list[Hit]:
        """Entities ranked by how well a name matches: exact, then prefix, then words and typos.

        Source sentences are left out unless the type asks for them.
        """
        wanted = Name.of(query, True)
        scored: list[tuple[float, _Searchable]] = []
        for item in self.searchable:
            classes = item.entry.all_types
            if type_iri and type_iri not in classes:
                continue
            if not type_iri and classes & _UNLISTED:
                continue
            score = max((name.score(wanted) for name in item.names), default=0.0)
            if score > 0:
                scored.append((score, item))
        scored.sort(key=lambda pair: (-pair[0], len(pair[1].label), pair[1].label))
        return [
            Hit(s.entry.iri, s.label, sorted(s.entry.types), s.description, round(score, 4))
            for score, s in scored[:limit]
        ]


def _shorten(text: str) -> str:
    text = squeeze(text)
    if len(text) <= _DESCRIPTION_CHARS:
        return text
    return text[: _DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0] + "…"
