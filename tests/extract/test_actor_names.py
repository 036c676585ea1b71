"""Actor names read to their full length and from the lists they stand in, on sentences written for this
test. Runs the real spaCy pipeline with the gazetteer."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph

from kg.extract.extractor import Extractor
from kg.extract.pipeline import extract_text
from kg.namespaces import QC

ACTOR_CLASSES = (
    QC.Country,
    QC.SupranationalUnion,
    QC.GovernmentAgency,
    QC.University,
    QC.ResearchInstitute,
    QC.Company,
    QC.StandardsBody,
    QC.Organization,
)

# (a sentence, actors it names by their full names, names that are only parts of one)
CASES: list[tuple[str, set[str], set[str]]] = [
    (  # a name's first word stands for it later, but not a demonym, nor the first word of another name
        "The Indian Institute of Technology Bombay and Delft University of Technology met. Indian "
        "researchers visited spin-offs, among them Qblox, Delft Circuits and Orange Quantum Systems.",
        {"Indian Institute of Technology Bombay", "Delft University of Technology", "Delft Circuits"},
        {"Indian", "Delft"},
    ),
    (
        "Its first commercial members included JPMorgan Chase, Daimler, Samsung, Barclays, Honda and JSR.",
        {"Daimler", "Samsung", "Barclays", "Honda"},
        set(),
    ),
    (
        "Australia has start-ups such as Diraq, Q-CTRL and Silicon Quantum Computing.",
        {"Diraq", "Q-CTRL", "Silicon Quantum Computing"},
        {"Silicon Quantum Computing."},
    ),
    (
        "Several QuTech spin-offs, among them Qblox, Delft Circuits and Orange Quantum Systems, supply labs.",
        {"Qblox", "Orange Quantum Systems"},
        set(),
    ),
    (
        "Sweden's programme is funded by the Knut and Alice Wallenberg Foundation.",
        {"Knut and Alice Wallenberg Foundation"},
        {"Alice Wallenberg Foundation"},
    ),
    (
        "Korea University will work with the University of California, Santa Barbara on qubits.",
        {"University of California, Santa Barbara"},
        {"University of California"},
    ),
    (
        "Pasqal joined the French Alternative Energies and Atomic Energy Commission (CEA) in the project.",
        {"French Alternative Energies and Atomic Energy Commission"},
        {"French Alternative Energies", "Atomic Energy Commission"},
    ),
    (
        "It is funded by the State Secretariat for Education, Research and Innovation (SERI).",
        {"State Secretariat for Education, Research and Innovation"},
        {"State Secretariat for Education"},
    ),
    (
        "The chipmaker announced a collaboration with QuTech, backed by an investment of US$50 million.",
        {"QuTech"},
        {"United States"},
    ),
    ("IBM, the American company, opened a lab with Keio University.", {"IBM"}, {"United States"}),
    ("QphoX, a Dutch start-up, works with Rigetti.", {"QphoX"}, {"Netherlands"}),
    (
        "Examples include a U.S. national lab partnering with a German university.",
        {"United States", "Germany"},
        set(),
    ),
    ("The grant is the Dutch contribution to a joint programme.", {"Netherlands"}, set()),
    (
        "The University of Maryland, College Park (UMD) will lead RQS.",
        {"University of Maryland, College Park"},
        {"University of Maryland"},
    ),
    (
        "It works with the Max Planck Institute of Light in Erlangen and the Max Planck Institute of "
        "Quantum Optics in Garching.",
        {"Max Planck Institute of Quantum Optics"},
        {"Erlangen and the Max Planck Institute of Quantum Optics", "Erlangen"},
    ),
    (
        "The NQCC was launched with £93 million from UKRI, channelled through EPSRC and the Science and "
        "Technology Facilities Council.",
        set(),
        {"EPSRC and the Science and Technology Facilities Council"},
    ),
    (
        "Fujitsu later opened the Fujitsu Advanced Computing Lab in Delft, its first laboratory abroad.",
        set(),
        {"Delft"},
    ),
    (
        "It is steered by the CEA, the CNRS and Quandela.",
        {"Quandela"},
        set(),
    ),
    (
        "Chicago State University joined in 2021. Chicago State runs the outreach programme.",
        {"Chicago State University"},
        {"Chicago State"},
    ),
    ("The alliance includes Telecom Italia (Italy) and KPN.", {"Telecom Italia", "Italy"}, set()),
    (
        "The University of the Witwatersrand (Wits) hosts the initiative. IBM and Wits began a partnership.",
        {"University of the Witwatersrand", "IBM"},
        {"Wits"},
    ),
    (
        "The University of the Witwatersrand (Wits) leads it. Wits, Stellenbosch University and UKZN agreed.",
        {"University of the Witwatersrand", "Stellenbosch University"},
        {"Wits, Stellenbosch University"},
    ),
    (
        "Through a joint programme, the Swiss National Science Foundation and ETH Zurich fund two chairs.",
        {"Swiss National Science Foundation", "ETH Zurich"},
        {"National Science Foundation"},
    ),
    ("Nu Quantum is collaborating with Cisco on networking protocols.", {"Cisco"}, set()),
    ("Thales has formed a strategic alliance with Quandela.", {"Quandela"}, set()),
    (
        "A letter between the Barcelona Supercomputing Center and Qilimanjaro Quantum Tech was signed.",
        {"Barcelona Supercomputing Center", "Qilimanjaro Quantum Tech"},
        {"Barcelona Supercomputing Center and Qilimanjaro Quantum Tech"},
    ),
    (
        "Quantum Motion and University College London have developed arrays together.",
        {"Quantum Motion", "University College London"},
        {"Quantum Motion and University"},
    ),
    ("The Ministry of Science and ICT agreed.", {"Ministry of Science and ICT"}, {"Ministry of Science"}),
    (
        "The Korea Research Institute of Standards and Science (KRISS) signed it.",
        {"Korea Research Institute of Standards and Science"},
        {"Standards and Science"},
    ),
    ("Photonic Inc. and Microsoft announced a collaboration.", {"Photonic Inc.", "Microsoft"}, set()),
    ("UNSW Sydney and Silicon Quantum Computing are working together.", {"Silicon Quantum Computing"}, set()),
    ("The UK invests in quantum computing and quantum sensing.", {"United Kingdom"}, {"quantum sensing"}),
    (
        "The University of Helsinki and Aalto University run the centre.",
        {"University of Helsinki", "Aalto University"},
        {"University of Helsinki and Aalto University"},
    ),
]


def _actors(extractor: Extractor, text: str) -> set[str]:
    graph: Graph = extract_text(
        f"# Actors\n\n{text}\n",
        doc_slug="actors",
        source="actors.md",
        sha256="0" * 64,
        markdown=True,
        extractor=extractor,
    ).graph
    nodes = {node for cls in ACTOR_CLASSES for node in graph.subjects(RDF.type, cls)}
    return {str(graph.value(node, RDFS.label)) for node in nodes}


@pytest.mark.parametrize(("text", "named", "not_named"), CASES, ids=[c[0][:50] for c in CASES])
def test_actor_names(rules_extractor: Extractor, text: str, named: set[str], not_named: set[str]) -> None:
    actors = _actors(rules_extractor, text)
    assert named <= actors, f"missing {named - actors}; found {actors}"
    assert not (not_named & actors)


def test_a_names_first_word_stands_for_it_later(rules_extractor: Extractor) -> None:
    text = (
        "Researchers at Chalmers University of Technology built a chip. Chalmers, which leads the work on "
        "computing, coordinates the programme together with Lund University."
    )
    graph = extract_text(
        text, doc_slug="t", source="t.txt", sha256="0" * 64, markdown=False, extractor=rules_extractor
    ).graph
    pairs = {
        frozenset(str(x).rsplit("/", 1)[-1] for x in pair)
        for pair in graph.subject_objects(QC.collaboratesWith)
    }
    assert pairs == {frozenset({"chalmers-university-of-technology", "lund-university"})}
