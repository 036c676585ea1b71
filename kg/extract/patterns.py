"""Patterns for facts stated in running text: program names, funding amounts, relation cues."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from kg.extract.lexicon import CURRENCY_CODE_PATTERN

_TOKEN = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w'’&-]*|\([A-Z][\w&-]*\))"
_CONNECTOR = r"(?:of|for|and|on|in|the|de|&)"
_RUN = re.compile(rf"{_TOKEN}(?:\s+(?:{_CONNECTOR}\s+)*{_TOKEN})*")
_FOLLOWING_KEYWORD = re.compile(
    r"\s+(?P<keyword>programme|program|initiative|consortium|alliance|mission|project)\b"
)

# A capitalized name ending with one of these words is a program; "Act" makes it legislation.
PROGRAM_KEYWORDS: dict[str, str] = {
    "act": "legislation",
    "programme": "program",
    "program": "program",
    "initiative": "program",
    "flagship": "program",
    "strategy": "program",
    "mission": "program",
    "alliance": "program",
    "consortium": "program",
    "hub": "program",
    "hubs": "program",
    "agenda": "program",
    "challenge": "program",
    "partnership": "program",
    "dialogue": "program",
    "declaration": "program",
    "arrangement": "program",
    "roadmap": "program",
    "competition": "program",
    "flagships": "program",
    "network": "program",
    "centers": "program",
    "centres": "program",
    "treaty": "program",
    "fund": "program",
}
LEADING_FUNCTION_WORDS = frozenset(
    {
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "its",
        "their",
        "our",
        "his",
        "her",
        "each",
        "every",
        "under",
        "through",
        "with",
        "via",
        "like",
        "since",
        "while",
        "as",
        "at",
        "from",
        "on",
        "in",
        "by",
        "for",
        "and",
        "of",
        "about",
    }
)

CURRENCY_SYMBOLS: dict[str, str] = {
    "€": "EUR",
    "$": "USD",
    "US$": "USD",
    "£": "GBP",
    "¥": "JPY",
    "A$": "AUD",
    "C$": "CAD",
    "S$": "SGD",
    "AU$": "AUD",
    "CA$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "₹": "INR",
    "Rs": "INR",
    "Rs.": "INR",
    "₩": "KRW",
    "₪": "ILS",
    "NIS": "ILS",
    "₽": "RUB",
    "₺": "TRY",
    "R$": "BRL",
    "NT$": "TWD",
    "Mex$": "MXN",
    "R": "ZAR",
}
CURRENCY_WORDS: dict[str, str] = {
    "euro": "EUR",
    "euros": "EUR",
    "dollars": "USD",
    "us dollars": "USD",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "yen": "JPY",
    "canadian dollars": "CAD",
    "australian dollars": "AUD",
    "singapore dollars": "SGD",
    "new zealand dollars": "NZD",
    "hong kong dollars": "HKD",
    "rupees": "INR",
    "won": "KRW",
    "yuan": "CNY",
    "renminbi": "CNY",
    "swiss francs": "CHF",
    "shekels": "ILS",
    "danish kroner": "DKK",
    "swedish kronor": "SEK",
    "norwegian kroner": "NOK",
    "rand": "ZAR",
}
SCALES: dict[str, int] = {
    "thousand": 10**3,
    "k": 10**3,
    "million": 10**6,
    "mn": 10**6,
    "m": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "trillion": 10**12,
    "lakh": 10**5,
    "crore": 10**7,
}
_NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = r"(?:\s*(?P<scale>(?i:trillion|billion|million|thousand|bn|mn|crore|lakh))|(?P<short>[kmbKMB]))\b"
_AMOUNT_BEFORE = re.compile(
    r"(?P<cur>US\$|AU\$|CA\$|NZ\$|HK\$|NT\$|Mex\$|R\$|A\$|C\$|S\$|[€$£¥₹₩₪₽₺]|\bRs\.?|\bNIS\b|"
    r"\bR(?=\s?\d[\d,.]*\s?(?:million|billion|bn|m)\b)|"  # "R54 million", "R 2 million": South African rand
    rf"{CURRENCY_CODE_PATTERN})\s?"
    rf"{_NUMBER}(?:{_SCALE})?"
)
_AMOUNT_AFTER = re.compile(
    rf"{_NUMBER}(?:{_SCALE})?\s+(?P<cur>(?i:euros?|"
    r"(?:(?:us|canadian|australian|singapore|new\s+zealand|hong\s+kong)\s+)?dollars|"
    r"pounds(?:\s+sterling)?|yen|rupees|won|yuan|renminbi|swiss\s+francs|shekels|danish\s+kroner"
    r"|swedish\s+kronor|norwegian\s+kroner|rand))\b"
)

PARTNER_CUE = re.compile(
    r"\b(?:(?:collaborat|partner|cooperat|co-operat|work|team|allie|ally)\w*"
    r"(?:\s+(?:closely|up|together|jointly))?\s+with"
    r"|partners?\s+(?:for|to|of)"
    r"|(?:particularly|especially|notably|mainly|chiefly|primarily)\s+with"
    r"|(?:ties|links|relations|agreements?|partnerships?|alliances?|laboratories|labs|projects"
    r"|exchanges)\s+with)\b",
    re.IGNORECASE,
)
EXPERTISE_CUE = re.compile(
    r"\b(?:breakthroughs?\s+in|expertise\s+in|excel\w*\s+in|pioneer\w*\s+(?:in|of)"
    r"|strengths?\s+in|leader\w*\s+in|speciali[sz]\w*\s+in|known\s+for|areas\s+like"
    r"|leading\s+in|advances\s+in)\b",
    re.IGNORECASE,
)
ENGAGE_CUE = re.compile(
    r"\b(?:engag\w*\s+in|participat\w*\s+in|pursu\w*|tak\w*\s+part\s+in|favou?rs?|relies\s+on)\b",
    re.IGNORECASE,
)
EXAMPLE_CUE = re.compile(
    r"\b(?:examples?|exemplif\w*|illustrat\w*|instance|such\s+as|case\s+in\s+point)\b",
    re.IGNORECASE,
)
PARTICIPATION_CUE = re.compile(
    r"\b(?:bring\w*\s+together|brought\s+together|members?\s+(?:include|are)|join\w*|involv\w*"
    r"|unites?|gathers?)\b",
    re.IGNORECASE,
)
JOIN_CUE = re.compile(
    r"\b(?:participat\w*\s+in|members?\s+of|join\w*|tak\w*\s+part\s+in|contribut\w*\s+to)\b",
    re.IGNORECASE,
)
FUNDING_CUE = re.compile(r"\bfund\w*|\binvest\w*|\bfinanc\w*|\bbacks?\b|[€$£¥]", re.IGNORECASE)


@dataclass(frozen=True)
class NameMatch:
    """A capitalized program name found by pattern, with its offsets and kind."""

    name: str
    start: int
    end: int
    kind: str
    leading: str | None = None


@dataclass(frozen=True)
class Amount:
    """A money amount: value in units of the currency, ISO 4217 code, offsets."""

    value: Decimal
    currency: str
    start: int
    end: int


def find_program_names(text: str, start: int = 0, end: int | None = None) -> list[NameMatch]:
    """Capitalized names ending with a program word ("... Act", "... Flagship") or followed by one."""
    stop = len(text) if end is None else end
    found = []
    for run in _RUN.finditer(text, start, stop):
        tokens = list(re.finditer(rf"{_TOKEN}|{_CONNECTOR}", run.group()))
        keyword_at = [i for i, t in enumerate(tokens) if t.group().lower() in PROGRAM_KEYWORDS]
        following = _FOLLOWING_KEYWORD.match(text, run.end(), stop)
        if keyword_at:
            last = keyword_at[-1]
            kind = PROGRAM_KEYWORDS[tokens[last].group().lower()]
            rest = [t.group() for t in tokens[last + 1 :]]
            if rest and rest[0][:1].isupper():
                continue  # "Quantum Leap Challenge Institutes": the keyword is not the name's head
            end = last + 1
            if rest and rest[0] in ("for", "on", "of") and len(rest) > 1 and rest[1][:1].isupper():
                stop_at = next((i for i, w in enumerate(rest) if w == "and" and i > 1), len(rest))
                end = last + 1 + stop_at  # "National Strategy for Quantum Technologies"
            found.append(_name_match(run.start(), tokens[:end], kind, min_tokens=2))
        elif following:
            found.append(_name_match(run.start(), tokens, "program", min_tokens=2))
    return [match for match in found if match is not None]


def _name_match(offset: int, tokens: list[re.Match[str]], kind: str, *, min_tokens: int) -> NameMatch | None:
    while tokens and tokens[0].group().lower() in LEADING_FUNCTION_WORDS:
        tokens = tokens[1:]
    if len([t for t in tokens if t.group()[0].isupper()]) < min_tokens:
        return None
    first, last = tokens[0], tokens[-1]
    name = " ".join(t.group() for t in tokens)
    return NameMatch(name, offset + first.start(), offset + last.end(), kind)


def find_amounts(text: str, start: int = 0, end: int | None = None) -> list[Amount]:
    """Money amounts such as "€1 billion", "$1.2 billion", "£2.5bn", "USD 500 million"."""
    stop = len(text) if end is None else end
    amounts = []
    for pattern, table in ((_AMOUNT_BEFORE, CURRENCY_SYMBOLS), (_AMOUNT_AFTER, CURRENCY_WORDS)):
        for match in pattern.finditer(text, start, stop):
            symbol = " ".join(match.group("cur").split())
            currency = table.get(symbol) or table.get(symbol.lower()) or symbol.upper()
            scale = (match.group("scale") or match.group("short") or "").lower()
            value = Decimal(match.group("num").replace(",", "")) * SCALES.get(scale, 1)
            if value == value.to_integral_value():
                value = Decimal(int(value))
            amounts.append(Amount(value, currency, match.start(), match.end()))
    return sorted(amounts, key=lambda a: a.start)


def cue_end(pattern: re.Pattern[str], text: str, start: int, end: int) -> int | None:
    """Where the first cue of this kind ends in text[start:end], or None."""
    match = pattern.search(text, start, end)
    return match.end() if match else None
