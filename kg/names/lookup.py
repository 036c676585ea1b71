"""A small in-memory search index over labels and aliases: folded, prefix and typo-tolerant."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

from kg.namespaces import PREFIXES, QC, QCR
from kg.store.oxigraph import OxigraphStore

_TOKEN = re.compile(r"[a-z0-9]+")
_UNLISTED = {str(QC.SourceSentence), "http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement"}
_DESCRIPTION_CHARS = 240

_LABELS = """
SELECT ?s ?p ?o WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel }
  ?s ?p ?o . FILTER(isIRI(?s) && STRSTARTS(STR(?s), BASE) && isLiteral(?o))
}"""
_TYPES = "SELECT DISTINCT ?s ?t WHERE { ?s a ?t . FILTER(isIRI(?t) && STRSTARTS(STR(?s), BASE)) }"
_DESCRIPTIONS = "SELECT ?s ?d WHERE { ?s dcterms:description ?d . FILTER(STRSTARTS(STR(?s), BASE)) }"
_SUBCLASSES = "SELECT DISTINCT ?c ?super WHERE { ?c rdfs:subClassOf+ ?super . FILTER(isIRI(?super)) }"


def fold(text: str) -> str:
    """Lowercase, accents removed, compatibility forms unified."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def tokens(text: str) -> list[str]:
    """The folded alphanumeric words of a text."""
    return _TOKEN.findall(fold(text))


def max_typos(token: str) -> int:
    """How many edits a query word of this length may carry."""
    return 2 if len(token) >= 9 else 1 if len(token) >= 5 else 0


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), or limit + 1 when larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


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


@dataclass
class Entry:
    """An entity that can be found: its names, classes and description."""

    iri: str
    names: list[Name] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    description: str | None = None

    @property
    def label(self) -> str:
        preferred = [n.text for n in self.names if n.preferred]
        return min(preferred or [n.text for n in self.names], key=lambda t: (len(t), t))


@dataclass(frozen=True)
class Hit:
    """One search result."""

    iri: str
    label: str
    types: list[str]
    description: str | None
    score: float


class LookupIndex:
    """Entities under the resource base IRI, searchable by label and alias."""

    def __init__(self, entries: list[Entry], superclasses: dict[str, set[str]], size: int = 0) -> None:
        self.entries = entries
        self.superclasses = superclasses
        self.size = size

    @classmethod
    def from_store(cls, store: OxigraphStore, base_iri: str = str(QCR)) -> LookupIndex:
        """Read labels, aliases, types and descriptions of every resource in the store."""
        base = json.dumps(base_iri)
        entries: dict[str, Entry] = {}
        for row in store.query(_LABELS.replace("BASE", base)):
            entry = entries.setdefault(row["s"].value, Entry(row["s"].value))
            preferred = row["p"].value != PREFIXES["skos"] + "altLabel"
            if not any(n.text == row["o"].value and n.preferred >= preferred for n in entry.names):
                entry.names.append(Name.of(row["o"].value, preferred))
        for row in store.query(_TYPES.replace("BASE", base)):
            if row["s"].value in entries:
                entries[row["s"].value].types.add(row["t"].value)
        for row in store.query(_DESCRIPTIONS.replace("BASE", base)):
            entry = entries.get(row["s"].value)
            if entry and (entry.description is None or row["d"].language in (None, "en")):
                entry.description = _shorten(row["d"].value)
        superclasses: dict[str, set[str]] = {}
        for row in store.query(_SUBCLASSES):
            superclasses.setdefault(row["c"].value, set()).add(row["super"].value)
        return cls(sorted(entries.values(), key=lambda e: e.iri), superclasses, store.triple_count())

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

    def _is_a(self, entry: Entry, cls: str) -> bool:
        return any(t == cls or cls in self.superclasses.get(t, ()) for t in entry.types)

    def _specific_types(self, entry: Entry) -> list[str]:
        own = {t for t in entry.types if t.startswith(str(QC))}
        implied = set().union(*(self.superclasses.get(t, set()) for t in own)) if own else set()
        return sorted(own - implied)

    def search(self, query: str, type_iri: str | None = None, limit: int = 10) -> list[Hit]:
        """Entities ranked by how well a name matches: exact, then prefix, then words and typos.

        Source sentences are left out unless the type asks for them.
        """
        wanted = Name.of(query, True)
        scored: list[tuple[float, Entry]] = []
        for entry in self.entries:
            if type_iri and not self._is_a(entry, type_iri):
                continue
            if not type_iri and entry.types & _UNLISTED:
                continue
            score = max((name.score(wanted) for name in entry.names), default=0.0)
            if score > 0:
                scored.append((score, entry))
        scored.sort(key=lambda pair: (-pair[0], len(pair[1].label), pair[1].label))
        return [
            Hit(e.iri, e.label, self._specific_types(e), e.description, round(s, 4))
            for s, e in scored[:limit]
        ]


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= _DESCRIPTION_CHARS:
        return text
    return text[: _DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0] + "…"
