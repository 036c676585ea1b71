"""Extraction from documents: the facts found, their provenance, determinism, a second document."""

from __future__ import annotations

from decimal import Decimal

import pytest
from paths import DOCUMENTS, ROOT

from kg.extract.extractor import Extractor
from kg.extract.gazetteer import Gazetteer
from kg.extract.organizations import find_organizations
from kg.extract.pipeline import ExtractionResult, extract_document, extract_text
from kg.quality.shacl import Validator
from kg.store.oxigraph import OxigraphStore
from kg.text.document import parse_document, split_sentences

SEED = ROOT / "seeds" / "international-quantum-computing-collaborations.txt"
SECOND = DOCUMENTS / "quantum-bridges-europe-asia.md"
THIRD = DOCUMENTS / "quantum-pacts-newswire.txt"
SEED_GRAPH = "https://w3id.org/qcollab/graph/document/international-quantum-computing-collaborations"
SECOND_GRAPH = "https://w3id.org/qcollab/graph/document/quantum-bridges-europe-asia"
THIRD_GRAPH = "https://w3id.org/qcollab/graph/document/quantum-pacts-newswire"
QCR = "https://w3id.org/qcollab/resource/"


@pytest.fixture(scope="module")
def seed(extractor: Extractor) -> ExtractionResult:
    return extract_document(SEED, extractor)


@pytest.fixture(scope="module")
def second(extractor: Extractor) -> ExtractionResult:
    return extract_document(SECOND, extractor)


@pytest.fixture(scope="module")
def third(extractor: Extractor) -> ExtractionResult:
    return extract_document(THIRD, extractor)


@pytest.fixture(scope="module")
def extracted(seed: ExtractionResult, second: ExtractionResult, third: ExtractionResult) -> OxigraphStore:
    extracted = OxigraphStore(None)
    for result in (seed, second, third):
        extracted.replace_graph(str(result.graph_iri), result.graph)
    return extracted


def select(extracted: OxigraphStore, query: str, graph: str = SEED_GRAPH) -> list[dict[str, str]]:
    """Rows of a SELECT over one document graph, as plain strings."""
    result = extracted.query(query, default_graphs=[graph])
    names = [v.value for v in result.variables]
    return [{name: row[name].value for name in names if row[name] is not None} for row in result]


def values(extracted: OxigraphStore, query: str, graph: str = SEED_GRAPH) -> set[str]:
    """The single variable of each row, as a set."""
    return {next(iter(row.values())) for row in select(extracted, query, graph)}


def short(iri: str) -> str:
    return iri.removeprefix(QCR)


def res(slug: str) -> str:
    """A resource IRI in SPARQL syntax (prefixed names cannot contain '/')."""
    return f"<{QCR}{slug}>"


def test_graph_iri_is_per_document(seed: ExtractionResult, second: ExtractionResult) -> None:
    assert str(seed.graph_iri) == SEED_GRAPH
    assert str(second.graph_iri) == SECOND_GRAPH


def test_seven_major_players_with_types_and_descriptions(extracted: OxigraphStore) -> None:
    rows = select(
        extracted,
        "SELECT ?a ?type ?d WHERE { ?a a ?type ; dcterms:description ?d "
        "FILTER(?type IN (qc:Country, qc:SupranationalUnion)) }",
    )
    found = {short(r["a"]): (short(r["type"].rsplit("#", 1)[1]), r["d"]) for r in rows}
    expected = {"united-states", "european-union", "united-kingdom", "canada", "australia",
                "japan", "china"}
    assert expected <= set(found)
    assert found["european-union"][0] == "SupranationalUnion"
    assert found["japan"][0] == "Country"
    assert "global leader" in found["united-states"][1]
    assert found["united-kingdom"][1].startswith("The UK, with its National Quantum")


def test_gazetteer_aliases_and_codes(extracted: OxigraphStore) -> None:
    aliases = values(extracted, "SELECT ?l WHERE { qcr:united-states skos:altLabel ?l }")
    assert {"U.S.", "US", "USA"} <= aliases
    code = values(extracted, "SELECT ?c WHERE { qcr:japan qc:iso3166Alpha2 ?c }")
    assert code == {"JP"}


