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
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg import __version__
from kg.errors import QcollabError
from kg.linking.names import name_keys, normalize, similarity, spelling_variants
from kg.linking.sources import (
    DBPEDIA,
    PROFILES,
    RDFS_LABEL,
    SKOS_ALT,
    WIKIDATA,
    Candidate,
    CandidateSource,
    TargetProfile,
    open_source,
)
from kg.namespaces import QC
from kg.settings import Settings
from kg.store import OxigraphStore
from kg.void import target_dataset

SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")

Progress = Callable[[str, int, int], None]

# The kind of an entity decides the link predicate and the type rules (first class that applies).
KIND_OF_CLASS: tuple[tuple[URIRef, str], ...] = (
    (QC.Country, "country"),
    (QC.SupranationalUnion, "union"),
    (QC.Region, "region"),
    (QC.University, "organization"),
    (QC.ResearchInstitute, "organization"),
    (QC.Company, "organization"),
    (QC.GovernmentAgency, "organization"),
    (QC.StandardsBody, "organization"),
    (QC.Organization, "organization"),
    (QC.Legislation, "program"),
    (QC.Program, "program"),
    (QC.TechnologyArea, "concept"),
    (QC.ApplicationDomain, "concept"),
    (QC.Actor, "actor"),
)
CONCEPT_KINDS = frozenset({"concept"})

# Name evidence. Aliases of concepts in the gazetteer are loose (broader or narrower terms), so a
# concept matched through one of its aliases only is left for review at the default threshold.
LABEL_TO_LABEL = 1.0
ONE_SIDE_ALIAS = 0.93
ALIAS_TO_ALIAS = 0.88
CONCEPT_ALIAS_CAP = 0.8
FUZZY_WEIGHT = 0.9
FUZZY_FLOOR = 0.6
CODE_BOOST = 0.07
SAME_AS_BOOST = 0.1
MARGIN = 0.05
REVIEW_FLOOR = 0.7
REVIEW_SHOWN = 3
EXACT_MATCH_FLOOR = 0.95

PREF = str(SKOS.prefLabel)


@dataclass
class LocalEntity:
    """One thing of ours to link: its IRI, kind, names and codes."""

    iri: str
    kind: str
    classes: set[str] = field(default_factory=set)
    labels: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    codes: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return self.labels[0] if self.labels else self.iri.rsplit("/", 1)[-1]

    @property
    def class_name(self) -> str:
        for cls, _ in KIND_OF_CLASS:
            if str(cls) in self.classes:
                return cls.rsplit("#", 1)[-1]
        return "Thing"

    def names(self) -> list[tuple[str, str]]:
        """(name, field IRI) pairs: preferred labels first, then aliases."""
        seen: dict[str, str] = {}
        for text in self.labels:
            seen.setdefault(text, PREF)
        for text in self.aliases:
            seen.setdefault(text, SKOS_ALT)
        return list(seen.items())


@dataclass
class Scored:
    """A candidate with its score and the evidence for and against it."""

    candidate: Candidate
    score: float = 0.0
    exact: bool = False
    local_name: str = ""
    local_field: str = PREF
    match_string: str = ""
    remote_field: str = RDFS_LABEL
    evidence: list[str] = field(default_factory=list)
    rejected: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "iri": self.candidate.iri,
            "label": self.candidate.label(),
            "description": self.candidate.description,
            "score": round(self.score, 3),
            "matched": self.match_string,
            "evidence": self.evidence,
            **({"rejected": self.rejected} if self.rejected else {}),
        }


@dataclass
class Link:
    entity: LocalEntity
    predicate: str
    scored: Scored
    rejected: list[Scored] = field(default_factory=list)

    @property
    def target(self) -> str:
        return self.scored.candidate.iri


