"""Dates as sentences state them, typed as precisely as they are given."""

from __future__ import annotations

import pytest
from rdflib import Literal

from kg.extract.dates import parse_date
from kg.namespaces import XSD

CASES = [
    ("on 4 November 2021", Literal("2021-11-04", datatype=XSD.date)),
    ("signed on March 7, 2023 in Tokyo", Literal("2023-03-07", datatype=XSD.date)),
    ("In June 2023", Literal("2023-06", datatype=XSD.gYearMonth)),
    ("in Sept. 2019", Literal("2019-09", datatype=XSD.gYearMonth)),
    ("since 1995", Literal("1995", datatype=XSD.gYear)),
    ("31 February 2020", None),
    ("the ten years", None),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_dates(text: str, expected: Literal | None) -> None:
    assert parse_date(text) == expected