def test_programs_their_leaders_and_funding(extracted: OxigraphStore) -> None:
    leads = {
        (short(r["a"]), short(r["p"]))
        for r in select(extracted, "SELECT ?a ?p WHERE { ?a qc:leads ?p . ?p a qc:Program }")
    }
    assert ("united-states", "national-quantum-initiative-act") in leads
    assert ("european-union", "quantum-flagship") in leads
    assert ("united-kingdom", "national-quantum-technologies-programme") in leads
    assert values(extracted, "SELECT ?t WHERE { qcr:national-quantum-initiative-act a ?t }") >= {
        "https://w3id.org/qcollab/ontology#Legislation"
    }
    rows = select(
        extracted,
        "SELECT ?amount ?cur (DATATYPE(?amount) AS ?dt) WHERE { "
        "qcr:quantum-flagship qc:fundingAmount ?amount ; qc:fundingCurrency ?cur }",
    )
    assert len(rows) == 1
    assert Decimal(rows[0]["amount"]) == Decimal(1_000_000_000)
    assert rows[0]["cur"] == "EUR"
    assert rows[0]["dt"] == "http://www.w3.org/2001/XMLSchema#decimal"
    assert values(extracted, "SELECT ?a WHERE { ?a qc:funds qcr:quantum-flagship }") == {
        QCR + "european-union"
    }


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("united-kingdom", "united-states"),
        ("united-kingdom", "canada"),
        ("united-kingdom", "australia"),
        ("australia", "united-states"),
        ("australia", "united-kingdom"),
        ("australia", "japan"),
        ("japan", "united-states"),
        ("canada", "united-states"),
        ("japan", "europe"),
    ],
)
def test_partnerships(extracted: OxigraphStore, a: str, b: str) -> None:
    assert extracted.query(f"ASK {{ qcr:{a} qc:collaboratesWith qcr:{b} }}", default_graphs=[SEED_GRAPH])
    collaboration = "--".join(sorted((a, b)))
    collaboration_iri = res(f"collaboration/{collaboration}")
    members = values(extracted, f"SELECT ?m WHERE {{ {collaboration_iri} qc:participant ?m }}")
    assert members == {QCR + a, QCR + b}


def test_collaboration_focus_and_expertise(extracted: OxigraphStore) -> None:
    japan_us = res("collaboration/japan--united-states")
    focus = values(extracted, f"SELECT ?f WHERE {{ {japan_us} qc:focusArea ?f }}")
    assert {QCR + "quantum-materials", QCR + "superconducting-qubits"} <= focus
    expertise = values(extracted, "SELECT ?t WHERE { qcr:australia qc:hasExpertiseIn ?t }")
    assert QCR + "silicon-based-quantum-computing" in expertise


def test_models_engagement_and_example(extracted: OxigraphStore) -> None:
    models = values(extracted, "SELECT ?l WHERE { ?m a qc:CollaborationModel ; rdfs:label ?l }")
    assert models == {
        "Bilateral Agreements and MOUs", "Multilateral Consortia and Programs",
        "Academic and Research Network Collaborations", "Industry-Academic Partnerships",
        "Standardization Bodies and Forums",
    }
    engaged = values(extracted, "SELECT ?m WHERE { qcr:united-states qc:engagesIn ?m }")
    assert {QCR + "model/bilateral-agreements-and-mous",
            QCR + "model/multilateral-consortia-and-programs"} <= engaged
    assert extracted.query(
        f"ASK {{ qcr:quantum-flagship qc:exemplifies {res('model/multilateral-consortia-and-programs')} }}",
        default_graphs=[SEED_GRAPH],
    )


def test_eight_drivers(extracted: OxigraphStore) -> None:
    drivers = values(extracted, "SELECT ?l WHERE { ?d a qc:Driver ; rdfs:label ?l }")
    assert drivers == {
        "Unprecedented Complexity", "Astronomical Costs", "Talent Scarcity", "Diverse Perspectives",
        "Shared Vision and Scientific Advancement", "Resource Pooling and Risk Mitigation",
        "Setting Global Standards and Ethical Guidelines",
        "Access to Complementary Expertise and Infrastructure",
    }


def test_five_challenges_each_with_its_own_solution(extracted: OxigraphStore) -> None:
    rows = select(
        extracted,
        "SELECT ?c ?label ?pos ?s ?sd WHERE { ?c a qc:Challenge ; rdfs:label ?label ; "
        "schema:position ?pos . ?s qc:addresses ?c ; dcterms:description ?sd }",
    )
    assert len(rows) == 5
    assert {int(r["pos"]) for r in rows} == {1, 2, 3, 4, 5}
    assert len({r["s"] for r in rows}) == 5
    by_label = {r["label"]: r["sd"] for r in rows}
    assert "IP agreements" in by_label["Intellectual Property (IP) Sharing"]
    assert "data governance" in by_label["Data Security and Access"]
    assert "IP agreements" not in by_label["Data Security and Access"]


