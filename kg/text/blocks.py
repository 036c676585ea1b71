"""The parts of a parsed document: blocks (paragraphs and list items), sections and the document."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from kg.text.sentences import Sentence, clean_inline, split_sentences, trimmed

BlockKind = Literal["paragraph", "bullet", "numbered"]

_LABEL = re.compile(
    r"(?:\*\*|__)?(?P<label>[^:\n*_?!]{1,80}?)(?:\*\*|__)?[ \t]*(?P<sep>:|[ \t][—–])"
    r"(?:\*\*|__)?[ \t]+(?=\S)"
)


@dataclass(frozen=True)
class Block:
    """A paragraph or a list item; `label` is the "Name" of a "Name: description" item."""

    kind: BlockKind
    start: int
    end: int
    text: str
    sentences: tuple[Sentence, ...]
    number: int | None = None
    label: str | None = None
    body_start: int = 0
    body: str = ""
    indent: int = 0
    children: tuple[Block, ...] = ()

    @property
    def description(self) -> str:
        """The body text without inline markup and with collapsed whitespace."""
        return clean_inline(self.body)


@dataclass
class Section:
    """A heading with its level, its own blocks and its subsections."""

    heading: str
    level: int
    start: int
    end: int
    raw: str
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    @property
    def is_question(self) -> bool:
        """True for FAQ-style headings that end with a question mark."""
        return self.heading.endswith("?")

    @property
    def sentence(self) -> Sentence:
        """The heading itself as a sentence span."""
        return Sentence(self.start, self.end, self.raw)

    def first_paragraph(self) -> Block | None:
        """The first paragraph block, if any."""
        return next((b for b in self.blocks if b.kind == "paragraph"), None)


@dataclass(frozen=True)
class Document:
    """A parsed document: its text, title and section tree."""

    text: str
    title: str
    markdown: bool
    sections: tuple[Section, ...]

    def walk(self) -> Iterator[tuple[Section, tuple[Section, ...]]]:
        """Every section in document order, with its ancestors (outermost first)."""
        stack: list[tuple[Section, tuple[Section, ...]]] = [(s, ()) for s in reversed(self.sections)]
        while stack:
            section, ancestors = stack.pop()
            yield section, ancestors
            stack.extend((c, (*ancestors, section)) for c in reversed(section.children))

    def sentences(self) -> Iterator[Sentence]:
        """Every sentence of every block (list items included), in document order."""
        for section, _ in self.walk():
            for block in section.blocks:
                yield from iter_block_sentences(block)


def iter_block_sentences(block: Block) -> Iterator[Sentence]:
    """The sentences of a block and of its nested items."""
    yield from block.sentences
    for child in block.children:
        yield from iter_block_sentences(child)


def _label(text: str, kind: BlockKind, start: int, end: int) -> tuple[str | None, int]:
    """The "Name" of a "Name: description" block and where its description starts."""
    match = _LABEL.match(text, start, end)
    if match is None:
        return None, start
    is_item = kind != "paragraph"
    label = match.group("label")
    short = len(label.split()) <= (10 if is_item else 4) and ". " not in label
    if short and (is_item or match.group("sep") == ":"):
        return clean_inline(match.group("label")), match.end()
    return None, start


def make_block(
    text: str, kind: BlockKind, start: int, end: int, *, number: int | None = None,
    indent: int = 0, children: tuple[Block, ...] = (),
) -> Block:
    """A block over text[start:end] with its sentences and its "Name:" label, if any."""
    span = trimmed(text, start, end)
    start, end = (span.start, span.end) if span else (start, start)
    label, body_start = _label(text, kind, start, end)
    return Block(
        kind=kind,
        start=start,
        end=end,
        text=text[start:end],
        sentences=tuple(split_sentences(text, start, end)),
        label=label,
        body_start=body_start,
        body=text[body_start:end],
        number=number,
        indent=indent,
        children=children,
    )
