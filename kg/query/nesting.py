"""How deeply a SPARQL request nests its brackets, found in one pass before anything parses it.

The parsers that read SPARQL (pyoxigraph's, and rdflib's for the SERVICE check) are recursive: a few
thousand nested brackets overflow the stack of the process (a crash), a few dozen Python's recursion
limit. `check_nesting` refuses a request whose brackets nest deeper than a limit. It counts
`{ } ( ) [ ]` and the triple-term brackets `<< >>`, outside strings (the four quote forms, with
escapes), IRIs and `#` comments; a backslash outside strings escapes the next character (a prefixed
name's `\\#` or `\\(`). A quote that opens no string, or a bracket that closes nothing open, ends
the scan: no parser reads past it.

A lexer cannot always tell what `<` is: the start of an IRI, as in `<#a>` (where `#` does not start a
comment), or the less-than operator, as in `1<((2>1))` (where the brackets count). An IRI is taken
where `<` has the form of an IRIREF (the matching `>` with nothing between that an IRI cannot hold, no
whitespace), and the operator reading is followed as well wherever it could see other brackets,
quotes or comments: the readings are followed together until they meet again at a place where both
stop, and there the deeper is kept. So no reading, whichever the parser takes, nests deeper than the
scanner finds. The operator reading of `<http://…>` ends at `//`, which is nowhere valid SPARQL, so
ordinary IRIs need only one reading.

Time is linear in the length of the request, and mostly spent in the regular expression engine: one
match passes over everything but brackets, the brackets between are counted with C-level iterators,
and the stretches with two readings (rare) cost a few microseconds a token; past a budget of those,
the bound falls back to counting every opener left.
"""

from __future__ import annotations

import heapq
import operator
import re
from dataclasses import dataclass
from itertools import accumulate, count, islice

from kg.errors import QueryTooDeepError

OPENERS = "{(["
AMBIGUOUS_BUDGET = 100_000  # tokens read with more than one reading, then the coarse bound
CHUNK = 1 << 16  # brackets counted at a time
SHORT = 24  # up to this many brackets are counted one by one

_STRING = (
    r'"""(?:[^"\\]++|\\.|"(?!""))*+"""'
    r"|'''(?:[^'\\]++|\\.|'(?!''))*+'''"
    r'|"(?:[^"\\\n\r]++|\\.)*+"'
    r"|'(?:[^'\\\n\r]++|\\.)*+'"
)
_IRI_CHAR = r"[^<>\"{}|^`\\\x00-\x20]"
_IRI_TEXT = rf"<{_IRI_CHAR}*+>"
# An IRI whose operator reading (`<` as less-than) sees no `#`, quote or opener before its first `//`.
_PLAIN_IRI = r"<(?:[^<>\"{}|^`\\\x00-\x20#'(\[/]++|/(?!/))*+" rf"(?://{_IRI_CHAR}*+)?>"
_SINGLE_OPEN = rf"<<(?!<)(?!{_IRI_CHAR}*+>)"  # `<<` whose operator reading sees nothing else
_BRACKET = rf"(?:[{{}}()\[\]]|>>|{_SINGLE_OPEN})"
_NEXT = re.compile(
    r"(?:[^{}()\[\]\"'<>#\\]++"  # what one reading passes over: text, strings, plain IRIs, comments,
    rf"|{_STRING}|{_PLAIN_IRI}"  # escapes, and `<` and `>` as operators
    r"|#[^\n\r]*+|\\[\s\S]?|>(?!>)"
    rf"|<(?!<)(?!{_IRI_CHAR}*+>))*+"
    rf"(?:(?P<brackets>{_BRACKET}(?:[^{{}}()\[\]\"'<>#\\]*+{_BRACKET})*+)"  # brackets and text between
    r"|(?P<fork><)"  # a `<` with two readings
    r"|(?P<quote>[\"'])"  # a quote that opens no string
    r"|\Z)"
)
_ONE_BRACKET = re.compile(r"<<|>>|[{}()\[\]]")
_NOT_BRACKET = re.compile(r"[^{}()\[\]]++")
_EVENT = re.compile(r"[{}()\[\]\"'<>#\\/]")
_BRACKETS = re.compile(r"[{}()\[\]]++")
_STRING_AT = re.compile(_STRING)
_IRI = re.compile(_IRI_TEXT)
_LINE_END = re.compile(r"[\n\r]")
_STEP = str.maketrans({"{": "\x02", "(": "\x02", "[": "\x02", "}": "\x00", ")": "\x00", "]": "\x00"})


