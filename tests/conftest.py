"""Fixtures: the graph built once from seeds/, and the real service serving a copy of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from live_server import LiveServer, running_server

from kg.build import build
from kg.settings import Settings


@pytest.fixture(scope="session")
def built_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the store built from the project's seeds."""
    data_dir = tmp_path_factory.mktemp("built") / "data"
    build(Settings(data_dir=data_dir), force=True)
    return data_dir


@pytest.fixture(scope="session")
def server(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The service on a loopback port, over its own copy of the built store."""
    with running_server(built_data, tmp_path_factory.mktemp("server")) as live:
        yield live
