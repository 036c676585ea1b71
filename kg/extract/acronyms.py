"""Where a name begins, told by the acronym after it: "Quantum Experiments at Space Scale (QUESS)"."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from kg.extract.methods import SURFACE
from kg.extract.name_shapes import program_classes
from kg.extract.organizations import classify_name
from kg.extract.spans import ACRONYM, EntityMention, new_mention
from kg.namespaces import QC, QCR
from kg.text.sentences import slugify

_FUNCTION_WORDS = frozenset({"of", "for", "the", "and", "on", "at", "in", "&", "de", "des", "du", "für"})
_LONGEST_PREFIX = 4  # "EuroQCI": "Euro" of "European"


def _spelled_start(doc: Doc, opening: int, acronym: str) -> int | None:
    """The first token of the words before `opening` whose initials spell the acronym, or None."""
    remaining = "".join(c for c in acronym.lower() if c.isalnum())
    index = opening - 1
    start = None
    while index >= 0 and remaining:
        word = doc[index]
        if word.lower_ in _FUNCTION_WORDS or word.text in ("-", "–"):
            index -= 1
            continue
        if not word.text[:1].isupper():
            return None
        lowered = word.text.lower()
        sizes = range(min(_LONGEST_PREFIX, len(lowered)), 0, -1)
        taken = next((k for k in sizes if remaining.endswith(lowered[:k])), 0)
        if not taken:
            return None
        remaining = remaining[:-taken]
        start = index
        index -= 1
    return start if not remaining and start is not None and opening - start >= 2 else None


_WORD = re.compile(r"[\w'’.&²-]+|[–—]")
_BRACKETED = re.compile(r"\s*\((?P<acronym>[A-Za-z][\w-]*)\)")


def _spelled_in_words(words: list[tuple[int, str]], acronym: str) -> int | None:
    """The position of the first of `words` (offset, word; in text order) whose initials spell the acronym."""
    remaining = "".join(c for c in acronym.lower() if c.isalnum())
    start = None
    used = 0
    for position, word in reversed(words):
        if not remaining:
            break
        if word.lower() in _FUNCTION_WORDS or word in ("-", "–", "—"):
            continue
        if not word[:1].isupper():
            return None
        lowered = word.lower()
        sizes = range(min(_LONGEST_PREFIX, len(lowered)), 0, -1)
        taken = next((k for k in sizes if remaining.endswith(lowered[:k])), 0)
        if not taken:
            return None
        remaining, start, used = remaining[:-taken], position, used + 1
    return start if not remaining and used >= 2 else None


_NAME_GOES_ON = re.compile(r"(?:\s+(?:and|of|for|on|the|&|[A-Z][\w'’&-]*)){1,6}(?=\s*\([A-Za-z][\w-]*\))")


def spelled_extent(text: str, low: int, start: int, end: int) -> tuple[int, int]:
    """The extent of a name found at text[start:end], by the acronym in brackets at its end, right after it
    or a few capitalized words on ("Quantum Experiments at Space Scale (QUESS)", "Initiative on Critical" +
    "and Emerging Technology (iCET)"): wider only when the acronym spells the wider name."""
    inner = text.rfind("(", start, end)
    going_on = _NAME_GOES_ON.match(text, end) if inner < 0 else None
    name_end = going_on.end() if going_on is not None else end
    bracket = _BRACKETED.match(text, inner if inner >= 0 else name_end)
    if bracket is None or (inner < 0 and bracket.start() != name_end):
        return start, end
    words = [(m.start(), m.group()) for m in _WORD.finditer(text, low, bracket.start())]
    spelled = _spelled_in_words(words, bracket.group("acronym"))
    if spelled is None or spelled >= (end if inner < 0 else inner):
        return start, end
    return min(spelled, start), (end if inner >= 0 else name_end)  # owners before it stay: "U.S.–India ..."


def spelled_names(doc: Doc, offset: int, mentions: list[EntityMention]) -> list[EntityMention]:
    """Mentions stretched (or added) to the name an acronym in brackets spells: "Initiative on Critical and
    Emerging Technology (iCET)", not "Initiative on Critical"; "Korea Research Institute of Standards and
    Science (KRISS)"."""
    result = list(mentions)
    for token in doc:
        if token.text != "(" or token.i + 2 >= len(doc) or doc[token.i + 2].text != ")":
            continue
        acronym = doc[token.i + 1].text
        if not (ACRONYM.fullmatch(acronym) or (acronym[:1].islower() and acronym[1:].isupper())):
            continue
        start = _spelled_start(doc, token.i, acronym)
        if start is None:
            continue
        if any(m.start < token.i and m.end > token.i + 3 for m in result):
            continue  # "the National Quantum Initiative (NQI) Act": the name goes on past the bracket
        inside = [m for m in result if m.start < token.i and m.end > start and m.end <= token.i + 3]
        if any(m.start <= start and m.end in (token.i, token.i + 3) for m in inside):
            continue  # a mention already covers the name (or the name and its bracket)
        start = min([start, *(m.start for m in inside)])  # "The U.S.–India" + "Initiative on ..."
        span = doc[start : token.i]
        name = " ".join(span.text.split())
        classes = program_classes(name) or classify_name(name)
        last = max(inside, key=lambda m: m.end, default=None)
        kind = "program" if program_classes(name) else "actor" if classes else (last.kind if last else None)
        if kind is None:
            continue
        if not classes:
            classes = last.classes if last is not None else (QC.Program,)
        confidence = max([m.confidence for m in inside] + [0.8])
        stretched = new_mention(
            span, offset, name, QCR[slugify(name)], kind, tuple(classes), None, SURFACE, confidence
        )
        result = [m for m in result if m not in inside]
        result.append(stretched)
    return sorted(result, key=lambda m: m.start)
