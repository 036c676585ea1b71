"""A RemoteStore when its server is down, slow, refuses credentials or answers errors; writes in batches;
the settings that choose it."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from live_server import stop
from pydantic import ValidationError
from remote_stores import OxigraphServer, http_front, writable_oxigraph

from kg.errors import (
    RdfSyntaxError,
    RemoteStoreAuthError,
    RemoteStoreTimeoutError,
    RemoteStoreUnreachableError,
)
from kg.settings import Settings
from kg.store.factory import open_configured_store
from kg.store.oxigraph import OxigraphStore
from kg.store.remote import RemoteStore
from kg.store.sparql_http import SparqlHttpClient, auth_from

EX = "http://example.org/"
ASK = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with writable_oxigraph(tmp_path_factory.mktemp("oxigraph")) as running:
        yield running


def through(base_url: str, **options: object) -> RemoteStore:
    client = SparqlHttpClient(base_url + "/query", base_url + "/update", base_url + "/store", **options)  # type: ignore[arg-type]
    return RemoteStore(client, union_request="oxigraph", batch_quads=10)


def test_large_writes_are_split_into_batches(server: OxigraphServer) -> None:
    with http_front(server.base_url) as front, through(front.url) as store:
        store.clear()
        quads = [
            ox.Quad(
                ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i)), ox.NamedNode(EX + "g")
            )
            for i in range(35)
        ]
        before = front.count("/update")
        store.bulk_add(quads)
        assert front.count("/update") - before == 4
        assert (
            max(len(body.split(b" .\n")) - 1 for method, path, body in front.seen if path == "/update") <= 10
        )
        assert set(store.quads_in_graph(EX + "g")) == set(quads)


def test_a_server_that_is_down_is_reported_within_the_timeout(tmp_path: Path) -> None:
    with writable_oxigraph(tmp_path / "doomed") as doomed:
        store = through(doomed.base_url, timeout_seconds=2, retries=2)
        assert not bool(store.query(ASK))
        stop(doomed.process)
        started = time.monotonic()
        with pytest.raises(RemoteStoreUnreachableError, match="cannot be reached"):
            store.query(ASK)
        assert time.monotonic() - started < 2
        with pytest.raises(RemoteStoreUnreachableError):
            store.update(f"INSERT DATA {{ <{EX}a> <{EX}b> <{EX}c> }}")


def test_a_slow_server_times_out(server: OxigraphServer) -> None:
    with (
        http_front(server.base_url, delay_seconds=3) as front,
        through(front.url, timeout_seconds=0.5) as store,
    ):
        started = time.monotonic()
        with pytest.raises(RemoteStoreTimeoutError, match="0.5 s"):
            store.query(ASK)
        assert time.monotonic() - started < 1.5
        assert front.count("/query") == 1  # a timeout is not retried: the deadline is spent


@pytest.mark.parametrize(
    ("settings", "header"),
    [
        (
            {"sparql_auth": "basic", "sparql_user": "ada", "sparql_password": "s3cret"},
            "Basic " + base64.b64encode(b"ada:s3cret").decode(),
        ),
        ({"sparql_auth": "bearer", "sparql_token": "tok-123"}, "Bearer tok-123"),
    ],
)
def test_credentials_are_sent(server: OxigraphServer, settings: dict[str, str], header: str) -> None:
    with http_front(server.base_url, authorization=header) as front:
        with through(front.url) as anonymous, pytest.raises(RemoteStoreAuthError, match="401"):
            anonymous.query(ASK)
        configured = Settings(
            store="sparql",
            sparql_query_url=front.url + "/query",
            sparql_update_url=front.url + "/update",
            **settings,
        )
        with through(front.url, auth=auth_from(configured)) as store:
            store.update(f"INSERT DATA {{ GRAPH <{EX}auth> {{ <{EX}a> <{EX}b> <{EX}c> }} }}")
            assert store.has_graph(EX + "auth")
            store.drop_graph(EX + "auth")


def test_reads_are_retried_after_503_but_not_after_400(server: OxigraphServer) -> None:
    with http_front(server.base_url, fail_with=[503, 502]) as front, through(front.url) as store:
        assert not bool(store.query(f"ASK {{ <{EX}none> ?p ?o }}"))
        assert front.count("/query") == 3
        front.fail_with.append(400)
        with pytest.raises(RdfSyntaxError, match="injected failure"):
            store.query(ASK)
        assert front.count("/query") == 4


def test_writes_are_retried_only_when_they_cannot_have_been_applied(server: OxigraphServer) -> None:
    insert = f"INSERT DATA {{ GRAPH <{EX}w> {{ <{EX}a> <{EX}b> <{EX}c> }} }}"
    with http_front(server.base_url, fail_with=[503]) as front, through(front.url) as store:
        with pytest.raises(RemoteStoreUnreachableError, match="503"):
            store.update(insert)
        assert front.count("/update") == 1
    with http_front(server.base_url, fail_with=[503], retry_after=0) as front, through(front.url) as store:
        store.update(insert)
        assert front.count("/update") == 2 and store.has_graph(EX + "w")
        store.drop_graph(EX + "w")


def test_settings_choose_the_store(tmp_path: Path, server: OxigraphServer) -> None:
    with pytest.raises(ValidationError, match="QCOLLAB_SPARQL_QUERY_URL, QCOLLAB_SPARQL_UPDATE_URL"):
        Settings(store="sparql")
    with pytest.raises(ValidationError, match="QCOLLAB_SPARQL_TOKEN"):
        Settings(
            store="sparql",
            sparql_query_url="http://x/q",
            sparql_update_url="http://x/u",
            sparql_auth="bearer",
        )
    with pytest.raises(ValidationError, match="QCOLLAB_SPARQL_GSP_URL"):
        Settings(
            store="sparql",
            sparql_query_url="http://x/q",
            sparql_update_url="http://x/u",
            sparql_default_graph="union",
        )
    remote = open_configured_store(
        Settings(store="sparql", sparql_query_url=server.query_url, sparql_update_url=server.update_url)
    )
    with remote:
        assert isinstance(remote, RemoteStore) and remote.quad_count() >= 0
    with open_configured_store(Settings(data_dir=tmp_path)) as embedded:
        assert isinstance(embedded, OxigraphStore)
