"""The names of the reconcilable entries by normalised key, and the words of the keys to find similar ones."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kg.names.index import Entry
from kg.names.normalize import name_keys
from kg.names.words import Postings, WordIndex

FUZZY_CANDIDATES = 300  # keys compared by similarity, those sharing the rarest words with the query first
FUZZY_COMMON = 10_000  # a word in more keys than this does not make them candidates
MAX_KEYS = 8  # normalised forms of one query text looked up (its longest)
MAX_WORDS = 16  # distinct words of a query searched for similar keys (its longest): bounds a search's cost

Hit = tuple[str, str, str]  # entity IRI, the name as written, its origin


class NameKeys:
    """Key -> the entities with a name it stands for; updated one entry at a time."""

    def __init__(self, entries: Mapping[str, Entry]) -> None:
        self._entries = entries
        self._keys = Postings()
        self._words = WordIndex()  # the words of the keys -> the keys

    def add(self, entry: Entry) -> None:
        for key in _keys(entry):
            if key not in self._keys:
                self._words.add(key, key.split())
            self._keys.add(entry.iri, (key,))

    def remove(self, entry: Entry) -> None:
        for key in _keys(entry):
            self._keys.remove(entry.iri, (key,))
            if key not in self._keys:
                self._words.remove(key, key.split())

    def hits(self, key: str) -> list[Hit]:
        """The names that normalise to the key, with their entities."""
        return [
            (iri, name.text, name.origin)
            for iri in sorted(self._keys.ids(key))
            for name in self._entries[iri].names
            if key in name_keys(name.text)
        ]

    def containing(self, text: str) -> Iterator[str]:
        """The keys the text is part of."""
        return (key for key in self._keys if text in key)

    def similar(self, keys: set[str]) -> list[str]:
        """Keys sharing a word with the query, up to a prefix or a typo; the rarest shared words first."""
        weight: dict[str, float] = {}
        words = sorted({w for key in keys for w in key.split()}, key=lambda w: (-len(w), w))
        for word in words[:MAX_WORDS]:
            related = {word} if word in self._words else set()
            if len(word) >= 3:
                related.update(self._words.starting_with(word))
                related.update(word[:end] for end in range(3, len(word)) if word[:end] in self._words)
            typos = 2 if len(word) >= 8 else 1 if len(word) >= 4 else 0
            related.update(other for other, _ in self._words.within(word, typos))
            for other in related:
                count = self._words.count(other)
                if count <= FUZZY_COMMON:
                    for key in self._words.ids(other):
                        weight[key] = weight.get(key, 0.0) + 1.0 / count
        return sorted(weight, key=lambda key: (-weight[key], key))[:FUZZY_CANDIDATES]


def _keys(entry: Entry) -> set[str]:
    return {key for name in entry.names for key in name_keys(name.text)}
