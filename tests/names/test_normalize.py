"""The one normaliser (kg.names.normalize): folding, keys, variants and similarity, from their docstrings."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.names.normalize import (
    alias_key,
    edit_distance,
    fold,
    name_keys,
    normalize,
    similarity,
    spelling_variants,
    squeeze,
    straight_apostrophes,
    strip_accents,
    tokens,
)

QCR = "https://w3id.org/qcollab/resource/"
QC = "https://w3id.org/qcollab/ontology#"


@pytest.mark.parametrize(("text", "expected"), [
    ("Québec", "quebec"), ("STRASSE", "strasse"), ("Straße", "strasse"), ("ﬁ", "fi"),
    ("İstanbul", "istanbul"), ("JAPAN", "japan"), ("Jápan", "japan"),
])
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(("function", "text", "expected"), [
    (strip_accents, "Québec", "Quebec"),
    (strip_accents, "ﬁ", "fi"),
    (squeeze, "  New   York ", "New York"),
    (straight_apostrophes, "People’s", "People's"),
    (straight_apostrophes, "‘quoted’", "'quoted'"),
])
def test_core_helpers(function: Callable[[str], str], text: str, expected: str) -> None:
    assert function(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("U.S.-Japan", ["u", "s", "japan"]), ("Québec", ["quebec"]), ("R&D", ["r", "d"]), ("", []),
])
def test_tokens(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


@pytest.mark.parametrize(("a", "b", "limit", "expected"), [
    ("austrlia", "australia", 2, 1),
    ("ausrtalia", "australia", 2, 1),  # a transposition is one edit
    ("japan", "canada", 1, 2),  # over the limit: limit + 1
    ("japan", "japan", 0, 0),
    ("uk", "united kingdom", 2, 3),  # lengths too far apart
])
def test_edit_distance(a: str, b: str, limit: int, expected: int) -> None:
    assert edit_distance(a, b, limit) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("U.S.", "us"),
    ("People's Republic of China", "peoples republic of china"),
    ("People’s Republic", "peoples republic"),
    ("Royaume-Uni", "royaume uni"),
    ("The Netherlands", "netherlands"),
    ("  the United   Kingdom ", "united kingdom"),
    ("U.K.", "uk"),
    ("U.S.A.", "usa"),
    ("Ph.D", "phd"),
    ("AT&T", "at and t"),
    ("R&D", "r and d"),
    ("Québec", "quebec"),
    ("Côte d'Ivoire", "cote divoire"),
    ("JAPAN", "japan"),
    ("snake_case", "snake case"),
])
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(("text", "inner", "expected"), [
    ("Georgia (country)", False, {"georgia country", "georgia"}),
    ("European Union (EU)", True, {"european union eu", "european union", "eu"}),
    ("European Union (EU)", False, {"european union eu", "european union"}),
    ("Japan", True, {"japan"}),
    ("...", False, set()),
])
def test_name_keys(text: str, inner: bool, expected: set[str]) -> None:
    assert name_keys(text, inner=inner) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("drug discovery", ["drug discovery", "Drug discovery", "Drug Discovery"]),
    ("georgia (country)",
     ["georgia (country)", "Georgia (country)", "Georgia (Country)", "georgia", "Georgia"]),
    ("  Japan ", ["Japan", "japan"]),
])
def test_spelling_variants(text: str, expected: list[str]) -> None:
    assert spelling_variants(text) == expected


def test_similarity() -> None:
    assert similarity("japan", "japan") == 1.0
    assert similarity("", "japan") == 0.0 and similarity("japan", "") == 0.0
    assert similarity("union european", "european union") == 1.0  # word order does not count
    assert 0.9 < similarity("germny", "germany") < 1.0
    assert similarity("japan", "canada") < 0.7


@pytest.mark.parametrize(("alias", "case_sensitive", "expected"), [
    ("People’s  Republic", False, "people's republic"),
    (" U.K. ", True, "U.K."),
    ("U.K.", False, "u.k."),
    ("Québec", False, "québec"),  # the gazetteer keeps accents
    ("Quantum\nFlagship", False, "quantum flagship"),
])
def test_alias_key(alias: str, case_sensitive: bool, expected: str) -> None:
    assert alias_key(alias, case_sensitive=case_sensitive) == expected
