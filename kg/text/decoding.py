"""Bytes -> text for source documents: byte order marks, declared charsets, binary files."""

from __future__ import annotations

import codecs

from kg.errors import DocumentError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# What a file is when its first bytes say so: a better message than "not UTF-8".
_MAGIC = (
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (a .docx, .odt or .xlsx file is one)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
    (b"{\\rtf", "an RTF file"),
)
_TEXT_CONTROLS = frozenset("\t\n\r\f\v")
_MAX_CONTROL_SHARE = 0.01


def bom_encoding(data: bytes) -> tuple[str | None, int]:
    """The encoding a byte order mark declares and the length of the mark, or (None, 0)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None, 0


def check_not_binary(name: str, data: bytes) -> None:
    """Refuse bytes that are not a text document (a known binary signature, or NUL bytes)."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise DocumentError(name, f"binary file ({kind}), not a text document")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise DocumentError(name, f"binary file (NUL byte at offset {nul}), not a text document")


def decode(name: str, data: bytes, encoding: str | None, *, declared: str = "") -> str:
    """Decode strictly: a BOM wins, then `encoding`, else UTF-8; a bad byte is named with its offset.

    `declared` says where `encoding` came from (e.g. "its meta charset"), for the message.
    """
    bom, skip = bom_encoding(data)
    if bom is None and encoding is None:
        encoding = "utf-8"
    elif bom is not None:
        encoding, declared = bom, "its byte order mark"
    assert encoding is not None
    if bom is None or not bom.startswith("utf-16"):
        check_not_binary(name, data[skip:])
    try:
        text = data[skip:].decode(encoding)
    except UnicodeDecodeError as error:
        offset = skip + error.start
        byte = data[offset]
        if declared:
            problem = f"not valid {encoding} as {declared} says: byte 0x{byte:02x} at offset {offset}"
        else:
            problem = (f"not UTF-8 and no other encoding is declared: byte 0x{byte:02x} at offset "
                       f"{offset} (save it as UTF-8)")
        raise DocumentError(name, problem) from None
    check_text(name, text)
    return text


def check_text(name: str, text: str) -> None:
    """Refuse decoded text that is empty, only whitespace, or mostly control characters."""
    if not text.strip():
        raise DocumentError(name, "empty: the document holds only whitespace")
    sample = text[:65536]
    controls = sum(1 for char in sample if char < " " and char not in _TEXT_CONTROLS)
    if controls > _MAX_CONTROL_SHARE * len(sample):
        raise DocumentError(name, f"binary file ({controls} control characters), not a text document")


def known_encoding(name: str, charset: str) -> str:
    """The Python codec of a declared charset, read as browsers read it (latin-1 means cp1252)."""
    try:
        codec = codecs.lookup(charset).name
    except LookupError:
        raise DocumentError(name, f"declares the charset {charset!r}, not a known encoding") from None
    if codec in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    if codec.startswith("utf-16"):
        return "utf-8"  # a charset in an ASCII-readable <meta> cannot be UTF-16: browsers read UTF-8
    return codec
