"""Partnerships stated in a sentence: the actors on either side of a collaboration cue, paired."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import combinations, product

from rdflib import URIRef

from kg.extract.context import Context
from kg.extract.cues import (
    BETWEEN_CUE,
    COMMA_GAP,
    HEDGE,
    JOINER,
    JOINT_CUE,
    MAX_GROUP_PAIRING,
    MODEL_HINTS,
    NEGATION,
    NEGATION_WINDOW,
    OWNER_GAP,
    PREPOSITION_BEFORE,
    RELATIVE_BEFORE,
    WITH_CUE,
)
from kg.extract.gazetteer import KnownEntity
from kg.extract.methods import SURFACE, Method
from kg.extract.organizations import OrgMatch, emit_organization, find_organizations, is_organization
from kg.extract.patterns import find_program_names
from kg.namespaces import QC, QCR
from kg.text.document import Sentence

AREA_KINDS = ("technology_area", "application_domain")


@dataclass(frozen=True)
class ActorRef:
    """An actor named in a sentence; `start` includes an owner it is named by ("Canada's NRC")."""

    iri: URIRef
    start: int
    end: int
    entry: KnownEntity | None
    org: OrgMatch | None

    @property
    def is_organization(self) -> bool:
        """True for universities, institutes, companies, agencies and standards bodies."""
        return self.org is not None or (self.entry is not None and is_organization(self.entry))


def blocked_spans(ctx: Context, sentence: Sentence) -> list[tuple[int, int]]:
    """Where programs are named: actors and cues inside them ("EU Quantum Flagship") do not count."""
    spans = [(m.start, m.end) for m in find_program_names(ctx.text, sentence.start, sentence.end)]
    spans += [(m.start, m.end) for m in ctx.mentions(sentence) if m.entry.kind == "program"]
    return spans


def _inside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def actor_refs(ctx: Context, sentence: Sentence) -> list[ActorRef]:
    """The actors a sentence names, longest name first; owners of organizations are left out."""
    return list(ctx.remembered("actor_refs", sentence, lambda: _actor_refs(ctx, sentence)))


def _actor_refs(ctx: Context, sentence: Sentence) -> list[ActorRef]:
    text, blocked = ctx.text, blocked_spans(ctx, sentence)
    candidates = [
        ActorRef(m.iri, m.start, m.end, m.entry, m)
        for m in find_organizations(ctx.gazetteer, text, sentence.start, sentence.end)
    ]
    candidates += [
        ActorRef(m.entry.iri, m.start, m.end, m.entry, None)
        for m in ctx.mentions(sentence)
        if m.entry.kind == "actor"
    ]
    chosen: list[ActorRef] = []
    for ref in sorted(candidates, key=lambda r: (r.start - r.end, r.start)):
        if not _inside(ref.start, ref.end, blocked) and not _inside(
            ref.start, ref.end, [(c.start, c.end) for c in chosen]
        ):
            chosen.append(ref)
    refs: list[ActorRef] = []
    for ref in sorted(chosen, key=lambda r: r.start):
        if refs and ref.is_organization and OWNER_GAP.fullmatch(text, refs[-1].end, ref.start):
            ref = replace(ref, start=refs.pop().start)
        refs.append(ref)
    return refs


def emit_actor(ctx: Context, ref: ActorRef, sentence: Sentence) -> URIRef:
    """The actor as an entity of this document."""
    if ref.org is not None:
        return emit_organization(ctx, ref.org, sentence)
    assert ref.entry is not None
    return ctx.emitter.ensure(ref.entry, sentence)


def _groups(text: str, refs: list[ActorRef]) -> list[list[ActorRef]]:
    """Actors named together: "A, B and C", "A–B", "Canada's NRC and the UK's NPL"."""
    groups: list[list[ActorRef]] = []
    for ref in refs:
        if groups and JOINER.fullmatch(text, groups[-1][-1].end, ref.start):
            groups[-1].append(ref)
        else:
            groups.append([ref])
    return groups


def _members(group: list[ActorRef]) -> list[ActorRef]:
    seen: dict[URIRef, ActorRef] = {}
    for ref in group:
        seen.setdefault(ref.iri, ref)
    return list(seen.values())


def _leading_object(text: str, group: list[ActorRef]) -> tuple[list[ActorRef], list[ActorRef]]:
    """ "In partnership with A, B opened ...": the partners (A) and the subject after the comma (B)."""
    cuts = [i for i in range(1, len(group)) if COMMA_GAP.fullmatch(text, group[i - 1].end, group[i].start)]
    if not cuts:
        return [], []
    return _members(group[: cuts[-1]]), _members(group[cuts[-1] :])


def _cues(ctx: Context, sentence: Sentence, refs: list[ActorRef]) -> list[tuple[int, int, str]]:
    """The collaboration cues of a sentence; "joint" cues inside a "with" or "between" cue drop."""
    text, spans = ctx.text, blocked_spans(ctx, sentence) + [(r.start, r.end) for r in refs]
    found: list[tuple[int, int, str]] = []
    for kind, pattern in (("with", WITH_CUE), ("between", BETWEEN_CUE), ("joint", JOINT_CUE)):
        for match in pattern.finditer(text, sentence.start, sentence.end):
            if _inside(match.start(), match.end(), spans):
                continue
            if kind == "joint" and _inside(match.start(), match.end(), [(s, e) for s, e, _ in found]):
                continue
            found.append((match.start(), match.end(), kind))
    return found


def partner_pairs(ctx: Context, sentence: Sentence, refs: list[ActorRef]) -> list[tuple[ActorRef, ActorRef]]:
    """Who partners with whom around the cues: subject with object, or the actors named together."""
    text = ctx.text
    if len({r.iri for r in refs}) < 2:
        return []
    groups = _groups(text, refs)

    def dependent(index: int) -> bool:
        before = text[sentence.start : groups[index][0].start]
        return PREPOSITION_BEFORE.search(before) is not None or RELATIVE_BEFORE.search(before) is not None

    def negated(start: int, end: int) -> bool:
        return NEGATION.search(text, max(start, sentence.start), end) is not None

    pairs: list[tuple[ActorRef, ActorRef]] = []
    subjects: set[int] = set()
    for start, end, kind in sorted(_cues(ctx, sentence, refs), key=lambda c: (c[2] == "joint", c[0])):
        if HEDGE.search(text, sentence.start, end):
            continue
        before = [i for i, g in enumerate(groups) if g[-1].end <= start]
        after = [i for i, g in enumerate(groups) if g[0].start >= end]
        if kind == "with" and after:
            subject = next((i for i in reversed(before) if not dependent(i)), None)
            if subject is not None and not negated(groups[subject][-1].end, start):
                subjects.add(subject)
                pairs += product(_members(groups[subject]), _members(groups[after[0]]))
            elif subject is None:
                pairs += product(*reversed(_leading_object(text, groups[after[0]])))
        elif kind == "between" and after:
            members = _members(groups[after[0]])
            if 2 <= len(members) <= MAX_GROUP_PAIRING and not negated(start - NEGATION_WINDOW, start):
                pairs += combinations(members, 2)
        elif kind == "joint" and before and before[-1] not in subjects:
            subject = before[-1]
            members = _members(groups[subject])
            fits = 2 <= len(members) <= MAX_GROUP_PAIRING and not dependent(subject)
            if fits and not negated(groups[subject][-1].end, start):
                subjects.add(subject)
                pairs += combinations(members, 2)
    unique: dict[frozenset[URIRef], tuple[ActorRef, ActorRef]] = {}
    for a, b in pairs:
        if a.iri != b.iri:
            unique.setdefault(frozenset((a.iri, b.iri)), (a, b))
    return list(unique.values())


def sentence_model(ctx: Context, sentence: Sentence, pair_count: int) -> URIRef | None:
    """The collaboration model the sentence names, if the document defines it."""
    models = sorted(set(ctx.model_keys.values()), key=str)
    for hint in MODEL_HINTS:
        if hint.single_pair and pair_count != 1:
            continue
        if hint.cue.search(ctx.text, sentence.start, sentence.end):
            model = next((m for m in models if hint.label.search(ctx.label(m))), None)
            if model is not None:
                return model
    return None


def area_iris(ctx: Context, sentence: Sentence) -> list[URIRef]:
    """Technology areas and application domains named in the sentence (outside program names)."""
    blocked = blocked_spans(ctx, sentence)
    return [
        ctx.emitter.ensure(m.entry, sentence)
        for m in ctx.mentions(sentence)
        if m.entry.kind in AREA_KINDS and not _inside(m.start, m.end, blocked)
    ]


def sentence_partnerships(ctx: Context, sentence: Sentence) -> list[URIRef]:
    """Every partnership a sentence states, with its qc:Collaboration."""
    pairs = partner_pairs(ctx, sentence, actor_refs(ctx, sentence))
    if not pairs:
        return []
    areas = area_iris(ctx, sentence)
    model = sentence_model(ctx, sentence, len(pairs))
    return [
        partnership(ctx, emit_actor(ctx, a, sentence), emit_actor(ctx, b, sentence), sentence, areas, model)
        for a, b in pairs
    ]


def partnership(
    ctx: Context,
    actor: URIRef,
    other: URIRef,
    sentence: Sentence,
    areas: Sequence[URIRef],
    model: URIRef | None = None,
    method: Method = SURFACE,
    confidence: float = 0.9,
) -> URIRef:
    """actor qc:collaboratesWith other, and the qc:Collaboration between the two."""
    emit = ctx.emitter
    emit.relate(actor, QC.collaboratesWith, other, sentence, method, confidence)
    first, second = sorted((actor, other), key=str)
    slugs = [str(iri).removeprefix(str(QCR)) for iri in (first, second)]
    iri = QCR[f"collaboration/{slugs[0]}--{slugs[1]}"]
    label = f"{ctx.label(first)}–{ctx.label(second)} collaboration"
    emit.entity(
        iri, "collaboration", [QC.Collaboration], label, sentence, method=method, confidence=confidence
    )
    for member in (first, second):
        emit.relate(iri, QC.participant, member, sentence, method, confidence)
    for area in areas:
        emit.relate(iri, QC.focusArea, area, sentence)
    if model is not None:
        emit.relate(iri, QC.collaborationModel, model, sentence)
    return iri
