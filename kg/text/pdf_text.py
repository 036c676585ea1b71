"""PDF -> the text of its text layer as paragraphs (wrapped lines joined, hyphenation repaired) and its title.

A PDF's text layer keeps the lines as they were set, not the paragraphs: a line ending in a letter and a
hyphen before a lowercase letter is a word split in two; a line continues its paragraph unless it is
blank, starts a list item, or the line before it ended a sentence well short of the usual width. Short
lines without final punctuation between paragraphs are headings (blank lines around them, so the plain
text parser reads them as headings).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from kg.errors import DocumentError
from kg.text.document import looks_like_heading

_HEADER_WINDOW = 1024
_BULLET = re.compile(r"(?P<marker>[-*+•‣◦▪●○■□►➢]|\d{1,3}[.)])\s+(?=\S)")
_PARSER_BULLETS = "-*+•‣◦▪"  # the markers kg.text.document reads as list items
_PAGE_NUMBER = re.compile(r"(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:;…][\"'”’)\]]*$")
_SPLIT_WORD = re.compile(r"[^\W\d_]-$")
_SHORT = 0.75  # a line shorter than this share of the usual width ends before the margin
_WIDTH_PERCENTILE = 0.8
_MAX_TITLE_CHARS = 200
_JUNK_TITLE = re.compile(
    r"untitled.*|title|no title|document\s*\d*|presentation\s*\d*|powerpoint presentation|slide\s*\d+"
    r"|microsoft (?:word|powerpoint|excel)\b.*|.*\.(?:docx?|dotx?|pdf|pptx?|odt|rtf|tex|dvi|indd|qxd|txt"
    r"|html?|e?ps|wpd)",
    re.IGNORECASE,
)


@dataclass
class _Block:
    kind: str  # "paragraph", "item" or "heading"
    lines: list[str] = field(default_factory=list)


def pdf_document(name: str, data: bytes) -> tuple[str, str | None]:
    """The paragraphs of a PDF's text layer, and its title (metadata /Title, else the first line)."""
    with _quiet_pypdf():
        reader = _open(name, data)
        pages = _page_texts(name, reader)
        title = _metadata_title(reader)
    lines = _lines(pages)
    if not any(lines):
        raise DocumentError(name, "no text layer (scanned PDF?): its pages hold no text to extract; "
                                  "run OCR on it first")
    text = _render(_reflow(lines))
    first = next(line for line in lines if line)
    fallback = first if len(first) <= _MAX_TITLE_CHARS else None
    return text, title or fallback


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs what it repairs ("EOF marker not found"); a document we cannot read is our error."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _open(name: str, data: bytes) -> PdfReader:
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise DocumentError(name, "not a PDF: no %PDF- header")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # owner-password-only PDFs open with an empty password
            except (DependencyError, NotImplementedError):  # AES needs an extra package; odd ciphers
                opened = PasswordType.NOT_DECRYPTED
            if opened == PasswordType.NOT_DECRYPTED:
                raise DocumentError(name, "encrypted PDF (password-protected): add a copy saved without "
                                          "a password")
        if len(reader.pages) == 0:
            raise DocumentError(name, "empty: a PDF with no pages")
    except DocumentError:
        raise
    except Exception as error:  # pypdf raises many types on a damaged file
        raise DocumentError(name, f"not a readable PDF: {_one_line(error)}") from None
    return reader


def _page_texts(name: str, reader: PdfReader) -> list[str]:
    texts = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            texts.append(page.extract_text() or "")
        except Exception as error:  # a damaged content stream or font
            raise DocumentError(name, f"cannot read the text of page {number}: {_one_line(error)}") from None
    return texts


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _lines(pages: list[str]) -> list[str | None]:
    """The lines of every page, whitespace collapsed; None marks a page break, "" a blank line."""
    lines: list[str | None] = []
    for page in pages:
        page_lines = [" ".join(line.split()) for line in page.splitlines()]
        while page_lines and not page_lines[0]:
            page_lines.pop(0)
        while page_lines and not page_lines[-1]:
            page_lines.pop()
        for end in (0, -1):  # a running page number above or below the text
            if page_lines and _PAGE_NUMBER.fullmatch(page_lines[end]):
                page_lines.pop(end)
        if lines:
            lines.append(None)
        lines.extend(page_lines)
    return lines


def _usual_width(lines: list[str | None]) -> int:
    lengths = sorted(len(line) for line in lines if line)
    return lengths[int(_WIDTH_PERCENTILE * (len(lengths) - 1))] if lengths else 1


def _heading_like(line: str, width: int) -> bool:
    return looks_like_heading(line) and len(line) < _SHORT * width


def _continues(block: _Block, line: str, page_break: bool, width: int) -> bool:
    """Whether `line` goes on with `block` (the same paragraph or list item)."""
    previous = block.lines[-1]
    if _BULLET.match(line):
        return False
    if block.kind == "item":  # an item goes on only where it was wrapped at the margin
        return len(previous) >= _SHORT * width
    if len(block.lines) == 1 and _heading_like(previous, width):
        return False
    ended = _SENTENCE_END.search(previous) is not None
    if page_break:
        return not ended
    return not (ended and (len(previous) < _SHORT * width or _heading_like(line, width)))


def _reflow(lines: list[str | None]) -> list[_Block]:
    width = _usual_width(lines)
    blocks: list[_Block] = []
    current: _Block | None = None
    page_break = False
    for line in lines:
        if line is None:
            page_break = True
        elif not line:
            current = None
        elif current is not None and _continues(current, line, page_break, width):
            current.lines.append(line)
            page_break = False
        else:
            current = _Block("item" if _BULLET.match(line) else "paragraph", [line])
            blocks.append(current)
            page_break = False
    for block in blocks:
        if block.kind == "paragraph" and len(block.lines) == 1 and _heading_like(block.lines[0], width):
            block.kind = "heading"
    return blocks


def _joined(lines: list[str]) -> str:
    """The lines of one paragraph on one line: a split word mended, otherwise a space between."""
    text = lines[0]
    for line in lines[1:]:
        soft_hyphen = text.endswith("\u00ad")
        if soft_hyphen or (_SPLIT_WORD.search(text) and line[:1].islower()):
            text = text[:-1] + line
        else:
            text = f"{text} {line}"
    return text


def _render(blocks: list[_Block]) -> str:
    """Paragraphs and headings separated by blank lines; the items of a list on consecutive lines."""
    parts: list[str] = []
    previous = ""
    for block in blocks:
        text = _joined(block.lines)
        if block.kind == "item":
            marker = _BULLET.match(text)
            kind = marker.group("marker") if marker else ""
            if marker and not kind[0].isdigit() and kind not in _PARSER_BULLETS:
                text = "•" + text[marker.end("marker") :]  # a marker the structure parser reads
            if previous == "item":
                parts[-1] += "\n" + text
                continue
        parts.append(text)
        previous = block.kind
    return "\n\n".join(parts) + "\n"


def _metadata_title(reader: PdfReader) -> str | None:
    """The /Title of the document information, unless empty or junk (a file name, "Untitled")."""
    try:
        raw = reader.metadata.title if reader.metadata is not None else None
    except Exception:  # a damaged information dictionary: no title from it
        return None
    title = " ".join(str(raw or "").replace("\x00", "").split())
    if not title or len(title) > _MAX_TITLE_CHARS or not any(char.isalpha() for char in title):
        return None
    if _JUNK_TITLE.fullmatch(title) or (" " not in title and ("/" in title or "\\" in title)):
        return None
    return title
