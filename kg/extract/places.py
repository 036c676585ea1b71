"""Countries and regions by name: the gazetteer first, then ISO 3166 (pycountry)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

import pycountry
from rdflib import URIRef

from kg.extract.gazetteer import Gazetteer, KnownEntity
from kg.namespaces import QC, QCR
from kg.text.sentences import slugify

REGION_TYPES = frozenset(
    {"state", "province", "territory", "land", "autonomous community", "country", "nation"}
)
AMBIGUOUS_REGIONS = frozenset({"Washington", "Luxembourg", "New York", "Georgia", "Victoria"})
Place = tuple[KnownEntity | None, URIRef, tuple[URIRef, ...], str]


@cache
def _countries() -> Mapping[str, Any]:
    """ISO 3166-1 by its names, lower-cased: pycountry's own lookup scans the list each time. Not by its
    codes: "BT" in a text is the telecom company, "IT" the field; the gazetteer knows "US" and "UK"."""
    index: dict[str, Any] = {}
    for country in pycountry.countries:
        for key in ("name", "official_name", "common_name"):
            value = getattr(country, key, None)
            if value:
                index.setdefault(value.lower(), country)
    return MappingProxyType(index)


@cache
def _subdivisions() -> Mapping[str, Any]:
    """ISO 3166-2 by code and name, lower-cased."""
    index: dict[str, Any] = {}
    for region in pycountry.subdivisions:
        for value in (region.code, region.name):
            index.setdefault(value.lower(), region)
    return MappingProxyType(index)


def country_code(name: str) -> tuple[str, str] | None:
    """The ISO 3166-1 alpha-2 code and common name of a country, or None."""
    country = _countries().get(name.strip().lower())
    if country is None:
        return None
    return country.alpha_2, getattr(country, "common_name", None) or country.name


def country_names_starting(prefix: str) -> list[str]:
    """The ISO 3166-1 names (lower-cased) that start with `prefix`, in name order."""
    start = prefix.lower()
    return sorted(name for name in _countries() if name.startswith(start))


def place_of(gazetteer: Gazetteer, name: str) -> Place | None:
    """A country or a first-level region named `name`: (known entry or None, IRI, classes, label)."""
    entry = gazetteer.lookup(name)
    if entry is not None and entry.kind == "actor":
        return entry, entry.iri, tuple(sorted(entry.types)), entry.pref_label
    country = country_code(name)
    if country is not None:
        code, label = country
        for form in (label, name):
            known = gazetteer.lookup(form)
            if known is not None and known.kind == "actor":
                return known, known.iri, tuple(sorted(known.types)), known.pref_label
        return None, QCR[slugify(label)], (QC.Country,), label
    region = _subdivisions().get(name.strip().lower())
    if region is None:
        return None
    if str(region.type).lower() not in REGION_TYPES or region.name != name or name in AMBIGUOUS_REGIONS:
        return None
    return None, QCR[slugify(region.name)], (QC.Region,), region.name
