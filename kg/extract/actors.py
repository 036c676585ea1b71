"""Actors described in a players section: partners, programs, expertise, collaboration models."""

from __future__ import annotations

import re

from rdflib import URIRef

from kg.extract.context import Context
from kg.extract.organizations import classify_name
from kg.extract.partnerships import AREA_KINDS, partnership, sentence_model
from kg.extract.patterns import (
    ENGAGE_CUE,
    EXPERTISE_CUE,
    FUNDING_CUE,
    JOIN_CUE,
    PARTNER_CUE,
    find_program_names,
)
from kg.extract.programs import programs_in
from kg.namespaces import QC, QCR
from kg.text.document import Block, Section, Sentence, clean_inline, iter_block_sentences, slugify

_PROPER_NAME = re.compile(r"(?:[A-Z][\w.'’&-]*)(?:\s+(?:of|and|for|the|[A-Z][\w.'’&-]*))*")


def resolve_actor(
    ctx: Context, name: str, evidence: list[Sentence], description: str | None
) -> URIRef | None:
    """The actor a bullet or heading names: a known one, or a new qc:Actor for a proper name."""
    entry = ctx.gazetteer.lookup(name)
    if entry is not None:
        return ctx.emitter.known(entry, evidence, description) if entry.kind == "actor" else None
    if find_program_names(name) or not _PROPER_NAME.fullmatch(name):
        return None
    iri = QCR[slugify(name)]
    classes = classify_name(name) or (QC.Actor,)
    return ctx.emitter.entity(iri, "actor", classes, name, evidence, description)


def actor_item(ctx: Context, block: Block) -> URIRef | None:
    """An "Actor: description" bullet and the facts its sentences state."""
    if not block.label or not block.sentences:
        return None
    actor = resolve_actor(ctx, block.label, [block.sentences[0]], block.description or None)
    if actor is not None:
        for sentence in iter_block_sentences(block):
            actor_facts(ctx, actor, sentence)
    return actor


def actor_section(ctx: Context, section: Section) -> URIRef | None:
    """A subsection named after an actor, its paragraphs describing it."""
    paragraph = section.first_paragraph()
    evidence = [section.sentence]
    if paragraph is not None and paragraph.sentences:
        evidence.append(paragraph.sentences[0])
    description = clean_inline(paragraph.text) if paragraph is not None else None
    actor = resolve_actor(ctx, section.heading, evidence, description)
    if actor is not None:
        for block in section.blocks:
            for sentence in iter_block_sentences(block):
                actor_facts(ctx, actor, sentence)
    return actor


def actor_facts(ctx: Context, actor: URIRef, sentence: Sentence) -> None:
    """Programs led or joined, expertise and focus, partners and models named in one sentence."""
    text, emit = ctx.text, ctx.emitter
    programs = programs_in(ctx, sentence)
    mentions = [m for m in ctx.mentions(sentence) if not any(p.start <= m.start < p.end for p in programs)]
    funding = FUNDING_CUE.search(text, sentence.start, sentence.end) is not None
    joins = JOIN_CUE.search(text, sentence.start, sentence.end)
    for program in programs:
        joined = joins is not None and joins.end() <= program.start
        emit.relate(actor, QC.participatesIn if joined else QC.leads, program.iri, sentence)
        if funding and not joined:
            emit.relate(actor, QC.funds, program.iri, sentence)
    areas = [m for m in mentions if m.entry.kind in AREA_KINDS]
    expertise = EXPERTISE_CUE.search(text, sentence.start, sentence.end) is not None
    for mention in areas:
        area = emit.ensure(mention.entry, sentence)
        skilled = expertise and mention.entry.kind == "technology_area"
        emit.relate(actor, QC.hasExpertiseIn if skilled else QC.focusArea, area, sentence)
    cue = PARTNER_CUE.search(text, sentence.start, sentence.end)
    if cue is not None:
        partners = [
            m.entry
            for m in mentions
            if m.start >= cue.end() and m.entry.kind == "actor" and m.entry.iri != actor
        ]
        model = sentence_model(ctx, sentence, len({p.iri for p in partners}))
        focus = [a.entry.iri for a in areas]
        for partner in partners:
            partnership(ctx, actor, emit.ensure(partner, sentence), sentence, focus, model)
    engage = ENGAGE_CUE.search(text, sentence.start, sentence.end)
    if engage is not None:
        tail = text[engage.end() : sentence.end]
        for key, model in sorted(ctx.model_keys.items()):
            if re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", tail, re.IGNORECASE):
                emit.relate(actor, QC.engagesIn, model, sentence)
