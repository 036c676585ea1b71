"""Inferences worked out from a change alone equal a full rebuild of qcg:inferred."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox

from kg.namespaces import INFERRED_GRAPH, QC
from kg.quality.inference import IncrementalInference
from kg.quality.reasoning import materialize, materialize_graphs
from kg.store.interface import StoreChanges
from kg.store.oxigraph import OxigraphStore

INFERRED = ox.NamedNode(str(INFERRED_GRAPH))
RECORD = ox.NamedNode("https://w3id.org/qcollab/graph/record/test")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def rebuilt(store: OxigraphStore) -> set[ox.Quad]:
    reference = OxigraphStore(None)
    reference.inner.extend(q for q in store.quads() if q.graph_name != INFERRED)
    materialize(reference)
    return set(reference.quads_matching(graph=INFERRED))


def test_random_changes_keep_the_inferred_graph_equal_to_a_rebuild(built_data: Path) -> None:
    with OxigraphStore(built_data / "store", read_only=True) as built:
        store = OxigraphStore(None)
        store.inner.extend(built.quads())
    inference = IncrementalInference(store)
    rng = random.Random(7)
    data = sorted((q for q in store.quads() if "/graph/document/" in str(q.graph_name)), key=str)
    properties = ["collaboratesWith", "leads", "participatesIn", "hasParticipant", "fundedBy"]
    for _ in range(12):
        removed = set(rng.sample(data, 15))
        nodes = [q.subject for q in rng.sample(data, 8)]
        added = {
            ox.Quad(nodes[i], ox.NamedNode(str(QC[rng.choice(properties)])), nodes[(i + 1) % 8], RECORD)
            for i in range(8)
        } | {ox.Quad(nodes[0], RDF_TYPE, ox.NamedNode(str(QC.University)), RECORD)}
        change = StoreChanges(removed, {q for q in added if not store.contains(q)})
        inferred = inference.inferences(change)
        store.apply(change)
        store.apply(inferred)
        assert set(store.quads_matching(graph=INFERRED)) == rebuilt(store)
        data = [q for q in data if q not in removed]


def test_materializing_loaded_graphs_equals_a_rebuild(built_data: Path) -> None:
    with OxigraphStore(built_data / "store", read_only=True) as built:
        store = OxigraphStore(None)
        store.inner.extend(built.quads())
    documents = [g for g in store.named_graphs() if "/graph/document/" in g]
    kept = OxigraphStore(None)
    kept.inner.extend(q for q in store.quads() if q.graph_name.value != documents[0])  # type: ignore[union-attr]
    materialize(kept)
    kept.inner.extend(store.quads_matching(graph=ox.NamedNode(documents[0])))
    added = materialize_graphs(kept, [documents[0]])
    assert added > 0
    assert set(kept.quads_matching(graph=INFERRED)) == rebuilt(kept)
    assert not [g for g in kept.named_graphs() if "/delta/" in g]