def test_eight_tips_in_order(extracted: OxigraphStore) -> None:
    rows = select(
        extracted,
        "SELECT ?label ?pos WHERE { ?r a qc:Recommendation ; rdfs:label ?label ; "
        "schema:position ?pos } ORDER BY ?pos",
    )
    assert [int(r["pos"]) for r in rows] == list(range(1, 9))
    assert rows[0]["label"] == "Identify Complementary Strengths"
    assert rows[-1]["label"] == "Network Actively"


def test_technology_areas_and_application_domains(extracted: OxigraphStore) -> None:
    areas = values(extracted, "SELECT ?l WHERE { ?t a qc:TechnologyArea ; skos:prefLabel ?l }")
    assert {"superconducting qubits", "trapped ions", "silicon-based quantum computing",
            "quantum materials", "quantum networking"} <= areas
    domains = values(extracted, "SELECT ?l WHERE { ?t a qc:ApplicationDomain ; skos:prefLabel ?l }")
    assert {"drug discovery", "materials science", "financial modeling",
            "climate change mitigation"} <= domains
    assert "quantum computing" not in areas


def test_talent_mobility_and_ecosystem_strategies(extracted: OxigraphStore) -> None:
    mechanisms = values(extracted, "SELECT ?l WHERE { ?m a qc:TalentMobilityMechanism ; rdfs:label ?l }")
    assert mechanisms == {"Joint PhD Programs", "Postdoctoral Fellowships",
                          "Visiting Scholar Programs", "Virtual Collaboration Platforms"}
    strategies = values(extracted, "SELECT ?l WHERE { ?s a qc:EcosystemStrategy ; rdfs:label ?l }")
    assert "Promoting Talent Mobility and Exchange" in strategies
    assert len(strategies) == 4


def test_every_sentence_matches_the_document_text(extracted: OxigraphStore) -> None:
    for path, graph in ((SEED, SEED_GRAPH), (SECOND, SECOND_GRAPH), (THIRD, THIRD_GRAPH)):
        text = path.read_bytes().decode("utf-8")
        rows = select(
            extracted,
            "SELECT ?s ?v ?start ?end ?doc WHERE { ?s a qc:SourceSentence ; prov:value ?v ; "
            "qc:startOffset ?start ; qc:endOffset ?end ; qc:inDocument ?doc }",
            graph,
        )
        assert rows
        for row in rows:
            assert text[int(row["start"]) : int(row["end"])] == row["v"]
            assert row["doc"] == graph.replace("/graph/", "/resource/")


def test_document_provenance(extracted: OxigraphStore) -> None:
    rows = select(
        extracted,
        "SELECT ?title ?sha ?fmt ?src WHERE { ?d a qc:SourceDocument, prov:Entity ; "
        "dcterms:title ?title ; qc:sha256 ?sha ; dcterms:format ?fmt ; dcterms:source ?src }",
    )
    assert len(rows) == 1
    assert rows[0]["title"].startswith("Unlocking the Quantum Future")
    assert len(rows[0]["sha"]) == 64
    assert rows[0]["fmt"] == "text/plain"
    assert rows[0]["src"] == "seeds/international-quantum-computing-collaborations.txt"
    orphans = select(
        extracted,
        "SELECT ?e WHERE { ?e a ?c FILTER(?c IN (qc:Actor, qc:Country, qc:Program, qc:Driver, "
        "qc:Challenge, qc:Solution, qc:Recommendation, qc:TechnologyArea)) "
        "FILTER NOT EXISTS { ?e qc:extractedFrom ?s ; prov:hadPrimarySource ?doc } }",
    )
    assert orphans == []


def test_where_does_this_fact_come_from(extracted: OxigraphStore, seed: ExtractionResult) -> None:
    rows = select(
        extracted,
        "SELECT ?text ?start ?end WHERE { ?st rdf:subject qcr:united-kingdom ; "
        "rdf:predicate qc:collaboratesWith ; rdf:object qcr:canada ; qc:extractedFrom ?s . "
        "?s prov:value ?text ; qc:startOffset ?start ; qc:endOffset ?end }",
    )
    assert len(rows) == 1
    text = rows[0]["text"]
    assert text.startswith("United Kingdom: The UK, with its National Quantum Technologies")
    assert text.endswith("particularly with the U.S., Canada, and Australia.")
    document = SEED.read_text(encoding="utf-8")
    assert document[int(rows[0]["start"]) : int(rows[0]["end"])] == text


