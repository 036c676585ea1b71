"""Files for bulk loads: their RDF syntax (from the suffix or a name), gzip, and the bytes read so far.

A file is always read as a stream (never whole into memory): gzip data (by its magic bytes, whatever
the name) is decompressed on the fly, and a counting reader reports the bytes taken from the file on
disk, which is what a progress bar of a compressed file can show.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.errors import DocumentError, FileSyntaxError, RdfSyntaxError, UnsupportedFormatError
from kg.formats.parsing import syntax_error_from
from kg.formats.table import by_media_type, rdf_formats

GZIP_MAGIC = b"\x1f\x8b"
COMPRESSED_SUFFIX = ".gz"
CHUNK = 1 << 20  # bytes read at a time when scanning
REPORT_EVERY = 1 << 20  # bytes between two progress reports
Progress = Callable[[int], None]  # bytes of the file read so far

# Every name, alias and suffix of an RDF syntax in the formats table, for --format and for file names.
_NAMES: dict[str, ox.RdfFormat] = {
    name: f.rdf for f in rdf_formats() for name in (*f.format_names, *f.file_suffixes)
}


def format_named(name: str) -> ox.RdfFormat:
    """The RDF syntax of a name, file suffix or media type (ttl, turtle, nq, application/ld+json …)."""
    if "/" in name:
        return by_media_type(name).rdf
    key = name.lower().lstrip(".")
    if key not in _NAMES:
        raise UnsupportedFormatError(f"unknown RDF format {name!r}: use one of {', '.join(sorted(_NAMES))}")
    return _NAMES[key]


def plain_name(path: Path) -> Path:
    """The file name without a compression suffix (data.nt.gz -> data.nt)."""
    return path.with_suffix("") if path.suffix.lower() == COMPRESSED_SUFFIX else path


def format_of(path: Path) -> ox.RdfFormat:
    """The RDF syntax of a file, from its suffix (after a .gz one)."""
    suffix = plain_name(path).suffix
    try:
        return format_named(suffix or "(none)")
    except UnsupportedFormatError:
        known = " ".join(f".{f.suffix}" for f in rdf_formats())
        raise UnsupportedFormatError(
            f"{path}: cannot tell the RDF syntax from the file name: give --format, or name it {known} "
            "(optionally .gz)"
        ) from None


@dataclass(frozen=True)
class LoadFile:
    """One file to load: where it is, its syntax, the base of its relative IRIs and its name in messages."""

    path: Path
    fmt: ox.RdfFormat
    base_iri: str | None = None
    label: str | None = None  # None: syntax errors carry no file name (a request body)

    @classmethod
    def of(cls, path: Path, fmt: str | None = None) -> LoadFile:
        """A file named on the command line; DocumentError when it cannot be read."""
        if not path.exists():
            raise DocumentError(str(path), "no such file")
        if not path.is_file():
            raise DocumentError(str(path), "not a file")
        syntax = format_named(fmt) if fmt else format_of(path)
        return cls(path, syntax, path.resolve().as_uri(), str(path))

    @property
    def size(self) -> int:
        """Bytes on disk (compressed, for a gzip file)."""
        return self.path.stat().st_size

    @property
    def is_dataset(self) -> bool:
        """Whether the syntax names its graphs (N-Quads, TriG): then a target graph does not apply."""
        return self.fmt.supports_datasets

    @property
    def compressed(self) -> bool:
        with self.path.open("rb") as head:
            return head.read(2) == GZIP_MAGIC

    def syntax_error(self, error: RdfSyntaxError) -> RdfSyntaxError:
        """The error with the file's name, when it has one, and in words a user can act on."""
        message = error.message
        if "LoadDocumentCallback" in message:  # pyoxigraph never fetches a remote JSON-LD context
            message = "remote JSON-LD contexts are not fetched: put the @context in the document"
        if self.label is None:
            return error if message == error.message else RdfSyntaxError(message, error.line, error.column)
        return FileSyntaxError(self.label, message, error.line, error.column)


class _Counting:
    """A binary reader that reports how many bytes were taken from the one below it."""

    def __init__(self, raw: IO[bytes], progress: Progress | None) -> None:
        self.raw, self.progress = raw, progress
        self.count = self.reported = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.count += len(data)
        if self.progress is not None and (self.count - self.reported >= REPORT_EVERY or not data):
            self.reported = self.count
            self.progress(self.count)
        return data

    def readable(self) -> bool:
        return True


@contextmanager
def opened(file: LoadFile, progress: Progress | None = None) -> Iterator[IO[bytes]]:
    """The file's RDF bytes as a stream (decompressed when it is gzip data), reporting bytes read."""
    compressed = file.compressed
    with file.path.open("rb") as raw:
        counting = _Counting(raw, progress)
        if compressed:
            with gzip.GzipFile(fileobj=counting, mode="rb") as unpacked:  # type: ignore[arg-type]
                yield unpacked  # type: ignore[misc]
        else:
            yield counting  # type: ignore[misc]


def mentions(file: LoadFile, needle: bytes, progress: Progress | None = None) -> bool:
    """Whether the (decompressed) bytes of the file contain `needle`, read a chunk at a time."""
    tail = b""
    with opened(file, progress) as stream:
        while chunk := stream.read(CHUNK):
            if needle in tail + chunk[: len(needle)] or needle in chunk:
                return True
            tail = chunk[-(len(needle) - 1) :]
    return False


def flattened(file: LoadFile, into: Path) -> LoadFile:
    """A dataset file (N-Quads, TriG) as one graph in N-Triples, for the Graph Store protocol."""
    with opened(file) as stream, into.open("wb") as output:
        try:
            quads = ox.parse(stream, file.fmt, base_iri=file.base_iri)
            ox.serialize(
                (ox.Triple(q.subject, q.predicate, q.object) for q in quads), output, ox.RdfFormat.N_TRIPLES
            )
        except SyntaxError as error:
            raise file.syntax_error(syntax_error_from(error)) from None
    return LoadFile(into, ox.RdfFormat.N_TRIPLES, None, file.label)
