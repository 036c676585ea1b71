"""What a remote SPARQL engine does its own way (QCOLLAB_SPARQL_ENGINE), in one place, for kg.store.remote.

- **Graphs.** SPARQL 1.1 lets `GRAPH ?g { }` match every graph of the dataset, empty or not. Virtuoso
  matches it once, with ?g unbound, and `GRAPH <g> { }` always: a graph there is the triples it holds.
  So on Virtuoso a graph is listed, and said to exist, when it holds a triple.
- **Its own default graph.** Oxigraph and Fuseki keep a default graph apart from the named graphs (the
  Graph Store Protocol's `?default`). Virtuoso has none (its `/sparql-graph-crud?default` is an error):
  its default graph is the union of its graphs, and there is nothing of its own to read.
- **The protocol's dataset.** A request with `default-graph-uri` and no `named-graph-uri` has no named
  graphs (SPARQL 1.1 Protocol 2.1.4); Virtuoso then still lets `GRAPH ?g` match every graph. It is sent
  a `named-graph-uri` of a graph that does not exist as well.
- **BASE.** SPARQL lets BASE and PREFIX come in any order; Virtuoso takes BASE first only. A text that
  starts with a BASE declaration (the writer's WHERE queries do) has it moved before the prefixes put in
  front of it (the line numbers stay).
- **Result formats.** Virtuoso's SPARQL JSON writes typed literals as `"type": "typed-literal"` (the
  2007 draft's form), its XML differs in layout from the embedded store's, its TSV quotes IRIs and
  literals as CSV does, and its CSV and TSV write an ASK answer as `"bool"` / `1`. So from Virtuoso every
  result is asked for as JSON (or XML) and converted here (kg.query.remote_engine), whole, not relayed as
  it comes; from the other engines the format the client wants is relayed as the engine sends it.
- **ASK answers.** Fuseki (Jena ARQ's result writers) writes an ASK answer in CSV as `_askResult` /
  `true` and in TSV as `?_askResult` / `true` (SPARQL 1.1 CSV and TSV define no boolean form), and its
  XML in a layout of its own. So from Fuseki an ASK answer is relayed in JSON only, and in the other
  formats asked for as JSON and converted here; its SELECT results are relayed in every format.
- **Size of one INSERT DATA.** Virtuoso compiles an INSERT DATA into SQL and refuses one of some
  thousand triples ("SP031: the length of generated SQL text has exceeded 10000 lines"), and its time
  grows faster than its size. The commands send it INSERT DATA of at most 500 quads (the Graph Store
  Protocol batches, the default for the commands, stay at QCOLLAB_SPARQL_BATCH_QUADS). Several
  operations in one update request are not one transaction on Virtuoso: one that fails leaves those
  before it applied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from kg.store.remote_text import EMPTY_GRAPH

EngineName = Literal["oxigraph", "virtuoso", "fuseki", "generic"]
JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"
_LEADING_BASE = re.compile(r"\A\s*BASE\s*<[^>]*>", re.IGNORECASE)
ALL_RESULTS = frozenset({JSON_RESULTS, XML_RESULTS, "text/csv", "text/tab-separated-values"})


@dataclass(frozen=True)
class Dialect:
    """How to ask one engine for what SPARQL 1.1 says the same way for all of them."""

    name: EngineName
    empty_graphs_match: bool = True  # `GRAPH ?g { }` binds ?g to each graph
    own_default_graph: bool = True  # a default graph apart from the named graphs (GSP `?default`)
    relayed_results: frozenset[str] = ALL_RESULTS  # result formats relayed as the engine writes them
    relayed_booleans: frozenset[str] = ALL_RESULTS  # the same for an ASK answer
    named_despite_default: bool = False  # default-graph-uri alone leaves every graph named
    base_first: bool = False  # a BASE declaration must come before every PREFIX
    data_quads: int | None = None  # the most quads one INSERT DATA may carry, when the engine has a limit
    minus_values: bool = True  # `MINUS { VALUES (...) { ... } }` removes what it lists

    def graph_test(self, variable: str) -> str:
        """A group that keeps the rows whose `variable` (bound before it, e.g. by VALUES) names a graph of
        the dataset, binding nothing else."""
        if self.empty_graphs_match:
            return f"GRAPH {variable} {{ }}"
        return f"FILTER EXISTS {{ GRAPH {variable} {{ ?gs ?gp ?go }} }}"

    def graph_ask(self, graph: str) -> str:
        """An ASK whether a graph (an IRI in SPARQL syntax) exists. (Virtuoso answers true to
        `ASK { FILTER EXISTS { GRAPH <g> { ... } } }` whatever the graph holds.)"""
        if self.empty_graphs_match:
            return f"ASK {{ GRAPH {graph} {{ }} }}"
        return f"ASK {{ GRAPH {graph} {{ ?gs ?gp ?go }} }}"

    def graphs_query(self) -> str:
        """A SELECT of the graphs of the dataset, one row each, as ?g. (Virtuoso answers
        `SELECT DISTINCT ?g` from its list of graphs, private ones included; GROUP BY reads the quads the
        user may read.)"""
        if self.empty_graphs_match:
            return "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
        return "SELECT ?g WHERE { GRAPH ?g { ?gs ?gp ?go } } GROUP BY ?g"

    def dataset(self, params: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """The protocol parameters of a query's dataset, as this engine must be sent them."""
        names = {name for name, _ in params}
        if self.named_despite_default and "default-graph-uri" in names and "named-graph-uri" not in names:
            return [*params, ("named-graph-uri", EMPTY_GRAPH)]
        return params

    def text(self, prologue: str, sparql: str) -> str:
        """A query or update with our prologue (one line of prefixes) in front of it."""
        declared = _LEADING_BASE.match(sparql) if self.base_first else None
        if declared is None:
            return prologue + sparql
        return declared.group(0) + " " + prologue + sparql[declared.end() :]

    def data_batch(self, batch_quads: int) -> int:
        """How many quads go in one INSERT DATA when the settings ask for `batch_quads`."""
        return batch_quads if self.data_quads is None else min(batch_quads, self.data_quads)

    def excluding(self, variables: list[str], rows: list[list[str]]) -> str:
        """A group element dropping the solutions that bind `variables` to one of `rows` (terms in SPARQL
        syntax). (Virtuoso 7.2 ignores `MINUS { VALUES ... }` and `FILTER NOT EXISTS { VALUES ... }`
        without a word, and may fail with SP031 on the first: it is sent a FILTER of sameTerm tests.)"""
        if not rows:
            return ""
        if self.minus_values:
            listed = " ".join(f"({' '.join(row)})" for row in rows)
            return f"MINUS {{ VALUES ({' '.join(variables)}) {{ {listed} }} }}"
        tests = [" && ".join(f"sameTerm({v}, {t})" for v, t in zip(variables, r, strict=True)) for r in rows]
        return f"FILTER({' && '.join(f'!({test})' for test in tests)})"

    def relays(self, wanted: str, form: str = "select") -> bool:
        """Whether the results of a query of `form` (kg.query.results.QueryForm) the client wants in
        `wanted` are asked for in it and relayed as the engine writes them (else asked for as JSON or XML
        and converted)."""
        return wanted in (self.relayed_booleans if form == "ask" else self.relayed_results)


DIALECTS: dict[str, Dialect] = {
    "generic": Dialect("generic"),
    "oxigraph": Dialect("oxigraph"),
    "fuseki": Dialect("fuseki", relayed_booleans=frozenset({JSON_RESULTS})),
    "virtuoso": Dialect(
        "virtuoso",
        empty_graphs_match=False,
        own_default_graph=False,
        relayed_results=frozenset(),
        relayed_booleans=frozenset(),
        named_despite_default=True,
        base_first=True,
        data_quads=500,
        minus_values=False,
    ),
}


def dialect_named(name: str) -> Dialect:
    """The dialect of QCOLLAB_SPARQL_ENGINE."""
    return DIALECTS[name]