@dataclass
class TargetReport:
    """The outcome for one target: links written, candidates to review, entities unmatched."""

    profile: TargetProfile
    source: str
    links: list[Link] = field(default_factory=list)
    review: list[tuple[LocalEntity, list[Scored], str]] = field(default_factory=list)
    unmatched: list[tuple[LocalEntity, list[Scored]]] = field(default_factory=list)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    ended: datetime | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "target": self.profile.name,
            "graph": self.profile.graph,
            "source": self.source,
            "links": [
                {
                    "entity": link.entity.iri,
                    "label": link.entity.label,
                    "class": link.entity.class_name,
                    "target": link.target,
                    "target_label": link.scored.candidate.label(),
                    "predicate": link.predicate,
                    "score": round(link.scored.score, 3),
                    "evidence": link.scored.evidence,
                    "rejected": [s.as_dict() for s in link.rejected],
                }
                for link in self.links
            ],
            "review": [
                {
                    "entity": entity.iri,
                    "label": entity.label,
                    "class": entity.class_name,
                    "reason": reason,
                    "candidates": [s.as_dict() for s in scored],
                }
                for entity, scored, reason in self.review
            ],
            "unmatched": [
                {
                    "entity": entity.iri,
                    "label": entity.label,
                    "class": entity.class_name,
                    "rejected": [s.as_dict() for s in rejected],
                }
                for entity, rejected in self.unmatched
            ],
        }


@dataclass
class LinkReport:
    threshold: float
    entities: int = 0
    targets: dict[str, TargetReport] = field(default_factory=dict)
    written: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "threshold": self.threshold,
            "entities": self.entities,
            "written": self.written,
            "targets": {name: report.as_dict() for name, report in self.targets.items()},
        }


# ---------------------------------------------------------------- our entities


def local_entities(store: OxigraphStore) -> list[LocalEntity]:
    """Actors, programs, technology areas and application domains, with names and ISO codes."""
    classes = " ".join(f"<{cls}>" for cls, _ in KIND_OF_CLASS)
    rows = store.query(
        f"SELECT ?e ?class WHERE {{ VALUES ?class {{ {classes} }} ?e a ?class FILTER(isIRI(?e)) }}"
    )
    entities: dict[str, LocalEntity] = {}
    for row in rows:
        iri = row["e"].value
        entities.setdefault(iri, LocalEntity(iri, "")).classes.add(row["class"].value)
    for entity in entities.values():
        entity.kind = next(kind for cls, kind in KIND_OF_CLASS if str(cls) in entity.classes)
    if not entities:
        return []
    values = " ".join(f"<{iri}>" for iri in entities)
    rows = store.query(
        f"SELECT ?e ?p ?o WHERE {{ VALUES ?e {{ {values} }} "
        "VALUES ?p { skos:prefLabel rdfs:label skos:altLabel qc:iso3166Alpha2 } ?e ?p ?o "
        "FILTER(isLiteral(?o)) } ORDER BY ?e ?p ?o"
    )
    for row in rows:
        entity = entities[row["e"].value]
        predicate, text = row["p"].value, row["o"].value
        if predicate == str(QC.iso3166Alpha2):
            entity.codes.add(text.strip().upper())
        elif predicate == SKOS_ALT:
            if text not in entity.aliases:
                entity.aliases.append(text)
        elif text not in entity.labels:
            if predicate == PREF:
                entity.labels.insert(0, text)
            else:
                entity.labels.append(text)
    return sorted(entities.values(), key=lambda e: e.iri)


def existing_links(store: OxigraphStore, profile: TargetProfile) -> dict[str, set[str]]:
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


# ---------------------------------------------------------------- scoring


def _name_evidence(entity: LocalEntity, candidate: Candidate, scored: Scored) -> float:
    """The best name agreement between the entity and the candidate, recorded on `scored`."""
    remote: list[tuple[str, str, str]] = [(t, lang, RDFS_LABEL) for t, lang in candidate.labels]
    remote += [(t, lang, SKOS_ALT) for t, lang in candidate.aliases]
    remote += [(t, lang, DBPEDIA.redirect_predicate or "") for t, lang in candidate.redirects]
    remote.sort(key=lambda r: (r[1] != "en", r[1]))  # English names first: they explain best
    concept = entity.kind in CONCEPT_KINDS
    best = 0.0
    for local, local_field in entity.names():
        local_keys = name_keys(local)
        for text, lang, remote_field in remote:
            remote_keys = name_keys(text)
            local_is_alias = local_field != PREF
            remote_is_alias = remote_field != RDFS_LABEL
            if local_keys & remote_keys:
                exact = True
                if not local_is_alias and not remote_is_alias:
                    value = LABEL_TO_LABEL
                elif local_is_alias and remote_is_alias:
                    value = ALIAS_TO_ALIAS
                else:
                    value = ONE_SIDE_ALIAS
            else:
                exact = False
                ratio = max(similarity(a, b) for a in local_keys for b in remote_keys)
                if ratio < FUZZY_FLOOR:
                    continue
                value = FUZZY_WEIGHT * ratio * (1.0 if not (local_is_alias or remote_is_alias) else 0.95)
            if concept and local_is_alias:
                value = min(value, CONCEPT_ALIAS_CAP)
            if value > best:
                best = value
                scored.exact = exact
                scored.local_name, scored.local_field = local, local_field
                scored.match_string, scored.remote_field = text, remote_field
                tag = f"@{lang}" if lang else ""
                how = "exact" if exact else f"similar ({value:.2f})"
                scored.evidence = [
                    f"{how} name: {local!r} ({curie(local_field)}) ~ {text!r}{tag} ({curie(remote_field)})"
                ]
    return best


