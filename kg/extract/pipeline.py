"""Document -> rdflib Graph of the facts it states, each with the sentence it comes from."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from spacy.tokens import Doc

from kg.extract.actors import actor_item, actor_section
from kg.extract.context import Context
from kg.extract.emitter import Emitter
from kg.extract.extractor import Extractor
from kg.extract.gazetteer import Gazetteer, KnownEntity
from kg.extract.partnerships import actor_refs, emit_actor, sentence_partnerships
from kg.extract.programs import program_facts
from kg.extract.prose import ProseReader
from kg.extract.review import ReviewItem
from kg.extract.sections import (
    CONCEPTS,
    MINOR_KINDS,
    classify,
    concept_item,
    concept_section,
    has_labelled_items,
    is_major_heading,
)
from kg.namespaces import QC, QCG
from kg.text.document import Block, Document, Section, Sentence, iter_block_sentences, parse_document, slugify
from kg.text.readers import read_document


@dataclass(frozen=True)
class ExtractionResult:
    """One document's facts: its named graph IRI, the graph and counts per kind."""

    graph_iri: URIRef
    document_iri: URIRef
    graph: Graph
    counts: dict[str, int]
    review: list[ReviewItem] = field(default_factory=list)


def document_slug(path: Path) -> str:
    """The slug of a document, from its file name without the suffix."""
    return slugify(path.stem)


def source_name(path: Path) -> str:
    """The document's folder and file name (e.g. seeds/x.txt), the same wherever the folder is."""
    resolved = path.resolve()
    return f"{resolved.parent.name}/{resolved.name}" if resolved.parent.name else resolved.name


def extract_document(path: Path, extractor: Extractor | Gazetteer | None = None) -> ExtractionResult:
    """Read one document (.txt, .md, .html, .pdf) and extract its facts into its own graph."""
    document = read_document(path)
    return extract_text(
        document.text,
        doc_slug=document_slug(path),
        source=source_name(path),
        sha256=document.sha256,
        markdown=document.markdown,
        extractor=_extractor(extractor),
        media_type=document.media_type,
        title=document.title,
    )


def _extractor(given: Extractor | Gazetteer | None) -> Extractor:
    return given if isinstance(given, Extractor) else Extractor.load(given)


@dataclass(frozen=True)
class TextInput:
    """A decoded document to extract, with what its graph says about it."""

    text: str
    doc_slug: str
    source: str
    sha256: str
    markdown: bool
    media_type: str | None = None
    title: str | None = None


def document_sentences(text: str, markdown: bool) -> list[Sentence]:
    """The sentences the statistical pipeline reads, in document order."""
    document = parse_document(text, markdown=markdown, major_heading=is_major_heading)
    return [sentence for sentence, _ in _sentences_by_section(document)]


def extract_texts(
    items: Sequence[TextInput], extractor: Extractor, processes: int = 1
) -> Iterator[ExtractionResult]:
    """Extract several documents: all their sentences through the pipeline in one stream (in `processes`
    processes for a large batch), then each document in order, sharing the build's consistency."""
    sentences = [document_sentences(item.text, item.markdown) for item in items]
    parsed = iter(extractor.parse([s.text for group in sentences for s in group], processes))
    for item, group in zip(items, sentences, strict=True):
        docs = [next(parsed) for _ in group]
        yield extract_text(
            item.text,
            doc_slug=item.doc_slug,
            source=item.source,
            sha256=item.sha256,
            markdown=item.markdown,
            extractor=extractor,
            media_type=item.media_type,
            title=item.title,
            parsed=docs,
        )


def extract_text(
    text: str,
    *,
    doc_slug: str,
    source: str,
    sha256: str,
    markdown: bool,
    extractor: Extractor,
    media_type: str | None = None,
    title: str | None = None,
    parsed: list[Doc] | None = None,
) -> ExtractionResult:
    """Extract the facts of an already decoded document text (offsets index this text)."""
    document = parse_document(text, markdown=markdown, major_heading=is_major_heading)
    sentences = [sentence for sentence, _ in _sentences_by_section(document)]
    docs = parsed if parsed is not None else list(extractor.parse([s.text for s in sentences]))
    emitter = Emitter(
        document,
        doc_slug,
        source=source,
        sha256=sha256,
        media_type=media_type or ("text/markdown" if markdown else "text/plain"),
        gazetteer=extractor.gazetteer,
        run=extractor.run,
        min_confidence=extractor.min_confidence,
        title=title,
        consistency=extractor.consistency,
    )
    ctx = Context(emitter, extractor.gazetteer)
    actors: list[Block | Section] = []
    for section in document.sections:
        _visit(ctx, section, None, 1, actors)
    for source in actors:
        if isinstance(source, Block):
            actor_item(ctx, source)
        else:
            actor_section(ctx, source)
    funded: set[URIRef] = set()
    for sentence, section in _sentences_by_section(document):
        program_facts(ctx, sentence, section, funded)
    prose = ProseReader(ctx, extractor.pairs, extractor.names)
    prose.read(zip(sentences, docs, strict=True))
    _mentions(ctx, document, prose.spans)
    described = _actor_sentences(actors)
    for sentence, _ in _sentences_by_section(document):
        if (sentence.start, sentence.end) not in described | prose.parsed_partnerships:
            sentence_partnerships(ctx, sentence)
    return ExtractionResult(
        graph_iri=QCG[f"document/{doc_slug}"],
        document_iri=emitter.doc_iri,
        graph=emitter.finish(),
        counts=emitter.counts(),
        review=emitter.review,
    )


