"""A build over a remote SPARQL store (QCOLLAB_STORE=sparql): only the graphs that changed are sent.

The embedded build writes a checkpoint of the live store and swaps it in (kg.pipeline.publish); a
remote store has no checkpoint on this machine to write aside, so the build writes it in place:

1. The stamp (`<data dir>/remote-build-stamp.json`) is first rewritten as incomplete, keeping what it
   says of the graphs this build will not touch.
2. The ontology graph, and each document graph whose N-Triples differ from what the last build sent
   (their SHA-256 in the stamp), or whose triple count on the server is not the one the stamp says
   (someone changed it there), are replaced: `replace_graph`, a DROP and INSERT DATA in one request
   (one transaction on Oxigraph and Fuseki) while the graph fits in QCOLLAB_SPARQL_BATCH_QUADS, else
   one request per batch. The writes are retried on transient failures (kg.store.remote_bulk).
3. The graphs of documents gone from the seeds are dropped; those of documents that failed are kept.
4. When a graph was sent or dropped (or qcg:inferred is missing), the inferences are rebuilt on the
   server (`materialize`: one SPARQL update per rule and round).
5. The graph counts are read back and checked, then the stamp is written, complete.

Nothing is sent when nothing changed: `remote_up_to_date` compares the inputs with the stamp and the
counts of the stamp's graphs with the server's (one query). Readers of the remote store (the service)
see the graphs change one at a time, and qcg:inferred rebuilt during step 4. A build that fails in the
middle leaves what it sent, without a complete stamp: the next build sends what is still missing.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import StoreCheckError
from kg.namespaces import DOCUMENT_GRAPH_PREFIX, INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.pipeline.publish import Extracted, Written
from kg.quality.reasoning import materialize
from kg.settings import Settings
from kg.store.factory import open_configured_store
from kg.store.interface import KnowledgeStore

Progress = Callable[[str, int, int], None]
STAMP_NAME = "remote-build-stamp.json"
_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def graph_counts(store: KnowledgeStore) -> dict[str, int]:
    """The triples of each non-empty named graph, in one query."""
    rows = store.query(_COUNTS, union_default_graph=False)
    return {row["g"].value: int(row["n"].value) for row in rows}  # type: ignore[index, union-attr]


def _read(path: Path) -> dict[str, object]:
    try:
        saved = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return saved if isinstance(saved, dict) else {}


def _write(path: Path, stamp: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(stamp, indent=1))
    os.replace(partial, path)


def _records(settings: Settings, stamp: dict[str, object]) -> dict[str, dict[str, object]]:
    """What the stamp says was sent to this remote store: graph -> its SHA-256 and triples."""
    graphs = stamp.get("graphs")
    if stamp.get("store") != settings.sparql_update_url or not isinstance(graphs, dict):
        return {}
    return {iri: record for iri, record in graphs.items() if isinstance(record, dict)}


def remote_up_to_date(settings: Settings, stamp_path: Path, inputs: str) -> bool:
    """Whether the last complete build sent these inputs to this remote store, and the server still
    holds its graphs with the triples it sent (one query)."""
    stamp = _read(stamp_path)
    records = _records(settings, stamp)
    if stamp.get("inputs") != inputs or not records:
        return False
    with open_configured_store(settings, bulk=True) as store:
        counts = graph_counts(store)
    return all(counts.get(iri, 0) == record.get("triples") for iri, record in records.items())


def _ontology(settings: Settings) -> tuple[str, Graph]:
    data = settings.ontology_path.read_bytes()
    return hashlib.sha256(data).hexdigest(), Graph().parse(data=data, format="turtle")


def _digest(extracted: Extracted, iri: str, graph: Graph) -> str:
    """The SHA-256 of the graph's N-Triples lines, sorted (rdflib writes them in no stable order). A
    graph with blank nodes gets new labels at each extraction, so it is sent again each time."""
    data = extracted.serialized.get(iri) or graph.serialize(format="nt", encoding="utf-8")
    return hashlib.sha256(b"\n".join(sorted(data.splitlines()))).hexdigest()


def publish_remote(
    settings: Settings,
    extracted: Extracted,
    stamp_path: Path,
    stamp: dict[str, object],
    progress: Progress | None = None,
) -> Written:
    """Send what changed to the remote store, rebuild its inferences, check it, write `stamp` (with what
    was sent); see the module docstring."""
    tell = progress or (lambda step, done, total: None)
    records = _records(settings, _read(stamp_path))
    wanted = {str(ONTOLOGY_GRAPH): _ontology(settings)}
    wanted |= {iri: (_digest(extracted, iri, graph), graph) for iri, graph in extracted.graphs.items()}
    to_send: list[str] = []
    total = [0]

    def sent(quads: int, requests: int) -> None:
        tell(f"sending the changed graphs ({requests} requests)", quads, total[0])

    with open_configured_store(settings, bulk=True, on_sent=sent) as store:
        tell("reading the remote store's graphs", 0, 0)
        counts = graph_counts(store)
        to_send = [
            iri
            for iri, (digest, _) in wanted.items()
            if records.get(iri, {}).get("sha256") != digest
            or records[iri].get("triples") != counts.get(iri, 0)
        ]
        written = Written(kept={g for g in extracted.keep if g in counts})
        untouched = {
            iri: r
            for iri, r in records.items()
            if iri not in to_send and (iri in wanted or iri in written.kept)
        }
        _write(stamp_path, {"store": settings.sparql_update_url, "inputs": None, "graphs": untouched})
        total[0] = sum(len(wanted[iri][1]) for iri in to_send)
        for iri in to_send:
            store.replace_graph(iri, wanted[iri][1])
        written.removed = sorted(
            g
            for g in counts
            if g.startswith(DOCUMENT_GRAPH_PREFIX) and g not in wanted and g not in written.kept
        )
        for stale in written.removed:
            store.drop_graph(stale)
        inferred = str(INFERRED_GRAPH)
        if to_send or written.removed or inferred not in counts:
            written.inferred = materialize(store, progress=tell)
        else:
            written.inferred = counts[inferred]
        tell("checking the remote store", 0, 0)
        after = graph_counts(store)
        written.graphs = {iri: after.get(iri, 0) for iri in wanted}
        written.quads = store.quad_count()
    _check(wanted, to_send, written, after)
    graphs = {iri: {"sha256": wanted[iri][0], "triples": written.graphs[iri]} for iri in wanted}
    graphs |= {iri: untouched[iri] for iri in written.kept if iri in untouched}
    _write(stamp_path, {**stamp, "store": settings.sparql_update_url, "graphs": graphs})
    return written


def _check(
    wanted: dict[str, tuple[str, Graph]], sent: list[str], written: Written, after: dict[str, int]
) -> None:
    """StoreCheckError unless the server holds what was sent: each graph sent with its triples, the kept
    graphs, no removed graph, qcg:inferred with the triples `materialize` counted."""
    problems = [
        f"{iri} has {after.get(iri, 0)} triples, not {_triples(wanted[iri][1])}"
        for iri in sent
        if after.get(iri, 0) != _triples(wanted[iri][1])
    ]
    problems += [f"{graph} (of a document that failed) is missing" for graph in written.kept - set(after)]
    problems += [f"{graph} (of a removed document) is there" for graph in set(written.removed) & set(after)]
    if after.get(str(INFERRED_GRAPH), 0) != written.inferred:
        problems.append(
            f"{INFERRED_GRAPH} has {after.get(str(INFERRED_GRAPH), 0)} triples, not {written.inferred}"
        )
    if problems:
        raise StoreCheckError(
            f"the remote store does not hold what the build sent: {'; '.join(problems)}; the build is not "
            "stamped, the next one sends again"
        )


def _triples(graph: Graph) -> int:
    """The distinct triples of a graph as the store holds them (its literals in canonical form)."""
    scratch = ox.Store()
    nt = graph.serialize(format="nt", encoding="utf-8")
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(nt, ox.RdfFormat.N_TRIPLES))
    return len(scratch)
