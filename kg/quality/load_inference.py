"""The inferences of a bulk load (kg.quality.loading): brought up to date from the loaded graphs.

On the embedded store the loaded graphs are read once and their conclusions bulk-added
(kg.quality.inference.infer_loaded); over a remote store (QCOLLAB_STORE=sparql) that would be a request
per quad, so the server evaluates the rules from the loaded graphs (kg.quality.reasoning
.materialize_graphs), and the probe for a premise is one ASK.
"""

from __future__ import annotations

from collections.abc import Collection

import pyoxigraph as ox

from kg.namespaces import INFERRED_GRAPH
from kg.quality.inference import Axioms, infer_loaded
from kg.quality.load_check import HIDDEN
from kg.quality.neighbourhood import RDF_TYPE
from kg.quality.reasoning import materialize, materialize_graphs
from kg.store.interface import KnowledgeStore
from kg.store.remote_reads import RemoteReads


def infer(
    store: KnowledgeStore, graphs: Collection[ox.NamedNode | ox.DefaultGraph] | None = None
) -> int | None:
    """Bring the inferences up to date after a load (the one place that says how): the size of the
    rebuilt qcg:inferred, or None when nothing was to do.

    `graphs`, the graphs a load added triples to (None: unknown, or more than additions), are first
    probed for a premise of the ontology's rules (an instance of a class with a superclass, a use of a
    property with a super-property, an inverse or symmetry): data with none entails nothing new, so a
    large load of other data does not pay for a full `materialize`, whose cost grows with the store.
    """
    if graphs is not None and not _has_premise(store, graphs):
        return None
    if graphs is None or any(not isinstance(g, ox.NamedNode) or g in HIDDEN for g in graphs):
        return materialize(store)
    names = sorted(g.value for g in graphs if isinstance(g, ox.NamedNode))
    if isinstance(store, RemoteReads):  # the rules evaluated by the server: not a request per quad
        materialize_graphs(store, names)  # type: ignore[arg-type]
    else:
        infer_loaded(store, names)
    return store.triple_count(str(INFERRED_GRAPH))


def _has_premise(store: KnowledgeStore, graphs: Collection[ox.NamedNode | ox.DefaultGraph]) -> bool:
    """Whether the graphs hold a triple an inference rule starts from (a few index probes per graph)."""
    if any(graph in HIDDEN for graph in graphs):
        return True
    axioms = Axioms.of(store)
    properties = {*axioms.superproperties, *axioms.inverses, *axioms.symmetric}
    if isinstance(store, RemoteReads):  # one query, not a request per probe
        return _remote_premise(store, graphs, properties, set(axioms.superclasses))
    probes = [(p, None) for p in properties] + [(RDF_TYPE, c) for c in axioms.superclasses]
    return any(
        next(store.quads_matching(None, predicate, value, graph), None) is not None
        for graph in graphs
        for predicate, value in probes
    )


def _remote_premise(
    store: KnowledgeStore,
    graphs: Collection[ox.NamedNode | ox.DefaultGraph],
    properties: set[ox.NamedNode],
    classes: set[ox.NamedNode],
) -> bool:
    """The probes of `_has_premise` as one ASK (the default graph: assumed to hold one)."""
    if any(isinstance(graph, ox.DefaultGraph) for graph in graphs):
        return True
    named = f"VALUES ?g {{ {' '.join(str(g) for g in graphs)} }}"
    branches = []
    if properties:
        branches.append(f"{{ VALUES ?p {{ {' '.join(map(str, properties))} }} GRAPH ?g {{ ?s ?p ?o }} }}")
    if classes:
        branches.append(f"{{ VALUES ?c {{ {' '.join(map(str, classes))} }} GRAPH ?g {{ ?s a ?c }} }}")
    ask = f"ASK {{ {named} {' UNION '.join(branches)} }}"
    return bool(branches) and bool(store.query(ask, union_default_graph=False))
