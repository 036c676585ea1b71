"""Parsing in a child process under a deadline, for the syntaxes whose parse can cost more than its size.

pyoxigraph reads JSON-LD contexts again for every node a scoped context applies to (a 31 KB body can
take 6 s) and RDF/XML in time that grows with the square of some shapes of input. A child process
parses such a document and sends back its triples as N-Triples; it is killed at the deadline, so a
parse never runs on past it, and never in the server process (its threads and the event loop go on).
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kg.errors import UnsafeInputError

_OK, _SYNTAX, _TOO_LARGE = "ok", "syntax", "too-large"


def _context() -> multiprocessing.context.BaseContext:
    """The 'forkserver' start method where there is one (a child in milliseconds), else 'spawn'."""
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def chars_of(term: object) -> int:
    """The characters a term holds (an RDF 1.2 triple term counts its three terms)."""
    if isinstance(term, ox.Triple):
        return chars_of(term.subject) + chars_of(term.predicate) + chars_of(term.object)
    return len(getattr(term, "value", ""))


def _parse(conn: Connection, data: bytes, media_type: str, base_iri: str | None, max_chars: int) -> None:
    """In the child: parse, count the characters of the terms, answer with N-Triples or what went wrong."""
    try:
        fmt = ox.RdfFormat.from_media_type(media_type)
        assert fmt is not None
        triples: list[ox.Triple] = []
        chars = 0
        for quad in ox.parse(data, fmt, base_iri=base_iri, rename_blank_nodes=True):
            chars += chars_of(quad.subject) + chars_of(quad.predicate) + chars_of(quad.object)
            if chars > max_chars:
                conn.send((_TOO_LARGE, max_chars))
                return
            triples.append(ox.Triple(quad.subject, quad.predicate, quad.object))
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) if triples else b""
        conn.send((_OK, len(body)))
        conn.send_bytes(body or b"")
    except SyntaxError as error:
        conn.send((_SYNTAX, error.msg or str(error), error.lineno, error.offset))
    finally:
        conn.close()


def too_large(max_chars: int) -> UnsafeInputError:
    """The refusal of a document whose terms hold more than `max_chars` characters."""
    return UnsafeInputError(
        f"the document expands to more than the limit of {max_chars} characters of terms "
        "(setting QCOLLAB_MAX_PARSED_CHARS)",
        max_chars,
    )


def parse_in_child(
    data: bytes, fmt: ox.RdfFormat, base_iri: str | None, max_chars: int, seconds: float
) -> bytes:
    """The document's triples as N-Triples, parsed in a child process killed after `seconds`.

    Raises SyntaxError as pyoxigraph does (with line and column), UnsafeInputError past a limit.
    """
    receiver, sender = _context().Pipe(duplex=False)
    child = _context().Process(
        target=_parse, args=(sender, data, fmt.media_type, base_iri, max_chars), daemon=True
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise UnsafeInputError(
                f"the document took longer than the limit of {seconds:g} s to parse "
                "(setting QCOLLAB_PARSE_TIMEOUT_SECONDS)",
                seconds,
            )
        try:
            answer = receiver.recv()
            body = receiver.recv_bytes() if answer[0] == _OK else b""
        except EOFError:
            child.join(1)
            stopped = f"the parser stopped on this document (exit code {child.exitcode})"
            raise UnsafeInputError(stopped) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(1)
    if answer[0] == _SYNTAX:
        _, message, line, column = answer
        raise SyntaxError(message, (None, line, column, None))
    if answer[0] == _TOO_LARGE:
        raise too_large(answer[1])
    return body
