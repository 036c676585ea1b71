"""Which remote SPARQL endpoints a query may call through SERVICE (an allow-list, none by default)."""

from __future__ import annotations

import re

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef, Variable

from kg.errors import QcollabError

_SERVICE_KEYWORD = re.compile(r"\bSERVICE\b", re.IGNORECASE)


class ServiceNotAllowedError(QcollabError):
    """A SERVICE clause names an endpoint that is not on the allow-list."""


def _walk(node: object) -> list[object]:
    found: list[object] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                found.append(item.get("term"))
            stack.extend(item.values())
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(item)
    return found


def service_endpoints(sparql: str, *, update: bool = False) -> list[object]:
    """The endpoint of each SERVICE clause (an IRI, or a variable) in a query or update."""
    if "service" not in sparql.lower():
        return []
    try:
        parsed = parseUpdate(sparql) if update else parseQuery(sparql)
    except ParseException as error:
        if _SERVICE_KEYWORD.search(sparql):
            raise ServiceNotAllowedError(
                f"cannot verify the SERVICE endpoints of this request ({error}); it is refused"
            ) from None
        return []  # no SERVICE: the engine reports the syntax error with its own position
    prefixes = {}
    for item in _walk_prologue(parsed):
        prefixes[item.get("prefix") or ""] = str(item.get("iri"))
    endpoints = []
    for term in _walk(parsed):
        if isinstance(term, CompValue) and term.name == "pname":
            namespace = prefixes.get(term.get("prefix") or "", "")
            endpoints.append(URIRef(namespace + (term.get("localname") or "")))
        else:
            endpoints.append(term)
    return endpoints


def _walk_prologue(parsed: object) -> list[CompValue]:
    decls: list[CompValue] = []
    stack = [parsed]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "PrefixDecl":
                decls.append(item)
            stack.extend(item.values())
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(item)
    return decls


def check_services(sparql: str, allowlist: list[str], *, update: bool = False) -> None:
    """Refuse a query whose SERVICE clauses reach anything but allow-listed endpoints."""
    allowed = set(allowlist)
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
