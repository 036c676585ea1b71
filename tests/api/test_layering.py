"""Layering of the service: routers share helpers through api/ modules, never by importing each other."""

from __future__ import annotations

import ast
from pathlib import Path

from paths import ROOT

API = ROOT / "api"


def module_name(path: Path) -> str:
    return "api." + path.stem


def defines_router(tree: ast.Module) -> bool:
    """Whether a module assigns `router = APIRouter(...)` at its top level."""
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Call):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            called = node.value.func
            name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", None)
            if name == "APIRouter" and any(isinstance(t, ast.Name) and t.id == "router" for t in targets):
                return True
    return False


def imported_modules(tree: ast.Module) -> set[str]:
    """Every api module a module imports (`import api.x`, `from api.x import y`, `from api import x`)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            module = node.module if node.level == 0 else f"api.{node.module}"
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {f"api.{alias.name}" for alias in node.names}
    return found


def parsed_modules() -> dict[str, ast.Module]:
    return {module_name(path): ast.parse(path.read_text(), str(path)) for path in sorted(API.glob("*.py"))}


def test_the_routers_are_found() -> None:
    routers = {name for name, tree in parsed_modules().items() if defines_router(tree)}
    assert {"api.sparql", "api.graph_store", "api.validation", "api.resources", "api.lookup"} <= routers
    assert "api.http" not in routers and "api.app" not in routers


def test_no_router_imports_another_router() -> None:
    modules = parsed_modules()
    routers = {name for name, tree in modules.items() if defines_router(tree)}
    crossings = sorted(
        f"{name} imports {other}"
        for name in routers
        for other in imported_modules(modules[name]) & routers
        if other != name
    )
    assert not crossings, "routers share helpers through api/http.py, api/negotiation.py, ...: " + "; ".join(
        crossings
    )
