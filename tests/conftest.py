"""Fixtures: the graph built once from seeds/, and the real service serving a copy of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from linking_support import linked_copy
from live_server import LiveServer, running_server

from kg.pipeline.build import build
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
