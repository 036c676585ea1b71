"""What the extraction steps share: the emitter, the gazetteer and what earlier steps found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from rdflib import URIRef

from kg.extract.emitter import Emitter
from kg.extract.gazetteer import Gazetteer, Mention
from kg.namespaces import SKOS
from kg.text.document import Sentence

T = TypeVar("T")


@dataclass
class Context:
    """The state of one document's extraction."""

    emitter: Emitter
    gazetteer: Gazetteer
    model_keys: dict[str, URIRef] = field(default_factory=dict)
    section_models: dict[int, URIRef] = field(default_factory=dict)
    _found: dict[tuple[str, int, int], object] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The document text that all offsets point into."""
        return self.emitter.document.text

    def mentions(self, sentence: Sentence) -> list[Mention]:
        """Known entities named in a sentence (found once: several steps ask)."""
        found = self.remembered(
            "mentions", sentence, lambda: self.gazetteer.find(self.text, sentence.start, sentence.end)
        )
        return list(found)

    def remembered(self, step: str, sentence: Sentence, compute: Callable[[], T]) -> T:
        """What a step found in a sentence, computed once however many steps ask for it."""
        key = (step, sentence.start, sentence.end)
        if key not in self._found:
            self._found[key] = compute()
        return self._found[key]  # type: ignore[no-any-return]

    def label(self, iri: URIRef) -> str:
        """The preferred label already emitted for an entity."""
        return str(self.emitter.graph.value(iri, SKOS.prefLabel))
