"""`qcollab export` over a remote store: the engine's CONSTRUCT answers serialized as they arrive.

Memory stays bounded whatever the store's size: each graph is asked for with one CONSTRUCT whose
N-Triples answer is read in chunks (SparqlHttpClient.streamed_triples), its skolem IRIs turned back into
blank nodes on the way (SkolemFilter), parsed lazily and written by pyoxigraph's serializer. The output is
that of the embedded store's `dump`: a dataset format gets the default graph's own triples and each
named graph; a triple format the union of all graphs, duplicates removed by the engine (DISTINCT).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO

import pyoxigraph as ox

from kg.namespaces import PREFIXES
from kg.store.oxigraph import EXPORT_FORMATS
from kg.store.remote_reads import STATE_GRAPH, RemoteReads
from kg.store.remote_stream import SkolemFilter

Target = ox.NamedNode | ox.DefaultGraph


class _ChunkReader(io.RawIOBase):
    """An iterator of byte chunks as a binary file, for pyoxigraph's parser to read from."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self.pending:
            chunk = next(self.chunks, None)
            if chunk is None:
                return 0
            self.pending = chunk
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def dump(reads: RemoteReads, fmt: str, output: IO[bytes], graph: str | None = None) -> None:
    """Serialize the remote dataset (or one named graph) in an export format, streamed."""
    rdf_format = EXPORT_FORMATS[fmt]
    if graph is not None:
        named = f"GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }}"
        _write(_triples(reads, named, ox.DefaultGraph(), rdf_format.supports_datasets), output, rdf_format)
    elif rdf_format.supports_datasets:
        _write(_dataset(reads), output, rdf_format)
    else:
        union = f"SELECT DISTINCT ?s ?p ?o WHERE {{ {_everything(reads)} }}"
        _write(_triples(reads, union, ox.DefaultGraph(), False), output, rdf_format)


def _everything(reads: RemoteReads) -> str:
    """The pattern of every triple of the dataset but the store's own state mark (kg.store.remote)."""
    named = f"{{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{STATE_GRAPH}>) }}"
    if reads.default_is_union:  # the engine's default graph is the union: its own one is not asked apart
        return named
    return f"{{ ?s ?p ?o }} UNION {named}"


def _dataset(reads: RemoteReads) -> Iterator[ox.Quad]:
    """The default graph's own triples, then each named graph's, as quads."""
    if reads.default_is_union:
        yield from reads._own_default()
    else:
        yield from _triples(reads, "?s ?p ?o", ox.DefaultGraph(), True)  # type: ignore[misc]
    for name in reads.named_graphs():
        target = ox.NamedNode(name)
        yield from _triples(reads, f"GRAPH {target} {{ ?s ?p ?o }}", target, True)  # type: ignore[misc]


def _triples(reads: RemoteReads, where: str, target: Target, as_quads: bool) -> Iterator[ox.Triple | ox.Quad]:
    """The triples matching `where` (binding ?s ?p ?o), as they arrive; as quads in `target` if asked."""
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}"
    with reads.client.streamed_triples(construct) as (media_type, chunks):
        rdf_format = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.N_TRIPLES
        skolems = SkolemFilter("application/n-triples")
        for quad in ox.parse(_ChunkReader(_unskolemized(chunks, skolems)), rdf_format):
            if as_quads:
                yield ox.Quad(quad.subject, quad.predicate, quad.object, target)
            else:
                yield ox.Triple(quad.subject, quad.predicate, quad.object)


def _unskolemized(chunks: Iterator[bytes], skolems: SkolemFilter) -> Iterator[bytes]:
    for chunk in chunks:
        yield skolems.feed(chunk)
    yield skolems.finish()


def _write(
    items: Iterator[ox.Triple] | Iterator[ox.Quad], output: IO[bytes], rdf_format: ox.RdfFormat
) -> None:
    ox.serialize(items, output, rdf_format, prefixes=PREFIXES)
