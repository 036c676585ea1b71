"""What an XML document must not hold before it is parsed: entity declarations, deep or wide elements.

RDF/XML is read by pyoxigraph, which expands the internal entities a DOCTYPE declares (a 600-byte
"billion laughs" body becomes a 44 MB literal) and whose cost grows with the square of the nesting
depth and of the attributes of one element. The scan here is linear: one pass of one regular
expression whose every construct also ends at the end of the input, so no match is tried twice.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from kg.errors import UnsafeInputError

MAX_DEPTH = 1000  # nested elements (parsing 1,000 levels takes 30 ms, 20,000 take 12 s)
MAX_ATTRIBUTES = 1000  # attributes (namespace declarations too) of one element
GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20

_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_MARKUP = re.compile(
    rb"<!--.*?(?:-->|\Z)"  # a comment
    rb"|<!\[CDATA\[.*?(?:\]\]>|\Z)"  # a CDATA section
    rb"|<\?.*?(?:\?>|\Z)"  # a processing instruction
    rb"|<!(?:[^>\[]++|\[[^\]]*+(?:\]|\Z))*+(?:>|\Z)"  # a DOCTYPE and its internal subset
    rb"|(</)[^>]*+(?:>|\Z)"  # an end tag (group 1)
    rb"|<((?:[^>\"']++|\"[^\"]*+(?:\"|\Z)|'[^']*+(?:'|\Z))*+)(?:>|\Z)",  # a start tag (group 2: inside)
    re.DOTALL,
)

ENTITIES_REFUSED = (
    "XML documents with DTD entity declarations (<!ENTITY ...>) are not accepted: "
    "write the text out in full instead of declaring entities"
)


def check_xml(data: bytes) -> None:
    """Refuse XML that declares entities, nests too deep or gives one element too many attributes."""
    if _ENTITY.search(data):
        raise UnsafeInputError(ENTITIES_REFUSED)
    if data.count(b"<") <= MAX_DEPTH and data.count(b"=") <= MAX_ATTRIBUTES:
        return  # too few tags to nest too deep, too few attributes for one element to have too many
    depth = 0
    for match in _MARKUP.finditer(data):
        if match.group(1):
            depth -= 1
        elif match.group(2) is not None:
            inside = match.group(2)
            if inside.count(b"=") > MAX_ATTRIBUTES:
                raise UnsafeInputError(
                    f"an XML element has more than the limit of {MAX_ATTRIBUTES} attributes", MAX_ATTRIBUTES
                )
            if not inside.endswith(b"/"):
                depth += 1
                if depth > MAX_DEPTH:
                    raise UnsafeInputError(
                        f"the XML elements are nested deeper than the limit of {MAX_DEPTH} levels", MAX_DEPTH
                    )


def declares_entities(path: Path) -> bool:
    """Whether a file (gzip or not) holds an entity declaration, read a chunk at a time."""
    with path.open("rb") as raw:
        compressed = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        source = gzip.GzipFile(fileobj=raw) if compressed else raw
        tail = b""
        while chunk := source.read(_CHUNK):
            if _ENTITY.search(tail + chunk):
                return True
            tail = chunk[-(len(b"<!ENTITY") - 1) :]
    return False