def test_extraction_is_deterministic(extractor: Extractor, seed: ExtractionResult) -> None:
    again = extract_document(SEED, extractor)
    first = sorted(seed.graph.serialize(format="nt").splitlines())
    second = sorted(again.graph.serialize(format="nt").splitlines())
    assert first == second
    assert "_:" not in "".join(first)
    assert again.counts == seed.counts


def test_counts(seed: ExtractionResult) -> None:
    assert seed.counts["driver"] == 8
    assert seed.counts["challenge"] == 5
    assert seed.counts["solution"] == 5
    assert seed.counts["recommendation"] == 8
    assert seed.counts["model"] == 5
    assert seed.counts["program"] == 3
    assert seed.counts["triple"] == len(seed.graph)


def test_second_document_yields_its_own_facts(extracted: OxigraphStore) -> None:
    def ask(query: str) -> bool:
        return bool(extracted.query(query, default_graphs=[SECOND_GRAPH]))

    assert ask("ASK { qcr:germany qc:collaboratesWith qcr:france }")
    assert ask("ASK { qcr:singapore qc:collaboratesWith qcr:netherlands }")
    assert ask("ASK { qcr:netherlands qc:leads qcr:quantum-delta-nl }")
    assert ask("ASK { qcr:france qc:hasExpertiseIn qcr:neutral-atoms }")
    assert ask(f"ASK {{ qcr:trapped-ion-alliance a qc:Program ; "
               f"qc:exemplifies {res('model/research-consortia')} ; qc:focusArea qcr:trapped-ions }}")
    assert ask("ASK { qcr:singapore qc:participatesIn qcr:trapped-ion-alliance }")
    funding = select(
        extracted,
        "SELECT ?a ?c WHERE { qcr:quantum-delta-nl qc:fundingAmount ?a ; qc:fundingCurrency ?c }",
        SECOND_GRAPH,
    )
    assert [(Decimal(r["a"]), r["c"]) for r in funding] == [(Decimal(615_000_000), "EUR")]
    solutions = {
        short(r["c"]): r["d"]
        for r in select(
            extracted, "SELECT ?c ?d WHERE { ?s qc:addresses ?c ; dcterms:description ?d }", SECOND_GRAPH
        )
    }
    assert set(solutions) == {"challenge/export-licensing-delays", "challenge/diverging-data-rules"}
    assert "pre-cleared components" in solutions["challenge/export-licensing-delays"]
    tips = select(
        extracted,
        "SELECT ?l ?p WHERE { ?r a qc:Recommendation ; rdfs:label ?l ; schema:position ?p } "
        "ORDER BY ?p",
        SECOND_GRAPH,
    )
    assert [r["l"] for r in tips] == ["Pick one flagship experiment", "Budget for travel",
                                      "Publish openly"]


def test_second_document_provenance(extracted: OxigraphStore) -> None:
    rows = select(
        extracted,
        "SELECT ?text ?doc ?fmt WHERE { ?st rdf:subject qcr:germany ; rdf:predicate "
        "qc:collaboratesWith ; rdf:object qcr:france ; qc:extractedFrom ?s . "
        "?s prov:value ?text ; qc:inDocument ?doc . ?doc dcterms:format ?fmt }",
        SECOND_GRAPH,
    )
    assert len(rows) == 1
    assert rows[0]["doc"] == QCR + "document/quantum-bridges-europe-asia"
    assert rows[0]["fmt"] == "text/markdown"
    assert "works closely with France" in rows[0]["text"]
    seed_only = extracted.query(
        "ASK { qcr:germany qc:collaboratesWith qcr:france }", default_graphs=[SEED_GRAPH]
    )
    assert not seed_only


def test_shared_entities_keep_one_iri(extracted: OxigraphStore) -> None:
    graphs = values(
        extracted,
        "SELECT ?g WHERE { GRAPH ?g { qcr:germany a qc:Country } }",
        SEED_GRAPH,
    )
    assert {SEED_GRAPH, SECOND_GRAPH} <= graphs


def test_sentence_splitting_keeps_abbreviations() -> None:
    text = "The U.S. leads, e.g. in qubits. Japan follows! Does the EU? Yes."
    sentences = [s.text for s in split_sentences(text)]
    assert sentences == ["The U.S. leads, e.g. in qubits.", "Japan follows!", "Does the EU?", "Yes."]
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text


