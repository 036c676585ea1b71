"""Reasoning: a HermiT consistency check of the ontology and materialization of inferences.

`check_consistency` runs HermiT (through owlready2, Java 17) on the ontology and optional
instance data. `materialize` rebuilds the named graph qcg:inferred with SPARQL updates
evaluated by the store (Oxigraph, or the remote engine), following the RDFS/OWL axioms of the
ontology graph: the subclass and subproperty closures, inverse and symmetric properties and
equivalent classes. Domain and range typing is deliberately left out, since it would hide modelling
errors.
"""

from __future__ import annotations

import io
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.store.interface import KnowledgeStore

MAX_ROUNDS = 50
RuleProgress = Callable[[str, int, int], None]  # step, rules done, rules in a round
OWL_NOTHING = "http://www.w3.org/2002/07/owl#Nothing"


@dataclass
class ConsistencyReport:
    """What HermiT said: consistent or not, the unsatisfiable classes, the time it took."""

    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Consistent and without unsatisfiable classes."""
        return self.consistent and not self.unsatisfiable and self.error is None


def _to_ntriples(data: bytes, fmt: str) -> bytes:
    """Reserialize RDF with rdflib as N-Triples, a format owlready2 reads natively."""
    return Graph().parse(data=data, format=fmt).serialize(format="nt", encoding="utf-8")


def check_consistency(ontology_path: Path, extra_ntriples: bytes | None = None) -> ConsistencyReport:
    """Run HermiT on the ontology (Turtle), with optional instance data in N-Triples."""
    import owlready2

    started = time.perf_counter()
    ontology_nt = _to_ntriples(Path(ontology_path).read_bytes(), "turtle")
    with tempfile.TemporaryDirectory(prefix="qcollab-hermit-") as tmp:
        world = owlready2.World(filename=str(Path(tmp) / "quadstore.sqlite3"))
        try:
            world.get_ontology("https://w3id.org/qcollab/ontology").load(
                fileobj=io.BytesIO(ontology_nt), format="ntriples"
            )
            if extra_ntriples:
                data_nt = _to_ntriples(extra_ntriples, "nt")
                world.get_ontology("https://w3id.org/qcollab/consistency-check-data").load(
                    fileobj=io.BytesIO(data_nt), format="ntriples"
                )
            try:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
            except owlready2.OwlReadyInconsistentOntologyError:
                return ConsistencyReport(False, [], time.perf_counter() - started)
            except owlready2.OwlReadyJavaError as exc:
                return ConsistencyReport(False, [], time.perf_counter() - started, str(exc))
            unsatisfiable = sorted(
                cls.iri
                for cls in world.inconsistent_classes()
                if getattr(cls, "iri", OWL_NOTHING) != OWL_NOTHING
            )
            return ConsistencyReport(True, unsatisfiable, time.perf_counter() - started)
        finally:
            world.close()


@dataclass(frozen=True)
class Axioms:
    """What the rules apply, read from the ontology graph once, closures worked out here: the store is
    sent no property path (Virtuoso refuses a free `rdfs:subClassOf+`), only the pairs, as VALUES."""

    classes: list[tuple[str, str]]  # C below D: rdfs:subClassOf+, owl:equivalentClass either way
    properties: list[tuple[str, str]]  # p below q: rdfs:subPropertyOf+, owl:equivalentProperty either way
    inverses: list[tuple[str, str]]  # owl:inverseOf, either way
    symmetric: list[str]


def read_axioms(store: KnowledgeStore, ontology_graph: str = ONTOLOGY_GRAPH) -> Axioms:
    """The axioms of the ontology graph of `store` (a small graph, read whole)."""
    ontology = store.graph(ontology_graph)

    def edges(*kinds: tuple[URIRef, bool]) -> list[tuple[str, str]]:
        pairs = []
        for predicate, both_ways in kinds:
            for a, b in ontology.subject_objects(predicate):
                if isinstance(a, URIRef) and isinstance(b, URIRef):
                    pairs.append((str(a), str(b)))
                    if both_ways:
                        pairs.append((str(b), str(a)))
        return pairs

    symmetric = ontology.subjects(RDF.type, OWL.SymmetricProperty)
    return Axioms(
        classes=_closure(edges((RDFS.subClassOf, False), (OWL.equivalentClass, True))),
        properties=_closure(edges((RDFS.subPropertyOf, False), (OWL.equivalentProperty, True))),
        inverses=sorted(set(edges((OWL.inverseOf, True)))),
        symmetric=sorted(str(p) for p in symmetric if isinstance(p, URIRef)),
    )


def _closure(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Every (a, b), a != b, with b reachable from a over `pairs`."""
    above: dict[str, set[str]] = {}
    for a, b in pairs:
        above.setdefault(a, set()).add(b)
    closed = set()
    for start in above:
        seen, todo = set(), [start]
        while todo:
            for parent in above.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        closed |= {(start, node) for node in seen if node != start}
    return sorted(closed)


