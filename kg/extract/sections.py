"""Sections classified by their headings, and the concepts their lists and subsections name."""

from __future__ import annotations

import re

from rdflib import URIRef

from kg.extract.context import Context
from kg.namespaces import QC, QCR
from kg.text.document import Block, Section, Sentence, clean_inline, slugify

# Which heading words make a section of which kind (first match wins).
SECTION_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("faq", r"\bfrequently asked\b|\bfaqs?\b|\bquestions and answers\b"),
        ("challenges", r"\bchallenges?\b|\bobstacles?\b|\bbarriers?\b|\bhurdles?\b|\bpitfalls?\b"),
        ("recommendations", r"\btips?\b|\brecommendations?\b|\bbest practices?\b|\badvice\b"),
        ("drivers", r"\bdrivers?\b|\bimperative\b|\bwhy\b|\bmotivations?\b|\brationale\b"),
        ("actors", r"\bplayers?\b|\blandscape\b|\bactors\b|\bleading nations\b|\bcountry profiles\b"),
        ("models", r"\bmodels?\b|\bforms of\b|\btypes of\b|\bmodes of\b"),
        ("talent", r"\btalent\b|\bmobility\b"),
        ("ecosystem", r"\becosystems?\b"),
    )
)
# Minor kinds describe a section's list but do not open a main section.
MINOR_KINDS = frozenset({"talent"})

# The class and IRI prefix of the concept each kind of section lists.
CONCEPTS: dict[str, tuple[URIRef, str]] = {
    "drivers": (QC.Driver, "driver"),
    "models": (QC.CollaborationModel, "model"),
    "challenges": (QC.Challenge, "challenge"),
    "recommendations": (QC.Recommendation, "recommendation"),
    "talent": (QC.TalentMobilityMechanism, "mechanism"),
    "ecosystem": (QC.EcosystemStrategy, "strategy"),
}
RANKED = frozenset({"challenges", "recommendations"})
SOLUTION_LABEL = re.compile(r"(?:proposed\s+)?(?:solutions?|remed(?:y|ies)|mitigation|fix|answer)$", re.I)
MODEL_KEY_STOPWORDS = frozenset({"and", "the", "joint", "international", "global", "other"})
_MAX_UNLABELLED_WORDS = 12


def classify(heading: str) -> str | None:
    """The kind of a section from its heading words, or None."""
    if heading.endswith("?"):
        return None
    return next((kind for kind, pattern in SECTION_KINDS if pattern.search(heading)), None)


def is_major_heading(heading: str) -> bool:
    """True for headings that open a main section (a hint for plain-text layout)."""
    kind = classify(heading)
    return kind is not None and kind not in MINOR_KINDS


def has_labelled_items(section: Section) -> bool:
    """True when the section lists "Name: description" items."""
    return any(block.kind != "paragraph" and block.label for block in section.blocks)


def concept(ctx: Context, kind: str, label: str, evidence: list[Sentence], description: str | None) -> URIRef:
    """Emit a concept of a section kind (driver, model, challenge, ...) under its IRI prefix."""
    cls, prefix = CONCEPTS[kind]
    iri = QCR[f"{prefix}/{slugify(label)}"]
    return ctx.emitter.entity(iri, prefix, [cls], label, evidence, description)


def item_label(block: Block) -> str | None:
    """The name of a list item: its label, or a short first sentence."""
    if block.label:
        return block.label
    first = clean_inline(block.sentences[0].text).rstrip(".!") if block.sentences else ""
    return first if first and len(first.split()) <= _MAX_UNLABELLED_WORDS else None


def concept_item(ctx: Context, kind: str, block: Block, rank: int) -> URIRef | None:
    """A list item of a classified section as a concept, with its rank and solution."""
    label = item_label(block)
    if label is None or not block.sentences or SOLUTION_LABEL.match(label):
        return None
    iri = concept(ctx, kind, label, [block.sentences[0]], block.description or None)
    if kind in RANKED:
        ctx.emitter.position(iri, block.number or rank)
    if kind == "challenges":
        solution = next((c for c in block.children if c.label and SOLUTION_LABEL.match(c.label)), None)
        solution = solution or (block.children[0] if block.children else None)
        if solution is not None:
            add_solution(ctx, iri, label, solution)
    if kind == "models":
        register_model(ctx, iri, label)
    return iri


def add_solution(ctx: Context, challenge: URIRef, challenge_label: str, block: Block) -> None:
    """The solution given for a challenge, linked by qc:addresses."""
    body = [s for s in block.sentences if s.end > block.body_start] or list(block.sentences)
    first = clean_inline(ctx.text[max(body[0].start, block.body_start) : body[0].end])
    iri = QCR[f"solution/{slugify(challenge_label)}"]
    ctx.emitter.entity(iri, "solution", [QC.Solution], first, body[:1], block.description)
    ctx.emitter.relate(iri, QC.addresses, challenge, body[0])


def register_model(ctx: Context, iri: URIRef, label: str) -> None:
    """Remember the word by which running text refers to a collaboration model."""
    words = [w for w in re.split(r"[^\w-]+", label.lower()) if w]
    key = next((w for w in words if w not in MODEL_KEY_STOPWORDS and len(w) > 3), None)
    if key:
        ctx.model_keys.setdefault(key, iri)


def concept_section(ctx: Context, kind: str, section: Section, rank: int) -> URIRef:
    """A subsection of a classified section as a concept: heading = label, paragraph = description."""
    paragraph = section.first_paragraph()
    evidence = [section.sentence]
    if paragraph is not None and paragraph.sentences:
        evidence.append(paragraph.sentences[0])
    description = clean_inline(paragraph.text) if paragraph is not None else None
    iri = concept(ctx, kind, section.heading, evidence, description)
    if kind in RANKED:
        ctx.emitter.position(iri, rank)
    if kind == "models":
        register_model(ctx, iri, section.heading)
        ctx.section_models[id(section)] = iri
    if kind == "challenges":
        solution = next((b for b in section.blocks if b.label and SOLUTION_LABEL.match(b.label)), None)
        if solution is not None:
            add_solution(ctx, iri, section.heading, solution)
    return iri
