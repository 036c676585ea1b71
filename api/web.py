"""The web page for people: a SPARQL editor and a search box, served from api/static."""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from api.deps import SettingsDep
from api.errors import ProblemError

router = APIRouter(tags=["web"])

STATIC_DIR = Path(__file__).resolve().parent / "static"
DEFAULT_BASE_IRI = "https://w3id.org/qcollab/resource/"
NO_CACHE = {"Cache-Control": "no-cache"}


@router.get("/", include_in_schema=False)
def index(settings: SettingsDep) -> HTMLResponse:
    """The home page, told the resource base IRI so that results link to local pages."""
    page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    page = page.replace(f'content="{DEFAULT_BASE_IRI}"', f'content="{escape(settings.base_iri)}"')
    return HTMLResponse(page, headers=NO_CACHE)


@router.get("/static/{file_path:path}", include_in_schema=False)
def static(file_path: str) -> FileResponse:
    """A file of the page (scripts, styles, vendored packages); nothing outside api/static."""
    target = (STATIC_DIR / file_path).resolve()
    if not target.is_relative_to(STATIC_DIR) or not target.is_file():
        raise ProblemError(404, f"no static file {file_path!r}")
    return FileResponse(target, headers=NO_CACHE)