def test_plain_text_structure_tolerates_noise() -> None:
    text = SEED.read_text(encoding="utf-8")
    document = parse_document(text)
    headings = [section.heading for section, _ in document.walk()]
    assert headings.count(document.title) == 1
    assert "0 Komentar" not in headings
    faq = next(s for s, _ in document.walk() if s.heading == "Frequently Asked Questions")
    assert len(faq.children) == 4
    assert all(child.is_question for child in faq.children)


def test_gazetteer_matching_rules(gazetteer: Gazetteer) -> None:
    text = "Partners in the US and the European Union met us in Europe; European, Canadian teams."
    found = [(m.entry.slug, m.text) for m in gazetteer.find(text)]
    assert found == [
        ("united-states", "US"), ("european-union", "European Union"), ("europe", "Europe"),
        ("europe", "European"), ("canada", "Canadian"),
    ]


# The seed states exactly these partnerships; the sentence-level reading must not add any.
SEED_PAIRS = {
    frozenset(pair)
    for pair in (
        ("united-states", "europe"), ("united-states", "canada"), ("united-states", "australia"),
        ("united-kingdom", "united-states"), ("united-kingdom", "canada"),
        ("united-kingdom", "australia"), ("canada", "europe"), ("canada", "australia"),
        ("australia", "japan"), ("japan", "united-states"), ("japan", "europe"),
    )
}
THIRD_SENTENCES = {
    "de-jp": "In 2023, Germany and Japan signed a memorandum of understanding on quantum technologies.",
    "tokyo-ibm": "The University of Tokyo partners with IBM on superconducting qubits.",
    "nrc-npl": "Under the agreement, Canada's National Research Council and the UK's National Physical "
    "Laboratory will run joint calls on quantum sensing and measurement standards.",
    "nl-sg": "Further east, the Netherlands and Singapore concluded a bilateral agreement in January.",
    "delft-nus": "Delft University of Technology will collaborate with the National University of "
    "Singapore on quantum networking, and doctoral students will spend a semester on each campus.",
    "kist": "The Korea Institute of Science and Technology teamed up with Nordlicht Photonics GmbH to "
    "build photonic chips for quantum simulation.",
    "riken": "In partnership with Fujitsu, RIKEN opened its newest machine to outside users.",
    "consortium": "Pasqal, IQM and Alpine Quantum Technologies formed a consortium to pool cryogenic "
    "components and share dilution refrigerators.",
    "budgets": "China, the United States and the European Union all increased their quantum budgets in "
    "2024, and each published a new national roadmap.",
    "not-signed": "France and Italy have not signed a comparable agreement, diplomats said.",
    "workshop": "Spain, Austria, Denmark and Finland held a joint workshop in Vienna, though no common "
    "programme was announced.",
    "compete": "Market watchers add that Google and Microsoft compete for the same cryogenic engineers.",
    "standards": "Researchers from both metrology institutes presented early results to ETSI and the IEC "
    "in Geneva last month.",
    "bsi": "The British Standards Institution is expected to review the first results.",
}
THIRD_PAIRS = {
    ("germany", "japan"): "de-jp",
    ("university-of-tokyo", "ibm"): "tokyo-ibm",
    ("national-research-council-canada", "national-physical-laboratory"): "nrc-npl",
    ("netherlands", "singapore"): "nl-sg",
    ("delft-university-of-technology", "national-university-of-singapore"): "delft-nus",
    ("korea-institute-of-science-and-technology", "nordlicht-photonics"): "kist",
    ("riken", "fujitsu"): "riken",
    ("pasqal", "iqm"): "consortium",
    ("pasqal", "alpine-quantum-technologies"): "consortium",
    ("iqm", "alpine-quantum-technologies"): "consortium",
}
THIRD_ORGANIZATIONS = {
    "university-of-tokyo": ("University", "University of Tokyo", "tokyo-ibm"),
    "ibm": ("Company", "IBM", "tokyo-ibm"),
    "national-research-council-canada": ("GovernmentAgency", "National Research Council Canada", "nrc-npl"),
    "national-physical-laboratory": ("ResearchInstitute", "National Physical Laboratory", "nrc-npl"),
    "british-standards-institution": ("StandardsBody", "British Standards Institution", "bsi"),
    "delft-university-of-technology": ("University", "Delft University of Technology", "delft-nus"),
    "national-university-of-singapore": ("University", "National University of Singapore", "delft-nus"),
    "korea-institute-of-science-and-technology": (
        "ResearchInstitute", "Korea Institute of Science and Technology", "kist",
    ),
    "nordlicht-photonics": ("Company", "Nordlicht Photonics", "kist"),
    "fujitsu": ("Company", "Fujitsu", "riken"),
    "riken": ("ResearchInstitute", "RIKEN", "riken"),
    "pasqal": ("Company", "Pasqal", "consortium"),
    "iqm": ("Company", "IQM", "consortium"),
    "alpine-quantum-technologies": ("Company", "Alpine Quantum Technologies", "consortium"),
    "google": ("Company", "Google", "compete"),
    "microsoft": ("Company", "Microsoft", "compete"),
    "etsi": ("StandardsBody", "ETSI", "standards"),
    "iec": ("StandardsBody", "IEC", "standards"),
}


