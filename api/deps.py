"""Shared resources of the service, injected with FastAPI dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kg.settings import Settings
from kg.store import OxigraphStore
from kg.validate import Validator


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request) -> OxigraphStore:
    return request.app.state.store


def get_validator(request: Request) -> Validator:
    return request.app.state.validator


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
StoreDep = Annotated[OxigraphStore, Depends(get_store)]
ValidatorDep = Annotated[Validator, Depends(get_validator)]
