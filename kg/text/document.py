"""Document structure: sections, list items and sentences with exact character offsets.

Offsets are Python `str` indices into the decoded text (see kg/sentences.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from kg.text.blocks import Block, BlockKind, Document, Section, iter_block_sentences, make_block
from kg.text.sentences import Sentence, clean_inline, slugify, split_sentences, trimmed

__all__ = [
    "Block", "BlockKind", "Document", "Section", "Sentence", "clean_inline", "iter_block_sentences",
    "make_block", "parse_document", "slugify", "split_sentences",
]

HeadingHint = Callable[[str], bool]

_ITEM = re.compile(r"(?P<indent>[ \t]*)(?P<marker>[-*+•‣◦▪]|\d{1,3}[.)])[ \t]+(?=\S)")
_MD_HEADING = re.compile(r"(?P<hashes>#{1,6})[ \t]+(?P<title>.*?)[ \t#]*$")
_RULE = re.compile(r"\s*([-*_])(?:\s*\1){2,}\s*$")
_FENCE = re.compile(r"\s*(```|~~~)")
_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n.*?\n---[ \t]*(?:\r?\n|$)", re.DOTALL)
_MAX_HEADING_CHARS = 120
_MAX_HEADING_WORDS = 16


def looks_like_heading(line: str) -> bool:
    """A short line without final punctuation that starts with a capital letter or a digit."""
    stripped = line.strip()
    if not stripped or len(stripped) > _MAX_HEADING_CHARS or _ITEM.match(line):
        return False
    if len(stripped.split()) > _MAX_HEADING_WORDS or stripped[-1] in ".,;:!":
        return False
    return stripped[0].isupper() or stripped[0].isdigit()


@dataclass
class _Line:
    kind: str
    start: int
    end: int
    indent: int = 0
    number: int | None = None
    item_kind: BlockKind = "paragraph"
    level: int = 0


@dataclass
class _Item:
    kind: BlockKind
    start: int
    end: int
    indent: int
    number: int | None
    children: list[_Item] = field(default_factory=list)


@dataclass
class _Raw:
    heading: _Line | None
    blocks: list[Block] = field(default_factory=list)


def _line_spans(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    while True:
        newline = text.find("\n", pos)
        end = len(text) if newline < 0 else newline
        yield pos, end - 1 if end > pos and text[end - 1] == "\r" else end
        if newline < 0:
            return
        pos = newline + 1


def _front_matter_end(text: str) -> int:
    """Where a Markdown YAML front matter block ("---" ... "---") ends, or 0."""
    match = _FRONT_MATTER.match(text)
    return match.end() if match else 0


def _scan(text: str, markdown: bool) -> list[_Line]:
    lines: list[_Line] = []
    in_fence = False
    skip_to = _front_matter_end(text) if markdown else 0
    for start, end in _line_spans(text):
        line = text[start:end]
        if start < skip_to:
            lines.append(_Line("blank", start, end))
            continue
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        if markdown and _FENCE.match(line):
            in_fence = not in_fence
            lines.append(_Line("blank", start, end))
        elif in_fence or not line.strip() or (markdown and _RULE.match(line)):
            lines.append(_Line("blank", start, end))
        elif markdown and (heading := _MD_HEADING.match(line)):
            title_start, title_end = heading.span("title")
            level = len(heading.group("hashes"))
            lines.append(_Line("heading", start + title_start, start + title_end, level=level))
        elif item := _ITEM.match(line):
            marker = item.group("marker")
            number = int(marker[:-1]) if marker[0].isdigit() else None
            kind: BlockKind = "numbered" if number is not None else "bullet"
            lines.append(_Line("item", start + item.end(), end, indent, number, kind))
        else:
            span = trimmed(text, start, end)
            assert span is not None
            lines.append(_Line("text", span.start, span.end, indent))
    if not markdown:
        _mark_plain_headings(text, lines)
    return lines


def _mark_plain_headings(text: str, lines: list[_Line]) -> None:
    for index, line in enumerate(lines):
        before = lines[index - 1].kind if index else "blank"
        after = lines[index + 1].kind if index + 1 < len(lines) else "blank"
        plain = line.kind == "text" and before == after == "blank"
        if plain and looks_like_heading(text[line.start : line.end]):
            line.kind = "heading"


def _group(text: str, lines: list[_Line]) -> list[_Raw]:
    raw = [_Raw(None)]
    paragraph: list[_Line] = []
    items: list[_Item] = []
    stack: list[_Item] = []

    def flush() -> None:
        if paragraph:
            raw[-1].blocks.append(make_block(text, "paragraph", paragraph[0].start, paragraph[-1].end))
            paragraph.clear()
        raw[-1].blocks.extend(_freeze(text, item) for item in items)
        items.clear()
        stack.clear()

    for line in lines:
        if line.kind == "heading":
            flush()
            raw.append(_Raw(line))
        elif line.kind == "blank":
            if paragraph:
                flush()
        elif line.kind == "item":
            if paragraph:
                flush()
            item = _Item(line.item_kind, line.start, line.end, line.indent, line.number)
            while stack and stack[-1].indent >= item.indent:
                stack.pop()
            (stack[-1].children if stack else items).append(item)
            stack.append(item)
        elif stack and not paragraph and line.indent > stack[-1].indent:
            stack[-1].end = line.end
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return raw


def _freeze(text: str, item: _Item) -> Block:
    children = tuple(_freeze(text, child) for child in item.children)
    return make_block(
        text, item.kind, item.start, item.end, number=item.number, indent=item.indent,
        children=children,
    )


def _heading_text(text: str, line: _Line) -> str:
    return clean_inline(text[line.start : line.end])


def _tidy(text: str, raw: list[_Raw]) -> list[_Raw]:
    """Give the document a title, fold repeated titles into it, drop trailing empty headings."""
    if raw[0].heading is None:
        if not raw[0].blocks:
            raw = raw[1:]
        else:
            first = raw[0].blocks[0].sentences[0]
            raw[0].heading = _Line("heading", first.start, first.end, level=1)
    if not raw:
        return raw
    assert raw[0].heading is not None
    title = _heading_text(text, raw[0].heading)
    kept = [raw[0]]
    for entry in raw[1:]:
        assert entry.heading is not None
        if _heading_text(text, entry.heading) == title:
            kept[0].blocks.extend(entry.blocks)
        else:
            kept.append(entry)
    while len(kept) > 1 and not kept[-1].blocks:
        kept.pop()
    return kept


def _plain_levels(text: str, raw: list[_Raw], major: HeadingHint | None) -> list[int]:
    """Levels for plain text: 1 title, 2 main sections, 3 subsections and FAQ questions.

    A heading whose only text is an introduction ending with ':' opens a group: the headings
    after it are its subsections until the next main heading (by the hint) or group opener.
    """
    levels = [1]
    group_open = False
    for index, entry in enumerate(raw[1:], start=1):
        assert entry.heading is not None
        heading = _heading_text(text, entry.heading)
        has_list = any(block.kind != "paragraph" for block in entry.blocks)
        last_colon = not entry.blocks or entry.blocks[-1].text.endswith(":")
        parent = not has_list and last_colon and index + 1 < len(raw)
        if heading.endswith("?"):
            level = 3 if 2 in levels else 2
        elif (major is not None and major(heading)) or parent:
            level = 2
        else:
            level = 3 if group_open else 2
        if level == 2:
            group_open = parent
        levels.append(level)
    return levels


def parse_document(
    text: str, *, markdown: bool = False, major_heading: HeadingHint | None = None
) -> Document:
    """Parse plain text or Markdown into a section tree; `major_heading` marks main sections."""
    raw = _tidy(text, _group(text, _scan(text, markdown)))
    if not raw:
        return Document(text, "", markdown, ())
    if markdown:
        levels = [entry.heading.level or 1 for entry in raw if entry.heading is not None]
    else:
        levels = _plain_levels(text, raw, major_heading)
    top: list[Section] = []
    stack: list[Section] = []
    for entry, level in zip(raw, levels, strict=True):
        assert entry.heading is not None
        line = entry.heading
        raw_heading = text[line.start : line.end]
        section = Section(clean_inline(raw_heading), level, line.start, line.end, raw_heading)
        section.blocks = entry.blocks
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else top).append(section)
        stack.append(section)
    return Document(text, top[0].heading, markdown, tuple(top))
