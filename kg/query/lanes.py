"""Which queries are light: a cheap, conservative static check of the query text, for the light lane.

A query is light when its text has none of the features that make evaluation expensive however small
the answer (grouping, aggregates, ORDER BY, DISTINCT/REDUCED, OFFSET, subqueries, `*` or `+` property
paths and arithmetic, EXISTS/NOT EXISTS, MINUS, SERVICE, CONSTRUCT/DESCRIBE) and either has a LIMIT of
at most LIGHT_LIMIT or names a constant subject or object (an IRI or a literal) in every triple pattern.
Anything the check does not understand (blank node property lists, collections, grouped paths, a
query longer than MAX_LIGHT_CHARS or nested deeper than MAX_LIGHT_DEPTH) is heavy. The check is a
guess that costs microseconds, not a proof: a light query that runs long is stopped by the light
lane's budget and run again in the general lane (kg.query.engine), so a wrong guess costs time,
never a wrong answer.
"""

from __future__ import annotations

import re

LIGHT_LIMIT = 100  # a LIMIT up to this makes a query light (no ORDER BY: evaluation stops early)
MAX_LIGHT_CHARS = 2000  # a longer query is heavy unread (and the check stays under a millisecond)
MAX_LIGHT_DEPTH = 8  # groups nested deeper: heavy

_IRI = r"<[^<>\"{}|^`\\\s]*>"
_PNAME = r"(?:[^\W\d_](?:[\w.-]*[\w-])?)?:(?:(?:[\w\-:%]|\\.)(?:(?:[\w\-.:%]|\\.)*(?:[\w\-:%]|\\.))?)?"
_STRING = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
)
_TOKEN = re.compile(
    rf"""\s*(?:
      (?P<comment>\#[^\n\r]*)
    | (?P<literal>(?:{_STRING})(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^(?:{_IRI}|{_PNAME}))?
        | (?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<iri>{_IRI})
    | (?P<var>[?$]\w+)
    | (?P<bnode>_:[\w.-]*\w)
    | (?P<pname>{_PNAME})
    | (?P<word>[A-Za-z_]\w*)
    | (?P<punct>\^\^|&&|\|\||[<>!=]=|[{{}}()\[\].;,*+/|^!?=<>&-])
    )""",
    re.VERBOSE,
)
HEAVY_WORDS = frozenset(
    {"GROUP", "ORDER", "HAVING", "DISTINCT", "REDUCED", "OFFSET", "COUNT", "SUM", "MIN", "MAX", "AVG"}
    | {"SAMPLE", "GROUP_CONCAT", "EXISTS", "MINUS", "SERVICE", "CONSTRUCT", "DESCRIBE", "LATERAL"}
)
_TERMS = frozenset({"iri", "pname", "var", "bnode", "literal"})
_CONSTANTS = frozenset({"iri", "pname", "literal"})
Token = tuple[str, str]  # kind, text (words upper-cased)


def tokens(sparql: str) -> list[Token] | None:
    """The tokens of a query without its comments; None if some text is not a token we know."""
    found: list[Token] = []
    position, end = 0, len(sparql.rstrip())
    while position < end:
        match = _TOKEN.match(sparql, position)
        if match is None or match.end() == position:
            return None
        position = match.end()
        kind = match.lastgroup or ""
        text = match.group(kind)
        if kind == "word":
            text = text.upper()
            kind = "literal" if text in ("TRUE", "FALSE") else kind
        if kind != "comment":
            found.append((kind, text))
    return found


def is_light(sparql: str) -> bool:
    """Whether a query may run in the light lane (see the module's docstring)."""
    if len(sparql) > MAX_LIGHT_CHARS or "\\u" in sparql.lower():  # \u escapes may spell any keyword
        return False
    found = tokens(sparql)
    if not found or not _plain(found):
        return False
    return _small_limit(found) or _anchored(found)


def _plain(found: list[Token]) -> bool:
    """A SELECT or ASK without any of the expensive features."""
    words = [text for kind, text in found if kind == "word"]
    forms = [word for word in words if word in ("SELECT", "ASK")]
    if len(forms) != 1 or HEAVY_WORDS.intersection(words):
        return False
    for index, (kind, text) in enumerate(found):
        if kind == "punct" and (text == "+" or (text == "*" and found[index - 1] != ("word", "SELECT"))):
            return False
    return True


