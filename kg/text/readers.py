"""Documents as people have them (plain text, Markdown, HTML, PDF) -> the text offsets index."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import DocumentError
from kg.settings import DEFAULT_MAX_DOCUMENT_BYTES
from kg.text.decoding import decode
from kg.text.document import looks_like_heading
from kg.text.html_text import html_document
from kg.text.pdf_text import pdf_document
from kg.text.sentences import clean_inline

# The registered media type of each suffix we read.
MEDIA_TYPES = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
}
DOCUMENT_SUFFIXES = tuple(MEDIA_TYPES)

_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n(?P<body>.*?)\r?\n---[ \t]*(?:\r?\n|$)", re.DOTALL)
_FRONT_TITLE = re.compile(r"^title[ \t]*:[ \t]*(?P<title>.+?)[ \t]*$", re.MULTILINE | re.IGNORECASE)
_ATX_TITLE = re.compile(r"^#[ \t]+(?P<title>.+?)[ \t#]*$", re.MULTILINE)
_SOURCE_LINE = re.compile(r"\s*source\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class DocumentText:
    """A document read as text: what offsets index, how to parse it, what it was, its own title."""

    text: str
    markdown: bool
    media_type: str
    title: str | None
    sha256: str


def media_type_of(path: Path) -> str:
    """The media type of a document by its suffix; an unsupported suffix is a DocumentError."""
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        supported = ", ".join(DOCUMENT_SUFFIXES)
        what = f"'{path.suffix}'" if path.suffix else "no suffix"
        raise DocumentError(path.name, f"unsupported document type ({what}; supported: {supported})")
    return media_type


def document_bytes(path: Path, max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES) -> bytes:
    """The bytes of a supported document, refused by its size (from stat) before it is read."""
    media_type_of(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise DocumentError(path.name, "is a folder, not a document")
        if size > max_bytes:
            raise DocumentError(
                path.name, f"too large: {size:,} bytes, more than the limit of {max_bytes:,} bytes "
                "(QCOLLAB_MAX_DOCUMENT_BYTES)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(path.name, f"no such file: {path}") from None
    except OSError as error:
        raise DocumentError(path.name, f"cannot be read: {error.strerror or error}") from None
    if not data:
        raise DocumentError(path.name, "empty file (0 bytes)")
    return data


def decode_document(path: Path, data: bytes) -> DocumentText:
    """Read the bytes of the document at `path` (its suffix says the format) as text."""
    media_type = media_type_of(path)
    sha256 = hashlib.sha256(data).hexdigest()
    if media_type == "text/html":
        text, title = html_document(path.name, data)
        return DocumentText(text, True, media_type, title, sha256)
    if media_type == "application/pdf":
        text, title = pdf_document(path.name, data)
        return DocumentText(text, False, media_type, title, sha256)
    text = decode(path.name, data, None)
    markdown = media_type == "text/markdown"
    title = markdown_title(text) if markdown else plain_title(text)
    return DocumentText(text, markdown, media_type, title, sha256)


def read_document(path: Path, *, max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES) -> DocumentText:
    """Read a .txt, .md, .html or .pdf document; a bad one raises a DocumentError naming it."""
    return decode_document(path, document_bytes(path, max_bytes))


def markdown_title(text: str) -> str | None:
    """The front matter's `title:`, else the first level-1 `# ` heading."""
    front = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if front and (found := _FRONT_TITLE.search(front.group("body"))):
        title = found.group("title").strip().strip("\"'").strip()
        if title:
            return clean_inline(title)
    body = text[front.end() :] if front else text
    heading = _ATX_TITLE.search(body)
    return clean_inline(heading.group("title")) if heading else None


def plain_title(text: str) -> str | None:
    """The first line if it looks like a heading (short, no final period); never a "Source:" line."""
    for line in text.splitlines():
        if not line.strip() or _SOURCE_LINE.match(line):
            continue
        return " ".join(line.split()) if looks_like_heading(line) else None
    return None
