"""Many graphs validated at once: each on its own, in worker processes when there are enough of them."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

from rdflib import Graph

from kg.quality.shacl import Validator
from kg.settings import ShaclEngineName

_PARALLEL_FROM = 8  # below this many graphs, starting worker processes costs more than it saves
BATCH_SIZE = 20  # graphs validated together in one call


@lru_cache(maxsize=1)
def _worker_validator(shapes_path: Path, ontology_path: Path, engine: ShaclEngineName | None) -> Validator:
    """The validator of a worker process, loaded on its first graph."""
    return Validator(shapes_path, ontology_path, engine)


def _validate_in_worker(job: tuple[Path, Path, ShaclEngineName | None, str]) -> tuple[bool, str]:
    shapes_path, ontology_path, engine, ntriples = job
    graph = Graph().parse(data=ntriples, format="nt")
    outcome = _worker_validator(shapes_path, ontology_path, engine).validate(graph)
    return outcome.conforms, outcome.report_text


def validate_graphs(
    shapes_path: Path,
    ontology_path: Path,
    graphs: Sequence[Graph],
    processes: int = 0,
    ntriples: Sequence[bytes] | None = None,
    engine: ShaclEngineName | None = None,
) -> list[tuple[bool, str]]:
    """Whether each batch of graphs conforms, and its report; `processes` 0 means one per CPU core.

    The graphs are validated in batches (their union, `BATCH_SIZE` at a time): pySHACL's cost per call is
    large, and graphs that may be judged one by one may as well be judged together. `ntriples`, the
    graphs already serialized (in the same order), saves serializing them again for the workers.
    """
    workers = processes or os.cpu_count() or 1
    starts = range(0, len(graphs), BATCH_SIZE)
    if workers < 2 or len(graphs) < _PARALLEL_FROM:
        validator = Validator(shapes_path, ontology_path, engine)
        outcomes = (validator.validate(_union(graphs[i : i + BATCH_SIZE])) for i in starts)
        return [(o.conforms, o.report_text) for o in outcomes]
    # A generator: each batch is serialized while the workers already validate the ones before it.
    jobs = (
        (shapes_path, ontology_path, engine, _ntriples(graphs[i : i + BATCH_SIZE], ntriples, i))
        for i in starts
    )
    with ProcessPoolExecutor(min(workers, len(starts))) as pool:
        return list(pool.map(_validate_in_worker, jobs))


def _ntriples(graphs: Sequence[Graph], serialized: Sequence[bytes] | None, start: int) -> str:
    """The graphs as one N-Triples document (a worker's input)."""
    if serialized is not None:
        return b"".join(serialized[start : start + len(graphs)]).decode("utf-8")
    return "".join(g.serialize(format="nt") for g in graphs)


def _union(graphs: Sequence[Graph]) -> Graph:
    union = Graph()
    for graph in graphs:
        union += graph
    return union
