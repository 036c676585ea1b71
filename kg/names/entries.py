"""One entry of the entity index: what lookup, reconciliation and linking read about a resource.

An entry is made from the resource's statements with one of the predicates below (every graph but the
linksets, the default graph included; owl:sameAs / skos:exactMatch from the linksets), read in a
fixed order (predicate, value, language, graph) so "the first label" or "the first description" is
the same whatever the store's layout. Nothing else is kept: other property values are read from the
store when a reconciliation query asks for them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kg.namespaces import LINKSET_GRAPH_PREFIX, PREFIXES, QC

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
SUBCLASS_OF = PREFIXES["rdfs"] + "subClassOf"
SKOS_ALT = PREFIXES["skos"] + "altLabel"
SKOS_PREF = PREFIXES["skos"] + "prefLabel"
DESCRIPTION = PREFIXES["dcterms"] + "description"
SAME_AS = PREFIXES["owl"] + "sameAs"
EXACT_MATCH = PREFIXES["skos"] + "exactMatch"
ISO_CODE = str(QC.iso3166Alpha2)
ORIGIN_OF = {RDFS_LABEL: "label", SKOS_PREF: "label", SKOS_ALT: "alias"}
# The predicates an entry is made of.
READ = (RDF_TYPE, RDFS_LABEL, SKOS_PREF, SKOS_ALT, DESCRIPTION, ISO_CODE, SAME_AS, EXACT_MATCH)
# Resources that no consumer reads: sentences (lookup leaves them out), reified statements.
NOT_INDEXED = frozenset({str(QC.SourceSentence), PREFIXES["rdf"] + "Statement"})

Row = tuple[str, str, str, str, bool]  # predicate, value, language, graph ("" for the default), literal


@dataclass(frozen=True, slots=True)
class EntityName:
    """One name of an entity: its text, language ("" for none) and origin.

    The origin is "label" or "alias" for our own names, "linked-label" or "linked-alias" for
    the names of a linked item in the reference snapshot (redirect names count as aliases).
    """

    text: str
    language: str = ""
    origin: str = "label"

    @property
    def preferred(self) -> bool:
        """Labels are preferred names, aliases are not."""
        return self.origin in ("label", "linked-label")

    @property
    def local(self) -> bool:
        """Whether the name is ours rather than a linked item's."""
        return not self.origin.startswith("linked-")


@dataclass(slots=True, eq=False)
class Entry:
    """One resource of ours: its names, classes, description, links, and what linking cites.

    `name` is the first English label (else the first label, else the id); `types` are the most
    specific qc: classes, `all_types` every asserted class with all its superclasses, `classes` the
    asserted ones; the description is the first English (or untagged) one, else the first. `labels`
    are the label texts as linking cites them (skos:prefLabel first, then rdfs:label), `codes` the
    qc:iso3166Alpha2 values.
    """

    iri: str
    base: int  # the length of the base IRI: the id is the rest
    name: str = ""
    names: tuple[EntityName, ...] = ()
    types: frozenset[str] = frozenset()
    all_types: frozenset[str] = frozenset()
    classes: frozenset[str] = frozenset()
    description: str | None = None
    labels: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    links: frozenset[str] = field(default_factory=frozenset)

    @property
    def id(self) -> str:
        """The IRI relative to the base IRI (the identifier space)."""
        return self.iri[self.base :]


Share = Callable[[frozenset[str]], frozenset[str]]
LinkedNames = Callable[[Iterable[str]], dict[str, list[EntityName]]]


def make_entry(
    iri: str, rows: list[Row], base_iri: str, superclasses: dict[str, set[str]], share: Share
) -> Entry | None:
    """The entry of one resource from its sorted rows; None when no consumer would read it."""
    asserted: set[str] = set()
    names: list[EntityName] = []
    descriptions: list[tuple[str, str]] = []
    links: set[str] = set()
    label_texts: dict[str, set[str]] = {RDFS_LABEL: set(), SKOS_PREF: set()}
    codes: list[str] = []
    for predicate, value, language, graph, literal in rows:
        if graph.startswith(LINKSET_GRAPH_PREFIX):
            if predicate in (SAME_AS, EXACT_MATCH) and not literal:
                links.add(value)
        elif predicate == RDF_TYPE:
            if not literal:
                asserted.add(sys.intern(value))
        elif predicate in ORIGIN_OF:
            if literal:
                names.append(EntityName(value, sys.intern(language), ORIGIN_OF[predicate]))
                label_texts.get(predicate, set()).add(value)
        elif predicate == DESCRIPTION:
            if literal:
                descriptions.append((value, language))
        elif predicate == ISO_CODE and value not in codes:
            codes.append(value)
    if asserted & NOT_INDEXED or not (names or any(t.startswith(str(QC)) for t in asserted)):
        return None
    types, all_types = classified(asserted, superclasses)
    labels = sorted(label_texts[RDFS_LABEL])
    for text in sorted(label_texts[SKOS_PREF]):
        if text not in labels:
            labels.insert(0, text)
    found = [n for n in names if n.origin == "label"]
    english = [n for n in found if n.language == "en"]
    plain = [text for text, language in descriptions if language in ("", "en")]
    return Entry(
        iri,
        len(base_iri),
        name=(english or found)[0].text if found else iri[len(base_iri) :],
        names=tuple(dict.fromkeys(names)),
        types=share(frozenset(types)),
        all_types=share(frozenset(all_types)),
        classes=share(frozenset(asserted)),
        description=(plain or [text for text, _ in descriptions] or [None])[0],
        labels=tuple(labels),
        codes=tuple(codes),
        links=frozenset(links),
    )


def with_linked_names(entries: Iterable[Entry], linked_names: LinkedNames) -> None:
    """Add the names of the linked items (labels, aliases, redirects) after each entry's own."""
    linked = [entry for entry in entries if entry.links]
    found = linked_names({link for entry in linked for link in entry.links})
    for entry in linked:
        extra = [name for link in sorted(entry.links) for name in found.get(link, [])]
        entry.names = tuple(dict.fromkeys((*entry.names, *extra)))


def classified(asserted: Iterable[str], superclasses: dict[str, set[str]]) -> tuple[set[str], set[str]]:
    """The most specific qc: classes among the asserted ones, and every class with its superclasses."""
    asserted = set(asserted)
    all_types = asserted.union(*(superclasses.get(t, set()) for t in asserted))
    own = {t for t in asserted if t.startswith(str(QC))}
    return own - set().union(*(superclasses.get(t, set()) - {t} for t in own)), all_types


def retyped(entry: Entry, superclasses: dict[str, set[str]], share: Share) -> Entry:
    """The same entry under a changed class hierarchy."""
    types, all_types = classified(entry.classes, superclasses)
    return Entry(
        entry.iri,
        entry.base,
        entry.name,
        entry.names,
        share(frozenset(types)),
        share(frozenset(all_types)),
        entry.classes,
        entry.description,
        entry.labels,
        entry.codes,
        entry.links,
    )
