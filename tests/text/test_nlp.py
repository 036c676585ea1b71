"""The statistical pipeline: the pinned model, found by path and loaded without running its package code."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kg.extract.extractor import Extractor
from kg.text.nlp import MODEL_PACKAGE, installed_model_path, model_info

# The official en_core_web_sm 3.8.0 model card's scores; the re-upload we pin must carry the same.
OFFICIAL_METRICS = {"ents_f": 0.8433119744, "dep_uas": 0.9176955214}


def test_the_pinned_model_is_the_official_en_core_web_sm_3_8_0() -> None:
    info = model_info(installed_model_path())
    assert info.version == "3.8.0"
    assert "<3.9" in info.spacy_version
    for metric, value in OFFICIAL_METRICS.items():
        assert info.performance[metric] == pytest.approx(value, abs=1e-10), metric


def test_the_model_loads_by_path_without_importing_its_package() -> None:
    script = (
        "import sys; from kg.text.nlp import load_language; nlp, info = load_language(); "
        f"print({MODEL_PACKAGE!r} in sys.modules, nlp.pipe_names)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.startswith("False"), out
    assert "'parser'" in out and "'ner'" in out


def test_known_names_come_before_the_statistical_ner(extractor: Extractor) -> None:
    names = extractor.nlp.pipe_names
    assert names.index("entity_ruler") < names.index("ner")
    doc = extractor.nlp(
        "Innovate UK, part of UK Research and Innovation (UKRI), works with the UK company Craft Prospect."
    )
    ents = {(e.text, e.label_, e.ent_id_.rsplit("/", 1)[-1]) for e in doc.ents}
    assert ("UK Research and Innovation", "QC_ACTOR", "uk-research-and-innovation") in ents
    assert ("UKRI", "QC_ACTOR", "uk-research-and-innovation") in ents
    assert ("Innovate UK", "ORG", "") in ents  # a known country inside a new name: joined, not cut
    assert ("Craft Prospect", "ORG", "") in ents  # a name no list knows: found by the statistical NER


def test_documents_go_through_the_pipeline_in_batches(extractor: Extractor) -> None:
    texts = [f"Sentence {n} names Japan and the European Union." for n in range(300)]
    docs = list(extractor.parse(texts))
    assert len(docs) == 300
    assert all({e.text for e in d.ents} >= {"Japan", "European Union"} for d in docs)
