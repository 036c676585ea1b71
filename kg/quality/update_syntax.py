"""Parsing a SPARQL Update where a parser crash cannot take the server down: a child process for long texts.

pyoxigraph's parser recurses: a long chain of unary operators or UNIONs, or a long collection, can
overflow its stack and kill the process that parses (not a Python exception: SIGSEGV). Queries are
parsed in the query workers, which are replaced when they die; an update is parsed by the writer in
the server's own process. A text shorter than `ISOLATE_FROM` characters cannot nest deeply enough to
crash it (kg.query.nesting bounds the brackets) and is parsed in place; a longer one is parsed
first in a child process under a deadline, and only a text the child parsed is parsed in place.
(This module imports only pyoxigraph at its top, so the child starts in milliseconds.)
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kg.errors import UnsafeInputError

ISOLATE_FROM = 2_000  # characters
PARSE_SECONDS = 10.0


def _context() -> multiprocessing.context.BaseContext:
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def _check(conn: Connection, sparql: str, prefixes: dict[str, str], base_iri: str | None) -> None:
    """In the child: parse on an empty store, answer None or the syntax error's message and position."""
    try:
        ox.Store().update(sparql, prefixes=prefixes, base_iri=base_iri)
        conn.send(None)
    except SyntaxError as error:
        conn.send((error.msg or str(error), error.lineno, error.offset))
    except (RuntimeError, OSError):
        conn.send(None)  # an evaluation error on the empty store: the update parsed
    finally:
        conn.close()


def check_update_syntax(sparql: str, seconds: float, base_iri: str | None = None) -> None:
    """RdfSyntaxError (line, column) when the update does not parse; UnsafeInputError when its parse
    crashes the parser or takes longer than `seconds`."""
    from kg.formats.parsing import syntax_error_from
    from kg.namespaces import PREFIXES
    from kg.quality.effects import check_syntax

    if len(sparql) < ISOLATE_FROM:
        check_syntax(sparql, base_iri)
        return
    receiver, sender = _context().Pipe(duplex=False)
    child = _context().Process(target=_check, args=(sender, sparql, dict(PREFIXES), base_iri), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise UnsafeInputError(f"the update took longer than {seconds:g} s to parse", seconds)
        try:
            answer = receiver.recv()
        except EOFError:
            raise UnsafeInputError(
                "the update could not be parsed: its expressions nest too deeply for the parser "
                "(a long chain of operators, UNIONs or list items)"
            ) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(1)
    if answer is not None:
        error = SyntaxError(answer[0])
        error.lineno, error.offset = answer[1], answer[2]
        raise syntax_error_from(error)
