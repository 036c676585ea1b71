"""pyshacl-turbo and pySHACL (the reference) judge alike: the same verdict and the same results.

Over every graph the quality tests validate: the fixture records and the provenance cases on their own
(whole-graph mode), the same records with their store context (focus mode, as `POST /records` and
`/validate` judge them) and inside the whole built graph (focus mode, as the writer judges a change), and
the built seed graph itself in both modes. A result is compared by focus node, path, source shape,
severity, message and value (a blank source shape by where it sits in the shapes graph).

In focus mode the reference is pySHACL's whole-graph report on the focus nodes: pySHACL's own focus mode
skips nested shapes on values outside the focus list (kg/quality/engines.py), which PYSHACL_FOCUS_MISSES
lists; there pySHACL finds fewer results than turbo, never others.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from paths import ONTOLOGY, RECORDS, SHAPES
from rdflib import BNode, Graph, URIRef
from test_provenance_shapes import CASES, PREFIXES

from kg.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, RDF, SH
from kg.quality.engines import PyshaclEngine, TurboEngine
from kg.quality.shacl import ValidationOutcome, Validator, _path_text, record_scope
from kg.store.oxigraph import OxigraphStore, open_store

ENGINES = ("turbo", "pyshacl")
NOT_DATA = (str(ONTOLOGY_GRAPH), str(INFERRED_GRAPH))
# Where pySHACL's focus mode misses results on a literal value (in an sh:or, or an sh:nodeKind in one).
PYSHACL_FOCUS_MISSES = {"participates-in-literal", "date as a plain string", "method as a literal"}

Result = tuple[str, str, str, str, str, str]
Verdict = tuple[bool, list[Result]]

RECORD_FILES = sorted(RECORDS.glob("*/*.ttl"))
GRAPHS = {f"{p.parent.name}/{p.stem}": p.read_text(encoding="utf-8") for p in RECORD_FILES}
GRAPHS |= {case.name: PREFIXES + case.turtle for case in CASES}


def graph(name: str) -> Graph:
    return Graph().parse(data=GRAPHS[name], format="turtle")


@pytest.fixture(scope="module")
def validators() -> dict[str, Validator]:
    return {name: Validator(SHAPES, ONTOLOGY, name) for name in ENGINES}


@pytest.fixture(scope="module")
def store(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphStore]:
    """A copy of the store built from the seeds."""
    data_dir = tmp_path_factory.mktemp("engines") / "data"
    shutil.copytree(built_data, data_dir, symlinks=True)
    with open_store(data_dir / "store") as opened:
        yield opened


@pytest.fixture(scope="module")
def seed(store: OxigraphStore) -> Graph:
    """The built graph's data, as the writer validates it."""
    return store.union_graph(exclude=NOT_DATA)


def shape_name(validator: Validator, shape: str | None) -> str:
    """A source shape: its IRI, or for a blank one the shape holding it, its path and message."""
    if shape is None or not shape.startswith("_:"):
        return shape or ""
    node, shapes = BNode(shape[2:]), validator.shapes
    holder = shapes.value(None, SH.property, node) or shapes.value(None, SH.node, node)
    return f"{holder} {_path_text(shapes, shapes.value(node, SH.path))} {shapes.value(node, SH.message)}"


def results(validator: Validator, outcome: ValidationOutcome, on: list[URIRef] | None = None) -> list[Result]:
    """The outcome's results (only those on the nodes `on`, if given), in order."""
    kept = None if on is None else {str(node) for node in on}
    return sorted(
        (
            v.focus_node,
            v.path or "",
            shape_name(validator, v.source_shape),
            v.severity,
            v.message,
            v.value or "",
        )
        for v in outcome.violations
        if kept is None or v.focus_node in kept
    )


def outcomes(
    validators: dict[str, Validator], data: Graph, focus: list[URIRef] | None
) -> dict[str, ValidationOutcome]:
    """Each engine's outcome, checked for the shape every outcome has."""
    found = {name: validator.validate(data, focus) for name, validator in validators.items()}
    for name, outcome in found.items():
        assert outcome.conforms == (not outcome.violations), (name, outcome.report_text)
        assert len(set(outcome.report_graph.subjects(RDF.type, SH.ValidationReport))) == 1
    return found


def judged(
    validators: dict[str, Validator], data: Graph, focus: list[URIRef] | None = None
) -> dict[str, Verdict]:
    """Each engine's verdict and results."""
    found = outcomes(validators, data, focus)
    return {name: (outcome.conforms, results(validators[name], outcome)) for name, outcome in found.items()}


