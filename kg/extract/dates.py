"""Dates a sentence states ("4 November 2021", "June 2023", "in 2017") as typed XSD literals."""

from __future__ import annotations

import calendar
import re

from rdflib import Literal

from kg.namespaces import XSD

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name} | {"sept": 9}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\.?,?\s+(\d{{4}})\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}}),\s+(\d{{4}})\b", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{4}})\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def parse_date(text: str) -> Literal | None:
    """The most precise date in a text: xsd:date, else xsd:gYearMonth, else xsd:gYear; None if none."""
    if match := _DAY_MONTH_YEAR.search(text):
        day, month, year = int(match.group(1)), _MONTHS[match.group(2).lower()], int(match.group(3))
    elif match := _MONTH_DAY_YEAR.search(text):
        month, day, year = _MONTHS[match.group(1).lower()], int(match.group(2)), int(match.group(3))
    elif match := _MONTH_YEAR.search(text):
        return Literal(f"{match.group(2)}-{_MONTHS[match.group(1).lower()]:02}", datatype=XSD.gYearMonth)
    elif match := _YEAR.search(text):
        return Literal(match.group(1), datatype=XSD.gYear)
    else:
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return Literal(f"{year}-{month:02}-{day:02}", datatype=XSD.date)
