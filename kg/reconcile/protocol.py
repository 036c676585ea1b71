"""The protocol's side of reconciliation: schema identifiers and the checks of a query's fields."""

from __future__ import annotations

from kg.errors import ReconcileQueryError
from kg.namespaces import PREFIXES, QC

DEFAULT_LIMIT = 5
MAX_LIMIT = 100




def schema_id(iri: str) -> str:
    """qc:Country -> "Country"; other IRIs stay whole."""
    return iri[len(str(QC)):] if iri.startswith(str(QC)) else iri


def schema_iri(identifier: str) -> str:
    """"Country", "qc:Country" or the full IRI -> the full IRI."""
    identifier = identifier.strip()
    if "://" in identifier:
        return identifier
    prefix, sep, local = identifier.partition(":")
    if sep and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    return str(QC) + identifier


def property_iri(pid: str) -> str:
    """A property id: a qc: local name, a CURIE of a known prefix, or a full IRI."""
    return schema_iri(pid)


def property_constraints(value: object) -> list[tuple[str, list[str]]]:
    """The (property id, values) pairs of a query's "properties"."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ReconcileQueryError("properties must be a list of {pid, v} objects")
    constraints = []
    for item in value:
        if not isinstance(item, dict) or "pid" not in item or "v" not in item:
            raise ReconcileQueryError("each property needs 'pid' and 'v'")
        raw = item["v"] if isinstance(item["v"], list) else [item["v"]]
        values = []
        for v in raw:
            if isinstance(v, dict):
                values.append(str(v.get("id", "")))
            elif isinstance(v, bool | int | float | str):
                values.append(str(v))
        constraints.append((str(item["pid"]), values))
    return constraints


def query_limit(value: object) -> int:
    """A query's "limit": DEFAULT_LIMIT when absent, else kept within 1..MAX_LIMIT."""
    if value is None:
        return DEFAULT_LIMIT
    try:
        limit = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ReconcileQueryError("limit must be a number") from None
    return max(1, min(limit, MAX_LIMIT))
