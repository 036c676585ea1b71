"""Running SELECT queries against a link target: the snapshot in memory or a SPARQL endpoint over HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx
import pyoxigraph as ox

from kg.errors import LinkingSourceError
from kg.store.interface import KnowledgeStore
from kg.store.oxigraph import OxigraphStore


@dataclass(frozen=True)
class Value:
    """One bound value of a SPARQL solution."""

    text: str
    lang: str | None = None
    is_iri: bool = False


Row = dict[str, Value]


class QueryRunner(Protocol):
    """Runs a SELECT query and returns its solutions."""

    description: str

    def select(self, sparql: str) -> list[Row]: ...


def _solutions(result: ox.QuerySolutions) -> list[Row]:
    names = [v.value for v in result.variables]
    rows: list[Row] = []
    for solution in result:
        row: Row = {}
        for name in names:
            term = solution[name]
            if term is None:
                continue
            if isinstance(term, ox.Literal):
                row[name] = Value(term.value, term.language)
            else:
                row[name] = Value(term.value, None, isinstance(term, ox.NamedNode))
        rows.append(row)
    return rows


class LocalRunner:
    """A pyoxigraph store (the snapshot loaded in memory)."""

    scannable = True  # small enough to scan labels for words (fuzzy candidates)

    def __init__(self, store: KnowledgeStore, description: str) -> None:
        self.store = store
        self.description = description

    @classmethod
    def from_snapshot(cls, path: Path) -> LocalRunner:
        if not path.is_file():
            raise LinkingSourceError(f"the reference snapshot {path} is missing")
        return cls(OxigraphStore.from_file(path), f"reference snapshot {path.name}")

    def select(self, sparql: str) -> list[Row]:
        result = self.store.query(sparql, union_default_graph=False)
        if not isinstance(result, ox.QuerySolutions):
            raise LinkingSourceError("expected a SELECT result")
        return _solutions(result)


class HttpRunner:
    """A remote SPARQL endpoint (SPARQL 1.1 protocol, POST form, JSON results)."""

    scannable = False  # a public endpoint cannot scan all its labels: exact look-ups only

    def __init__(self, endpoint: str, user_agent: str, timeout: float = 60.0) -> None:
        self.endpoint = endpoint
        self.description = f"SPARQL endpoint <{endpoint}>"
        self.client = httpx.Client(
            timeout=timeout,
            headers={"User-Agent": user_agent, "Accept": "application/sparql-results+json"},
            follow_redirects=True,
        )

    def select(self, sparql: str) -> list[Row]:
        try:
            response = self.client.post(self.endpoint, data={"query": sparql})
        except httpx.HTTPError as error:
            raise LinkingSourceError(f"cannot reach {self.endpoint}: {error}") from error
        if response.status_code != 200:
            raise LinkingSourceError(
                f"{self.endpoint} answered {response.status_code}: {response.text[:300]}"
            )
        try:
            bindings = response.json()["results"]["bindings"]
        except (ValueError, KeyError, TypeError) as error:
            raise LinkingSourceError(f"{self.endpoint} did not answer SPARQL JSON results") from error
        rows: list[Row] = []
        for binding in bindings:
            row: Row = {}
            for name, term in binding.items():
                kind = term.get("type")
                row[name] = Value(term["value"], term.get("xml:lang"), kind == "uri")
            rows.append(row)
        return rows

    def close(self) -> None:
        self.client.close()
