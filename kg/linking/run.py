"""Link the graph's actors, programs and concepts to Wikidata and DBpedia (`qcollab link`).

For every actor, program, technology area and application domain in the store the matcher looks
up candidates by exact label/alias (spelling variants included) in each target, then scores
every candidate on evidence, not on a table of answers:

- names: normalised label/alias equality (label to label counts most), else string similarity;
- type: the candidate must have a type compatible with the entity's kind (a qc:Country only
  matches items typed country or sovereign state, never a historical country, a U.S. state, a
  continent or a region) and must not be dissolved when the kind forbids it;
- codes: qc:iso3166Alpha2 agreeing with the candidate's ISO 3166-1 code raises the score, a
  different code rejects the candidate;
- chains: a DBpedia resource stating owl:sameAs the Wikidata item we linked is raised, one that
  is the same as another Wikidata item is rejected.

A link is written only when the best candidate reaches settings.link_threshold and no other
candidate comes close; otherwise the entity is reported for a person to confirm (the
candidates and their scores) or as unmatched. Links go to one named graph per target
(qcg:linkset/wikidata, qcg:linkset/dbpedia): owl:sameAs for actors and programs (the same
thing), skos:exactMatch / skos:closeMatch for technology areas and application domains
(concepts). Each link is annotated the way SSSOM writes mappings in RDF: an owl:Axiom with
owl:annotatedSource / owl:annotatedProperty / owl:annotatedTarget, its date (dcterms:date),
confidence (sssom:confidence), justification (sssom:mapping_justification, a semapv: term), the
names that matched (sssom:match_string, sssom:subject_match_field, sssom:object_match_field), a
readable account of the evidence (rdfs:comment) and prov:wasGeneratedBy the run, a
prov:Activity with its start and end time and the source it used. (Not rdf:Statement: in this
graph a reified rdf:Statement is a fact extracted from a sentence, and the shapes require its
qc:extractedFrom.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from rdflib.namespace import OWL

from kg.errors import QcollabError
from kg.linking.linkset import linkset_graph
from kg.linking.model import (
    KIND_OF_CLASS,
    PREF,
    Link,
    LinkReport,
    LocalEntity,
    Scored,
    TargetReport,
    curie,
)
from kg.linking.scoring import (
    MARGIN,
    REVIEW_FLOOR,
    REVIEW_SHOWN,
    decide,
    link_predicate,
    score_candidate,
)
from kg.linking.sources import (
    DBPEDIA,
    PROFILES,
    WIKIDATA,
    CandidateSource,
    TargetProfile,
    open_source,
)
from kg.names.index import EntityIndex
from kg.names.normalize import normalize, spelling_variants
from kg.namespaces import QCR
from kg.settings import Settings
from kg.store.interface import KnowledgeStore

Progress = Callable[[str, int, int], None]


# ---------------------------------------------------------------- our entities


def local_entities(store: KnowledgeStore, base_iri: str = str(QCR)) -> list[LocalEntity]:
    """Actors, programs, technology areas and application domains, with names and ISO codes."""
    return entities_to_link(EntityIndex.from_store(store, base_iri))


def entities_to_link(index: EntityIndex) -> list[LocalEntity]:
    """The entries of the entity index whose asserted classes make them linkable, in IRI order.

    Preferred labels come first (skos:prefLabel, then rdfs:label), then the aliases; the first
    label is the one the report shows and the linkset cites.
    """
    kinds = {str(cls): kind for cls, kind in KIND_OF_CLASS}
    entities = []
    for entry in index.entries.values():
        classes = entry.classes & set(kinds)
        if not classes:
            continue
        entity = LocalEntity(entry.iri, next(kind for cls, kind in KIND_OF_CLASS if str(cls) in classes))
        entity.classes = set(classes)
        entity.codes = {code.strip().upper() for code in entry.codes}
        entity.labels = list(entry.labels)
        entity.aliases = sorted({name.text for name in entry.names if name.origin == "alias"})
        entities.append(entity)
    return sorted(entities, key=lambda e: e.iri)


def existing_links(store: KnowledgeStore, profile: TargetProfile) -> dict[str, set[str]]:
    """Links already in a linkset graph: entity IRI -> target IRIs."""
    if not store.has_graph(profile.graph):
        return {}
    rows = store.query(
        f"SELECT ?s ?o WHERE {{ GRAPH <{profile.graph}> "
        "{ ?s owl:sameAs|skos:exactMatch|skos:closeMatch ?o } }"
    )
    links: dict[str, set[str]] = {}
    for row in rows:
        links.setdefault(row["s"].value, set()).add(row["o"].value)
    return links


# ---------------------------------------------------------------- matching and writing


def match_target(
    entities: list[LocalEntity],
    source: CandidateSource,
    threshold: float,
    anchors: dict[str, set[str]] | None = None,
    progress: Progress | None = None,
) -> TargetReport:
    """Find, score and decide the candidates of every entity in one target."""
    profile = source.profile
    report = TargetReport(profile, source.description)
    anchors = anchors or {}
    lookups: dict[str, list[tuple[str, str]]] = {}
    for entity in entities:
        keys = []
        for name, _ in entity.names():
            keys += [(variant, "en") for variant in spelling_variants(name)]
        lookups[entity.iri] = keys
    if progress:
        progress(f"{profile.title}: looking up names", 0, len(entities))
    found = source.find_by_names(key for keys in lookups.values() for key in keys)
    words_of = {e.iri: _content_words(e) for e in entities}
    by_word = source.find_by_words(w for words in words_of.values() for w in words)
    by_anchor = source.find_by_same_as(iri for targets in anchors.values() for iri in targets)
    candidates_of: dict[str, set[str]] = {}
    for entity in entities:
        iris: set[str] = set()
        for key in lookups[entity.iri]:
            iris |= found.get(key, set())
        for anchor in anchors.get(entity.iri, ()):
            iris |= by_anchor.get(anchor, set())
        for word in words_of[entity.iri]:
            iris |= by_word.get(word, set())
        candidates_of[entity.iri] = iris
    if progress:
        progress(f"{profile.title}: describing candidates", 0, len(entities))
    described = source.describe(set().union(*candidates_of.values()) if candidates_of else set())
    for done, entity in enumerate(entities, start=1):
        if progress:
            progress(f"{profile.title}: matching", done, len(entities))
        entity_anchors = anchors.get(entity.iri, set())
        scored = [
            score_candidate(entity, described[iri], profile, entity_anchors)
            for iri in sorted(candidates_of[entity.iri])
        ]
        scored = [s for s in scored if s.match_string]  # found by a word, but no name is close
        winner, shown, reason = decide(entity, scored, threshold)
        rejected = sorted((s for s in scored if s.rejected), key=lambda s: (-s.score, s.candidate.iri))
        if winner is not None:
            rejected = [s for s in rejected if s.score >= REVIEW_FLOOR]
            report.links.append(Link(entity, str(link_predicate(entity, winner)), winner, rejected))
        elif shown:
            report.review.append((entity, shown, reason))
        else:
            shown_rejected = [s for s in rejected if s.score >= REVIEW_FLOOR]
            report.unmatched.append((entity, shown_rejected[:REVIEW_SHOWN]))
    _one_entity_per_target(report)
    report.ended = datetime.now(UTC)
    return report


def _one_entity_per_target(report: TargetReport) -> None:
    """Two of our entities cannot both be the same external thing: keep a clear winner, if any."""
    claims: dict[str, list[Link]] = {}
    for link in report.links:
        if link.predicate != str(OWL.sameAs):
            continue
        claims.setdefault(link.target, []).append(link)
    for target, links in claims.items():
        if len(links) < 2:
            continue
        links.sort(key=lambda link: -link.scored.score)
        keep = links[0] if links[0].scored.score - links[1].scored.score >= MARGIN else None
        for link in links:
            if link is keep:
                continue
            report.links.remove(link)
            others = ", ".join(other.entity.label for other in links if other is not link)
            report.review.append(
                (link.entity, [link.scored], f"{curie(target)} is also the best match of {others}")
            )


def _content_words(entity: LocalEntity) -> set[str]:
    """Longer words of the preferred labels, to find candidates whose names differ a little."""
    return {w for label in entity.labels for w in normalize(label).split() if len(w) >= 5}


def link_store(
    store: KnowledgeStore,
    settings: Settings,
    *,
    targets: Iterable[str] = ("wikidata", "dbpedia"),
    offline: bool = False,
    write: bool = True,
    progress: Progress | None = None,
) -> LinkReport:
    """Match every entity against each target and (re)write the linkset graphs."""
    entities = local_entities(store, settings.base_iri)
    report = LinkReport(settings.link_threshold, len(entities))
    wanted = list(targets)
    unknown = [t for t in wanted if t not in PROFILES]
    if unknown:
        raise QcollabError(f"unknown link target(s): {', '.join(unknown)} (known: {', '.join(PROFILES)})")
    order = [name for name in (WIKIDATA.name, DBPEDIA.name) if name in wanted]
    for name in order:
        profile = PROFILES[name]
        endpoint = None if offline else getattr(settings, profile.endpoint_setting)
        source = open_source(profile, endpoint, settings.user_agent)
        anchors: dict[str, set[str]] = {}
        if profile.same_as_space == WIKIDATA.uri_space:
            if WIKIDATA.name in report.targets:
                for link in report.targets[WIKIDATA.name].links:
                    anchors.setdefault(link.entity.iri, set()).add(link.target)
            else:
                anchors = existing_links(store, WIKIDATA)
        try:
            target_report = match_target(entities, source, settings.link_threshold, anchors, progress)
        finally:
            close = getattr(source.runner, "close", None)
            if close:
                close()
        report.targets[name] = target_report
        if write:
            store.replace_graph(profile.graph, linkset_graph(target_report, settings))
    if write:
        store.flush()
        report.written = True
    return report


__all__ = [
    "LinkReport",
    "TargetReport",
    "LocalEntity",
    "Scored",
    "local_entities",
    "entities_to_link",
    "link_store",
    "match_target",
    "score_candidate",
    "decide",
    "normalize",
    "PREF",
    "curie",
]
