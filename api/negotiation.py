"""Content negotiation: RFC 9110 Accept parsing, and the formats each kind of answer can take."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kg.formats.table import GENERIC_MEDIA_TYPES, Format, rdf_formats, results_formats
from kg.query.results import QueryForm, ResultFormat


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header."""

    type: str
    subtype: str
    params: tuple[tuple[str, str], ...] = ()
    q: float = 1.0

    @property
    def specificity(self) -> int:
        """RFC 9110 §12.5.1: type/subtype;params > type/subtype > type/* > */*."""
        if self.type == "*":
            return 0
        if self.subtype == "*":
            return 1
        return 3 if self.params else 2

    def matches(self, media_type: str) -> bool:
        """Whether this range covers a media type we produce (always UTF-8; other parameters ignored)."""
        kind, _, sub = media_type.partition("/")
        charset = dict(self.params).get("charset", "utf-8")
        if charset not in ("utf-8", "utf8"):
            return False
        return self.type in ("*", kind) and self.subtype in ("*", sub)


@dataclass(frozen=True)
class Offer:
    """A media type a client may ask for, the Content-Type we answer with, and the serializer."""

    media_type: str
    content_type: str
    format: ResultFormat = field(compare=False)


_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_RANGE = re.compile(rf"^\s*({_TOKEN})/({_TOKEN})\s*$")
_PARAM = re.compile(rf"^\s*({_TOKEN})\s*=\s*(\"(?:[^\"\\]|\\.)*\"|{_TOKEN})\s*$")
_QVALUE = re.compile(r"^(0(\.\d{0,3})?|1(\.0{0,3})?)$")


def _split(header: str, separator: str) -> list[str]:
    """Split on a separator outside quoted strings."""
    parts, current, quoted, escaped = [], [], False, False
    for char in header:
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _media_range(element: str) -> MediaRange | None:
    """One Accept element; None when malformed (a bad q-value included)."""
    pieces = _split(element, ";")
    match = _RANGE.match(pieces[0])
    if not match:
        return None
    params: list[tuple[str, str]] = []
    q = 1.0
    for piece in pieces[1:]:
        param = _PARAM.match(piece)
        if not param:
            continue
        name, value = param.group(1).lower(), param.group(2).strip('"')
        if name == "q":
            if not _QVALUE.match(value):
                return None
            q = float(value)
            break  # what follows q are accept-extensions, not media type parameters
        params.append((name, value.lower() if name == "charset" else value))
    return MediaRange(match.group(1).lower(), match.group(2).lower(), tuple(params), q)


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed elements are skipped, no header means */*."""
    if header is None or not header.strip():
        return [MediaRange("*", "*")]
    return [r for r in map(_media_range, _split(header, ",")) if r is not None]


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The q-value the client gives a media type: that of the most specific range covering it."""
    best: MediaRange | None = None
    for candidate in ranges:
        if candidate.matches(media_type) and (best is None or candidate.specificity > best.specificity):
            best = candidate
    return best.q if best else 0.0


def negotiate(accept: str | None, offers: Sequence[Offer]) -> Offer | None:
    """The offer with the highest q-value > 0; ties go to the server's order of preference."""
    ranges = parse_accept(accept)
    chosen, chosen_q = None, 0.0
    for offer in offers:
        q = quality(ranges, offer.media_type)
        if q > chosen_q:
            chosen, chosen_q = offer, q
    return chosen


def _offers(formats: Sequence[Format]) -> tuple[Offer, ...]:
    """Canonical media types in order of preference, then the generic JSON/XML types, then other aliases."""
    canonical = [Offer(f.media_type, f.content_type, f.syntax) for f in formats]
    extra = [Offer(m, f.content_type, f.syntax) for f in formats for m in (*f.aliases, *f.accept_only)]
    extra.sort(key=lambda offer: offer.media_type not in GENERIC_MEDIA_TYPES)
    return (*canonical, *extra)


RESULT_OFFERS = _offers(results_formats())
RDF_OFFERS = _offers(rdf_formats())
TRIPLE_OFFERS = _offers(rdf_formats(datasets=False))
GRAPH_OFFERS = TRIPLE_OFFERS  # one graph: a linked-data resource, a record, a validation report
OFFERS_BY_FORM: dict[QueryForm, tuple[Offer, ...]] = {
    "select": RESULT_OFFERS,
    "ask": RESULT_OFFERS,
    "graph": RDF_OFFERS,
}


def _format_names() -> dict[str, tuple[str, ...]]:
    """Each format= value and the media types it stands for: a results syntax first, then RDF."""
    names: dict[str, tuple[str, ...]] = {}
    for fmt in (*results_formats(), *rdf_formats()):
        for name in fmt.format_names:
            names[name] = (*names.get(name, ()), fmt.media_type)
    return names


# Values of the `format` parameter (browsers, SPARQLWrapper): the media types they stand for, in order.
FORMAT_NAMES: dict[str, tuple[str, ...]] = _format_names()


class UnknownFormatError(ValueError):
    """A `format` parameter that names no format we know."""

    def __init__(self, value: str) -> None:
        super().__init__(f"unknown format {value!r}: use one of {', '.join(FORMAT_NAMES)} or a media type")


def choose(accept: str | None, format_param: str | None, offers: Sequence[Offer]) -> Offer | None:
    """The `format` parameter when given (a name or media types), else the Accept header; None: 406."""
    if format_param is None or not format_param.strip():
        return negotiate(accept, offers)
    value = format_param.strip().lower()
    if "/" in value:
        return negotiate(value, offers)
    if value not in FORMAT_NAMES:
        raise UnknownFormatError(format_param)
    by_type = {offer.media_type: offer for offer in offers}
    return next((by_type[m] for m in FORMAT_NAMES[value] if m in by_type), None)


def producible(offers: Sequence[Offer]) -> list[str]:
    """The media types of the offers, for a 406 answer."""
    return list(dict.fromkeys(offer.media_type for offer in offers))