def extract_documents(paths: Iterable[Path], extractor: Extractor) -> list[ExtractionResult]:
    """Extract several documents, each into its own graph."""
    return [extract_document(path, extractor) for path in paths]


def _visit(
    ctx: Context, section: Section, inherited: str | None, rank: int, actors: list[Block | Section]
) -> None:
    """Read a section by its kind (own or inherited); actors are queued until models are known."""
    own = classify(section.heading)
    grouping = False
    if inherited and not section.is_question and (own is None or own in MINOR_KINDS):
        if own is None and has_labelled_items(section):
            grouping = True
        elif inherited == "actors":
            actors.append(section)
        elif inherited in CONCEPTS:
            concept_section(ctx, inherited, section, rank)
    item_kind = own or (inherited if grouping else None)
    _items(ctx, section, item_kind, actors)
    passed_on = own if own and own not in MINOR_KINDS else (inherited if grouping else None)
    for index, child in enumerate(section.children, start=1):
        _visit(ctx, child, passed_on, index, actors)


def _items(ctx: Context, section: Section, kind: str | None, actors: list[Block | Section]) -> None:
    """The list items of a section, read as concepts or (queued) actors of its kind."""
    if kind is None:
        return
    rank = 0
    for block in section.blocks:
        if kind == "actors" and block.label:
            actors.append(block)
        elif kind in CONCEPTS and block.kind != "paragraph":
            rank += 1
            concept_item(ctx, kind, block, rank)


def _sentences_by_section(document: Document) -> Iterable[tuple[Sentence, Section]]:
    for section, _ in document.walk():
        for block in section.blocks:
            for sentence in iter_block_sentences(block):
                yield sentence, section


def _actor_sentences(actors: list[Block | Section]) -> set[tuple[int, int]]:
    """The spans of the sentences that describe an actor (its partners are read there)."""
    blocks = [b for source in actors for b in ([source] if isinstance(source, Block) else source.blocks)]
    return {(s.start, s.end) for block in blocks for s in iter_block_sentences(block)}


def _mentions(ctx: Context, document: Document, read: dict[tuple[int, int], URIRef]) -> None:
    """Every known entity and organization named anywhere, with the first sentence that names it.

    A name shaped like an organization that is only part of a longer name the statistical reader
    found (`read`: its spans) is that name cut short ("Technology Facilities Council"), and is left out.
    """
    places = set(read.values())  # a region is an actor only where the reader saw it act

    def emittable(entry: KnownEntity, start: int, end: int) -> bool:
        # a state the reader did not take where it is named ("the American company", "US$50") is not named,
        # nor a known name inside a longer one the reader took ("Swiss National Science Foundation")
        state = bool(entry.types & _STATES) and (start, end) not in read
        inside = any(
            s <= start and end <= e and (s, e) != (start, end) and i != entry.iri
            for (s, e), i in read.items()
        )
        return not state and not inside and _emittable(entry, places)

    for section, _ in document.walk():
        for mention in ctx.mentions(section.sentence):
            if _emittable(mention.entry, places):
                ctx.emitter.ensure(mention.entry, section.sentence)
        for block in section.blocks:
            for sentence in iter_block_sentences(block):
                refs = actor_refs(ctx, sentence)
                names = [(r.org.start, r.org.end) for r in refs if r.org is not None]
                for mention in ctx.mentions(sentence):
                    inside = any(s <= mention.start and mention.end <= e for s, e in names)
                    if not inside and emittable(mention.entry, mention.start, mention.end):
                        ctx.emitter.ensure(mention.entry, sentence)
                for ref in refs:
                    if ref.entry is not None and not emittable(ref.entry, ref.start, ref.end):
                        continue
                    if ref.entry is None and any(
                        (s <= ref.start and ref.end <= e or ref.start <= s and e <= ref.end)
                        and (s, e) != (ref.start, ref.end)
                        and iri != ref.iri
                        for (s, e), iri in read.items()
                    ):
                        continue  # the reader read the name otherwise: cut short, or as two names
                    emit_actor(ctx, ref, sentence)


_STATES = frozenset({QC.Country, QC.SupranationalUnion, QC.Region})


def _emittable(entry: KnownEntity, read: set[URIRef]) -> bool:
    """A known name found anywhere is emitted, but a region ("in Europe") only if the reader saw it act."""
    return QC.Region not in entry.types or entry.iri in read
