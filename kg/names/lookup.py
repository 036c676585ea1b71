"""Search by name over the entity index: folded, prefix and typo-tolerant, on our own names only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kg.names.index import EntityIndex, Entry
from kg.names.normalize import edit_distance, squeeze, tokens
from kg.names.words import WordIndex
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


WordScores = dict[str, float]  # for one query word: the score of each word of the vocabulary it matches


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

    def score(self, query: Name, tables: list[WordScores] | None = None) -> float:
        """1 for the same name, .85-.9 for a prefix, up to .8 when the words match, 0 for no match.

        `tables` (one per query word, as LookupIndex finds them) give the same word scores as
        comparing each query word with each word of the name.
        """
        if not query.compact:
            return 0.0
        if self.compact == query.compact:
            score = 1.0
        elif self.folded.startswith(query.folded) or self.compact.startswith(query.compact):
            score = 0.85 + 0.05 * len(query.compact) / len(self.compact)
        else:
            if tables is None:
                per_word = [_token_score(word, self.words) for word in query.words]
            else:
                per_word = [max((table.get(w, 0.0) for w in self.words), default=0.0) for table in tables]
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


def local_names(entry: Entry) -> list[Name]:
    """The entry's own names, pre-folded (a name that is both a label and an alias counts as a label)."""
    names: list[Name] = []
    for name in entry.names:
        if name.local and not any(n.text == name.text and n.preferred >= name.preferred for n in names):
            names.append(Name.of(name.text, name.preferred))
    return names


def _label(names: list[Name]) -> str:
    preferred = [n.text for n in names if n.preferred]
    return min(preferred or [n.text for n in names], key=lambda t: (len(t), t))


def _words(entry: Entry) -> tuple[list[str], list[str]] | None:
    """All words of the entry's own names, and the first word of each; None if it has none."""
    names = [n for n in local_names(entry) if n.words]
    if not names:
        return None
    return [w for n in names for w in n.words], [n.words[0] for n in names]


class LookupIndex:
    """The named entities of an entity index, searchable by label and alias, and updated with it.

    A search reads the postings of the words that match the query (exactly, by prefix or by typo),
    and of the names whose words run together into the query ("usa" finds "U.S.A."), then scores
    only those entities: the same scores and order as comparing the query with every name.
    """

    def __init__(self, entities: EntityIndex) -> None:
        self.entities = entities
        self._words = WordIndex()  # every word of every name
        self._first = WordIndex()  # the first word of every name
        self.update((), list(entities.entries.values()))

    @classmethod
    def from_store(cls, store: KnowledgeStore, base_iri: str = str(QCR)) -> LookupIndex:
        """Read labels, aliases, types and descriptions of every resource in the store."""
        return cls(EntityIndex.from_store(store, base_iri))

    def update(self, removed: Sequence[Entry], added: Sequence[Entry]) -> None:
        """Forget the removed entries' names, index the added ones' (cost: their words)."""
        for entry in removed:
            found = _words(entry)
            if found is not None:
                self._words.remove(entry.iri, found[0])
                self._first.remove(entry.iri, found[1])
        for entry in added:
            found = _words(entry)
            if found is not None:
                self._words.add(entry.iri, found[0])
                self._first.add(entry.iri, found[1])

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
        if not wanted.compact:
            return []
        # Cheapest first, each step exact when enough hits score above what the next could add: names
        # that start with the query (.83 or more, words alone give .8 at most), then names whose words
        # match (more than `bound`, what a name with a typo can get), then typos.
        tables = [self._word_scores(word, typos=False) for word in wanted.words]
        scored = self._scored(wanted, tables, type_iri, self._runs_into(wanted.compact))
        if sum(s > 0.82 for s, _, _ in scored) < limit:
            scored = self._scored(wanted, tables, type_iri, self._candidates(wanted, tables))
            bound = 0.8 * (len(wanted.words) - 0.35) / len(wanted.words) + 1e-9
            if any(max_typos(w) for w in wanted.words) and sum(s > bound for s, _, _ in scored) < limit:
                tables = [self._word_scores(word, typos=True) for word in wanted.words]
                scored = self._scored(wanted, tables, type_iri, self._candidates(wanted, tables))
        scored.sort(key=lambda found: (-found[0], len(found[1]), found[1], found[2].iri))
        return [
            Hit(entry.iri, label, sorted(entry.types), _description(entry), round(score, 4))
            for score, label, entry in scored[:limit]
        ]

    def _scored(
        self, wanted: Name, tables: list[WordScores], type_iri: str | None, candidates: set[str]
    ) -> list[tuple[float, str, Entry]]:
        """(score, label, entry) of the candidates the query matches, of the type (or not unlisted)."""
        scored: list[tuple[float, str, Entry]] = []
        for iri in candidates:
            entry = self.entities.entries[iri]
            classes = entry.all_types
            if type_iri and type_iri not in classes:
                continue
            if not type_iri and classes & _UNLISTED:
                continue
            names = local_names(entry)
            score = max((name.score(wanted, tables) for name in names), default=0.0)
            if score > 0:
                scored.append((score, _label(names), entry))
        return scored

    def _word_scores(self, query: str, typos: bool) -> WordScores:
        """The words of the vocabulary a query word matches: 1 the same, .9 a prefix, less for typos."""
        table = {word: 0.9 for word in self._words.starting_with(query)}
        if query in table:
            table[query] = 1.0
        for word, distance in self._words.within(query, max_typos(query) if typos else 0):
            if word not in table:
                table[word] = 0.75 - 0.1 * distance
        return table

    def _candidates(self, wanted: Name, tables: list[WordScores]) -> set[str]:
        """Entities with a name that may match: each query word matches one of its words (the tables),
        or its words run together into the query's letters."""
        every: set[str] | None = None
        for table in sorted(tables, key=lambda t: sum(self._words.count(w) for w in t)):
            every = set(iri for word in table for iri in self._words.ids(word)) if every is None else (
                self._both(every, list(table))
            )
            if not every:
                break
        return self._runs_into(wanted.compact) | (every or set())

    def _runs_into(self, compact: str) -> set[str]:
        """Entities with a name whose letters may start with `compact`: its first word starts with
        them, or is their start and the name goes on with a word that fits the rest."""
        found = {iri for word in self._first.starting_with(compact) for iri in self._first.ids(word)}
        for end in range(1, len(compact)):
            if compact[:end] in self._first:
                rest = compact[end:]
                going_on = self._words.starting_with(rest) + [
                    rest[:cut] for cut in range(1, len(rest)) if rest[:cut] in self._words
                ]
                found |= self._both(set(self._first.ids(compact[:end])), going_on)
        return found

    def _both(self, ids: set[str], words: list[str]) -> set[str]:
        """The ids that have one of the words: the cheaper of filtering the ids and reading the postings."""
        postings = sum(self._words.count(word) for word in words)
        if len(ids) * len(words) < postings:
            return {iri for iri in ids if any(self._words.holds(word, iri) for word in words)}
        return {iri for word in words for iri in self._words.ids(word) if iri in ids}


def _description(entry: Entry) -> str | None:
    return _shorten(entry.description) if entry.description is not None else None


def _shorten(text: str) -> str:
    text = squeeze(text)
    if len(text) <= _DESCRIPTION_CHARS:
        return text
    return text[: _DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0] + "…"
