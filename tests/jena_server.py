"""Apache Jena for the remote-store tests, as a stand-in for Fuseki: Jena's SPARQL engine (ARQ) over a TDB2
database, from Debian's `libapache-jena-java` (Fuseki itself is only on Maven Central), behind the tests' own
SPARQL 1.1 Protocol + Graph Store Protocol server (tests/jena_server/JenaSparqlServer.java, Fuseki's
endpoints of a dataset /ds). The Java file is compiled with the JDK's javac against the Debian jars (the
package and the Java packages it depends on, as dpkg lists them) into build/jena-server/ (ignored by git),
once per version of the source and the jars; the server runs in a folder of the test, on a free loopback
port, over a TDB2 database made with the union default graph (as Fuseki's `tdb2:unionDefaultGraph true`),
is loaded with a dump through the Graph Store Protocol, and is restartable on its port."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from live_server import free_port, stop
from paths import ROOT

from kg.store.dialects import dialect_named
from kg.store.remote import RemoteStore
from kg.store.remote_text import batches, ntriples
from kg.store.sparql_http import SparqlHttpClient

PACKAGE = "libapache-jena-java"
JENA_ARQ = Path("/usr/share/java/jena-arq.jar")
SOURCE = ROOT / "tests" / "jena_server" / "JenaSparqlServer.java"
CACHE = ROOT / "build" / "jena-server"
MAIN_CLASS = "JenaSparqlServer"
# slf4j 1.7 takes one binding: slf4j-simple (to the log); libslf4j-java's other bindings and bridges stay out
LEFT_OUT = re.compile(r"/(slf4j-(jcl|jdk14|log4j12|nop|migrator)|(jul-to|log4j-over|jcl-over)-slf4j)[-.]")
# Debian's jena-core holds Jena's copy of Xerces as package `xerces.*` but its message bundles under
# org/apache/jena/ext/xerces/, so Xerces' regular expressions (and with them every XSD datatype) fail at
# start-up ("Installation Problem??? Couldn't load messages"); the bundles are copied to where it looks.
XERCES_BUNDLES = "org/apache/jena/ext/xerces/"


def java_tools() -> tuple[str, str]:
    """`java` and `javac` (Debian's default-jdk-headless; `make test` installs Java), or skip."""
    java, javac = shutil.which("java"), shutil.which("javac")
    if java is None or javac is None:
        pytest.skip("a JDK (java and javac) is needed to run Jena (apt-get install default-jdk-headless)")
    return java, javac


def jena_classpath() -> list[Path]:
    """The jars of libapache-jena-java and of the Java packages it depends on, recursively, or skip: it is a
    Debian package (.ci/system-deps.sh installs it for `make test`)."""
    if not JENA_ARQ.exists() or shutil.which("dpkg-query") is None:
        pytest.skip(f"Apache Jena is not installed (apt-get install {PACKAGE}, as `make test` does)")
    jars: dict[str, Path] = {}
    seen: set[str] = set()
    pending = [PACKAGE]
    while pending:
        package = pending.pop()
        if package in seen:
            continue
        seen.add(package)
        fields = _dpkg("-W", "-f=${Depends}", package)
        for alternative in re.split(r"[,|]", fields):
            name = re.split(r"[\s(:]", alternative.strip(), maxsplit=1)[0]
            if name.endswith("-java"):
                pending.append(name)
        for line in sorted(_dpkg("-L", package).splitlines()):
            if re.fullmatch(r"/usr/share/java/[^/]+\.jar", line) and not LEFT_OUT.search(line):
                jars.setdefault(os.path.realpath(line), Path(line))  # one of each jar and its versioned name
    return sorted(jars.values())


def _dpkg(*args: str) -> str:
    done = subprocess.run(["dpkg-query", *args], capture_output=True, text=True, check=False)
    return done.stdout if done.returncode == 0 else ""  # a dependency that is not installed adds nothing


def compiled_server() -> list[Path]:
    """The classpath of the compiled server: its classes (compiled once per source and jars, under
    build/jena-server/), the Xerces bundles, then the jars."""
    _, javac = java_tools()
    jars = jena_classpath()
    digest = hashlib.sha256(SOURCE.read_bytes())
    for jar in jars:
        digest.update(f"{jar}:{jar.stat().st_size}:{jar.stat().st_mtime_ns}\n".encode())
    target = CACHE / digest.hexdigest()[:16]
    if not (target / f"{MAIN_CLASS}.class").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(dir=CACHE, prefix="compiling-"))
        classpath = os.pathsep.join(map(str, jars))
        done = subprocess.run(
            [javac, "-encoding", "UTF-8", "-d", str(scratch), "-cp", classpath, str(SOURCE)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            shutil.rmtree(scratch, ignore_errors=True)
            raise RuntimeError(f"javac failed on {SOURCE}:\n{done.stdout}{done.stderr}")
        _copy_xerces_bundles(jars, scratch)
        try:
            scratch.rename(target)  # whole, or not at all (another run may have got there first)
        except OSError:
            shutil.rmtree(scratch, ignore_errors=True)
    return [target, *jars]


def _copy_xerces_bundles(jars: list[Path], folder: Path) -> None:
    core = next((jar for jar in jars if jar.name.startswith("jena-core")), None)
    if core is None:
        return
    with zipfile.ZipFile(core) as archive:
        for name in archive.namelist():
            if name.startswith(XERCES_BUNDLES) and name.endswith(".properties"):
                copy = folder / "xerces" / name[len(XERCES_BUNDLES) :]
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_bytes(archive.read(name))


@dataclass
class JenaServer:
    """The tests' Fuseki stand-in over a TDB2 database in `root`, on a fixed loopback port: `kill` and
    `start` again."""

    root: Path
    port: int
    union_default_graph: bool = True
    process: subprocess.Popen[bytes] | None = None
    classpath: str = ""  # found and compiled at the first start

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.base_url + "/ds/query"

    @property
    def update_url(self) -> str:
        return self.base_url + "/ds/update"

    @property
    def gsp_url(self) -> str:
        return self.base_url + "/ds/data"

    def start(self, seconds: float = 60) -> None:
        java, _ = java_tools()
        self.classpath = self.classpath or os.pathsep.join(map(str, compiled_server()))
        command = [
            java,
            f"-Xmx{os.environ.get('QCOLLAB_TEST_JENA_HEAP', '512m')}",  # more in bench_remote.py
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp",
            self.classpath,
            MAIN_CLASS,
            str(self.root / "tdb2"),
            str(self.port),
            "true" if self.union_default_graph else "false",
        ]
        with (self.root / "jena.log").open("ab") as log:
            self.process = subprocess.Popen(command, cwd=self.root, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + seconds
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Jena server exited early:\n{self._log()}")
            try:
                if httpx.get(self.query_url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the Jena server did not answer at {self.query_url}:\n{self._log()}")
            time.sleep(0.1)

    def kill(self) -> None:
        if self.process is not None:
            stop(self.process, timeout=30)
            self.process = None

    def store(self) -> RemoteStore:
        """The remote store over this server, as the service opens it (QCOLLAB_SPARQL_ENGINE=fuseki)."""
        client = SparqlHttpClient(self.query_url, self.update_url, self.gsp_url, retries=1)
        default_graph = "union" if self.union_default_graph else "own"
        return RemoteStore(
            client, default_graph=default_graph, union_request="jena", dialect=dialect_named("fuseki")
        )

    def _log(self) -> str:
        log = self.root / "jena.log"
        return log.read_text(errors="replace")[-4000:] if log.exists() else "(no log)"


def seed(server: JenaServer, dump: Path, batch: int = 10_000) -> None:
    """Load an N-Quads dump as `qcollab load` sends it (QCOLLAB_SPARQL_BULK_PROTOCOL=gsp): Graph Store
    POSTs of N-Triples per graph, blank nodes as skolem IRIs."""
    by_graph: dict[str, list[ox.Quad]] = {}
    for quad in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS):
        assert isinstance(quad.graph_name, ox.NamedNode), "the project keeps its data in named graphs"
        by_graph.setdefault(quad.graph_name.value, []).append(quad)
    with server.store() as store:
        for graph, quads in by_graph.items():
            for part in batches(quads, batch):
                store.client.gsp_write("POST", graph, ntriples(part))


@contextmanager
def running_jena(
    root: Path, dump: Path | None = None, *, union_default_graph: bool = True
) -> Iterator[JenaServer]:
    """A new TDB2 database in `root` behind the server, loaded with an N-Quads `dump` if given; its default
    graph the union of the named graphs unless `union_default_graph` is False (then a query asks for it as
    `urn:x-arq:UnionGraph`, QCOLLAB_SPARQL_UNION_REQUEST=jena)."""
    root.mkdir(parents=True, exist_ok=True)
    server = JenaServer(root, free_port(), union_default_graph)
    server.start()
    try:
        if dump is not None:
            seed(server, dump)
        yield server
    finally:
        server.kill()