@dataclass(frozen=True)
class Nesting:
    """The deepest nesting of a request, and the character offset of the bracket that reaches it."""

    depth: int
    offset: int


def position(text: str, offset: int) -> tuple[int, int]:
    """The line and column (both from 1) of a character offset."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def walk(brackets: str, depth: int, limit: int | None = None) -> tuple[int | None, int, int]:
    """Brackets alone, entered at `depth`: the depth after them (None if one closes nothing open: no
    parser reads past it), the deepest they reach and the index of the bracket that first reaches it;
    with a limit, of the first one past it (and None after it)."""
    top, where = depth, -1
    if len(brackets) <= SHORT:
        for index, char in enumerate(brackets):
            if char in OPENERS:
                depth += 1
                if depth > top:
                    top, where = depth, index
                    if limit is not None and depth > limit:
                        return None, top, where
            elif depth:
                depth -= 1
            else:
                return None, top, where
        return depth, top, where
    for start in range(0, len(brackets), CHUNK):
        steps = brackets[start : start + CHUNK].translate(_STEP).encode("latin-1")  # 2: opens, 0: closes
        levels = list(map(operator.sub, accumulate(steps, initial=depth), count()))  # [0]: before the chunk
        if min(levels) < 0:
            del levels[levels.index(-1) :]
        highest = max(levels)
        if limit is not None and highest > limit:
            return None, limit + 1, start + levels.index(limit + 1) - 1
        if highest > top:
            top, where = highest, start + levels.index(highest) - 1
        if len(levels) <= len(steps):
            return None, top, where
        depth = levels[-1]
    return depth, top, where


class _OverBudget(Exception):
    """Too many tokens read with several readings."""


class _Scan:
    """One reading followed through the request; where `<` is ambiguous, every reading, until they meet."""

    def __init__(self, text: str, limit: int | None) -> None:
        self.text, self.limit = text, limit
        self.peak = Nesting(0, 0)
        self.past = False  # past the limit
        self.at = 0  # where the scan is
        self.budget = AMBIGUOUS_BUDGET
        self.waiting: dict[int, int] = {}  # readings: where each stops next, the deepest arriving there
        self.order: list[int] = []

    def count(self, brackets: str, depth: int, offset: int, tokens: str | None = None) -> int | None:
        """Count brackets entered at `depth` at `offset`: the depth after them, or None where the reading ends
        (past the limit, or a bracket closes nothing open).

        `tokens` is the text they came from when it holds more than brackets (text between, `<< >>`)."""
        after, top, where = walk(brackets, depth, self.limit)
        if top > self.peak.depth:
            if tokens is not None:
                found = next(islice(_ONE_BRACKET.finditer(tokens), where, None))
                where = found.start()
            self.peak = Nesting(top, offset + where)
        self.past = self.past or (self.limit is not None and top > self.limit)
        return after

    def run(self) -> Nesting:
        start: int | None = 0
        depth: int | None = 0
        while start is not None and depth is not None:
            fork = self.single(start, depth)
            if fork is None:
                break
            start, depth = self.several(*fork)
        return self.peak

    def single(self, start: int, depth: int) -> tuple[int, int] | None:
        """Follow one reading from `start`; at an ambiguous `<`, the position and depth to fork at."""
        text = self.text
        while True:
            token = _NEXT.match(text, start)
            assert token is not None  # every character is passed over or is a token, and then the end
            kind = token.lastgroup
            if kind is None or kind == "quote":
                return None
            at, start = token.start(kind), token.end()
            self.at = at
            if kind == "fork":
                return at, depth
            tokens = token.group(kind)
            if len(tokens) == 1 and (depth < self.peak.depth or tokens not in OPENERS):  # most, for speed
                depth += 1 if tokens in OPENERS else -1
                if depth < 0:
                    return None
                continue
            brackets = _NOT_BRACKET.sub("", tokens.replace("<<", "(").replace(">>", ")"))
            plain = len(brackets) == len(tokens)
            counted = self.count(brackets, depth, at, None if plain else tokens)
            if counted is None:
                return None
            depth = counted

    def several(self, start: int, depth: int) -> tuple[int | None, int | None]:
        """Follow every reading from an ambiguous `<` until one is left: where it stops next, its depth."""
        if self.step(start, depth):
            return None, None
        while self.order:
            at = heapq.heappop(self.order)
            depth = self.waiting.pop(at)
            if not self.order:
                return at, depth
            self.budget -= 1
            if self.budget < 0:
                raise _OverBudget
            self.at = at
            if self.step(at, depth):
                return None, None
        return None, None

    def arrive(self, start: int, depth: int) -> None:
        """A reading at `depth` goes on from `start`, to the next place where what it reads may differ."""
        found = _EVENT.search(self.text, start)
        if found is None:
            return
        at = found.start()
        if at in self.waiting:
            self.waiting[at] = max(self.waiting[at], depth)
        else:
            self.waiting[at] = depth
            heapq.heappush(self.order, at)

    def step(self, at: int, depth: int) -> bool:
        """Read the token at `at` in one of several readings; True once past the limit."""
        text = self.text
        char = text[at]
        if char in "{}()[]":
            brackets = _BRACKETS.match(text, at)
            assert brackets is not None
            after = self.count(brackets.group(), depth, at)
            if after is not None:
                self.arrive(brackets.end(), after)
        elif char == "<" and text.startswith("<", at + 1):
            after = self.count("(", depth, at)
            if after is not None:
                self.arrive(at + 2, after)
            self.arrive(at + 1, depth)
        elif char == "<":
            iri = _IRI.match(text, at)
            if iri is not None:
                self.arrive(iri.end(), depth)
            self.arrive(at + 1, depth)
        elif char == ">":
            if not text.startswith(">", at + 1):
                self.arrive(at + 1, depth)
            elif depth:
                self.arrive(at + 2, depth - 1)
        elif char == "#":
            line_end = _LINE_END.search(text, at)
            if line_end is not None:
                self.arrive(line_end.end(), depth)
        elif char == "\\":
            self.arrive(at + 2, depth)
        elif char == "/":
            if not text.startswith("/", at + 1):  # `//` is nowhere valid: this reading ends
                self.arrive(at + 1, depth)
        else:
            string = _STRING_AT.match(text, at)
            if string is not None:
                self.arrive(string.end(), depth)
        return self.past

    def fallback(self) -> Nesting:
        """No reading is deeper than the peak so far plus every opener from here on, however read."""
        openers = sum(self.text.count(opener, self.at) for opener in OPENERS) + self.text.count("<<", self.at)
        return Nesting(self.peak.depth + openers, self.at)


def deepest(text: str, limit: int | None = None) -> Nesting:
    """How deep the brackets of a SPARQL request nest; with a limit, stops at the first bracket past it."""
    scan = _Scan(text, limit)
    try:
        return scan.run()
    except _OverBudget:
        return scan.fallback()


def check_nesting(text: str, limit: int) -> None:
    """Refuse (QueryTooDeepError) a query or update whose brackets nest more than `limit` levels deep."""
    found = deepest(text, limit)
    if found.depth > limit:
        raise QueryTooDeepError(limit, *position(text, found.offset))
