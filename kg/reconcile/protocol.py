"""The protocol's side of reconciliation: schema identifiers and the checks of a query's fields."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import ReconcileLimitError, ReconcileQueryError
from kg.namespaces import PREFIXES, QC
from kg.settings import Settings

DEFAULT_LIMIT = 5
MAX_LIMIT = 100
MAX_PROPERTIES = 20  # property constraints of one query, each read from the store for every candidate
MAX_VALUES = 20  # values of one property constraint
MAX_TYPES = 20  # types of one query


@dataclass(frozen=True)
class ReconcileLimits:
    """How large a batch and its queries may be (settings QCOLLAB_RECONCILE_MAX_*)."""

    max_query_chars: int
    max_batch: int

    @classmethod
    def of(cls, settings: Settings) -> ReconcileLimits:
        return cls(settings.reconcile_max_query_chars, settings.reconcile_max_batch)

    def check_batch(self, queries: dict[str, object]) -> None:
        """Refuse a batch of more queries than the limit, before any is answered."""
        if len(queries) > self.max_batch:
            raise ReconcileLimitError(
                f"the batch has {len(queries)} queries, more than the limit of {self.max_batch} "
                "(setting QCOLLAB_RECONCILE_MAX_BATCH): send them in smaller batches",
                self.max_batch,
                batch=True,
            )

    def check_query(self, text: str, properties: list[tuple[str, list[str]]]) -> None:
        """Refuse a query whose text or property values are longer than the limit."""
        self.check_text(text)
        for _, values in properties:
            for value in values:
                self.check_text(value, "property value")

    def check_text(self, text: str, field: str = "query") -> None:
        """Refuse a query text (or a suggest prefix) longer than the limit."""
        if len(text) > self.max_query_chars:
            raise ReconcileLimitError(
                f"the {field} is {len(text)} characters long, more than the limit of {self.max_query_chars} "
                "(setting QCOLLAB_RECONCILE_MAX_QUERY_CHARS)",
                self.max_query_chars,
            )


def schema_id(iri: str) -> str:
    """qc:Country -> "Country"; other IRIs stay whole."""
    return iri[len(str(QC)) :] if iri.startswith(str(QC)) else iri


def schema_iri(identifier: str) -> str:
    """ "Country", "qc:Country" or the full IRI -> the full IRI."""
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
    if len(value) > MAX_PROPERTIES:
        raise ReconcileLimitError(f"a query may have at most {MAX_PROPERTIES} properties", MAX_PROPERTIES)
    constraints = []
    for item in value:
        if not isinstance(item, dict) or "pid" not in item or "v" not in item:
            raise ReconcileQueryError("each property needs 'pid' and 'v'")
        raw = item["v"] if isinstance(item["v"], list) else [item["v"]]
        if len(raw) > MAX_VALUES:
            raise ReconcileLimitError(f"a property may have at most {MAX_VALUES} values", MAX_VALUES)
        values = []
        for v in raw:
            if isinstance(v, dict):
                values.append(str(v.get("id", "")))
            elif isinstance(v, bool | int | float | str):
                values.append(str(v))
        pid = str(item["pid"])
        try:
            ox.NamedNode(property_iri(pid))
        except ValueError:
            message = f"the property id {pid[:100]!r} is not an IRI, a CURIE or a qc: name"
            raise ReconcileQueryError(message) from None
        constraints.append((pid, values))
    return constraints


def query_limit(value: object) -> int:
    """A query's "limit": DEFAULT_LIMIT when absent, else kept within 1..MAX_LIMIT."""
    if value is None:
        return DEFAULT_LIMIT
    try:
        limit = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):  # OverflowError: Infinity, 1e400
        raise ReconcileQueryError("limit must be a number") from None
    return max(1, min(limit, MAX_LIMIT))
