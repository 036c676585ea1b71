"""The operations of a SPARQL 1.1 Update request, read by a tokenizer that knows strings, IRIs and
comments: what kg.quality.effects works out and kg.quality.update_request rewrites."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.errors import UpdateFailedError

_TOKEN = re.compile(
    r"(?P<skip>\s+|#[^\n]*)"
    r"|(?P<string>'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\")"
    r"|(?P<iri><[^<>\"{}|^`\\\s]*>)"
    r"|(?P<open>[{(\[])|(?P<close>[})\]])|(?P<semicolon>;)"
    r"|(?P<word>[^\s{}()\[\];,.'\"<>#]+)"
    r"|(?P<other>.)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int


@dataclass
class Operation:
    """One operation of an update request: its kind, its tokens and the prologue that applies to it."""

    kind: str
    tokens: list[Token]
    prologue: str
    text: str = ""


def tokens_of(sparql: str) -> list[Token]:
    """The tokens of a request, whitespace and comments left out."""
    return [
        Token(match.lastgroup or "other", match.group(), match.start(), match.end())
        for match in _TOKEN.finditer(sparql)
        if match.lastgroup != "skip"
    ]


def operations(sparql: str, base_iri: str | None = None) -> list[Operation]:
    """The operations of a request, each with the PREFIX and BASE declarations before it (first the
    service's base IRI, when given, against which the request's own BASE and relative IRIs resolve)."""
    found: list[Operation] = []
    prologue: list[str] = [f"BASE <{base_iri}>"] if base_iri else []
    current: list[Token] = []
    depth = 0
    tokens = tokens_of(sparql)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        word = token.text.upper() if token.kind == "word" else ""
        if depth == 0 and not current and word in ("PREFIX", "BASE"):
            width = 3 if word == "PREFIX" else 2
            prologue.append(" ".join(t.text for t in tokens[index : index + width]))
            index += width
            continue
        if token.kind == "open":
            depth += 1
        elif token.kind == "close":
            depth -= 1
        if depth == 0 and token.kind == "semicolon":
            if current:
                found.append(_operation(current, "\n".join(prologue), sparql))
            current = []
        else:
            current.append(token)
        index += 1
    if current:
        found.append(_operation(current, "\n".join(prologue), sparql))
    return found


def _operation(tokens: list[Token], prologue: str, sparql: str) -> Operation:
    words = [t.text.upper() for t in tokens[:2] if t.kind == "word"]
    first, second = (words + ["", ""])[:2]
    if first in ("INSERT", "DELETE") and second in ("DATA", "WHERE"):
        kind = f"{first}_{second}"
    elif first in ("INSERT", "DELETE", "WITH"):
        kind = "MODIFY"
    else:
        kind = first
    return Operation(kind, tokens, prologue, sparql[tokens[0].start : tokens[-1].end])


def block(tokens: list[Token], start: int) -> int:
    """The index just past the brace block that opens at tokens[start]."""
    depth = 0
    for index in range(start, len(tokens)):
        if tokens[index].kind == "open":
            depth += 1
        elif tokens[index].kind == "close":
            depth -= 1
            if depth == 0:
                return index + 1
    raise UpdateFailedError("unbalanced braces in the update")


def top_level(op: Operation) -> list[int]:
    """The indexes of the operation's tokens outside any brackets."""
    depth, found = 0, []
    for index, token in enumerate(op.tokens):
        if token.kind == "open":
            depth += 1
        elif token.kind == "close":
            depth -= 1
        elif depth == 0:
            found.append(index)
    return found
