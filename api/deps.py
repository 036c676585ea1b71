"""Shared resources of the service, made once in the app's lifespan and injected as dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kg.describe.statistics import LiveStatistics
from kg.names.index import NameIndexes
from kg.names.lookup import LookupIndex
from kg.quality.shacl import Validator
from kg.quality.writer import GuardedWriter
from kg.query.engine import QueryEngine
from kg.reconcile.matching import ReconcileIndex
from kg.settings import Settings
from kg.store.interface import KnowledgeStore


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request) -> KnowledgeStore:
    return request.app.state.store


def get_validator(request: Request) -> Validator:
    return request.app.state.validator


def get_engine(request: Request) -> QueryEngine:
    return request.app.state.query_engine


def get_writer(request: Request) -> GuardedWriter:
    """The app's one guarded writer: its lock serializes every write, over the embedded store or a remote
    one (QCOLLAB_STORE=sparql: the same SHACL gate, its reads batched, the change sent as one update;
    what it cannot do there, an update tried on a copy or a bulk load, it answers 501 naming the form)."""
    return request.app.state.writer


def get_names(request: Request) -> NameIndexes:
    """The app's entity index behind lookup and reconciliation, updated by each write."""
    return request.app.state.names


def get_statistics(request: Request) -> LiveStatistics:
    """The app's dataset statistics behind VoID and the Service Description, updated by each write."""
    return request.app.state.statistics


def start_views(store: KnowledgeStore, settings: Settings) -> tuple[NameIndexes, LiveStatistics]:
    """The name index (with lookup and reconciliation over it) and the dataset statistics, each built
    in a background thread; register their `apply` with the writer."""
    budget = settings.query_timeout_seconds
    names = NameIndexes(store, settings.base_iri, views=(LookupIndex, ReconcileIndex), wait_seconds=budget)
    statistics = LiveStatistics(store, settings.base_iri, wait_seconds=budget)
    names.start()
    statistics.start()
    return names, statistics


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
StoreDep = Annotated[KnowledgeStore, Depends(get_store)]
ValidatorDep = Annotated[Validator, Depends(get_validator)]
EngineDep = Annotated[QueryEngine, Depends(get_engine)]
WriterDep = Annotated[GuardedWriter, Depends(get_writer)]
NamesDep = Annotated[NameIndexes, Depends(get_names)]
StatisticsDep = Annotated[LiveStatistics, Depends(get_statistics)]
