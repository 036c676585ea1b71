"""Routes: graph_store (to be written)."""

from fastapi import APIRouter

router = APIRouter()
