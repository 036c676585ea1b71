"""The evaluation corpus holds together: each gold file matches its document and the README's format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from paths import ROOT

from kg.extract.evaluation import gold_documents

CORPUS = ROOT / "tests" / "corpus"
KINDS = {"Country", "SupranationalUnion", "Region", "GovernmentAgency", "University", "ResearchInstitute",
         "Company", "StandardsBody", "Organization"}
PAIRS = [pair for split in ("dev", "test") for pair in gold_documents(CORPUS / split)]


def test_a_third_of_the_corpus_is_held_out() -> None:
    dev, test = (len(gold_documents(CORPUS / split)) for split in ("dev", "test"))
    assert dev + test >= 15 and test * 3 >= dev + test - 1
    assert max(len(d.read_text().split()) for d, _ in PAIRS) >= 5000


@pytest.mark.parametrize(("document", "gold_file"), PAIRS, ids=[d.name for d, _ in PAIRS])
def test_gold_names_what_the_document_says(document: Path, gold_file: Path) -> None:
    text = document.read_text(encoding="utf-8")
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    names = {name for a in gold["actors"] for name in (a["name"], *a.get("aliases", []))}
    assert {a["kind"] for a in gold["actors"]} <= KINDS
    for program in gold["programs"]:
        assert set(program.get("led_by", [])) | set(program.get("funded_by", [])) <= names, program["name"]
        for amount in program.get("amounts", []):
            assert len(amount["currency"]) == 3 and float(amount["value"]) > 0
    for collaboration in gold["collaborations"]:
        assert collaboration["sentence"] in text, collaboration["sentence"]
        assert len(set(collaboration["between"])) == 2 and set(collaboration["between"]) <= names