def partner_pairs(extracted: OxigraphStore, graph: str) -> set[frozenset[str]]:
    rows = select(extracted, "SELECT ?a ?b WHERE { ?a qc:collaboratesWith ?b }", graph)
    return {frozenset((short(r["a"]), short(r["b"]))) for r in rows}


def sentence_of(key: str) -> tuple[str, int, int]:
    """The exact text of a sentence of the third document and its offsets."""
    text = THIRD.read_text(encoding="utf-8")
    sentence = THIRD_SENTENCES[key]
    start = text.index(sentence)
    assert text.count(sentence) == 1
    return sentence, start, start + len(sentence)


def test_seed_partnerships_are_exactly_those_stated(extracted: OxigraphStore) -> None:
    assert partner_pairs(extracted, SEED_GRAPH) == SEED_PAIRS
    hypothetical = values(
        extracted, "SELECT ?x WHERE { { qcr:united-states qc:collaboratesWith ?x } "
        "UNION { ?x qc:collaboratesWith qcr:united-states } }",
    )
    assert QCR + "germany" not in hypothetical  # "Examples might include a U.S. national lab ..."


def test_third_document_partnerships_from_prose(extracted: OxigraphStore) -> None:
    expected = {frozenset(pair) for pair in THIRD_PAIRS}
    assert partner_pairs(extracted, THIRD_GRAPH) == expected


@pytest.mark.parametrize(("pair", "key"), list(THIRD_PAIRS.items()))
def test_third_document_partnership_provenance(
    extracted: OxigraphStore, pair: tuple[str, str], key: str
) -> None:
    a, b = pair
    rows = select(
        extracted,
        f"SELECT ?text ?start ?end ?doc WHERE {{ ?st a rdf:Statement ; rdf:subject qcr:{a} ; "
        f"rdf:predicate qc:collaboratesWith ; rdf:object qcr:{b} ; qc:extractedFrom ?s . "
        "?s prov:value ?text ; qc:startOffset ?start ; qc:endOffset ?end ; qc:inDocument ?doc }",
        THIRD_GRAPH,
    )
    sentence, start, end = sentence_of(key)
    assert [(r["text"], int(r["start"]), int(r["end"])) for r in rows] == [(sentence, start, end)]
    assert rows[0]["doc"] == QCR + "document/quantum-pacts-newswire"
    collaboration = res("collaboration/" + "--".join(sorted(pair)))
    sparql = f"SELECT ?m WHERE {{ {collaboration} a qc:Collaboration ; qc:participant ?m }}"
    members = values(extracted, sparql, THIRD_GRAPH)
    assert members == {QCR + a, QCR + b}
    evidence = values(
        extracted, f"SELECT ?v WHERE {{ {collaboration} qc:extractedFrom/prov:value ?v }}", THIRD_GRAPH
    )
    assert evidence == {sentence}


def test_third_document_collaboration_focus(extracted: OxigraphStore) -> None:
    def focus(pair: str) -> set[str]:
        return {short(f) for f in values(
            extracted, f"SELECT ?f WHERE {{ {res('collaboration/' + pair)} qc:focusArea ?f }}", THIRD_GRAPH
        )}

    assert focus("ibm--university-of-tokyo") == {"superconducting-qubits"}
    assert focus("national-physical-laboratory--national-research-council-canada") == {"quantum-sensing"}
    assert focus("delft-university-of-technology--national-university-of-singapore") == {
        "quantum-networking"
    }
    assert focus("korea-institute-of-science-and-technology--nordlicht-photonics") == {
        "photonic-quantum-computing", "quantum-simulation",
    }
    assert focus("alpine-quantum-technologies--iqm") == {"cryogenics"}
    assert focus("germany--japan") == set()


