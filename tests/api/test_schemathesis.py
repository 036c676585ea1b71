"""Schemathesis against the real service, from its own /openapi.json, with every check: anonymous and with the
admin token (issue 10, item 11). Every answer must be one the document describes; a 500 is a bug.

Bounded: MAX_EXAMPLES per operation and phase (examples, coverage, fuzzing), a fixed seed, on a server of
its own (the admin run writes).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from live_server import ADMIN_TOKEN, LiveServer, running_server
from schemathesis.config import SchemathesisConfig
from schemathesis.schemas import BaseSchema

from api.app import create_app
from api.openapi import SPECS, operation_keys
from kg.settings import Settings

MAX_EXAMPLES = 20
SEED = 11
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]  # schemathesis' default for valid input
# The inputs of these operations are languages: the document says they are strings or JSON, not which
# ones parse (SPARQL, RDF, a reconciliation batch), conform to the shapes, suit the query's form (format),
# or name exactly one of graph and default. A request valid by the schemas may be answered 400, 406, 422.
LANGUAGE_INPUTS = "^/(sparql|validate|records|reconcile|rdf-graphs(/{path})?)$"


def configuration(headers: dict[str, str]) -> dict[str, Any]:
    """The run's settings, as schemathesis.toml would hold them."""
    return {
        "seed": SEED,
        "headers": headers,
        "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
        "checks": {"enabled": True},
        "operations": [
            {
                "include-path-regex": LANGUAGE_INPUTS,
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400", "406", "422"]}
                },
            }
        ],
    }


@pytest.fixture(scope="module")
def fuzzed(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A service of its own: the admin run writes to its store."""
    with running_server(built_data, tmp_path_factory.mktemp("schemathesis")) as live:
        yield live


@pytest.fixture(params=["anonymous", "admin"])
def api_schema(request: pytest.FixtureRequest, fuzzed: LiveServer) -> BaseSchema:
    """The service's OpenAPI document, with the admin token on every request of the admin run."""
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"} if request.param == "admin" else {}
    config = SchemathesisConfig.from_dict(configuration(headers))
    return schemathesis.openapi.from_url(f"{fuzzed.base_url}/openapi.json", config=config, timeout=30)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_answers_match_the_openapi_document(case: schemathesis.Case) -> None:
    case.call_and_validate(timeout=30)


def test_every_operation_has_an_entry_in_the_openapi_table(tmp_path: Path) -> None:
    """A new route needs its entry in api.openapi.SPECS: FastAPI's draft cannot know its answers."""
    document = create_app(Settings(data_dir=tmp_path)).openapi()
    assert [key for key in operation_keys(document) if key not in SPECS] == []
