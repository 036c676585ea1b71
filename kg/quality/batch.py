"""Many graphs validated at once: each on its own, in worker processes when there are enough of them."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

from rdflib import Graph

from kg.quality.shacl import Validator

_PARALLEL_FROM = 8  # below this many graphs, starting worker processes costs more than it saves


@lru_cache(maxsize=1)
def _worker_validator(shapes_path: Path, ontology_path: Path) -> Validator:
    """The validator of a worker process, loaded on its first graph."""
    return Validator(shapes_path, ontology_path)


def _validate_in_worker(job: tuple[Path, Path, str]) -> tuple[bool, str]:
    shapes_path, ontology_path, ntriples = job
    graph = Graph().parse(data=ntriples, format="nt")
    outcome = _worker_validator(shapes_path, ontology_path).validate(graph)
    return outcome.conforms, outcome.report_text


def validate_graphs(
    shapes_path: Path, ontology_path: Path, graphs: Sequence[Graph], processes: int = 0
) -> list[tuple[bool, str]]:
    """Whether each graph conforms, and its report; `processes` 0 means one per CPU core."""
    workers = processes or os.cpu_count() or 1
    if workers < 2 or len(graphs) < _PARALLEL_FROM:
        validator = Validator(shapes_path, ontology_path)
        return [(o.conforms, o.report_text) for o in (validator.validate(g) for g in graphs)]
    jobs = [(shapes_path, ontology_path, g.serialize(format="nt")) for g in graphs]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_validate_in_worker, jobs, chunksize=4))