@pytest.mark.parametrize(("slug", "expected"), list(THIRD_ORGANIZATIONS.items()))
def test_third_document_organizations(
    extracted: OxigraphStore, slug: str, expected: tuple[str, str, str]
) -> None:
    cls, label, key = expected
    rows = select(
        extracted,
        f"SELECT ?type ?label ?pref ?text ?start ?end ?doc WHERE {{ qcr:{slug} a ?type ; rdfs:label ?label ; "
        f"skos:prefLabel ?pref ; qc:extractedFrom ?s ; prov:hadPrimarySource ?doc . "
        "?s prov:value ?text ; qc:startOffset ?start ; qc:endOffset ?end }",
        THIRD_GRAPH,
    )
    assert {short(r["type"].rsplit("#", 1)[1]) for r in rows} == {cls}
    assert {(r["label"], r["pref"]) for r in rows} == {(label, label)}
    assert {(r["text"], int(r["start"]), int(r["end"])) for r in rows} == {sentence_of(key)}
    assert {r["doc"] for r in rows} == {QCR + "document/quantum-pacts-newswire"}


def test_third_document_sentences_without_partnerships(extracted: OxigraphStore) -> None:
    for key in ("budgets", "not-signed", "workshop", "compete", "standards", "bsi"):
        sentence, start, end = sentence_of(key)
        stated = select(
            extracted,
            "SELECT ?st WHERE { ?st rdf:predicate qc:collaboratesWith ; qc:extractedFrom ?s . "
            f"?s qc:startOffset {start} }}",
            THIRD_GRAPH,
        )
        assert stated == [], sentence
    pairs = partner_pairs(extracted, THIRD_GRAPH)
    actors = {"china", "united-states", "european-union", "france", "italy", "spain", "austria",
              "denmark", "finland", "google", "microsoft", "etsi", "iec"}
    assert not any(pair & actors for pair in pairs)
    mentioned = values(extracted, "SELECT ?c WHERE { ?c a qc:Country }", THIRD_GRAPH)
    assert {QCR + "china", QCR + "united-states", QCR + "canada", QCR + "united-kingdom"} <= mentioned


def test_owners_and_names_are_context_not_partners(extracted: OxigraphStore) -> None:
    pairs = partner_pairs(extracted, THIRD_GRAPH)
    assert not any(pair & {"canada", "united-kingdom", "south-korea"} for pair in pairs)
    assert not extracted.query("ASK { qcr:south-korea ?p ?o }", default_graphs=[THIRD_GRAPH])
    assert not extracted.query("ASK { qcr:national-research-council ?p ?o }", default_graphs=[THIRD_GRAPH])


@pytest.mark.parametrize("name", ["seed", "second", "third"])
def test_document_graphs_conform_to_the_shapes(
    request: pytest.FixtureRequest, validator: Validator, name: str
) -> None:
    result: ExtractionResult = request.getfixturevalue(name)
    outcome = validator.validate(result.graph)
    assert outcome.conforms, outcome.report_text


def test_third_document_extraction_is_deterministic(extractor: Extractor, third: ExtractionResult) -> None:
    again = extract_document(THIRD, extractor)
    first = sorted(third.graph.serialize(format="nt").splitlines())
    assert sorted(again.graph.serialize(format="nt").splitlines()) == first
    assert "_:" not in "".join(first)
    assert again.counts == third.counts
    assert third.counts["collaboration"] == len(THIRD_PAIRS)
    assert third.counts["actor"] == len(THIRD_ORGANIZATIONS) + 15


MODELS_TEXT = """# Quantum Links

## Models of Collaboration

- **Bilateral Agreements:** Two governments sign a memorandum and open joint calls.
- **Multilateral Consortia:** Many partners share one governance charter.

## News

In 2023, Germany and Japan signed a memorandum of understanding on quantum sensing.
Pasqal, IQM and RIKEN formed a consortium on neutral atoms.
The University of Tokyo partners with IBM on superconducting qubits.
A U.S. lab might partner with a German university.
"""