def _rules(
    axioms: Axioms,
    premises: str = "?g",
    into: str = str(INFERRED_GRAPH),
    graphs: list[str] | None = None,
) -> list[str]:
    """The SPARQL updates; each inserts into `into` what no named graph holds yet.

    Premises come from the graph `premises` names (a variable: every named graph, or those of `graphs`).
    """
    inferred = f"<{into}>"
    values = f"VALUES {premises} {{ {' '.join(f'<{g}>' for g in graphs)} }}" if graphs else ""

    def rule(conclusion: str, pairs: str, where: str) -> str:
        return (
            f"INSERT {{ GRAPH {inferred} {{ {conclusion} }} }}\n"
            f"WHERE {{ {values} {pairs}\n  GRAPH {premises} {{ {where} }}\n"
            f"  FILTER NOT EXISTS {{ GRAPH ?asserted {{ {conclusion} }} }} }}"
        )

    def pairs(names: str, rows: list[tuple[str, str]]) -> str:
        return f"VALUES ({names}) {{ {' '.join(f'(<{a}> <{b}>)' for a, b in rows)} }}"

    rules = []
    if axioms.classes:  # x a C, C below D  =>  x a D
        rules.append(rule("?x a ?d .", pairs("?c ?d", axioms.classes), "?x a ?c"))
    if axioms.properties:  # x p y, p below q  =>  x q y
        rules.append(rule("?x ?q ?y .", pairs("?p ?q", axioms.properties), "?x ?p ?y"))
    if axioms.inverses:  # x p y, p owl:inverseOf q  =>  y q x
        rules.append(rule("?y ?q ?x .", pairs("?p ?q", axioms.inverses), "?x ?p ?y FILTER (!isLiteral(?y))"))
    if axioms.symmetric:  # x p y, p a owl:SymmetricProperty  =>  y p x
        symmetric = f"VALUES ?p {{ {' '.join(f'<{p}>' for p in axioms.symmetric)} }}"
        rules.append(rule("?y ?p ?x .", symmetric, "?x ?p ?y FILTER (!isLiteral(?y))"))
    return rules


def materialize(
    store: KnowledgeStore, ontology_graph: str = ONTOLOGY_GRAPH, *, progress: RuleProgress | None = None
) -> int:
    """Drop and rebuild qcg:inferred to the fixpoint of the rules; return its triple count.

    The axioms are read from `ontology_graph` only, so data graphs cannot change the schema.
    Premises come from every named graph (inferred triples included, to reach the
    fixpoint); a conclusion already asserted in any named graph is not inserted again.
    Each rule is one SPARQL update, evaluated by the store itself (over a remote store, by the
    server); `progress` is told of each (round n: rules done of all).
    """
    inferred = str(INFERRED_GRAPH)
    store.drop_graph(inferred)
    rules = _rules(read_axioms(store, ontology_graph))
    previous = -1
    for round_ in range(1, MAX_ROUNDS + 1):
        for done, update in enumerate(rules, start=1):
            store.update(update)
            if progress:
                progress(f"inferring, round {round_} ({max(previous, 0):,} triples so far)", done, len(rules))
        count = store.triple_count(inferred)
        if count == previous:
            return count
        previous = count
    raise RuntimeError(f"materialization did not reach a fixpoint in {MAX_ROUNDS} rounds")


def materialize_graphs(store: KnowledgeStore, graphs: list[str], ontology_graph: str = ONTOLOGY_GRAPH) -> int:
    """Add to qcg:inferred what the triples of `graphs` entail, at a cost that follows their size.

    For graphs just loaded into a store whose qcg:inferred was up to date: the rules run from the new
    triples only, then from what the previous round derived (kept in a scratch graph), to the fixpoint;
    inferred triples that the graphs now assert are removed. Returns the number of triples added.
    """
    inferred = str(INFERRED_GRAPH)
    before = store.triple_count(inferred)
    for graph in graphs:
        store.update(
            f"DELETE {{ GRAPH <{inferred}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} "
            f"GRAPH <{inferred}> {{ ?s ?p ?o }} }}"
        )
    axioms = read_axioms(store, ontology_graph)
    frontier = list(graphs)
    for index in range(MAX_ROUNDS):
        scratch = f"{inferred}/delta/{index}"
        for update in _rules(axioms, "?premises", scratch, frontier):
            store.update(update)
        if index:
            store.drop_graph(frontier[0])
        if not store.has_graph(scratch) or not store.triple_count(scratch):
            store.drop_graph(scratch)
            return store.triple_count(inferred) - before
        # not ADD: Jena refuses it over a union default graph ("Invalid source target for operation")
        store.update(
            f"INSERT {{ GRAPH <{inferred}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{scratch}> {{ ?s ?p ?o }} }}"
        )
        frontier = [scratch]
    raise RuntimeError(f"materialization did not reach a fixpoint in {MAX_ROUNDS} rounds")
