"""Shared resources of the service, made once in the app's lifespan and injected as dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kg.names.index import NameIndexes
from kg.quality.shacl import Validator
from kg.quality.writer import GuardedWriter
from kg.query.engine import QueryEngine
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
    """The app's one guarded writer: its lock serializes every write."""
    return request.app.state.writer


def get_names(request: Request) -> NameIndexes:
    """The app's entity index behind lookup and reconciliation, made again after each write."""
    return request.app.state.names


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
StoreDep = Annotated[KnowledgeStore, Depends(get_store)]
ValidatorDep = Annotated[Validator, Depends(get_validator)]
EngineDep = Annotated[QueryEngine, Depends(get_engine)]
WriterDep = Annotated[GuardedWriter, Depends(get_writer)]
NamesDep = Annotated[NameIndexes, Depends(get_names)]
