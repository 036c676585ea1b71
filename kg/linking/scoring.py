"""Scoring a candidate for one of our entities (names, type, codes, owl:sameAs) and deciding on the link."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import OWL, SKOS

from kg.linking.model import CONCEPT_KINDS, PREF, LocalEntity, Scored, curie, curies
from kg.linking.sources import DBPEDIA, RDFS_LABEL, SKOS_ALT, Candidate, TargetProfile
from kg.names.normalize import name_keys, similarity

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