def test_prose_partnerships_name_the_documents_models(extractor: Extractor, validator: Validator) -> None:
    result = extract_text(
        MODELS_TEXT, doc_slug="models", source="models.md", sha256="0" * 64, markdown=True,
        extractor=extractor,
    )
    rows = result.graph.query(
        "SELECT ?c ?m WHERE { ?c qc:collaborationModel ?m }",
        initNs={"qc": "https://w3id.org/qcollab/ontology#"},
    )
    models = {(short(str(r[0])), short(str(r[1]))) for r in rows}  # type: ignore[index]
    assert models == {
        ("collaboration/germany--japan", "model/bilateral-agreements"),
        ("collaboration/iqm--pasqal", "model/multilateral-consortia"),
        ("collaboration/iqm--riken", "model/multilateral-consortia"),
        ("collaboration/pasqal--riken", "model/multilateral-consortia"),
    }
    assert result.counts["collaboration"] == 5
    outcome = validator.validate(result.graph)
    assert outcome.conforms, outcome.report_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Researchers at the University of Waterloo and Tsinghua University met.",
         [("University of Waterloo", "university-of-waterloo"),
          ("Tsinghua University", "tsinghua-university")]),
        ("Canada's National Research Council",
         [("National Research Council", "national-research-council-canada")]),
        ("the Walther Meissner Institute and the Karlsruhe Institute of Technology",
         [("Walther Meissner Institute", "ResearchInstitute"),
          ("Karlsruhe Institute of Technology", "University")]),
        ("Qblox B.V. and Quantum Motion Ltd", [("Qblox", "Company"), ("Quantum Motion", "Company")]),
        ("Nordlicht Photonics GmbH", [("Nordlicht Photonics", "Company")]),
        ("the European Telecommunications Standards Institute", [
            ("European Telecommunications Standards Institute", "etsi")]),
        ("the Institute of Electrical and Electronics Engineers", [
            ("Institute of Electrical and Electronics Engineers", "ieee")]),
        ("the Oxford Quantum Security Agency", [("Oxford Quantum Security Agency", "GovernmentAgency")]),
        ("Japan's Ministry of Education and Italy's Ministry of Education",
         [("Ministry of Education (Japan)", "GovernmentAgency"),
          ("Ministry of Education (Italy)", "GovernmentAgency")]),
        ("The National Quantum Initiative Act and the Trapped-Ion Alliance", []),
    ],
)
def test_organization_patterns(gazetteer: Gazetteer, text: str, expected: list[tuple[str, str]]) -> None:
    found = []
    for match in find_organizations(gazetteer, text):
        kind = match.entry.slug if match.entry else "|".join(c.rsplit("#", 1)[1] for c in match.classes)
        found.append((match.name if match.entry is None else text[match.start : match.end], kind))
    assert found == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Japan, which hosts RIKEN, partners with the United States.", {("japan", "united-states")}),
        ("The agreement between the Netherlands and Singapore covers networking.",
         {("netherlands", "singapore")}),
        ("A consortium of Germany, France and Italy will build a machine.",
         {("germany", "france"), ("germany", "italy"), ("france", "italy")}),
        ("Germany signed an MOU with Japan and an agreement with Korea.",
         {("germany", "japan"), ("germany", "south-korea")}),
        ("The US-UK partnership on quantum sensing was renewed.", {("united-states", "united-kingdom")}),
        ("The United States and Japan did not sign the accord, but Canada partnered with Australia.",
         {("canada", "australia")}),
        ("Germany and Japan could sign an agreement next year.", set()),
        ("Germany and Japan signed an MOU that would open test beds.", {("germany", "japan")}),
        ("Rivalry between the United States and China continues.", set()),
        ("France and Germany compete with the United States and China for talent.", set()),
        ("Spain, Italy, France and Germany signed a joint declaration.", set()),
        ("Singapore acts as a bridge to Asia, teaming up with France.", {("singapore", "france")}),
    ],
)
def test_partnership_cues(rules_extractor: Extractor, sentence: str, expected: set[tuple[str, str]]) -> None:
    text = f"# Note\n\n{sentence}\n"
    result = extract_text(text, doc_slug="note", source="note.md", sha256="0" * 64, markdown=True,
                          extractor=rules_extractor)
    rows = result.graph.query(
        "SELECT ?a ?b WHERE { ?a qc:collaboratesWith ?b }",
        initNs={"qc": "https://w3id.org/qcollab/ontology#"},
    )
    found = {frozenset((short(str(r[0])), short(str(r[1])))) for r in rows}  # type: ignore[index]
    assert found == {frozenset(pair) for pair in expected}


def test_third_document_organizations_are_based_in_the_countries_the_text_gives(
    extracted: OxigraphStore,
) -> None:
    """"Canada's National Research Council" and "the UK's National Physical Laboratory" -> qc:basedIn."""
    rows = select(
        extracted,
        "SELECT ?org ?country ?text WHERE { ?org qc:basedIn ?country . ?st rdf:subject ?org ; "
        "rdf:predicate qc:basedIn ; rdf:object ?country ; qc:extractedFrom/prov:value ?text }",
        THIRD_GRAPH,
    )
    based = {(short(r["org"]), short(r["country"])) for r in rows}
    assert based == {("national-research-council-canada", "canada"),
                     ("national-physical-laboratory", "united-kingdom")}
    assert all("National Research Council" in r["text"] for r in rows)
