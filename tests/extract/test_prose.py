"""Relations read from the dependency parse, one sentence at a time: each phrasing the reader must know."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal

from kg.extract.coreference import DocumentMemory
from kg.extract.extractor import Extractor
from kg.extract.mentions import MentionFinder
from kg.extract.pipeline import extract_text
from kg.extract.relations import SentenceGraph
from kg.namespaces import QC, QCR, SDO, XSD

COLLABORATIONS: list[tuple[str, set[frozenset[str]]]] = [
    (
        "Innovate UK partnered with the National Research Council of Canada on quantum sensing.",
        {frozenset({"Innovate UK", "National Research Council of Canada"})},
    ),
    ("Japan signed a memorandum of understanding with Finland in 2023.", {frozenset({"Japan", "Finland"})}),
    (
        "The call was a partnership between Innovate UK and the Natural Sciences and Engineering Research "
        "Council of Canada.",
        {frozenset({"Innovate UK", "Natural Sciences and Engineering Research Council of Canada"})},
    ),
    ("UKRI and NSERC went on to co-fund eight projects.", {frozenset({"UKRI", "NSERC"})}),
    (
        "The UK company Craft Prospect worked with the University of Waterloo on satellite links.",
        {frozenset({"Craft Prospect", "University of Waterloo"})},
    ),
    (
        "Microsoft and QuTech announced a joint effort to develop topological qubits.",
        {frozenset({"Microsoft", "QuTech"})},
    ),
    ("Together with Intel, QuTech built a cryogenic control chip.", {frozenset({"Intel", "QuTech"})}),
    (
        "Eagle-1 is being built by a consortium led by SES with Tesat-Spacecom and SITAEL.",
        {
            frozenset({"SES", "Tesat-Spacecom"}),
            frozenset({"SES", "SITAEL"}),
            frozenset({"Tesat-Spacecom", "SITAEL"}),
        },
    ),
    (
        "Coordinated by Saarland University, its consortium included ETH Zurich and Chalmers University.",
        {
            frozenset({"Saarland University", "ETH Zurich"}),
            frozenset({"Saarland University", "Chalmers University"}),
            frozenset({"ETH Zurich", "Chalmers University"}),
        },
    ),
    (
        "Aalto University, the University of Helsinki and VTT jointly founded InstituteQ in 2021.",
        {
            frozenset({"Aalto University", "University of Helsinki"}),
            frozenset({"Aalto University", "VTT"}),
            frozenset({"University of Helsinki", "VTT"}),
        },
    ),
    (
        "QuTech, a research institute founded by Delft University of Technology and TNO, opened in 2014.",
        {frozenset({"Delft University of Technology", "TNO"})},
    ),
    (
        "PsiQuantum struck an agreement with the Australian Government and the Queensland Government.",
        {
            frozenset({"PsiQuantum", "Australian Government"}),
            frozenset({"PsiQuantum", "Queensland"}),
            frozenset({"Australian Government", "Queensland"}),
        },
    ),
    (
        "IBM announced a ten-year plan with the University of Tokyo and the University of Chicago.",
        {
            frozenset({"IBM", "University of Tokyo"}),
            frozenset({"IBM", "University of Chicago"}),
            frozenset({"University of Tokyo", "University of Chicago"}),
        },
    ),
    (
        "EuroQCI is being developed by the European Commission together with the European Space Agency.",
        {frozenset({"European Commission", "European Space Agency"})},
    ),
    (
        "The Luxembourg satellite operator SES signed a contract with ESA to co-develop the mission.",
        {frozenset({"SES", "ESA"})},
    ),
    (
        "In Finland, VTT and the Finnish company IQM are building quantum computers in a partnership.",
        {frozenset({"VTT", "IQM"})},
    ),
    (
        "A study was carried out by a consortium led by Airbus, in which Orange and Leonardo took part.",
        {
            frozenset({"Airbus", "Orange"}),
            frozenset({"Airbus", "Leonardo"}),
            frozenset({"Orange", "Leonardo"}),
        },
    ),
    (
        "Korea University works with Caltech, and KRISS is partnered with the University of Illinois.",
        {frozenset({"Korea University", "Caltech"}), frozenset({"KRISS", "University of Illinois"})},
    ),
    (
        "The longest-running of QuTech's industry partnerships is with Intel.",
        {frozenset({"QuTech", "Intel"})},
    ),
    (
        "Researchers at the Niels Bohr Institute will work with colleagues at Aarhus University.",
        {frozenset({"Niels Bohr Institute", "Aarhus University"})},
    ),
    (
        "The programme was launched by the Novo Nordisk Foundation in collaboration with the University of "
        "Copenhagen.",
        {frozenset({"Novo Nordisk Foundation", "University of Copenhagen"})},
    ),
    (
        "The Ion-trap Quantum Computing Center brings together Ewha Womans University and Duke University.",
        {frozenset({"Ewha Womans University", "Duke University"})},
    ),
    (
        "In July 2024 DARPA chose PsiQuantum and Microsoft for the final stage of its programme.",
        {frozenset({"DARPA", "PsiQuantum"}), frozenset({"DARPA", "Microsoft"})},
    ),
    (
        "QuTech's industry partners include Intel, Microsoft and Fujitsu.",
        {
            frozenset({"QuTech", "Intel"}),
            frozenset({"QuTech", "Microsoft"}),
            frozenset({"QuTech", "Fujitsu"}),
        },
    ),
    # Co-mentions, rivalry, hedges and negation are not collaborations.
    (
        "In July 2020 it announced three institutes, led by the University of Colorado Boulder, the "
        "University of Illinois and Stanford University.",
        set(),
    ),
    (
        "The network favours consortia that include partners from countries such as Bulgaria, Hungary and "
        "Portugal.",
        set(),
    ),
    ("The United States, China and the European Union compete for quantum talent.", set()),
    ("Germany and France each launched their own national strategies.", set()),
    ("Japan could sign an agreement with Canada next year.", set()),
    ("Australia did not partner with Singapore.", set()),
]

ROLES: list[tuple[str, set[tuple[str, str, str]]]] = [
    (
        "The Quantum Benchmarking Initiative, a DARPA programme, evaluates companies.",
        {("leads", "DARPA", "Quantum Benchmarking Initiative")},
    ),
    ("Q-NEXT is led by Argonne National Laboratory.", {("leads", "Argonne National Laboratory", "Q-NEXT")}),
    ("The EU contributes €138 million to the Quantum Flagship.", {("funds", "EU", "Quantum Flagship")}),
    (
        "Canada's National Quantum Strategy was launched in January 2023 by Innovation, Science and Economic "
        "Development Canada.",
        {
            (
                "leads",
                "Innovation, Science and Economic Development Canada",
                "Canada's National Quantum Strategy",
            )
        },
    ),
    (
        "Eagle-1 is co-funded by the European Commission and ESA.",
        {("funds", "European Commission", "Eagle-1"), ("funds", "ESA", "Eagle-1")},
    ),
    ("Finland joined the Quantum Flagship in 2019.", {("participation", "Finland", "Quantum Flagship")}),
]


def _graph(extractor: Extractor, sentence: str) -> SentenceGraph:
    doc = extractor.nlp(sentence)
    return SentenceGraph(doc, MentionFinder(extractor.gazetteer, DocumentMemory()).find(doc, 0))


@pytest.mark.parametrize(("sentence", "expected"), COLLABORATIONS, ids=[s[:40] for s, _ in COLLABORATIONS])
def test_collaboration_phrasings(extractor: Extractor, sentence: str, expected: set[frozenset[str]]) -> None:
    found = {frozenset({r.first.name, r.second.name}) for r in _graph(extractor, sentence).collaborations()}
    assert found == expected


@pytest.mark.parametrize(("sentence", "expected"), ROLES, ids=[s[:40] for s, _ in ROLES])
def test_program_roles(extractor: Extractor, sentence: str, expected: set[tuple[str, str, str]]) -> None:
    found = {(r.kind, r.first.name, r.second.name) for r in _graph(extractor, sentence).roles()}
    assert found == expected


def test_an_acronym_the_text_defines_names_the_same_entity(extractor: Extractor) -> None:
    memory = DocumentMemory()
    finder = MentionFinder(extractor.gazetteer, memory)
    first = extractor.nlp(
        "The Quantum Systems Accelerator (QSA) is led by Lawrence Berkeley National Laboratory."
    )
    finder.definitions(first, 0)
    later = finder.find(extractor.nlp("QSA opened a new testbed."), 200)
    assert [(m.name, str(m.iri).rsplit("/", 1)[-1]) for m in later] == [
        ("QSA", "quantum-systems-accelerator")
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Japan funds the Quantum Leap Flagship Program (Q-LEAP) of MEXT.",
        "Japan funds the **Quantum Leap Flagship Program** (**Q-LEAP**) of MEXT.",
    ],
)
def test_regression_a_hyphenated_acronym_names_the_same_program(extractor: Extractor, sentence: str) -> None:
    """Regression: "(Q-LEAP)" made a second program: the tokenizer splits it at its hyphen (Q, -, LEAP), and
    only a one-token acronym was read as a definition."""
    memory = DocumentMemory()
    finder = MentionFinder(extractor.gazetteer, memory)
    doc = extractor.nlp(sentence)
    finder.definitions(doc, 0)
    named = {str(m.iri).rsplit("/", 1)[-1] for m in finder.find(doc, 0)}
    assert "quantum-leap-flagship-program" in named and "q-leap" not in named
    defined = memory.alias("Q-LEAP")
    assert defined is not None and str(defined.iri).endswith("/quantum-leap-flagship-program")


def test_the_two_countries_are_the_two_just_named(extractor: Extractor) -> None:
    memory = DocumentMemory()
    finder = MentionFinder(extractor.gazetteer, memory)
    for sentence in ("Leaders of Japan and Finland met in Tokyo.", "The two countries signed an agreement."):
        memory.next_sentence()
        doc = extractor.nlp(sentence)
        mentions = finder.find(doc, 0)
    pairs = {
        frozenset({str(r.first.iri), str(r.second.iri)})
        for r in SentenceGraph(doc, mentions).collaborations()
    }
    assert pairs == {
        frozenset({"https://w3id.org/qcollab/resource/japan", "https://w3id.org/qcollab/resource/finland"})
    }


def _extract(extractor: Extractor, slug: str, text: str) -> Graph:
    return extract_text(
        text, doc_slug=slug, source=f"{slug}.md", sha256="0" * 64, markdown=True, extractor=extractor
    ).graph


def test_an_entity_named_in_two_documents_is_one_entity_with_each_documents_sentence(
    extractor: Extractor,
) -> None:
    first = _extract(
        extractor, "one", "# One\n\nThe UK company Craft Prospect worked with the University of Waterloo.\n"
    )
    second = _extract(
        extractor, "two", "# Two\n\nIn 2021 the company Craft Prospect signed an agreement with ESA.\n"
    )
    craft = QCR["craft-prospect"]
    for graph, document in ((first, "one"), (second, "two")):
        sentences = list(graph.objects(craft, QC.extractedFrom))
        assert sentences and all(
            str(graph.value(s, QC.inDocument)).endswith(f"document/{document}") for s in sentences
        )


def test_the_date_of_an_agreement_is_kept(extractor: Extractor) -> None:
    graph = _extract(extractor, "dated", "# Dated\n\nIn June 2023 Japan signed an agreement with Finland.\n")
    dates = set(graph.objects(QCR["collaboration/finland--japan"], SDO.startDate))
    assert dates == {Literal("2023-06", datatype=XSD.gYearMonth)}


def test_regression_an_acronym_after_a_name_ending_in_a_country_is_not_the_country(
    extractor: Extractor,
) -> None:
    memory = DocumentMemory()
    finder = MentionFinder(extractor.gazetteer, memory)
    first = extractor.nlp("VTT Technical Research Centre of Finland (VTT) builds quantum computers.")
    finder.definitions(first, 0)
    finder.find(first, 0)
    later = finder.find(extractor.nlp("VTT and CSC are working together."), 200)
    assert str(later[0].iri).endswith("/vtt-technical-research-centre-of-finland")


def test_the_company_is_the_company_just_named(extractor: Extractor) -> None:
    memory = DocumentMemory()
    finder = MentionFinder(extractor.gazetteer, memory)
    for sentence in (
        "PsiQuantum is a company founded in 2016 in California.",
        "In 2021 the company formalised a partnership with GlobalFoundries.",
    ):
        memory.next_sentence()
        doc = extractor.nlp(sentence)
        mentions = finder.find(doc, 0)
    pairs = {frozenset({r.first.iri, r.second.iri}) for r in SentenceGraph(doc, mentions).collaborations()}
    assert pairs == {frozenset({QCR["psiquantum"], QCR["globalfoundries"]})}


def test_it_is_what_the_last_sentence_was_about(extractor: Extractor) -> None:
    memory = DocumentMemory()
    finder = MentionFinder(extractor.gazetteer, memory)
    for sentence in (
        "PsiQuantum was founded in 2016 by physicists from Bristol.",
        "In 2021 it formalised a partnership with GlobalFoundries.",
    ):
        memory.next_sentence()
        doc = extractor.nlp(sentence)
        mentions = finder.find(doc, 0)
    pairs = {frozenset({r.first.iri, r.second.iri}) for r in SentenceGraph(doc, mentions).collaborations()}
    assert pairs == {frozenset({QCR["psiquantum"], QCR["globalfoundries"]})}


def test_regression_a_continent_named_as_a_place_is_not_an_actor(extractor: Extractor) -> None:
    graph = _extract(
        extractor, "places", "# Places\n\nIQM sells its systems to customers elsewhere in Europe.\n"
    )
    assert (QCR["europe"], None, None) not in graph


MENTIONS: list[tuple[str, str, str | None]] = [
    # sentence, a name in it, the kind the finder must give it (None: not a name at all)
    (
        "Signed by the Minister, Department for Business, Energy and Industrial Strategy.",
        "Department for Business, Energy and Industrial Strategy",
        "actor",
    ),
    (
        "In 2022 researchers reported in the journal Nature Electronics that spin qubits scale.",
        "Nature Electronics",
        None,
    ),
    (
        "Moonshot Goal 6 aims at a fault-tolerant universal quantum computer by 2050.",
        "Moonshot Goal 6",
        "program",
    ),
    ("The Spin Quantum Computing Center opened in 2023.", "Spin Quantum Computing Center", "program"),
    (
        "AQTION (Advanced Quantum computing with Trapped IONs) built a trapped-ion computer.",
        "AQTION",
        "program",
    ),
    ("BRISBANE - The state government welcomed the decision.", "BRISBANE", None),
    (
        "The strategy was launched by François-Philippe Champagne, then Minister of Industry.",
        "François-Philippe Champagne",
        None,
    ),
    ("Lee Jong-ho, Minister of Science and ICT, signed for Korea.", "ICT", None),
    (
        "In 2023 the federal Department of Industry, Science and Resources ran a process.",
        "Department of Industry, Science and Resources",
        "actor",
    ),
    ("Companies such as D-Wave, Xanadu and Photonic Inc. are well known.", "Inc.", None),
    (
        "VTT built Finland's first machine in the national quantum computer project.",
        "national quantum computer project",
        "program",
    ),
    (
        "The foundation funds a strategic programme for quantum research and innovation.",
        "strategic programme for quantum research and innovation",
        "program",
    ),
    ("The project was a success.", "project", None),
    # The ruler matches known names in any case, except short capitals: "us" is not the US.
    ("Let us see what the rules of the eu say.", "us", None),
    ("Let us see what the rules of the eu say.", "eu", None),
    ("The US and the EU signed the statement.", "US", "actor"),
    ("The european commission and the university of tokyo met.", "european commission", "actor"),
]


@pytest.mark.parametrize(("sentence", "name", "kind"), MENTIONS, ids=[m[1] for m in MENTIONS])
def test_mention_kinds(extractor: Extractor, sentence: str, name: str, kind: str | None) -> None:
    mentions = _graph(extractor, sentence).mentions
    kinds = {m.name: m.kind for m in mentions if m.kind in ("actor", "program")}
    assert kinds.get(name) == kind


def test_regression_a_name_after_under_is_a_program_only_if_written_like_one(extractor: Extractor) -> None:
    kinds = {
        m.name: m.kind
        for m in _graph(extractor, "Microsoft set up a laboratory in Delft under Leo Kouwenhoven.").mentions
    }
    assert kinds.get("Leo Kouwenhoven") != "program"
    under = _graph(extractor, "The work is funded under Horizon 2020.").mentions
    assert [m.kind for m in under if m.name == "Horizon 2020"] == ["program"]
