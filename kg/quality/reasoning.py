"""Reasoning: a HermiT consistency check of the ontology and materialization of inferences.

`check_consistency` runs HermiT (through owlready2, Java 17) on the ontology and optional
instance data. `materialize` rebuilds the named graph qcg:inferred with SPARQL updates
evaluated by Oxigraph, following the RDFS/OWL axioms of the ontology graph: the subclass and
subproperty closures, inverse and symmetric properties and equivalent classes. Domain and
range typing is deliberately left out, since it would hide modelling errors.
"""

from __future__ import annotations

import io
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

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


def _rules(
    ontology_graph: str,
    premises: str = "?g",
    into: str = str(INFERRED_GRAPH),
    graphs: list[str] | None = None,
) -> list[str]:
    """The SPARQL updates; each inserts into `into` what no named graph holds yet.

    Premises come from the graph `premises` names (a variable: every named graph, or those of `graphs`).
    """
    ont = f"<{ontology_graph}>"
    inferred = f"<{into}>"

    values = f"VALUES {premises} {{ {' '.join(f'<{g}>' for g in graphs)} }}" if graphs else ""

    def rule(conclusion: str, where: str) -> str:
        return (
            f"INSERT {{ GRAPH {inferred} {{ {conclusion} }} }}\n"
            f"WHERE {{ {values} {where}\n"
            f"  FILTER NOT EXISTS {{ GRAPH ?asserted {{ {conclusion} }} }} }}"
        )

    return [
        # x a C, C rdfs:subClassOf+ D  =>  x a D
        rule(
            "?x a ?d .",
            f"{{ SELECT DISTINCT ?c ?d WHERE {{ GRAPH {ont} {{ ?c rdfs:subClassOf+ ?d }} "
            "FILTER (isIRI(?c) && isIRI(?d) && ?c != ?d) } }\n  GRAPH " + premises + " { ?x a ?c }",
        ),
        # x a C, C owl:equivalentClass D (either way)  =>  x a D
        rule(
            "?x a ?d .",
            f"{{ SELECT DISTINCT ?c ?d WHERE {{ GRAPH {ont} {{ "
            "{ ?c owl:equivalentClass ?d } UNION { ?d owl:equivalentClass ?c } } "
            "FILTER (isIRI(?c) && isIRI(?d) && ?c != ?d) } }\n  GRAPH " + premises + " { ?x a ?c }",
        ),
        # x p y, p rdfs:subPropertyOf+ q (or owl:equivalentProperty)  =>  x q y
        rule(
            "?x ?q ?y .",
            f"{{ SELECT DISTINCT ?p ?q WHERE {{ GRAPH {ont} {{ "
            "{ ?p rdfs:subPropertyOf+ ?q } UNION { ?p owl:equivalentProperty ?q } "
            "UNION { ?q owl:equivalentProperty ?p } } "
            "FILTER (isIRI(?p) && isIRI(?q) && ?p != ?q) } }\n  GRAPH " + premises + " { ?x ?p ?y }",
        ),
        # x p y, p owl:inverseOf q (either way)  =>  y q x
        rule(
            "?y ?q ?x .",
            f"{{ SELECT DISTINCT ?p ?q WHERE {{ GRAPH {ont} {{ "
            "{ ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } } "
            "FILTER (isIRI(?p) && isIRI(?q)) } }\n  GRAPH "
            + premises
            + " { ?x ?p ?y } FILTER (!isLiteral(?y))",
        ),
        # x p y, p a owl:SymmetricProperty  =>  y p x
        rule(
            "?y ?p ?x .",
            f"GRAPH {ont} {{ ?p a owl:SymmetricProperty }} FILTER (isIRI(?p))\n"
            "  GRAPH " + premises + " { ?x ?p ?y } FILTER (!isLiteral(?y))",
        ),
    ]


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
    rules = _rules(str(ontology_graph))
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
    frontier = list(graphs)
    for index in range(MAX_ROUNDS):
        scratch = f"{inferred}/delta/{index}"
        for update in _rules(str(ontology_graph), "?premises", scratch, frontier):
            store.update(update)
        if index:
            store.drop_graph(frontier[0])
        if not store.has_graph(scratch) or not store.triple_count(scratch):
            store.drop_graph(scratch)
            return store.triple_count(inferred) - before
        store.update(f"ADD <{scratch}> TO <{inferred}>")
        frontier = [scratch]
    raise RuntimeError(f"materialization did not reach a fixpoint in {MAX_ROUNDS} rounds")