def _small_limit(found: list[Token]) -> bool:
    for index, token in enumerate(found[:-1]):
        if token == ("word", "LIMIT"):
            kind, text = found[index + 1]
            return kind == "literal" and text.isdigit() and int(text) <= LIGHT_LIMIT
    return False


def _anchored(found: list[Token]) -> bool:
    """Every triple pattern of the query's group pattern has a constant subject or object."""
    start = next((i for i, token in enumerate(found) if token == ("punct", "{")), None)
    if start is None:
        return False
    patterns = _Patterns(found, start)
    return patterns.read() and all(s in _CONSTANTS or o in _CONSTANTS for s, o in patterns.triples)


class _Patterns:
    """Reads the triple patterns of a group graph pattern (no recursion: nesting depth costs nothing)."""

    def __init__(self, found: list[Token], start: int) -> None:
        self.found, self.index = found, start
        self.triples: list[tuple[str, str]] = []  # the kinds of each pattern's subject and object

    def peek(self) -> Token:
        return self.found[self.index] if self.index < len(self.found) else ("end", "")

    def read(self) -> bool:
        """Walk to the end of the outermost group; False on anything not understood."""
        depth = 0
        while True:
            kind, text = self.peek()
            if kind == "end":
                return False
            if text in ("{", "}") and kind == "punct":
                depth += 1 if text == "{" else -1
                self.index += 1
                if depth == 0:
                    return True
                if depth > MAX_LIGHT_DEPTH:
                    return False
            elif (kind, text) == ("punct", "."):
                self.index += 1
            elif kind == "word":
                if not self.keyword(text):
                    return False
            elif kind in _TERMS:
                if not self.triples_block():
                    return False
            else:
                return False

    def keyword(self, word: str) -> bool:
        """Step over OPTIONAL, UNION, GRAPH <g>, FILTER (...), BIND (...), VALUES ... { ... }."""
        self.index += 1
        if word in ("OPTIONAL", "UNION"):
            return True
        if word == "GRAPH":
            kind, _ = self.peek()
            self.index += 1
            return kind in ("iri", "pname", "var")
        if word in ("FILTER", "BIND"):
            if self.peek()[0] in ("word", "iri", "pname"):  # FILTER regex(...), FILTER <fn>(...)
                self.index += 1
            return self.skip("(", ")")
        if word == "VALUES":
            if self.peek()[0] == "var":
                self.index += 1
            elif not self.skip("(", ")"):
                return False
            return self.skip("{", "}")
        return False

    def skip(self, opening: str, closing: str) -> bool:
        """Step over a balanced (...) or {...}, which must come next."""
        if self.peek() != ("punct", opening):
            return False
        depth = 0
        while (token := self.peek())[0] != "end":
            self.index += 1
            if token == ("punct", opening):
                depth += 1
            elif token == ("punct", closing):
                depth -= 1
                if depth == 0:
                    return True
        return False

    def triples_block(self) -> bool:
        """subject path object (, object)* (; path object (, object)*)* — terms and simple paths only."""
        subject = self.peek()[0]
        self.index += 1
        while True:
            if not self.path():
                return False
            while True:
                kind, _ = self.peek()
                if kind not in _TERMS:
                    return False
                self.triples.append((subject, kind))
                self.index += 1
                if self.peek() != ("punct", ","):
                    break
                self.index += 1
            if self.peek() != ("punct", ";"):
                return True  # the pattern ends: '.', '}', a keyword, or something read() refuses
            while self.peek() == ("punct", ";"):
                self.index += 1
            kind, text = self.peek()
            if kind not in ("iri", "pname", "var") and (kind, text) not in (("word", "A"), ("punct", "^")):
                return True  # a trailing ';'

    def path(self) -> bool:
        """A predicate: [^|!] (IRI | a | ?var) [?] joined by / or |."""
        while True:
            if self.peek() in (("punct", "^"), ("punct", "!")):
                self.index += 1
            kind, text = self.peek()
            if kind not in ("iri", "pname", "var") and (kind, text) != ("word", "A"):
                return False
            self.index += 1
            if self.peek() == ("punct", "?"):
                self.index += 1
            if self.peek() not in (("punct", "/"), ("punct", "|")):
                return True
            self.index += 1
