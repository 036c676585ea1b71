"""The data the package ships: ontology, shapes, gazetteer, reference snapshots (via importlib.resources).

`ontology/` and `shapes/` at the top of the repository are the sources of truth; `kg/data/ontology`
and `kg/data/shapes` link to them, so a checkout and an installed wheel read the same files.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def data_file(*parts: str) -> Path:
    """A shipped file (or folder) as a file-system path (the package is installed unzipped)."""
    resource = files(__name__).joinpath(*parts)
    return Path(str(resource))


def ontology_path() -> Path:
    """The OWL ontology (Turtle)."""
    return data_file("ontology", "qcollab.ttl")


def shapes_path() -> Path:
    """The SHACL shapes (Turtle)."""
    return data_file("shapes", "qcollab-shapes.ttl")


def gazetteer_path() -> Path:
    """Known entities and their aliases, input data for the extractor."""
    return data_file("gazetteer.ttl")


REFERENCE_TARGETS = ("wikidata", "dbpedia")  # the link targets with a snapshot, in order of precedence


def reference_dir() -> Path:
    """The folder of the offline Wikidata and DBpedia reference snapshots."""
    return data_file("reference")


def reference_snapshot(target: str, folder: Path | None = None) -> Path:
    """The reference snapshot of one link target (Turtle), in `folder` or the shipped one."""
    return (folder or reference_dir()) / f"{target}.ttl"
