"""The commands over each real remote engine the service tests run against (tests/remote_engines.py):
`qcollab build` into an empty engine, then `load` by both protocols, `reason`, `link` and `stats`, each
checked against what the engine holds, asked of it directly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyoxigraph as ox
import pytest
from load_support import wikidata_like
from remote_engines import ENGINES, Engine, empty_engine
from test_remote_commands import qcollab

from kg.store.oxigraph import OxigraphStore
from kg.store.remote_lease import Lease, WriteLease, held_by
from kg.store.remote_reads import STATE_GRAPH

QCG = "https://w3id.org/qcollab/graph/"
QC = "https://w3id.org/qcollab/ontology#"
QCR = "https://w3id.org/qcollab/resource/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass
class Built:
    engine: Engine
    data: Path
    env: dict[str, str]
    run: str  # the build's stdout and stderr

    def counts(self) -> dict[str, int]:
        """Triples per named graph, asked of the engine directly."""
        with self.engine.store() as store:
            return {graph: store.triple_count(graph) for graph in store.named_graphs()}


@pytest.fixture(scope="module", params=ENGINES)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """An empty engine that `qcollab build` filled with the seed documents."""
    root = tmp_path_factory.mktemp(f"commands-{request.param}")
    with empty_engine(request.param, root) as engine:
        env = {
            "QCOLLAB_STORE": "sparql",
            "QCOLLAB_SPARQL_QUERY_URL": engine.query_url,
            "QCOLLAB_SPARQL_UPDATE_URL": engine.update_url,
            "QCOLLAB_SPARQL_GSP_URL": engine.gsp_url,
            **engine.settings,
        }
        run = qcollab(root / "data", env, "build")
        assert run.returncode == 0, run.stdout + run.stderr
        yield Built(engine, root / "data", env, run.stdout + run.stderr)


def test_build_fills_the_engine_as_an_embedded_build(built: Built, built_data: Path) -> None:
    """Regression: on Virtuoso the build stopped at its inferences ("transitive start not given"): the rules
    sent `rdfs:subClassOf+` with both ends free; they now send the ontology's closures as VALUES."""
    with OxigraphStore(built_data / "store", read_only=True) as embedded:
        expected = {graph: embedded.triple_count(graph) for graph in embedded.named_graphs()}
    assert built.counts() == expected
    with built.engine.store() as store:
        assert store.query(f"ASK {{ <{QCR}collaboration/canada--united-kingdom> a <{QC}Collaboration> }}")


@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_load_sends_a_file_larger_than_one_request(built: Built, tmp_path: Path, protocol: str) -> None:
    """1,800 triples in batches of 1,000: more than one INSERT DATA of Virtuoso's may carry."""
    source = tmp_path / f"items-{protocol}.nt"
    source.write_text(wikidata_like(600, start=10_000 if protocol == "gsp" else 20_000))
    env = {**built.env, "QCOLLAB_SPARQL_BATCH_QUADS": "1000", "QCOLLAB_SPARQL_BULK_PROTOCOL": protocol}
    run = qcollab(built.data, env, "load", str(source))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Loaded 1,800 triples" in run.stdout
    assert built.counts()[f"{QCG}load/items-{protocol}"] == 1800


def test_load_of_instances_with_superclasses_adds_their_inferences_on_jena(
    built: Built, tmp_path: Path
) -> None:
    """Regression: on Jena `qcollab load` of data the rules apply to stopped with "Invalid source target
    for operation": ARQ refuses `ADD <g> TO <h>` over a union default graph; the rules now INSERT WHERE."""
    source = tmp_path / "countries.nt"
    source.write_text("".join(f"<urn:x-test:country-{n}> <{RDF_TYPE}> <{QC}Country> .\n" for n in range(30)))
    run = qcollab(built.data, built.env, "load", str(source), "--no-validate")
    assert run.returncode == 0, run.stdout + run.stderr
    with built.engine.store() as store:
        actors = (
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{QCG}inferred> {{ ?c a <{QC}Actor> }} "
            "FILTER(STRSTARTS(STR(?c), 'urn:x-test:country-')) }"
        )
        assert int(next(iter(store.query(actors)))["n"].value) == 30  # type: ignore[arg-type]


def test_reason_rebuilds_the_inferred_graph_on_the_engine(built: Built) -> None:
    inferred = built.counts()[f"{QCG}inferred"]
    with built.engine.store() as store:
        store.drop_graph(f"{QCG}inferred")
    assert f"{QCG}inferred" not in built.counts()
    run = qcollab(built.data, built.env, "reason")
    assert run.returncode == 0, run.stdout + run.stderr
    assert built.counts()[f"{QCG}inferred"] == inferred


