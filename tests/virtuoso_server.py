"""Virtuoso Open Source 7 (Debian's `virtuoso-opensource`) for the remote-store tests: `virtuoso-t` in the
foreground with its own virtuoso.ini in a folder of the test (its database there, its SQL and HTTP ports
free loopback ports, nothing read from /etc), set up over `isql-vt` as docs/scale-out.md tells an operator
to (SPARQL update granted to the SPARQL user, Virtuoso's own graphs made private), loaded with a dump
through the remote store's own load path, and restartable on its ports."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from live_server import free_port, stop

from kg.store.dialects import dialect_named
from kg.store.remote import RemoteStore
from kg.store.remote_text import batches, ntriples
from kg.store.sparql_http import SparqlHttpClient

PRIVATE = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"
OWN_GRAPHS = (  # what a new Virtuoso database holds: its schema and sample graphs
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
)
SETUP = [
    'GRANT SPARQL_UPDATE TO "SPARQL";',
    f"DB.DBA.RDF_GRAPH_GROUP_CREATE ('{PRIVATE}', 1);",
    *(f"DB.DBA.RDF_GRAPH_GROUP_INS ('{PRIVATE}', '{graph}');" for graph in OWN_GRAPHS),
    "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);",  # read, write, sponge: every other graph
    "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);",  # nothing of the private graphs
]
INI = """[Database]
DatabaseFile = {root}/virtuoso.db
ErrorLogFile = {root}/virtuoso.log
LockFile = {root}/virtuoso.lck
TransactionFile = {root}/virtuoso.trx
xa_persistent_file = {root}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {root}/virtuoso-temp.db
TransactionFile = {root}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 20
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {root}
MaxClientConnections = 20
ServerThreads = 20
Charset = UTF-8
EnabledDavVSP = 0
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
"""


def virtuoso_binary() -> str:
    """`virtuoso-t`, or skip: it is a Debian package (.ci/system-deps.sh installs it for `make test`)."""
    found = shutil.which("virtuoso-t")
    if found is None or shutil.which("isql-vt") is None:
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource, as `make test` does)")
    return found


@dataclass
class VirtuosoServer:
    """`virtuoso-t` over a database in `root`, on fixed loopback ports: `kill` and `start` again."""

    root: Path
    sql_port: int
    http_port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        return self.base_url + "/sparql"

    @property
    def update_url(self) -> str:
        return self.base_url + "/sparql"

    @property
    def gsp_url(self) -> str:
        return self.base_url + "/sparql-graph-crud"

    def start(self, seconds: float = 60) -> None:
        ini = self.root / "virtuoso.ini"
        with (self.root / "virtuoso-t.out").open("ab") as out:
            self.process = subprocess.Popen(
                [virtuoso_binary(), "+foreground", "+configfile", str(ini)],
                cwd=self.root,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + seconds
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited early:\n{self._log()}")
            try:
                if httpx.get(self.query_url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"virtuoso-t did not answer at {self.query_url}:\n{self._log()}")
            time.sleep(0.1)

    def kill(self) -> None:
        if self.process is not None:
            stop(self.process, timeout=30)
            self.process = None

    def isql(self, *statements: str) -> None:
        """Run SQL statements as dba (the password of a new database) over the SQL port."""
        script = "\n".join([*statements, "EXIT;", ""])
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba"],
            input=script.encode(),
            capture_output=True,
            timeout=60,
            check=False,
        )
        text = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
        if done.returncode != 0 or "*** Error" in text:
            raise RuntimeError(f"isql-vt failed:\n{text}")

    def store(self) -> RemoteStore:
        """The remote store over this server, as the service opens it (QCOLLAB_SPARQL_ENGINE=virtuoso)."""
        client = SparqlHttpClient(self.query_url, self.update_url, self.gsp_url, retries=1)
        return RemoteStore(client, default_graph="union", dialect=dialect_named("virtuoso"))

    def _log(self) -> str:
        log = self.root / "virtuoso.log"
        return log.read_text(errors="replace")[-4000:] if log.exists() else "(no log)"


def seed(server: VirtuosoServer, dump: Path, batch: int = 10_000) -> None:
    """Load an N-Quads dump as `qcollab load` sends it (QCOLLAB_SPARQL_BULK_PROTOCOL=gsp): Graph Store
    POSTs of N-Triples per graph, blank nodes as skolem IRIs. (Virtuoso refuses an INSERT DATA of some
    hundred quads: "the length of generated SQL text has exceeded 10000 lines".)"""
    by_graph: dict[str, list[ox.Quad]] = {}
    for quad in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS):
        assert isinstance(quad.graph_name, ox.NamedNode), "the project keeps its data in named graphs"
        by_graph.setdefault(quad.graph_name.value, []).append(quad)
    with server.store() as store:
        for graph, quads in by_graph.items():
            for part in batches(quads, batch):
                store.client.gsp_write("POST", graph, ntriples(part))


@contextmanager
def running_virtuoso(root: Path, dump: Path | None = None) -> Iterator[VirtuosoServer]:
    """A new Virtuoso database in `root`, set up for the service, loaded with an N-Quads `dump` if given."""
    root.mkdir(parents=True, exist_ok=True)
    server = VirtuosoServer(root, free_port(), free_port())
    ini = INI.format(root=root, sql_port=server.sql_port, http_port=server.http_port)
    (root / "virtuoso.ini").write_text(ini)
    server.start()
    try:
        server.isql(*SETUP)
        if dump is not None:
            seed(server, dump)
        yield server
    finally:
        server.kill()
