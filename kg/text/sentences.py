"""Sentences with exact offsets, slugs and inline-markup cleaning: pure string functions.

Every offset is a Python `str` index into the decoded document text (Unicode code points,
end exclusive), so `text[start:end]` is exactly the span it describes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+")
_ABBREVIATIONS = frozenset(
    {
        "e.g.", "i.e.", "cf.", "vs.", "approx.", "dr.", "mr.", "mrs.", "ms.", "prof.", "inc.",
        "ltd.", "co.", "corp.", "st.", "no.", "fig.", "al.", "jr.", "sr.", "dept.", "govt.",
    }
)


@dataclass(frozen=True)
class Sentence:
    """A sentence (or heading) with its exact position in the document text."""

    start: int
    end: int
    text: str


def clean_inline(text: str) -> str:
    """Drop Markdown inline markup (bold, code, links) and collapse whitespace."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\*\*|__|`", "", text)
    text = re.sub(r"(?<!\w)[*_](\S(?:.*?\S)?)[*_](?!\w)", r"\1", text)
    return " ".join(text.split())


def slugify(text: str) -> str:
    """A lowercase ASCII slug: words joined by '-' ("Bilateral Agreements" -> "bilateral-agreements")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['’]", "", ascii_text.replace("&", " and ")).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if not slug:
        raise ValueError(f"cannot make a slug from {text!r}")
    return slug


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Split text[start:end] into sentences, keeping exact offsets; 'U.S.' and 'e.g.' do not end one."""
    stop = len(text) if end is None else end
    cuts = [start]
    for match in _BOUNDARY.finditer(text, start, stop):
        if match.group().startswith(".") and _is_abbreviation(text, start, match.start()):
            continue
        cuts.append(match.end())
    cuts.append(stop)
    sentences = []
    for left, right in zip(cuts, cuts[1:], strict=False):
        sentence = trimmed(text, left, right)
        if sentence is not None:
            sentences.append(sentence)
    return sentences


def _is_abbreviation(text: str, floor: int, dot: int) -> bool:
    begin = dot
    while begin > floor and not text[begin - 1].isspace() and text[begin - 1] not in "([\"“":
        begin -= 1
    token = text[begin : dot + 1]
    return token.lower() in _ABBREVIATIONS or _DOTTED.fullmatch(token) is not None


def trimmed(text: str, start: int, end: int) -> Sentence | None:
    """The span text[start:end] without surrounding whitespace, or None if blank."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(start, end, text[start:end]) if end > start else None
