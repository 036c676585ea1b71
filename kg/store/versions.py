"""Versions of the on-disk store: a new one is made aside and swapped in with one atomic rename.

The store path (`data/store`) is a symbolic link to a version folder beside it, `store.v<time>-<pid>`
(a relative link, so a copy of the data folder made with its links stays whole). A build makes a new
version in `store.building-<pid>`, checks it, renames it to a version name, then points the link at it
with `os.replace` of a new link: rename(2) replaces a link atomically, where a non-empty folder cannot
be replaced at all. Every opener of `data/store` sees the old version or the new one, never a mix.
Why a link: every command and the server open `settings.resolved_store_path` as it is, and a link keeps
that path the store for all of them, unchanged (a `current` pointer file would have each opener read
it); and there is never a moment without a store (renaming the old folder aside, then the new one in
place, leaves one that every opener would have to detect and repair).

A store that is still a plain folder (made before versions, or copied without its links) is adopted
first: renamed to a version name, the link made in its place. A process killed between the two steps
leaves no `data/store` at all; `recover` (run by every build before anything else) then links the
newest version back. It also removes what killed builds left: `.building-*` folders and versions that
are not the current one, each once the process named in it is gone.

The process that swaps holds the old version open by its real folder, never through the link: a
RocksDB handle creates and deletes files by path, and after the swap the link leads to the new version.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

BUILDING = ".building-"
_VERSION = re.compile(r"\.v[0-9a-f]{16}-(?P<pid>\d+)$")
_BUILDING = re.compile(re.escape(BUILDING) + r"(?P<pid>\d+)$")
_LINK = re.compile(r"\.link-(?P<pid>\d+)$")


def building_path(store: Path) -> Path:
    """The folder this process builds a new version of the store in."""
    return store.with_name(f"{store.name}{BUILDING}{os.getpid()}")


def _version_name(store: Path) -> str:
    return f"{store.name}.v{time.time_ns():016x}-{os.getpid()}"


def current_version(store: Path) -> Path | None:
    """The folder the store path leads to now (the store path itself while it is a plain folder)."""
    if store.is_symlink():
        target = store.parent / os.readlink(store)
        return target if target.is_dir() else None
    return store if store.is_dir() else None


def _versions(store: Path) -> list[Path]:
    """The version folders beside the store, oldest first."""
    found = [p for p in store.parent.glob(f"{store.name}.v*") if _VERSION.search(p.name) and p.is_dir()]
    return sorted(found, key=lambda p: p.name)


def _left_by_a_dead_process(path: Path, pattern: re.Pattern[str]) -> bool:
    """Whether `path` is named by `pattern` after a process that is gone (or after this one, which has
    not made it yet: a leftover of an earlier process with the same id)."""
    match = pattern.search(path.name)
    if match is None:
        return False
    pid = int(match.group("pid"))
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _point(store: Path, version: Path) -> None:
    """Make the store path a link to `version`, atomically (the store path must not be a folder)."""
    link = store.with_name(f"{store.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    link.symlink_to(version.name, target_is_directory=True)
    os.replace(link, store)


def adopt(store: Path) -> Path | None:
    """Turn a store that is a plain folder into a linked version; the version folder it lives in now."""
    if store.is_dir() and not store.is_symlink():
        version = store.with_name(_version_name(store))
        store.rename(version)
        _point(store, version)  # until this line, there is no store path: `recover` links it back
        return version
    return current_version(store)


def recover(store: Path) -> None:
    """Finish what a killed build left: the store path linked again, stale folders removed.

    With no store path and versions beside it, the newest is linked: every version folder was checked
    before it got its name (or is an adopted store), so any of them is a whole store. To start over,
    remove the data folder, not only the store link."""
    if store.is_symlink() and current_version(store) is None:
        store.unlink()  # a link to a version that is gone
    versions = _versions(store)
    if not os.path.lexists(store) and versions:
        _point(store, versions[-1])
    live = current_version(store)
    building = store.parent.glob(f"{store.name}{BUILDING}*")
    for folder in [
        *(v for v in versions if v != live and _left_by_a_dead_process(v, _VERSION)),
        *(b for b in building if _left_by_a_dead_process(b, _BUILDING)),
    ]:
        shutil.rmtree(folder, ignore_errors=True)
    for link in store.parent.glob(f"{store.name}.link-*"):
        if link.is_symlink() and _left_by_a_dead_process(link, _LINK):
            link.unlink(missing_ok=True)


def swap_in(store: Path, built: Path) -> Path | None:
    """Make the checked folder `built` the store: renamed to a version, the link pointed at it.

    Returns the version it replaced (to remove once nothing holds it open), None if there was none.
    The store path must be a link or absent (see `adopt`).
    """
    previous = current_version(store)
    version = store.with_name(_version_name(store))
    built.rename(version)
    _point(store, version)
    return previous


def remove_version(store: Path, version: Path | None) -> None:
    """Delete a version folder that is no longer the store (never the current one)."""
    if version is not None and version != current_version(store) and _VERSION.search(version.name):
        shutil.rmtree(version, ignore_errors=True)