def score_candidate(
    entity: LocalEntity, candidate: Candidate, profile: TargetProfile, anchors: set[str]
) -> Scored:
    """Score one candidate for one entity; `anchors` are the entity's links in the other target."""
    scored = Scored(candidate)
    base = _name_evidence(entity, candidate, scored)
    if base <= 0:
        scored.rejected = "no name in common"
        scored.evidence = [f"no name close to {entity.label!r}"]
        return scored
    rule = profile.rules[entity.kind]
    forbidden = candidate.types & rule.forbidden
    if forbidden:
        scored.rejected = f"type {curies(forbidden)} is not a {entity.class_name}"
    elif rule.required is not None and not candidate.types & rule.required:
        found = curies(candidate.types) or "no known type"
        scored.rejected = f"type ({found}) is not compatible with {entity.class_name}"
    elif rule.reject_dissolved and candidate.dissolved:
        scored.rejected = "dissolved (a former entity)"
    elif rule.required is not None:
        scored.evidence.append(f"type {curies(candidate.types & rule.required)}")
    if entity.codes and candidate.codes:
        if entity.codes & candidate.codes:
            base += CODE_BOOST
            agreed = "/".join(sorted(entity.codes & candidate.codes))
            scored.evidence.append(f"ISO 3166-1 alpha-2 {agreed} agrees")
        else:
            theirs, ours = "/".join(sorted(candidate.codes)), "/".join(sorted(entity.codes))
            scored.rejected = scored.rejected or f"ISO 3166-1 code {theirs} differs from {ours}"
    if anchors and candidate.same_as:
        if candidate.same_as & anchors:
            base += SAME_AS_BOOST
            scored.evidence.append(f"owl:sameAs {curies(candidate.same_as & anchors)}")
        else:
            scored.rejected = scored.rejected or (
                f"same as {curies(candidate.same_as)}, not {curies(anchors)}"
            )
    scored.score = min(1.0, base)
    return scored


def decide(
    entity: LocalEntity, scored: list[Scored], threshold: float
) -> tuple[Scored | None, list[Scored], str]:
    """The winning candidate (or None), the candidates to show, and why there is no winner."""
    passing = sorted((s for s in scored if not s.rejected), key=lambda s: (-s.score, s.candidate.iri))
    if not passing:
        return None, [], "no candidate of a compatible type"
    best = passing[0]
    runner_up = passing[1] if len(passing) > 1 else None
    if best.score >= threshold:
        if runner_up is None or best.score - runner_up.score >= MARGIN:
            return best, [], ""
        shown = [s for s in passing if best.score - s.score < MARGIN]
        return None, shown[:REVIEW_SHOWN], "ambiguous: several candidates score alike"
    shown = [s for s in passing if s.score >= REVIEW_FLOOR][:REVIEW_SHOWN]
    return None, shown, f"best score {best.score:.2f} is below the threshold {threshold:.2f}"


def link_predicate(entity: LocalEntity, scored: Scored) -> URIRef:
    """owl:sameAs for the same thing; skos:exactMatch / closeMatch for concepts."""
    if entity.kind not in CONCEPT_KINDS:
        return OWL.sameAs
    label_to_label = scored.exact and scored.local_field == PREF and scored.remote_field == RDFS_LABEL
    return SKOS.exactMatch if label_to_label and scored.score >= EXACT_MATCH_FLOOR else SKOS.closeMatch


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