def test_link_writes_its_linksets_to_the_engine(built: Built) -> None:
    run = qcollab(built.data, built.env, "link", "--offline")
    assert run.returncode == 0, run.stdout + run.stderr
    counts = built.counts()
    assert counts.get(f"{QCG}linkset/wikidata", 0) > 0 and counts.get(f"{QCG}linkset/dbpedia", 0) > 0


def test_stats_and_query_read_the_engine(built: Built) -> None:
    stats = qcollab(built.data, built.env, "stats", "--format", "json")
    assert stats.returncode == 0, stats.stdout + stats.stderr
    numbers = json.loads(stats.stdout)
    counts = built.counts()
    assert numbers["graphs"] == counts and numbers["triples"] == sum(counts.values())
    partners = f"SELECT ?p WHERE {{ <{QCR}japan> <{QC}collaboratesWith> ?p }}"
    answer = qcollab(built.data, built.env, "query", partners, "--format", "json")
    assert answer.returncode == 0, answer.stdout + answer.stderr
    found = {row["p"]["value"] for row in json.loads(answer.stdout)["results"]["bindings"]}
    assert f"{QCR}australia" in found


@pytest.mark.parametrize("fmt", ["nq", "trig", "ttl"])
def test_export_streams_what_the_engine_holds(built: Built, tmp_path: Path, fmt: str) -> None:
    """The export is the engine's content, read as it arrives: each graph as a dataset, or their union."""
    target = tmp_path / f"export.{fmt}"
    run = qcollab(built.data, built.env, "export", "--format", fmt, "-o", str(target))
    assert run.returncode == 0, run.stdout + run.stderr
    rdf_format = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "ttl": ox.RdfFormat.TURTLE}[fmt]
    exported = set(ox.parse(path=str(target), format=rdf_format))
    with built.engine.store() as store:
        held = set(store.quads())
    if rdf_format.supports_datasets:
        assert exported == held
    else:
        assert exported == {ox.Quad(q.subject, q.predicate, q.object) for q in held}


def test_export_of_one_graph_holds_its_triples_only(built: Built, tmp_path: Path) -> None:
    target = tmp_path / "ontology.nt"
    ontology = f"{QCG}ontology"
    run = qcollab(built.data, built.env, "export", "--format", "nt", "--graph", ontology, "-o", str(target))
    assert run.returncode == 0, run.stdout + run.stderr
    exported = set(ox.parse(path=str(target), format=ox.RdfFormat.N_TRIPLES))
    with built.engine.store() as store:
        assert len(exported) == store.triple_count(ontology) > 100


def lease_triples(built: Built) -> int:
    with built.engine.store() as store:
        rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{STATE_GRAPH}> {{ ?s ?p ?o }} }}")
        return int(next(iter(rows))["n"].value)  # type: ignore[arg-type]


def test_a_second_writing_command_stops_while_another_holds_the_write_lease(
    built: Built, tmp_path: Path
) -> None:
    """Two commands writing one remote store at once: the second stops before it writes, naming the first;
    once the first has ended, it runs, and drops its own lease at its end."""
    source = tmp_path / "leased.nt"
    source.write_text(wikidata_like(20, start=30_000))
    holder = "qcollab load (pid 7 on loader-host)"
    with built.engine.store() as store:
        lease = WriteLease(store, 30, holder=holder)
        lease.take()
        try:
            run = qcollab(built.data, built.env, "load", str(source))
            assert run.returncode != 0
            assert f"being written by {holder}" in " ".join((run.stdout + run.stderr).split())
            assert f"{QCG}load/leased" not in built.counts()
        finally:
            lease.release()
    run = qcollab(built.data, built.env, "load", str(source))
    assert run.returncode == 0, run.stdout + run.stderr
    assert built.counts()[f"{QCG}load/leased"] == 60
    assert lease_triples(built) == 0


def test_the_lease_of_a_command_that_died_expires(built: Built, tmp_path: Path) -> None:
    dead = Lease("qcollab build (pid 9 on gone-host)", datetime.now(UTC) - timedelta(seconds=5))
    with built.engine.store() as store:
        store.update(f"INSERT DATA {{ GRAPH <{STATE_GRAPH}> {{ {dead.triples()} }} }}")
        assert held_by(store) is None
    source = tmp_path / "after-death.nt"
    source.write_text(wikidata_like(5, start=40_000))
    run = qcollab(built.data, built.env, "load", str(source))
    assert run.returncode == 0, run.stdout + run.stderr
    assert lease_triples(built) == 0
