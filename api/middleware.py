"""Cross-cutting HTTP concerns (to be written): timings, logging, body limits, CORS."""

from fastapi import FastAPI

from kg.settings import Settings


def install_middleware(app: FastAPI, settings: Settings) -> None:
    """Attach the middleware stack to the app."""
