"""Names: normalisation, spelling variants for exact look-ups, and string similarity."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

_PARENTHESES = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]\s*")
_DOTTED = re.compile(r"(?<=\w)\.(?=\w|$)")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_LEADING_ARTICLE = re.compile(r"^the\s+")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def normalize(text: str) -> str:
    """Lower-case, accents and punctuation off, '&' as 'and', no leading article.

    "U.S." -> "us", "People's Republic of China" -> "peoples republic of china",
    "Royaume-Uni" -> "royaume uni", "The Netherlands" -> "netherlands".
    """
    folded = _fold(text).replace("&", " and ").replace("'", "").replace("\u2019", "")
    folded = _DOTTED.sub("", folded)
    words = _NON_WORD.sub(" ", folded).replace("_", " ").split()
    return _LEADING_ARTICLE.sub("", " ".join(words))


def name_keys(text: str, *, inner: bool = False) -> set[str]:
    """The normalised forms a name stands for: as written, and without a parenthetical.

    "Georgia (country)" -> {"georgia country", "georgia"}; with inner=True the parenthetical
    counts as a name too: "European Union (EU)" -> {"european union eu", "european union", "eu"}.
    """
    keys = {normalize(text)}
    stripped = _PARENTHESES.sub(" ", text).strip()
    if stripped and stripped != text:
        keys.add(normalize(stripped))
        if inner:
            keys.update(normalize(part) for part in re.findall(r"[\(\[]([^\)\]]+)[\)\]]", text))
    return {key for key in keys if key}


def spelling_variants(text: str) -> list[str]:
    """Case variants for exact label look-ups in a remote store ("drug discovery" -> "Drug discovery")."""
    text = " ".join(text.split())
    variants = [text, text.lower(), text[:1].upper() + text[1:], text.title()]
    stripped = _PARENTHESES.sub(" ", text).strip()
    if stripped and stripped != text:
        variants += [stripped, stripped[:1].upper() + stripped[1:]]
    seen: dict[str, None] = {}
    for variant in variants:
        seen.setdefault(variant, None)
    return list(seen)


def similarity(a: str, b: str) -> float:
    """Similarity of two normalised names in [0, 1]: the better of character and word-order-free ratios."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    direct = SequenceMatcher(None, a, b).ratio()
    sorted_a, sorted_b = " ".join(sorted(a.split())), " ".join(sorted(b.split()))
    unordered = SequenceMatcher(None, sorted_a, sorted_b).ratio()
    return max(direct, unordered)
