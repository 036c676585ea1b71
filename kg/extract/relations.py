"""Relations read from the dependency parse: who collaborates with whom, who joins, leads or funds what."""

from __future__ import annotations

from kg.extract.collaborations import CollaborationReader
from kg.extract.phrases import Relation
from kg.extract.roles import RoleReader

__all__ = ["Relation", "SentenceGraph"]


class SentenceGraph(CollaborationReader, RoleReader):
    """One parsed sentence with its mentions: groups of actors and the relations the parse states."""
