"""Which remote SPARQL endpoints a query may call through SERVICE (an allow-list, none by default).

The engine (Oxigraph) evaluates SERVICE over HTTP by itself, so every request is checked before it
runs: the query is parsed (rdflib's SPARQL grammar), each SERVICE endpoint is resolved the way
the engine resolves it (prefixes in document order, the last declaration winning; the prefixes
the store predeclares; relative IRIs against BASE) and compared with the allow-list. The check
fails closed: a variable endpoint, an endpoint that cannot be resolved, a request that does not
parse while it mentions SERVICE, a SERVICE keyword the parser did not account for, or escape
sequences outside strings in a request with SERVICE are all refused.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef, Variable

from kg.errors import PolicyRefusedError, ServiceNotAllowedError
from kg.namespaces import PREFIXES

_LOAD_KEYWORD = re.compile(r"(?<![\w:?$])LOAD(?![\w:-])", re.IGNORECASE)
_SERVICE_KEYWORD = re.compile(r"(?<![\w:?$])SERVICE(?![\w:-])", re.IGNORECASE)
# Strings (long and short), IRIs and comments: SERVICE inside them is not the keyword.
_STRINGS = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
)
# A prefixed name (SPARQL 1.1 Query 19.8: its local part neither starts nor ends with '.') and a language
# tag: `ex:customer-service`, `ex:a.service` and `@en-service` hold no keyword. A name ends where the
# grammar ends it, so `ex:.SERVICE` and `?o.SERVICE` keep theirs.
_NAME_CHAR = r"(?:[\w:%-]|\\[^\s])"
# (its prefix starts a run of name characters only: tried at each letter of a long run without a colon, the
# pattern cost the square of the run, which held the event loop for minutes on an unterminated literal)
_PREFIXED_NAME = (
    rf"(?:(?<![\w.-])[A-Za-z](?:[\w.-]*[\w-])?)?:(?:[\w:%]|\\[^\s])(?:(?:{_NAME_CHAR}|\.)*{_NAME_CHAR})?"
)
_LANGUAGE_TAG = r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*"
_NOT_CODE = re.compile(
    _STRINGS + r"|<[^<>\"{}|^`\s]*>" + r"|#[^\n\r]*" + f"|{_PREFIXED_NAME}|{_LANGUAGE_TAG}", re.DOTALL
)
_ONLY_STRINGS = re.compile(_STRINGS, re.DOTALL)


def _walk(node: object) -> list[CompValue]:
    """Every ServiceGraphPattern under a node (subqueries, EXISTS, updates included)."""
    found: list[CompValue] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(item)
    return found


def _code(sparql: str) -> str:
    """The request without its strings, IRIs and comments."""
    return _NOT_CODE.sub(" ", sparql)


class _Scope:
    """Prefixes and base in effect, updated in document order like the engine does."""

    def __init__(self) -> None:
        self.prefixes: dict[str, str] = dict(PREFIXES)
        self.base: str | None = None

    def declare(self, prologue: object) -> None:
        items = prologue if isinstance(prologue, list | tuple | ParseResults) else [prologue]
        for item in items:
            if not isinstance(item, CompValue):
                continue
            if item.name == "PrefixDecl":
                self.prefixes[item.get("prefix") or ""] = self.resolve(str(item.get("iri")))
            elif item.name == "Base":
                self.base = self.resolve(str(item.get("iri")))

    def resolve(self, iri: str) -> str:
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
            return iri
        if self.base is None:
            raise ServiceNotAllowedError(f"SERVICE endpoint <{iri}> is relative: name it by its absolute IRI")
        return urljoin(self.base, iri)

    def endpoint(self, term: object) -> object:
        if isinstance(term, Variable):
            return term
        if isinstance(term, CompValue) and term.name == "pname":
            prefix = term.get("prefix") or ""
            if prefix not in self.prefixes:
                raise ServiceNotAllowedError(f"SERVICE endpoint: undeclared prefix {prefix!r}, refused")
            return URIRef(self.prefixes[prefix] + (term.get("localname") or ""))
        if isinstance(term, URIRef):
            return URIRef(self.resolve(str(term)))
        raise ServiceNotAllowedError(f"cannot tell which endpoint SERVICE {term!r} calls: refused")


def service_endpoints(sparql: str, *, update: bool = False) -> list[object]:
    """The endpoint of each SERVICE clause (an IRI, or a variable) in a query or update."""
    code = _code(sparql)
    keywords = len(_SERVICE_KEYWORD.findall(code))
    if not keywords:
        return []
    if "\\u" in _ONLY_STRINGS.sub(" ", sparql).lower():
        raise ServiceNotAllowedError(
            "escape sequences (\\u, \\U) outside strings are not accepted in a request with SERVICE"
        )
    try:
        parsed = parseUpdate(sparql) if update else parseQuery(sparql)
    except (ParseException, RecursionError) as error:  # rdflib's parser recurses: a few dozen brackets
        raise ServiceNotAllowedError(
            f"cannot verify the SERVICE endpoints of this request ({error}); it is refused"
        ) from None
    scope = _Scope()
    endpoints: list[object] = []
    if update:
        prologues = list(parsed.get("prologue") or [])
        requests = list(parsed.get("request") or [])
        for index, request in enumerate(requests):
            if index < len(prologues):
                scope.declare(prologues[index])
            endpoints += [scope.endpoint(s.get("term")) for s in _walk(request)]
    else:
        scope.declare(parsed[0])
        endpoints = [scope.endpoint(s.get("term")) for s in _walk(parsed[1:])]
    if len(endpoints) != keywords:
        raise ServiceNotAllowedError(
            "cannot verify the SERVICE endpoints of this request (the keyword appears "
            f"{keywords} time(s) but {len(endpoints)} SERVICE clause(s) were found); it is refused"
        )
    return endpoints


def check_services(sparql: str, allowlist: list[str], *, update: bool = False) -> None:
    """Refuse a request whose SERVICE clauses (or LOAD operations) reach beyond the allow-list."""
    allowed = set(allowlist)
    if update and _LOAD_KEYWORD.search(_code(sparql)):
        raise PolicyRefusedError(
            "LOAD is refused by this service's policy: it does not fetch URLs for a client; "
            "send the data with the Graph Store protocol (PUT or POST /rdf-graphs)"
        )
    for endpoint in service_endpoints(sparql, update=update):
        if isinstance(endpoint, Variable):
            raise ServiceNotAllowedError(
                f"SERVICE with a variable endpoint (?{endpoint}) is not allowed: name the endpoint"
            )
        if str(endpoint) not in allowed:
            listed = ", ".join(sorted(allowed)) or "none are configured"
            raise ServiceNotAllowedError(
                f"SERVICE <{endpoint}> is not on the allow-list of federated endpoints ({listed})"
            )
