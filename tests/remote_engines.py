"""The remote engines the service's remote-store tests run against, each started on loopback and loaded
with the built seed graph: the Oxigraph server (tests/remote_stores.py), Virtuoso Open Source 7
(tests/virtuoso_server.py) and Apache Jena ARQ over TDB2 behind the tests' own Fuseki-like server
(tests/jena_server.py), the last two skipped when they are not installed. An Engine gives its endpoints,
the service settings that point at it, and the routes a test front (remote_stores.http_front) maps its
own /query, /update and /store paths to."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from jena_server import JenaServer, running_jena
from remote_stores import OxigraphServer, SeededOxigraph, dump_store, seeded_oxigraph, writable_oxigraph
from virtuoso_server import VirtuosoServer, running_virtuoso

from kg.store.dialects import dialect_named
from kg.store.remote import RemoteStore
from kg.store.sparql_http import SparqlHttpClient

ENGINES = ("oxigraph", "virtuoso", "jena")


@dataclass
class Engine:
    name: str
    server: SeededOxigraph | OxigraphServer | VirtuosoServer | JenaServer  # kill() and start() again
    query_url: str
    update_url: str
    gsp_url: str
    settings: dict[str, str]  # QCOLLAB_SPARQL_* settings of the service over this engine

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def store(self) -> RemoteStore:
        """A RemoteStore straight to the engine, opened as the service opens it with `settings`."""
        client = SparqlHttpClient(self.query_url, self.update_url, self.gsp_url)
        if self.name == "virtuoso":
            return RemoteStore(client, default_graph="union", dialect=dialect_named("virtuoso"))
        if self.name == "jena":
            return RemoteStore(client, default_graph="union", dialect=dialect_named("fuseki"))
        return RemoteStore(client, union_request="oxigraph", dialect=dialect_named(self.name))

    @property
    def routes(self) -> dict[str, str]:
        urls = {"/query": self.query_url, "/update": self.update_url, "/store": self.gsp_url}
        return {path: urlsplit(url).path for path, url in urls.items()}


@contextmanager
def seeded_engine(name: str, built_data: Path, root: Path) -> Iterator[Engine]:
    """The engine `name`, loaded with the quads of the built store."""
    dump = dump_store(built_data / "store", root / "seed.nq")
    if name == "oxigraph":
        with seeded_oxigraph(root / "oxigraph", dump) as oxigraph:
            base = oxigraph.base_url
            settings = {"QCOLLAB_SPARQL_ENGINE": "oxigraph", "QCOLLAB_SPARQL_UNION_REQUEST": "oxigraph"}
            yield Engine(name, oxigraph, base + "/query", base + "/update", base + "/store", settings)
        return
    if name == "jena":  # Fuseki's protocols over TDB2 with tdb2:unionDefaultGraph
        with running_jena(root / "jena", dump) as jena:
            settings = {"QCOLLAB_SPARQL_ENGINE": "fuseki", "QCOLLAB_SPARQL_DEFAULT_GRAPH": "union"}
            yield Engine(name, jena, jena.query_url, jena.update_url, jena.gsp_url, settings)
        return
    with running_virtuoso(root / "virtuoso", dump) as virtuoso:
        settings = {"QCOLLAB_SPARQL_ENGINE": "virtuoso", "QCOLLAB_SPARQL_DEFAULT_GRAPH": "union"}
        yield Engine(name, virtuoso, virtuoso.query_url, virtuoso.update_url, virtuoso.gsp_url, settings)


@contextmanager
def empty_engine(name: str, root: Path) -> Iterator[Engine]:
    """The engine `name`, new and empty, writable: for the commands that fill it."""
    if name == "oxigraph":
        with writable_oxigraph(root / "oxigraph") as oxigraph:
            base = oxigraph.base_url
            settings = {"QCOLLAB_SPARQL_ENGINE": "oxigraph", "QCOLLAB_SPARQL_UNION_REQUEST": "oxigraph"}
            yield Engine(name, oxigraph, base + "/query", base + "/update", base + "/store", settings)
        return
    if name == "jena":
        with running_jena(root / "jena") as jena:
            settings = {"QCOLLAB_SPARQL_ENGINE": "fuseki", "QCOLLAB_SPARQL_DEFAULT_GRAPH": "union"}
            yield Engine(name, jena, jena.query_url, jena.update_url, jena.gsp_url, settings)
        return
    with running_virtuoso(root / "virtuoso") as virtuoso:
        settings = {"QCOLLAB_SPARQL_ENGINE": "virtuoso", "QCOLLAB_SPARQL_DEFAULT_GRAPH": "union"}
        yield Engine(name, virtuoso, virtuoso.query_url, virtuoso.update_url, virtuoso.gsp_url, settings)
