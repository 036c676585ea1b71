"""kill -9 of the server during a burst of conforming writes: every acknowledged write survives, whole."""

from __future__ import annotations

import random
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from fault_support import SEED, Server, fresh_inferences, kill_server, serve, state_of, stop_server

from kg.namespaces import INFERRED_GRAPH
from kg.store.oxigraph import open_store

ROUNDS = 4
CLIENTS = 4
GRAPH = "urn:x-fault:burst/"
TRIPLES_PER_RECORD = 7


def record(name: str) -> str:
    """A conforming hand-made record (source, date, attribution) in a graph of its own: 7 triples."""
    return f"""PREFIX dcterms: <http://purl.org/dc/terms/>
INSERT DATA {{ GRAPH <{GRAPH}{name}> {{
  qcr:fault-institute-{name} a qc:ResearchInstitute ;
    rdfs:label "Fault Institute {name}"@en ; skos:prefLabel "Fault Institute {name}"@en ;
    qc:collaboratesWith qcr:japan ;
    dcterms:source <https://example.org/fault/{name}> ; dcterms:date "2025-06-30"^^xsd:date ;
    prov:wasAttributedTo <https://orcid.org/0000-0002-1825-0097> .
}} }}"""


@dataclass
class Burst:
    """Writes sent by several clients at once until the server goes away: which were acknowledged."""

    server: Server
    run: int
    acknowledged: set[str] = field(default_factory=set)
    refused: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, number: int) -> None:
        headers = {**self.server.live.admin_headers, "Content-Type": "application/sparql-update"}
        with httpx.Client(base_url=self.server.live.base_url, timeout=30) as http:
            for index in range(10_000):
                name = f"{self.run}-{number}-{index}"
                with self.lock:
                    self.sent += 1
                try:
                    answer = http.post("/sparql", content=record(name), headers=headers)
                except httpx.TransportError:
                    return  # the server is gone: this write is not acknowledged
                with self.lock:
                    if answer.status_code in (200, 201, 204):
                        self.acknowledged.add(name)
                    else:
                        self.refused[name] = answer.status_code


def _record_counts(server: Server) -> dict[str, int]:
    """Triples per burst graph, as the service answers."""
    query = (
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(STRSTARTS(STR(?g), '{GRAPH}')) }} GROUP BY ?g"
    )
    answer = httpx.post(
        f"{server.live.base_url}/sparql",
        data={"query": query},
        timeout=60,
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200, answer.text
    rows = answer.json()["results"]["bindings"]
    return {row["g"]["value"].removeprefix(GRAPH): int(row["n"]["value"]) for row in rows}


def test_kill_9_during_a_write_burst_loses_no_acknowledged_write(built_data: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(built_data, data_dir, symlinks=True)
    rng = random.Random(SEED)
    acknowledged: set[str] = set()
    notes: list[str] = []
    for run in range(ROUNDS):
        server = serve(data_dir, tmp_path / f"server-{run}.log")
        burst = Burst(server, run)
        clients = [threading.Thread(target=burst.client, args=(n,)) for n in range(CLIENTS)]
        for thread in clients:
            thread.start()
        moment = rng.uniform(0.3, 3.0)
        time.sleep(moment)
        workers_exited = kill_server(server)
        for thread in clients:
            thread.join(timeout=60)
        assert not burst.refused, f"conforming writes refused: {burst.refused}"
        acknowledged |= burst.acknowledged
        again = serve(data_dir, tmp_path / f"server-{run}-restarted.log")
        try:
            ready = httpx.get(f"{again.live.base_url}/readyz", timeout=10)
            assert ready.status_code == 200 and ready.json()["status"] == "ready"
            counts = _record_counts(again)
        finally:
            stop_server(again)
        partial = {name: n for name, n in counts.items() if n != TRIPLES_PER_RECORD}
        assert not partial, f"round {run}: records stored in part: {partial}"
        assert not acknowledged - set(counts), f"round {run}: acknowledged writes lost"
        with open_store(data_dir / "store", read_only=True) as store:
            stored = state_of(store).inferred
            fresh = fresh_inferences(store)
        assert stored == fresh, (
            f"round {run}: the inferred graph is not a fresh materialization: "
            f"{len(stored - fresh)} extra, {len(fresh - stored)} missing in {INFERRED_GRAPH}"
        )
        unacknowledged = len(set(counts) - acknowledged)
        notes.append(
            f"round {run}: killed at {moment:.2f} s, {burst.sent} sent, {len(burst.acknowledged)} "
            f"acknowledged, {unacknowledged} stored unacknowledged, workers exited alone: {workers_exited}"
        )
    print(notes)
