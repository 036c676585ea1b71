"""Fixtures, each defined once: the graph built from seeds/, the real service over copies of it, and the
ontology, shapes, validator and gazetteer as the code loads them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from linking_support import linked_copy
from live_server import LiveServer, running_server
from paths import ONTOLOGY, SHAPES
from rdflib import Graph

from kg.extract.extractor import Extractor
from kg.extract.gazetteer import Gazetteer
from kg.pipeline.build import build
from kg.quality.shacl import Validator
from kg.settings import Settings


@pytest.fixture(scope="session")
def built_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the store built from the project's seeds."""
    data_dir = tmp_path_factory.mktemp("built") / "data"
    build(Settings(data_dir=data_dir), force=True)
    return data_dir


@pytest.fixture(scope="session")
def linked(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """A copy of the built data with the linksets `qcollab link` writes, and the link report."""
    return linked_copy(built_data, tmp_path_factory.mktemp("linked"))


@pytest.fixture(scope="session")
def linked_server(
    linked: tuple[Path, dict[str, object]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The service over the linked copy."""
    with running_server(linked[0], tmp_path_factory.mktemp("linked-server")) as live:
        yield live


@pytest.fixture(scope="session")
def read_only_server(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The service with no admin token configured: every write is refused."""
    with running_server(built_data, tmp_path_factory.mktemp("read-only"), QCOLLAB_ADMIN_TOKEN="") as live:
        yield live


@pytest.fixture(scope="session")
def server(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The service on a loopback port, over its own copy of the built store."""
    with running_server(built_data, tmp_path_factory.mktemp("server")) as live:
        yield live


@pytest.fixture(scope="session")
def ontology_graph() -> Graph:
    """The ontology (ontology/qcollab.ttl) as an rdflib graph."""
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="session")
def shapes_graph() -> Graph:
    """The SHACL shapes (shapes/qcollab-shapes.ttl) as an rdflib graph."""
    return Graph().parse(SHAPES, format="turtle")


@pytest.fixture(scope="session")
def validator() -> Validator:
    """The SHACL validator over the shapes and ontology the settings name."""
    settings = Settings()
    return Validator(settings.shapes_path, settings.ontology_path)


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The extractor's known entities and aliases."""
    return Gazetteer.load()


@pytest.fixture(scope="session")
def extractor(gazetteer: Gazetteer) -> Extractor:
    """The gazetteer ahead of the pinned statistical model, loaded once."""
    return Extractor.load(gazetteer)


@pytest.fixture(scope="session")
def rules_extractor(extractor: Extractor) -> Extractor:
    """The extractor without its learned judges: what the rules alone read (the judges are statistical and
    measured on the corpus, tests/extract/test_judges.py and docs/extraction.md)."""
    return replace(extractor, pairs=None, names=None)