def assert_focus_parity(
    found: dict[str, Verdict], reference: Callable[[], list[Result]], pyshacl_may_miss: bool
) -> None:
    """pySHACL's focus mode equals turbo; or, where it may miss results, turbo equals the reference and
    pySHACL finds none of its own."""
    if found["pyshacl"] == found["turbo"]:
        return
    assert pyshacl_may_miss, found
    (turbo_conforms, turbo), (_, pyshacl), expected = found["turbo"], found["pyshacl"], reference()
    assert (turbo_conforms, turbo) == (not expected, expected)
    assert not Counter(pyshacl) - Counter(turbo), (turbo, pyshacl)


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_engines_agree_on_each_graph_alone(validators: dict[str, Validator], name: str) -> None:
    found = outcomes(validators, graph(name), None)
    turbo, pyshacl = (results(validators[engine], found[engine]) for engine in ENGINES)
    assert (found["turbo"].conforms, turbo) == (found["pyshacl"].conforms, pyshacl)
    lines = {engine: sorted(outcome.report_text.splitlines()) for engine, outcome in found.items()}
    assert lines["turbo"] == lines["pyshacl"]


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_engines_agree_on_each_record_in_its_store_context(
    validators: dict[str, Validator], store: OxigraphStore, name: str
) -> None:
    data, focus = record_scope(graph(name), store, validators["turbo"].schema)

    def reference() -> list[Result]:
        return results(validators["pyshacl"], validators["pyshacl"].validate(data), focus)

    may_miss = name.removeprefix("invalid/") in PYSHACL_FOCUS_MISSES
    found = judged(validators, data, focus)
    assert_focus_parity(found, reference, pyshacl_may_miss=may_miss)
    assert (found["pyshacl"] != found["turbo"]) == may_miss  # PYSHACL_FOCUS_MISSES is exact


@pytest.mark.parametrize("kind", ["valid", "invalid"])
def test_engines_agree_on_records_written_into_the_built_graph(
    validators: dict[str, Validator], seed: Graph, kind: str
) -> None:
    """As the writer judges a change: the built graph with the records, on the nodes they touch and the
    nodes pointing at those; and on the first few nodes with a violation."""
    records = [graph(name) for name in GRAPHS if name.startswith(f"{kind}/")]
    data = seed + sum(records, Graph())
    whole = judged(validators, data)
    assert whole["turbo"] == whole["pyshacl"]
    assert whole["turbo"][0] == (kind == "valid")
    touched = {
        node for record in records for s, _, o in record for node in (s, o) if isinstance(node, URIRef)
    }
    writes = sorted(touched | {s for s, _, o in data if o in touched and isinstance(s, URIRef)})
    for focus in (writes, sorted({URIRef(result[0]) for result in whole["turbo"][1]})[:5]):
        reference = [result for result in whole["pyshacl"][1] if URIRef(result[0]) in focus]
        found = judged(validators, data, focus)
        assert_focus_parity(found, lambda reference=reference: reference, pyshacl_may_miss=kind == "invalid")


def test_engines_agree_on_the_built_graph(validators: dict[str, Validator], seed: Graph) -> None:
    assert judged(validators, seed) == {"turbo": (True, []), "pyshacl": (True, [])}
    subjects = sorted({s for s in seed.subjects() if isinstance(s, URIRef)})
    assert judged(validators, seed, subjects[:40]) == {"turbo": (True, []), "pyshacl": (True, [])}


@pytest.mark.parametrize("engine", ENGINES)
def test_parallel_validations_do_not_break_the_engine(engine: str) -> None:
    """Regression (issue 10): threads validating at once broke rdflib's SPARQL parser under pySHACL
    ("Param.postParse2() missing 1 required positional argument"); each thread now gets its verdict."""
    validator = Validator(SHAPES, ONTOLOGY, engine)  # new: no SPARQL text parsed yet
    records = [graph(name) for name in GRAPHS if name.startswith("valid/")]
    records += [graph("invalid/sentence-length-mismatch"), graph("invalid/sentence-end-before-start")]
    with ThreadPoolExecutor(len(records)) as pool:
        texts = list(pool.map(lambda record: validator.validate(record).report_text, records))
    assert texts == [validator.validate(record).report_text for record in records]
    assert any("The length of prov:value" in text for text in texts)  # the SPARQL constraint ran


@pytest.mark.parametrize(
    "engine",
    [
        "turbo",
        pytest.param("pyshacl", marks=pytest.mark.xfail(strict=True, reason="pySHACL focus mode skips it")),
    ],
)
def test_a_record_dated_with_a_plain_string_is_refused_in_its_store_context(
    engine: str, store: OxigraphStore
) -> None:
    """Regression: in focus mode pySHACL let `dcterms:date "30 June 2025"` through (the date's sh:or of
    datatypes is a nested shape on a literal, which its focus filter skips); alone, it was refused."""
    [case] = [c for c in CASES if c.name == "date as a plain string"]
    outcome = Validator(SHAPES, ONTOLOGY, engine).validate_record(graph(case.name), store)
    assert not outcome.conforms
    assert any(case.expect in v.message for v in outcome.violations), outcome.report_text


def test_the_engine_is_the_shacl_engine_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QCOLLAB_SHACL_ENGINE", raising=False)
    assert isinstance(Validator(SHAPES, ONTOLOGY).engine, TurboEngine)
    monkeypatch.setenv("QCOLLAB_SHACL_ENGINE", "pyshacl")
    assert isinstance(Validator(SHAPES, ONTOLOGY).engine, PyshaclEngine)
    assert isinstance(Validator(SHAPES, ONTOLOGY, "turbo").engine, TurboEngine)
