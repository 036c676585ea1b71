"""Programs named in sentences (by pattern, canonicalized by the gazetteer) and their facts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Literal, URIRef

from kg.extract.context import Context
from kg.extract.gazetteer import Gazetteer, KnownEntity
from kg.extract.name_shapes import generic
from kg.extract.patterns import (
    EXAMPLE_CUE,
    LEADING_FUNCTION_WORDS,
    PARTICIPATION_CUE,
    find_amounts,
)
from kg.extract.program_names import find_programs, listed_program
from kg.namespaces import QC, QCR, XSD
from kg.text.document import Section, Sentence, slugify

PROGRAM_CLASSES: dict[str, tuple[URIRef, ...]] = {
    "legislation": (QC.Legislation, QC.Program),
    "program": (QC.Program,),
}


# A program name starting with one of these says whose it is only with its owner's name before it.
OWNER_NEEDED = frozenset({"national", "federal"})


@dataclass(frozen=True)
class ProgramRef:
    """A program named in a sentence: its IRI, the span of the name, the actor prefixing it."""

    iri: URIRef
    start: int
    end: int
    leading: KnownEntity | None = None


def _split_leading_actor(gazetteer: Gazetteer, name: str) -> tuple[KnownEntity | None, str]:
    """'EU Quantum Flagship' -> (EU, 'Quantum Flagship'); "Japan's X Program" -> (Japan, ...)."""
    words = name.split()
    for cut in range(len(words) - 1, 0, -1):
        prefix = re.sub(r"['’]s$", "", " ".join(words[:cut]))
        entry = gazetteer.lookup(prefix)
        if entry is not None and entry.kind == "actor":
            rest = words[cut:]
            if rest[0] in ("–", "—"):  # "ETH Zurich – PSI Quantum Computing Hub": both owners name it
                return None, name
            while rest and rest[0].lower() in LEADING_FUNCTION_WORDS:
                rest = rest[1:]
            if len(rest) >= 2:
                return entry, " ".join(rest)
    return None, name


def canonical_program(gazetteer: Gazetteer, name: str) -> tuple[KnownEntity | None, KnownEntity | None, str]:
    """The gazetteer entry (if any), the leading actor (if any) and the program name.

    A name that says whose program it is only with its owner keeps the owner ("UK National Quantum Strategy",
    "Swiss Quantum Initiative").
    """
    entry = gazetteer.lookup(name)
    if entry is not None and entry.kind == "program":
        return entry, None, name
    leading, rest = _split_leading_actor(gazetteer, name)
    entry = gazetteer.lookup(rest)
    known = entry is not None and entry.kind == "program"
    possessive = re.match(r"[^']+['’]s\b", name) is not None
    if leading is not None and not possessive and not known:
        rest = name  # "IBM Q Network", "Canada First Research Excellence Fund": the owner is in the name
    elif leading is not None and (rest.split()[0].lower() in OWNER_NEEDED or (generic(rest) and not known)):
        rest = name  # "Swiss Quantum Initiative", not "Quantum Initiative"
        entry = gazetteer.lookup(rest)
    return (entry if entry is not None and entry.kind == "program" else None), leading, rest


def programs_in(ctx: Context, sentence: Sentence, heading: str = "") -> list[ProgramRef]:
    """Programs named in a sentence, each emitted (first sentence = evidence) if new."""
    refs: list[ProgramRef] = []
    matches = find_programs(ctx.gazetteer, ctx.text, sentence.start, sentence.end)
    if (listed := listed_program(ctx.gazetteer, ctx.text, sentence, heading)) is not None:
        inside = [m for m in matches if listed.start <= m.start and m.end <= listed.end + 1]
        matches = [listed, *(m for m in matches if m not in inside)]
    for match in matches:
        entry, leading, name = canonical_program(ctx.gazetteer, match.name)
        if entry is not None:
            iri = ctx.emitter.ensure(entry, sentence)
        else:
            iri = QCR[slugify(name)]
            if not ctx.emitter.has(iri):
                ctx.emitter.entity(iri, "program", PROGRAM_CLASSES[match.kind], name, sentence)
        refs.append(ProgramRef(iri, match.start, match.end, leading))
    for mention in ctx.mentions(sentence):
        overlaps = any(r.start < mention.end and mention.start < r.end for r in refs)
        if mention.entry.kind == "program" and not overlaps:
            ctx.emitter.ensure(mention.entry, sentence)
            refs.append(ProgramRef(mention.entry.iri, mention.start, mention.end))
    return sorted(refs, key=lambda r: r.start)


def program_facts(ctx: Context, sentence: Sentence, section: Section, funded: set[URIRef]) -> None:
    """Funding, leading actor, exemplified model, participants and focus named with a program."""
    refs = programs_in(ctx, sentence, section.heading)
    if not refs:
        return
    emit = ctx.emitter
    for amount in find_amounts(ctx.text, sentence.start, sentence.end):
        nearest = min(refs, key=lambda r: (max(r.start - amount.end, amount.start - r.end), r.start))
        if nearest.iri not in funded:
            funded.add(nearest.iri)
            value = Literal(amount.value, datatype=XSD.decimal)
            emit.funding(nearest.iri, value, Literal(amount.currency), sentence)
    model = ctx.section_models.get(id(section))
    cue = PARTICIPATION_CUE.search(ctx.text, sentence.start, sentence.end)
    for ref in refs:
        if ref.leading is not None:
            emit.relate(emit.ensure(ref.leading, sentence), QC.leads, ref.iri, sentence)
        if model is not None and EXAMPLE_CUE.search(ctx.text, sentence.start, sentence.end):
            emit.relate(ref.iri, QC.exemplifies, model, sentence)
        for mention in ctx.gazetteer.find(ctx.text, ref.start, ref.end):
            if mention.entry.kind in ("technology_area", "application_domain"):
                emit.relate(ref.iri, QC.focusArea, emit.ensure(mention.entry, sentence), sentence)
        if cue is not None and len(refs) == 1:
            _participants(ctx, ref, sentence, cue.end())


def _participants(ctx: Context, ref: ProgramRef, sentence: Sentence, after: int) -> None:
    """Actors named after "brings together", "members include", ... take part in the program."""
    for mention in ctx.mentions(sentence):
        if mention.start < after or mention.entry.kind != "actor":
            continue
        if ref.leading is not None and mention.entry.iri == ref.leading.iri:
            continue
        actor = ctx.emitter.ensure(mention.entry, sentence)
        ctx.emitter.relate(actor, QC.participatesIn, ref.iri, sentence)
