"""A build's store is written aside, checked, then swapped in; the build stamp is written last.

The live store is never written by a build. Once the extracted graphs conform, the build takes the
live store (as before, `StoreInUseError` if a server or another command holds it; a journal a crash
left is replayed first), makes a RocksDB checkpoint of it in `<store>.building-<pid>` (hard links:
what others wrote, records, linksets and loads, is kept, and an incremental build costs what changed),
writes the ontology and the document graphs into the checkpoint and materializes its inferences. It
then closes the new store, opens it again read-only and checks it (see `check`), removes the stamp,
swaps the new store in with one atomic rename (`kg.store.versions`), writes the new stamp, and only
then deletes the old version. Until the swap the live store and its stamp are untouched; a kill at
any moment leaves the last good store with its stamp, or the new store without a stamp (the next
build builds again, it never says "up to date" of a store it did not finish).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import StoreCheckError
from kg.namespaces import DOCUMENT_GRAPH_PREFIX, INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.quality.reasoning import materialize
from kg.settings import Settings
from kg.store.interface import KnowledgeStore
from kg.store.oxigraph import open_store
from kg.store.versions import adopt, building_path, current_version, remove_version, swap_in

Step = Callable[[str], None]


@dataclass
class Written:
    """What the build wrote into the new store, read back by `check` after the store is reopened."""

    quads: int = 0
    inferred: int = 0
    graphs: dict[str, int] = field(default_factory=dict)  # ontology and document graph -> triples
    kept: set[str] = field(default_factory=set)  # graphs of documents that failed: kept from the live store
    removed: list[str] = field(default_factory=list)  # graphs of documents no longer in the seeds


@dataclass
class Extracted:
    """The document graphs of a build: by graph IRI, their N-Triples when serialized, those to keep."""

    graphs: dict[str, Graph]
    serialized: dict[str, bytes]
    keep: set[str]


@contextmanager
def _live_store(store: Path) -> Iterator[KnowledgeStore | None]:
    """The live store, opened by its version folder (None before the first build)."""
    if current_version(store) is None:
        yield None
        return
    with open_store(store):
        pass  # StoreInUseError if another process holds it; a pending journal is replayed
    version = adopt(store)
    assert version is not None
    with open_store(version) as live:
        yield live


def _write_stamp(path: Path, stamp: dict[str, object]) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(stamp, indent=1))
    os.replace(partial, path)


def publish(
    settings: Settings, extracted: Extracted, stamp_path: Path, stamp: dict[str, object], step: Step
) -> Written:
    """Write, check and swap in the new store, then write `stamp`; see the module docstring. (The build
    runs `kg.store.versions.recover` first.)"""
    store_path = settings.resolved_store_path
    store_path.parent.mkdir(parents=True, exist_ok=True)
    building = building_path(store_path)
    shutil.rmtree(building, ignore_errors=True)
    try:
        with _live_store(store_path) as live:
            if live is not None:
                live.backup(building)
            with open_store(building) as new:
                written = write(new, settings, extracted, step)
            step("checking the new store")
            check(building, settings, written)
            stamp_path.unlink(missing_ok=True)  # from here the store may be the new one
            previous = swap_in(store_path, building)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    _write_stamp(stamp_path, stamp)  # last: the build is complete
    remove_version(store_path, previous)
    return written


def write(store: KnowledgeStore, settings: Settings, extracted: Extracted, step: Step) -> Written:
    """The ontology and each document graph written, graphs of documents now gone dropped, the
    inferences materialized. The store is the build's own, so each graph is dropped and loaded anew."""
    written = Written(kept={graph for graph in extracted.keep if store.has_graph(graph)})
    store.drop_graph(str(ONTOLOGY_GRAPH))
    store.load(settings.ontology_path.read_bytes(), ox.RdfFormat.TURTLE, graph=str(ONTOLOGY_GRAPH))
    for graph_iri, graph in extracted.graphs.items():
        store.drop_graph(graph_iri)
        data = extracted.serialized.get(graph_iri) or graph.serialize(format="nt", encoding="utf-8")
        store.load(data, ox.RdfFormat.N_TRIPLES, graph=graph_iri)
    current = set(extracted.graphs) | written.kept
    for stale in store.named_graphs():
        if stale.startswith(DOCUMENT_GRAPH_PREFIX) and stale not in current:
            store.drop_graph(stale)
            written.removed.append(stale)
    step("materializing inferences")
    written.inferred = materialize(store)
    written.graphs = {g: store.triple_count(g) for g in [str(ONTOLOGY_GRAPH), *extracted.graphs]}
    written.quads = store.quad_count()
    return written


def _ontology_triples(settings: Settings) -> int:
    return len(set(ox.parse(path=str(settings.ontology_path), format=ox.RdfFormat.TURTLE)))


def check(folder: Path, settings: Settings, written: Written) -> None:
    """Raise StoreCheckError unless the store in `folder` opens and holds what the build wrote.

    Checked after the store is closed and opened again read-only: the ontology graph has the triples of
    the ontology file; each document graph has the triples written into it; the graphs of failed
    documents are there; no graph of a removed document is; the inferred graph has the triples
    `materialize` counted when it reached its fixpoint (its last round of every rule added nothing, and
    nothing else writes this store before the swap, so the same count read back is the fixpoint); the
    whole store has the quads it had when it was closed.
    """
    try:
        store = open_store(folder, read_only=True)
    except OSError as error:
        raise StoreCheckError(f"the new store at {folder} does not open: {error}") from error
    problems: list[str] = []
    with store:
        graphs = set(store.named_graphs())
        expected = {**written.graphs, str(ONTOLOGY_GRAPH): _ontology_triples(settings)}
        expected[str(INFERRED_GRAPH)] = written.inferred
        for graph, count in expected.items():
            found = store.triple_count(graph) if graph in graphs else 0
            if found != count or (count and graph not in graphs):
                problems.append(f"{graph} has {found} triples, not {count}")
        problems += [f"{graph} (of a document that failed) is missing" for graph in written.kept - graphs]
        problems += [f"{graph} (of a removed document) is there" for graph in graphs & set(written.removed)]
        if store.quad_count() != written.quads:
            problems.append(f"the store has {store.quad_count()} quads, not {written.quads}")
    if problems:
        raise StoreCheckError(f"the new store failed its check, the live one is kept: {'; '.join(problems)}")
