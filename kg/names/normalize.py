"""The one normaliser: how names are folded, keyed and compared, all built on `fold`.

Three callers, three keys, one core:
- lookup (kg.names.lookup): `tokens` of the folded text, compared with `edit_distance`;
- linking and reconciliation: `normalize`, `name_keys`, `spelling_variants`, `similarity`;
- the extraction gazetteer: `alias_key`, which keeps accents and (for short capitals) case.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

_TOKEN = re.compile(r"[a-z0-9]+")
_PARENTHESES = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]\s*")
_INNER = re.compile(r"[\(\[]([^\)\]]+)[\)\]]")
_DOTTED = re.compile(r"(?<=\w)\.(?=\w|$)")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_LEADING_ARTICLE = re.compile(r"^the\s+")
_CURLY_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})


# ---------------------------------------------------------------- the core


def strip_accents(text: str) -> str:
    """Compatibility forms unified and accents removed: "Québec" -> "Quebec", "ﬁ" -> "fi"."""
    if text.isascii():  # nothing to decompose
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Accents off, then case-folded: "Québec" -> "quebec", "STRASSE" and "Straße" -> "strasse"."""
    return strip_accents(text).casefold()


def squeeze(text: str) -> str:
    """One space between words, none at the ends: "  New   York " -> "New York"."""
    return " ".join(text.split())


def straight_apostrophes(text: str) -> str:
    """Curly apostrophes as straight ones: "People’s" -> "People's"."""
    return text.translate(_CURLY_APOSTROPHES)


# ---------------------------------------------------------------- lookup: words and typos


def tokens(text: str) -> list[str]:
    """The folded alphanumeric words of a text: "U.S.-Japan" -> ["u", "s", "japan"]."""
    return _TOKEN.findall(fold(text))


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), or limit + 1 when larger.

    ("austrlia", "australia") -> 1, ("ausrtalia", "australia") -> 1 (a transposition is one edit).
    Only the cells within `limit` of the diagonal are computed: the others are over the limit.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    over = limit + 1
    previous2: list[int] = []
    previous = [min(j, over) for j in range(len(b) + 1)]
    for i, ca in enumerate(a, start=1):
        current = [over] * (len(b) + 1)
        current[0] = min(i, over)
        for j in range(max(1, i - limit), min(len(b), i + limit) + 1):
            cb = b[j - 1]
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = min(value, over)
        if min(current) > limit:
            return over
        previous2, previous = previous, current
    return previous[-1]


# ---------------------------------------------------------------- linking and reconciliation


def normalize(text: str) -> str:
    """Lower-case, accents and punctuation off, '&' as 'and', no leading article.

    "U.S." -> "us", "People's Republic of China" -> "peoples republic of china",
    "Royaume-Uni" -> "royaume uni", "The Netherlands" -> "netherlands".
    """
    folded = fold(text).replace("&", " and ").replace("'", "").replace("\u2019", "")
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
            keys.update(normalize(part) for part in _INNER.findall(text))
    return {key for key in keys if key}


def spelling_variants(text: str) -> list[str]:
    """Case variants for exact label look-ups in a remote store ("drug discovery" -> "Drug discovery")."""
    text = squeeze(text)
    variants = [text, text.lower(), text[:1].upper() + text[1:], text.title()]
    stripped = _PARENTHESES.sub(" ", text).strip()
    if stripped and stripped != text:
        variants += [stripped, stripped[:1].upper() + stripped[1:]]
    return list(dict.fromkeys(variants))


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


# ---------------------------------------------------------------- the gazetteer


def alias_key(alias: str, *, case_sensitive: bool) -> str:
    """The gazetteer's key of an alias: squeezed, straight apostrophes, case-folded unless case matters.

    "People’s  Republic" -> "people's republic"; with case_sensitive=True "U.K." stays "U.K.".
    Accents are kept: the gazetteer matches text as written.
    """
    key = squeeze(straight_apostrophes(alias))
    return key if case_sensitive else key.casefold()
