"""An inverted index of words: which ids contain a word, and which words are like a given one.

Lookup and reconciliation search names through it instead of comparing the query with every name:
the vocabulary is searched by exact word, by prefix (a sorted list) and by typo (words of about the
same length and letters, then the edit distance), and the ids come from the postings of the words
found. Ids and words are added and removed one name at a time, so a write costs what it touches.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator

from kg.names.normalize import edit_distance

_RESORT_AFTER = 256


def letters(word: str) -> int:
    """A bit per kind of character in the word: an edit changes at most one bit each way."""
    mask = 0
    for char in word:
        mask |= 1 << (ord(char) % 63)
    return mask


class Postings:
    """Words to the ids that hold them: one id as itself (most words), more as a set."""

    def __init__(self) -> None:
        self._postings: dict[str, str | set[str]] = {}

    def __len__(self) -> int:
        return len(self._postings)

    def __contains__(self, word: str) -> bool:
        return word in self._postings

    def __iter__(self) -> Iterator[str]:
        return iter(self._postings)

    def add(self, ident: str, words: Iterable[str]) -> None:
        for word in set(words):
            held = self._postings.get(word)
            if held is None:
                self._postings[word] = ident
                self._new(word)
            elif isinstance(held, str):
                if held != ident:
                    self._postings[word] = {held, ident}
            else:
                held.add(ident)

    def remove(self, ident: str, words: Iterable[str]) -> None:
        for word in set(words):
            held = self._postings.get(word)
            if held == ident:
                del self._postings[word]
                self._gone(word)
            elif isinstance(held, set):
                held.discard(ident)
                if len(held) == 1:
                    self._postings[word] = next(iter(held))

    def ids(self, word: str) -> Iterator[str]:
        """The ids that hold the word."""
        held = self._postings.get(word)
        if held is None:
            return iter(())
        return iter((held,)) if isinstance(held, str) else iter(held)

    def holds(self, word: str, ident: str) -> bool:
        """Whether the id holds the word."""
        held = self._postings.get(word)
        return held == ident if isinstance(held, str) else held is not None and ident in held

    def count(self, word: str) -> int:
        held = self._postings.get(word)
        return 0 if held is None else 1 if isinstance(held, str) else len(held)

    def _new(self, word: str) -> None:
        """A word no id held before."""

    def _gone(self, word: str) -> None:
        """A word no id holds any more."""


class WordIndex(Postings):
    """Words to the ids of the names that hold them, with the vocabulary searchable."""

    def __init__(self) -> None:
        super().__init__()
        self._by_length: dict[int, dict[int, set[str]]] = {}  # length -> letters(word) -> words
        self._sorted: list[str] = []  # the vocabulary in order (may still hold removed words)
        self._recent: set[str] = set()  # words added since the last sort
        self._removed = 0

    def _new(self, word: str) -> None:
        self._by_length.setdefault(len(word), {}).setdefault(letters(word), set()).add(word)
        self._recent.add(word)

    def _gone(self, word: str) -> None:
        same = self._by_length[len(word)]
        same[letters(word)].discard(word)
        if not same[letters(word)]:
            del same[letters(word)]
        if word in self._recent:
            self._recent.discard(word)
        else:
            self._removed += 1

    def starting_with(self, prefix: str) -> list[str]:
        """The words of the vocabulary that start with the prefix (itself included)."""
        if len(self._recent) > _RESORT_AFTER or self._removed > max(_RESORT_AFTER, len(self._sorted) // 4):
            self._sorted = sorted(word for word in (*self._sorted, *self._recent) if word in self._postings)
            self._recent, self._removed = set(), 0
        found = []
        position = bisect_left(self._sorted, prefix)
        while position < len(self._sorted) and self._sorted[position].startswith(prefix):
            if self._sorted[position] in self._postings:
                found.append(self._sorted[position])
            position += 1
        return found + [word for word in self._recent if word.startswith(prefix)]

    def within(self, word: str, limit: int) -> Iterator[tuple[str, int]]:
        """(word, distance) for the words at most `limit` edits away (transpositions count one)."""
        if limit <= 0:
            if word in self._postings:
                yield word, 0
            return
        mask = letters(word)
        for length in range(max(1, len(word) - limit), len(word) + limit + 1):
            for other_mask, others in self._by_length.get(length, {}).items():
                if (mask & ~other_mask).bit_count() > limit or (other_mask & ~mask).bit_count() > limit:
                    continue
                for other in others:
                    distance = edit_distance(word, other, limit)
                    if distance <= limit:
                        yield other, distance