# ---------------------------------------------------------------- the linkset graphs


def _justification(scored: Scored) -> URIRef:
    composite = any(e.startswith(("ISO", "owl:sameAs")) for e in scored.evidence)
    if composite:
        return SEMAPV.CompositeMatching
    return SEMAPV.LexicalMatching if scored.exact else SEMAPV.LexicalSimilarityThresholdMatching


def linkset_graph(report: TargetReport, settings: Settings) -> Graph:
    """The named graph of one target: the links, each reified with its provenance, and the run."""
    graph = Graph()
    graph.bind("sssom", SSSOM)
    graph.bind("semapv", SEMAPV)
    graph.bind("prov", PROV)
    run = BNode()
    agent = BNode()
    ended = report.ended or datetime.now(UTC)
    graph.add((run, RDF.type, PROV.Activity))
    graph.add((run, RDFS.label, Literal(f"qcollab link: matching against {report.profile.title}", lang="en")))
    graph.add((run, PROV.startedAtTime, Literal(report.started.isoformat(), datatype=XSD.dateTime)))
    graph.add((run, PROV.endedAtTime, Literal(ended.isoformat(), datatype=XSD.dateTime)))
    graph.add((run, PROV.used, target_dataset(report.profile.name)))
    graph.add((run, DCTERMS.source, Literal(report.source)))
    graph.add((run, RDFS.comment, Literal(
        "Candidates looked up by exact label or alias, scored on normalised name similarity, "
        "type compatibility, ISO 3166-1 codes and owl:sameAs chains; links written at a "
        f"confidence of at least {settings.link_threshold:.2f} with no close runner-up.",
        lang="en",
    )))
    graph.add((run, PROV.wasAssociatedWith, agent))
    graph.add((agent, RDF.type, PROV.SoftwareAgent))
    graph.add((agent, RDFS.label, Literal(f"qcollab {__version__}")))
    date = Literal(report.started.date().isoformat(), datatype=XSD.date)
    for link in report.links:
        subject, predicate, target = URIRef(link.entity.iri), URIRef(link.predicate), URIRef(link.target)
        graph.add((subject, predicate, target))
        statement = BNode()
        scored = link.scored
        for p, o in (
            (RDF.type, OWL.Axiom),
            (OWL.annotatedSource, subject),
            (OWL.annotatedProperty, predicate),
            (OWL.annotatedTarget, target),
            (DCTERMS.date, date),
            (SSSOM.confidence, Literal(round(scored.score, 3), datatype=XSD.double)),
            (SSSOM.mapping_justification, _justification(scored)),
            (SSSOM.match_string, Literal(scored.match_string)),
            (SSSOM.subject_match_field, URIRef(scored.local_field)),
            (SSSOM.object_match_field, URIRef(scored.remote_field)),
            (SSSOM.mapping_tool, Literal(f"qcollab link {__version__}")),
            (RDFS.comment, Literal("; ".join(scored.evidence), lang="en")),
            (PROV.wasGeneratedBy, run),
        ):
            graph.add((statement, p, o))
    return graph


def link_store(
    store: OxigraphStore,
    settings: Settings,
    *,
    targets: Iterable[str] = ("wikidata", "dbpedia"),
    offline: bool = False,
    write: bool = True,
    progress: Progress | None = None,
) -> LinkReport:
    """Match every entity against each target and (re)write the linkset graphs."""
    entities = local_entities(store)
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


def curies(iris: Iterable[str]) -> str:
    return ", ".join(sorted(curie(i) for i in iris))


def curie(iri: str) -> str:
    for prefix, space in (
        ("wd", "http://www.wikidata.org/entity/"),
        ("dbr", "http://dbpedia.org/resource/"),
        ("dbo", "http://dbpedia.org/ontology/"),
        ("rdfs", str(RDFS)),
        ("skos", str(SKOS)),
        ("owl", str(OWL)),
    ):
        if iri.startswith(space):
            return f"{prefix}:{iri[len(space):]}"
    return iri


__all__ = [
    "LinkReport",
    "TargetReport",
    "LocalEntity",
    "Scored",
    "local_entities",
    "link_store",
    "match_target",
    "score_candidate",
    "decide",
    "normalize",
]
