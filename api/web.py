"""The web pages for people (home with the SPARQL editor, the network, the charts), served from api/static.

Their scripts are bundled from api/static/src by `make web` into api/static/vendor; only the pages, the
style sheet and that folder are served, never the sources or node_modules.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from api.deps import SettingsDep
from api.errors import ProblemError

router = APIRouter(tags=["web"])

STATIC_DIR = Path(__file__).resolve().parent / "static"
SERVED = (STATIC_DIR / "vendor",)  # folders served whole; elsewhere only the top level's own files
SUFFIXES = {".css", ".js", ".html", ".svg", ".png", ".txt"}
DEFAULT_BASE_IRI = "https://w3id.org/qcollab/resource/"
NO_CACHE = {"Cache-Control": "no-cache"}


def _page(name: str, base_iri: str) -> HTMLResponse:
    """A page of api/static, told the resource base IRI so that it links to local pages."""
    page = (STATIC_DIR / name).read_text(encoding="utf-8")
    page = page.replace(f'content="{DEFAULT_BASE_IRI}"', f'content="{escape(base_iri)}"')
    return HTMLResponse(page, headers=NO_CACHE)


@router.get("/", include_in_schema=False)
def index(settings: SettingsDep) -> HTMLResponse:
    """The home page: search and the SPARQL editor."""
    return _page("index.html", settings.base_iri)


@router.get("/network", include_in_schema=False)
def network_page(settings: SettingsDep) -> HTMLResponse:
    """The collaboration network (its data: /graph/network)."""
    return _page("network.html", settings.base_iri)


@router.get("/charts", include_in_schema=False)
def charts_page(settings: SettingsDep) -> HTMLResponse:
    """Charts of collaborations, funding and collaboration models."""
    return _page("charts.html", settings.base_iri)


def _servable(target: Path) -> bool:
    if not target.is_file() or target.suffix not in SUFFIXES:
        return False
    return target.parent == STATIC_DIR or any(target.is_relative_to(folder) for folder in SERVED)


@router.get("/static/{file_path:path}", include_in_schema=False)
def static(file_path: str) -> FileResponse:
    """A file of the pages (style sheet, bundled scripts); nothing else of api/static."""
    target = (STATIC_DIR / file_path).resolve()
    if not target.is_relative_to(STATIC_DIR) or not _servable(target):
        raise ProblemError(404, f"no static file {file_path!r}")
    return FileResponse(target, headers=NO_CACHE)
