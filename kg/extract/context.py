"""What the extraction steps share: the emitter, the gazetteer and what earlier steps found."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from kg.extract.emitter import Emitter
from kg.extract.gazetteer import Gazetteer, Mention
from kg.namespaces import SKOS
from kg.text.document import Sentence


@dataclass
class Context:
    """The state of one document's extraction."""

    emitter: Emitter
    gazetteer: Gazetteer
    model_keys: dict[str, URIRef] = field(default_factory=dict)
    section_models: dict[int, URIRef] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The document text that all offsets point into."""
        return self.emitter.document.text

    def mentions(self, sentence: Sentence) -> list[Mention]:
        """Known entities named in a sentence."""
        return self.gazetteer.find(self.text, sentence.start, sentence.end)

    def label(self, iri: URIRef) -> str:
        """The preferred label already emitted for an entity."""
        return str(self.emitter.graph.value(iri, SKOS.prefLabel))
