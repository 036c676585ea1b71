"""The one settings object: every knob is an environment variable with the QCOLLAB_ prefix."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kg import data

DEFAULT_MAX_DOCUMENT_BYTES = 20_000_000  # 20 MB: a larger source document is refused unread
ShaclEngineName = Literal["turbo", "pyshacl"]  # kg.quality.engines


class Settings(BaseSettings):
    """Configuration for the pipeline, the store and the service.

    Folders default to `seeds/` and `data/` in the working directory (the checkout, for `make`);
    the ontology and shapes default to the copies shipped in the package (kg/data).
    """

    model_config = SettingsConfigDict(env_prefix="QCOLLAB_", env_file=None, extra="forbid")

    seeds_dir: Path = Path("seeds")
    ontology_path: Path = Field(default_factory=data.ontology_path)
    shapes_path: Path = Field(default_factory=data.shapes_path)
    data_dir: Path = Path("data")
    store_path: Path | None = None
    # memory: each query worker loads a copy of the store (fastest, for graphs that fit in memory);
    # disk: workers open read-only checkpoints of the store on disk (for large graphs)
    store_mode: Literal["memory", "disk"] = "memory"
    # embedded: the pyoxigraph store on disk; sparql: a SPARQL 1.1 server (kg.store.remote)
    store: Literal["embedded", "sparql"] = "embedded"
    sparql_query_url: str | None = None
    sparql_update_url: str | None = None
    sparql_gsp_url: str | None = None  # Graph Store Protocol; absent: graph reads and writes use SPARQL
    # what the remote's default graph is: its own graph, or the union of all graphs (oxigraph serve
    # --union-default-graph, Fuseki tdb2:unionDefaultGraph, Virtuoso); see kg.store.remote
    sparql_default_graph: Literal["own", "union"] = "own"
    # how a union-default-graph query is asked when the default graph is the remote's own (kg.store.remote)
    sparql_union_request: Literal["oxigraph", "jena", "named-graphs"] = "named-graphs"
    # the remote engine, for what it does its own way (kg.store.dialects): graphs, result formats
    sparql_engine: Literal["oxigraph", "virtuoso", "fuseki", "generic"] = "generic"
    sparql_auth: Literal["none", "basic", "digest", "bearer"] = "none"
    sparql_user: str | None = None
    sparql_password: SecretStr | None = None
    sparql_token: SecretStr | None = None
    sparql_timeout_seconds: float = Field(default=30.0, gt=0)  # each request to the remote store
    sparql_retries: int = Field(default=3, ge=0, le=20)  # only what cannot have been applied (sparql_http)
    sparql_batch_quads: int = Field(default=10_000, ge=1)  # quads of one write request
    # how the commands (build, load, link, reason) send quads: Graph Store POSTs of N-Triples (when
    # QCOLLAB_SPARQL_GSP_URL is set) or INSERT DATA (kg.store.remote_bulk)
    sparql_bulk_protocol: Literal["gsp", "update"] = "gsp"
    # the write lease a writing command holds on the remote store, renewed every third of it
    # (kg.store.remote_lease): how long one whose command died keeps others out
    sparql_lease_seconds: float = Field(default=120.0, ge=3)
    base_iri: str = "https://w3id.org/qcollab/resource/"
    public_base_url: str = "http://127.0.0.1:8000"

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    admin_token: str | None = None
    allow_wipe: bool = False  # a write that removes every data quad (DROP ALL, CLEAR NAMED, ...) is refused
    query_timeout_seconds: float = Field(default=30.0, gt=0)
    query_workers: int = Field(default=2, ge=1, le=256)  # processes: queries evaluated at once
    max_query_nesting: int = Field(default=64, ge=1)  # brackets in a query or update (kg.query.nesting)
    light_workers: int = Field(default=1, ge=0, le=64)  # more, for light queries only (kg.query.lanes)
    light_budget_seconds: float = Field(default=2.0, gt=0)  # a light query still running is re-run as heavy
    max_queued_per_client: int = Field(default=16, ge=1)  # queries one client address may have waiting
    max_body_bytes: int = Field(default=5_000_000, gt=0)
    max_load_bytes: int = Field(default=2_000_000_000, gt=0)  # an admin's Graph Store upload, streamed
    load_batch_size: int = Field(default=2000, ge=1)  # subjects validated together by `qcollab load`
    max_document_bytes: int = Field(default=DEFAULT_MAX_DOCUMENT_BYTES, gt=0)
    # characters of the terms a client's document may parse into (5 x the default max_body_bytes):
    # bounds what prefixes, relative IRIs and the like expand a small body to (kg.formats.parsing)
    max_parsed_chars: int = Field(default=25_000_000, gt=0)
    parse_timeout_seconds: float = Field(default=10.0, gt=0)  # RDF/XML and JSON-LD parse in a child this long
    max_record_triples: int = Field(default=10_000, ge=1)  # a record to /validate or /records (~1 ms each)
    reconcile_max_query_chars: int = Field(default=500, ge=1)  # characters of one reconciliation query text
    reconcile_max_batch: int = Field(default=100, ge=1)  # queries in one /reconcile batch
    cors_origins: list[str] = Field(default_factory=lambda: ["*"])

    service_allowlist: list[str] = Field(default_factory=list)
    wikidata_endpoint: str | None = None
    dbpedia_endpoint: str | None = None
    user_agent: str = "qcollab/0.1 (https://w3id.org/qcollab; knowledge-graph linking)"
    link_threshold: float = Field(default=0.85, ge=0, le=1)

    nlp_model_path: Path | None = None  # a spaCy pipeline folder; default: the pinned en_core_web_sm
    min_confidence: float = Field(default=0.6, ge=0, le=1)  # facts below go to the review report
    build_processes: int = Field(default=0, ge=0, le=64)  # a build parses and validates in these; 0: cores
    shacl_engine: ShaclEngineName = "turbo"  # pyshacl-turbo (Rust) or pySHACL (the reference)

    @field_validator("seeds_dir", "data_dir", "store_path", "ontology_path", "shapes_path", "nlp_model_path")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        """Relative paths are taken from the working directory at start-up."""
        return value if value is None else value.expanduser().absolute()

    @field_validator("base_iri")
    @classmethod
    def _base_iri_ends_with_slash(cls, value: str) -> str:
        if not value.endswith(("/", "#")):
            raise ValueError("base_iri must end with '/' or '#'")
        return value

    @model_validator(mode="after")
    def _remote_store_configured(self) -> Settings:
        """A SPARQL store needs its endpoints (and the credentials its auth scheme uses)."""
        if self.store != "sparql":
            return self
        needed = {"sparql_query_url": self.sparql_query_url, "sparql_update_url": self.sparql_update_url}
        if self.sparql_default_graph == "union":  # its own default graph is then read through the GSP
            needed["sparql_gsp_url"] = self.sparql_gsp_url
        if self.sparql_auth in ("basic", "digest"):
            needed |= {"sparql_user": self.sparql_user, "sparql_password": self.sparql_password}
        elif self.sparql_auth == "bearer":
            needed["sparql_token"] = self.sparql_token
        missing = [f"QCOLLAB_{name.upper()}" for name, value in needed.items() if not value]
        if missing:
            raise ValueError(f"QCOLLAB_STORE=sparql needs {', '.join(missing)}")
        return self

    @cached_property
    def resolved_store_path(self) -> Path:
        """The folder of the persistent store (default: data/store)."""
        return self.store_path or self.data_dir / "store"


def get_settings() -> Settings:
    """Read the settings from the environment, failing early on a bad value."""
    return Settings()
