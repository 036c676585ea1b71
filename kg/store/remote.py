"""The KnowledgeStore over a SPARQL 1.1 server (QCOLLAB_STORE=sparql): Oxigraph server, Fuseki, Virtuoso.

The union default graph: the embedded store answers a query over the union of all graphs unless the
request or the query names its dataset. `sparql_default_graph` says what the remote's own default graph
is. "union" (oxigraph serve --union-default-graph, Fuseki tdb2:unionDefaultGraph, Virtuoso): a query
is sent as is, and the store's own default graph is read through the Graph Store Protocol (`?default`).
"own": a union query is asked as `sparql_union_request` says: "oxigraph" adds Oxigraph's
`union-default-graph` parameter, "jena" names `urn:x-arq:UnionGraph` as the default graph (and, for a
query that has a GRAPH pattern, every named graph as a named graph: Jena keeps to the Protocol, and a
default-graph-uri alone leaves the dataset no named graphs), and "named-graphs" (any engine) names every
named graph as default graph, so it leaves out the triples of the remote's own default graph (the
project keeps its data in named graphs).

Writes go in requests of `sparql_batch_quads` quads; a change that fits in one is one update request
(one transaction on these engines), a larger one is not all or nothing. The service's SHACL-gated writes
read this store through kg.store.remote_slice (batched reads) and commit with `apply`. Blank nodes
travel as skolem IRIs (kg.store.remote_text). The inference mark (while a bulk load is adding triples)
and the write lease of a command (kg.store.remote_lease) are triples of a graph of their own,
STATE_GRAPH, which `named_graphs`, the counts and the export leave out.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import RemoteStoreRefusedError, StoreOperationUnsupportedError
from kg.formats.parsing import syntax_error_from
from kg.namespaces import QC
from kg.settings import Settings
from kg.store import remote_export
from kg.store.dialects import DIALECTS, Dialect, dialect_named
from kg.store.interface import KnowledgeStore, QueryResult, StoreChanges
from kg.store.oxigraph import has_dataset_clause
from kg.store.remote_reads import STATE_GRAPH, RemoteReads
from kg.store.remote_text import (
    EMPTY_GRAPH,
    batches,
    bind_values,
    data_block,
    dataset_of,
    evaluate_params,
    fresh_blank_nodes,
    into_graph,
    ntriples,
    prologue,
    quads_of,
    refused_text_error,
    unskolem_answer,
)
from kg.store.sparql_http import SparqlHttpClient, parse_answer

_PENDING = f"<{STATE_GRAPH}> <{QC['inferencesPending']}> true"
JENA_UNION_GRAPH = "urn:x-arq:UnionGraph"  # Jena's name for the union of the named graphs
_GRAPH_KEYWORD = re.compile(r"\bGRAPH\b", re.IGNORECASE)  # the only way a query reads a named graph


class RemoteStore(RemoteReads):
    """A KnowledgeStore whose quads live on a SPARQL 1.1 server."""

    def __init__(
        self,
        client: SparqlHttpClient,
        *,
        default_graph: str = "own",
        union_request: str = "named-graphs",
        batch_quads: int = 10_000,
        dialect: Dialect = DIALECTS["generic"],
    ) -> None:
        super().__init__(client, default_is_union=default_graph == "union", dialect=dialect)
        self.union_request = union_request
        self.batch_quads = batch_quads

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteStore:
        return cls(
            SparqlHttpClient.from_settings(settings),
            default_graph=settings.sparql_default_graph,
            union_request=settings.sparql_union_request,
            batch_quads=settings.sparql_batch_quads,
            dialect=dialect_named(settings.sparql_engine),
        )

    # -- queries and updates -----------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """As OxigraphStore.query: the union default graph unless the request or the query names graphs."""
        params = self.query_params(
            sparql,
            union_default_graph=union_default_graph,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
        )
        return self._query(sparql, params, base_iri)

    def query_params(
        self,
        sparql: str,
        *,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> list[tuple[str, str]]:
        """The protocol parameters that give a query the dataset `query` gives it (kg.query.remote_engine
        sends them with the client's own query)."""
        params = [("default-graph-uri", g) for g in default_graphs or []]
        if named_graphs is None and default_graphs:  # as the embedded store: every graph stays named
            named_graphs = self.named_graphs()
        params += [("named-graph-uri", g) for g in named_graphs or []]
        if named_graphs is not None and not default_graphs:  # Protocol 2.1.4: the merge of no graphs
            params.append(("default-graph-uri", EMPTY_GRAPH))
        elif not params and has_dataset_clause(sparql):
            params = dataset_of(sparql) if self.default_is_union else []
        elif not params and union_default_graph:
            params = self._union_params(sparql)
        return params

    def _union_params(self, sparql: str) -> list[tuple[str, str]]:
        if self.default_is_union:
            return []
        if self.union_request == "oxigraph":
            return [("union-default-graph", "")]
        if self.union_request == "jena":  # a query without GRAPH reads no named graph: no need to name them
            union = [("default-graph-uri", JENA_UNION_GRAPH)]
            if _GRAPH_KEYWORD.search(sparql) is None:
                return union
            return union + [("named-graph-uri", g) for g in self.named_graphs()]
        graphs = self.named_graphs()
        return [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]

    def construct(self, sparql: str, substitutions: Mapping[str, str] | None = None) -> set[ox.Triple]:
        """The triples of a CONSTRUCT over the union default graph, variables bound by a VALUES block."""
        return set(self.query(bind_values(sparql, substitutions or {})))  # type: ignore[arg-type]

    def evaluate(
        self,
        sparql: str,
        default_graph: list[ox.NamedNode | ox.DefaultGraph] | None = None,
        named_graphs: list[ox.NamedNode] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """A query over the dataset given as is (the remote's own default graph unless one is named)."""
        return self._query(sparql, evaluate_params(default_graph, named_graphs), base_iri)

    def _query(self, sparql: str, params: list[tuple[str, str]], base_iri: str | None) -> QueryResult:
        try:
            text = self.dialect.text(prologue(base_iri), sparql)
            answer = self.client.query(text, self.dialect.dataset(params))
        except RemoteStoreRefusedError as error:
            raise refused_text_error(error, sparql, base_iri, update=False) from None
        parsed = parse_answer(unskolem_answer(answer.body, answer.media_type), answer.media_type)
        if isinstance(parsed, list):  # the same QueryTriples the embedded store gives
            scratch = ox.Store()
            scratch.extend(ox.Quad(t.subject, t.predicate, t.object) for t in parsed)
            return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
        return parsed

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        """Send a SPARQL 1.1 update: RdfSyntaxError when it does not parse, UpdateFailedError when refused."""
        try:
            self.client.update(self.dialect.text(prologue(base_iri), sparql))
        except RemoteStoreRefusedError as error:
            raise refused_text_error(error, sparql, base_iri, update=True) from None

    # -- writes --------------------------------------------------------------------------------------

    def _send(self, operations: list[str]) -> None:
        if operations:
            self.client.update(" ;\n".join(operations))

    def _insert(self, quads: Iterable[ox.Quad], first: list[str] | None = None) -> None:
        """INSERT DATA in batches; the operations of `first` go in the first request."""
        pending = list(first or [])
        for batch in batches(quads, self.dialect.data_batch(self.batch_quads)):
            self._send([*pending, f"INSERT DATA {{\n{data_block(batch)}\n}}"])
            pending = []
        self._send(pending)

    def bulk_add(self, quads: Iterable[ox.Quad]) -> None:
        self._insert(quads)

    def load(self, data: bytes | str, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        """Parse all of it before anything is sent, then send it in batches; a triple format into `graph`."""
        try:
            quads = list(ox.parse(data, fmt))
        except SyntaxError as error:
            raise syntax_error_from(error) from None
        self._insert(into_graph(fresh_blank_nodes(quads), graph))

    def bulk_load(
        self,
        source: Path | IO[bytes],
        fmt: ox.RdfFormat,
        graph: str | None = None,
        *,
        lenient: bool = False,
        base_iri: str | None = None,
    ) -> None:
        """Check that the whole file parses (a stream is first copied to a temporary file), then send it
        in batches, parsed again as a stream: nothing is sent when it does not parse; a failure of the
        remote store in the middle leaves the batches already sent."""
        with tempfile.TemporaryDirectory() as folder:
            path = source if isinstance(source, Path) else Path(folder) / "load"
            if not isinstance(source, Path):
                with path.open("wb") as copy:
                    shutil.copyfileobj(source, copy)
            options: dict[str, Any] = {
                "path": str(path),
                "format": fmt,
                "base_iri": base_iri,
                "lenient": lenient,
            }
            try:
                for _ in ox.parse(**options):
                    pass
            except SyntaxError as error:
                raise syntax_error_from(error) from None
            self._insert(into_graph(fresh_blank_nodes(ox.parse(**options)), graph))

    def replace_graph(self, graph: str, triples: Graph) -> None:
        """Replace a named graph's content (one transaction when it fits in one batch)."""
        self._insert(quads_of(triples, graph), first=[f"DROP SILENT GRAPH <{graph}>"])

    def drop_graph(self, graph: str) -> None:
        self._send([f"DROP SILENT GRAPH <{graph}>"])

    def put_graph(self, graph: str | None, triples: Graph) -> None:
        """Replace a graph's content (None: the default graph), creating the graph if needed."""
        quads = quads_of(triples, graph)
        if self.client.gsp_url is not None and quads:
            first, *rest = list(batches(quads, self.batch_quads))
            self.client.gsp_write("PUT", graph, ntriples(first))
            for batch in rest:
                self.client.gsp_write("POST", graph, ntriples(batch))
            return
        reset = (
            ["CLEAR SILENT DEFAULT"]
            if graph is None
            else [f"DROP SILENT GRAPH <{graph}>", f"CREATE SILENT GRAPH <{graph}>"]
        )
        self._insert(quads, first=reset)

    def post_graph(self, graph: str | None, triples: Graph) -> None:
        """Merge triples into a graph (None: the default graph), creating it if needed."""
        quads = quads_of(triples, graph)
        if self.client.gsp_url is not None and quads:
            for batch in batches(quads, self.batch_quads):
                self.client.gsp_write("POST", graph, ntriples(batch))
            return
        self._insert(quads, first=[] if graph is None else [f"CREATE SILENT GRAPH <{graph}>"])

    def delete_graph(self, graph: str | None) -> None:
        """Remove a named graph, or empty the default graph."""
        self._send(["CLEAR SILENT DEFAULT" if graph is None else f"DROP SILENT GRAPH <{graph}>"])

    def clear(self) -> None:
        """Remove every quad and named graph of the remote store."""
        self._send(["DROP SILENT ALL"])

    def apply(self, changes: StoreChanges) -> None:
        """New graphs, DELETE DATA, INSERT DATA, dropped graphs: one update request when the change fits
        in one batch (all or nothing), else one request per batch in that order."""
        created = [f"CREATE SILENT GRAPH {g}" for g in changes.created]
        dropped = [f"DROP SILENT GRAPH {g}" for g in changes.dropped]
        if len(changes.removed) + len(changes.added) <= self.batch_quads:
            removal = [f"DELETE DATA {{\n{data_block(changes.removed)}\n}}"] if changes.removed else []
            addition = [f"INSERT DATA {{\n{data_block(changes.added)}\n}}"] if changes.added else []
            self._send(created + removal + addition + dropped)
            return
        self._send(created)
        for batch in batches(changes.removed, self.batch_quads):
            self._send([f"DELETE DATA {{\n{data_block(batch)}\n}}"])
        self._insert(changes.added)
        self._send(dropped)

    def canonical(self, quads: Iterable[ox.Quad]) -> set[ox.Quad]:
        """The quads as Oxigraph holds them (exact for the Oxigraph server; Fuseki and Virtuoso keep more
        lexical forms, which a later adapter must say: Jena's TDB2 keeps `"1.50"^^xsd:decimal`,
        `"1.0E0"^^xsd:double` (as `1.0e0`), `"2020-01-01+00:00"^^xsd:date`, the case of language tags and
        the derived integer types, where Oxigraph holds `1.5`, `1`, `2020-01-01Z`, lower case and
        xsd:integer; it writes integers, booleans and dateTimes in their canonical form, as Oxigraph)."""
        scratch = ox.Store()
        scratch.extend(quads)
        return set(scratch)

    # -- life cycle ------------------------------------------------------------------------------------

    def inferences_pending(self) -> bool:
        return bool(
            self.query(f"ASK {{ GRAPH <{STATE_GRAPH}> {{ {_PENDING} }} }}", union_default_graph=False)
        )

    def mark_inferences_pending(self, pending: bool) -> None:
        """Set or clear the mark: a triple in STATE_GRAPH on the remote store, seen by every process."""
        if pending:
            self._send([f"INSERT DATA {{ GRAPH <{STATE_GRAPH}> {{ {_PENDING} }} }}"])
        else:
            self._send([f"DELETE DATA {{ GRAPH <{STATE_GRAPH}> {{ {_PENDING} }} }}"])  # the lease stays

    def dump(self, fmt: str, output: IO[bytes], graph: str | None = None) -> None:
        """Serialize the dataset (or one graph), streamed from the engine (kg.store.remote_export)."""
        remote_export.dump(self, fmt, output, graph)

    def flush(self) -> None:
        """Nothing is buffered here: each write is sent when it is made."""

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # What a remote store cannot do, and who would ask:
    # copy, changes_to: kg/quality/update_on_copy.py and GuardedWriter._on_copy (an update the writer
    #   cannot work out alone); over a remote store the writer answers those 501 before asking;
    # dump_snapshot, load_snapshot, backup: kg/store/snapshots.py (the query workers' snapshots),
    #   kg/pipeline/publish.py (the checkpoint of the live store a build starts from),
    #   kg/quality/update_on_copy.py (a checkpoint for the child process);
    # optimize: kg/quality/loading.py (after a large bulk load).
    def copy(self) -> KnowledgeStore:
        raise _unsupported("copy (an in-memory copy of the whole store)")

    def changes_to(self, other: KnowledgeStore) -> StoreChanges:
        raise _unsupported("changes_to (the difference to a copy of the whole store)")

    def dump_snapshot(self, output: IO[bytes]) -> None:
        raise _unsupported("dump_snapshot (the query workers query the remote store itself)")

    def load_snapshot(self, path: Path) -> None:
        raise _unsupported("load_snapshot")

    def backup(self, target: Path) -> None:
        raise _unsupported("backup (a checkpoint on this machine's disk)")

    def optimize(self) -> None:
        raise _unsupported("optimize (the remote engine compacts its own storage)")


def _unsupported(what: str) -> StoreOperationUnsupportedError:
    return StoreOperationUnsupportedError(f"a remote SPARQL store (QCOLLAB_STORE=sparql) has no {what}")
