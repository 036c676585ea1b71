"""What a SPARQL 1.1 Update request brings besides its text: the service's base IRI and the protocol's
update dataset (SPARQL 1.1 Protocol §2.2.3, `using-graph-uri` / `using-named-graph-uri`).

The protocol's dataset is applied to the text itself: each `using-graph-uri=g` becomes a `USING <g>`
and each `using-named-graph-uri=g` a `USING NAMED <g>` of every operation that has a WHERE clause, as
the spec says to treat them; `DELETE WHERE { P }`, which cannot carry USING, is written as its
equivalent `DELETE { P } USING … WHERE { P }`. A request that gives the parameters and also has USING,
USING NAMED or WITH in its text is an error (400), as the spec says.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.errors import UpdateDatasetConflictError, UpdateFailedError
from kg.quality.update_text import Operation, operations, top_level

_DATASET_WORDS = {"USING", "WITH"}


@dataclass(frozen=True)
class UpdateRequest:
    """The base IRI of an update's text, and the graphs of its protocol-level dataset."""

    base_iri: str | None = None
    using_graphs: tuple[str, ...] = ()
    using_named_graphs: tuple[str, ...] = ()

    def applied_to(self, sparql: str) -> str:
        """The text with the protocol's dataset written into every operation that has a WHERE clause."""
        if not self.using_graphs and not self.using_named_graphs:
            return sparql
        ops = operations(sparql)
        for op in ops:
            _refuse_own_dataset(op)
        using = [f"USING <{g}>" for g in self.using_graphs]
        clauses = " ".join(using + [f"USING NAMED <{g}>" for g in self.using_named_graphs])
        edits: list[tuple[int, int, str]] = []
        for op in ops:
            if op.kind == "MODIFY":
                where = _top_level_where(op)
                edits.append((where, where, f"{clauses} "))
            elif op.kind == "DELETE_WHERE":
                block = op.text[op.tokens[2].start - op.tokens[0].start :]
                rewritten = f"DELETE {block} {clauses} WHERE {block}"
                edits.append((op.tokens[0].start, op.tokens[-1].end, rewritten))
        for start, end, text in sorted(edits, reverse=True):
            sparql = sparql[:start] + text + sparql[end:]
        return sparql


def _refuse_own_dataset(op: Operation) -> None:
    for index in top_level(op):
        token = op.tokens[index]
        if token.kind == "word" and token.text.upper() in _DATASET_WORDS:
            raise UpdateDatasetConflictError(
                f"the request gives using-graph-uri or using-named-graph-uri and its text has "
                f"{token.text.upper()} (SPARQL 1.1 Protocol 2.2.3): give the update's dataset one way"
            )


def _top_level_where(op: Operation) -> int:
    """Where the WHERE keyword of a DELETE/INSERT operation starts in the request's text."""
    for index in top_level(op):
        token = op.tokens[index]
        if token.kind == "word" and token.text.upper() == "WHERE":
            return token.start
    raise UpdateFailedError("the operation has no WHERE clause to apply using-graph-uri to")
