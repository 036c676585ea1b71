"""Programs named in prose the extractor was not tuned on: how real texts name programmes, centres, calls,
funds and facilities, and the names that only look like programs."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph

from kg.extract.extractor import Extractor
from kg.extract.pipeline import extract_text
from kg.namespaces import QC

# A document (one sentence, or a heading and a list), the programs it must name, and names it must not.
CASES: list[tuple[str, set[str], set[str]]] = [
    (
        "In Project Leap, the Banque de France tested a link; the start-up is backed by France 2030, and "
        "Saudi Arabia's Vision 2030 names quantum. By 2030 Japan will host a machine.",
        {"Project Leap", "France 2030", "Vision 2030"},
        {"Japan 2030"},
    ),
    (
        "IBM and the University of Tokyo formed the Japan–IBM Quantum Partnership in 2019.",
        {"Japan–IBM Quantum Partnership"},
        {"Quantum Partnership", "IBM Quantum Partnership"},
    ),
    (
        "Aalto University and VTT agreed to found the Aalto – VTT Quantum Sensing Hub in Espoo.",
        {"Aalto – VTT Quantum Sensing Hub"},
        {"VTT Quantum Sensing Hub"},
    ),
    (
        "KAIST is partnered with Purdue University in the Photon-based Quantum Sensing Center.",
        {"Photon-based Quantum Sensing Center"},
        {"Quantum Sensing Center"},
    ),
    (
        "The council funds the National Quantum Technology Hub in Imaging and Sensing, led by the "
        "University of Leeds.",
        {"National Quantum Technology Hub in Imaging and Sensing"},
        {"National Quantum Technology Hub"},
    ),
    (
        "The Photonics Hub for Quantum Networking via Integrated Silicon Devices (PHQN) started in 2024.",
        {"Photonics Hub for Quantum Networking via Integrated Silicon Devices"},
        {"Photonics Hub for Quantum Networking"},
    ),
    (
        "The Quantum Missions Act of March 2023 set up a dedicated fund.",
        {"Quantum Missions Act"},
        {"Quantum Missions Act of March"},
    ),
    (
        "Siemens and the university run the Munich Photonics Collaboration Center.",
        {"Munich Photonics Collaboration Center"},
        set(),
    ),
    (
        "Three institutes jointly lead the Center for Quantum Error Mitigation.",
        {"Center for Quantum Error Mitigation"},
        set(),
    ),
    (
        "The grant covers the Danish quantum computer project at the institute.",
        {"Danish quantum computer project"},
        set(),
    ),
    ("Sweden set up a Nordic quantum fund to back start-ups.", {"Nordic quantum fund"}, set()),
    (
        "Japan and Korea launched a Japan-Korea collaborative R&D competition in 2024.",
        {"Japan-Korea collaborative R&D competition"},
        set(),
    ),
    (
        "Spain, Italy and Portugal ran a trilateral call, with proposals due in May.",
        {"trilateral call"},
        set(),
    ),
    (
        "The agency launched a new strategic programme for quantum networks and sensing.",
        {"strategic programme for quantum networks and sensing"},
        {"new strategic programme for quantum networks and sensing"},
    ),
    (
        "KRISS built the machine under its quantum computer construction and cloud service project.",
        {"quantum computer construction and cloud service project"},
        set(),
    ),
    ("A second grant, QuantNET II, was awarded in 2021.", {"QuantNET II"}, {"QuantNET"}),
    (
        "A further call, QuantNET Call 2024, had a budget of about €20 million.",
        {"QuantNET Call 2024"},
        {"QuantNET Call"},
    ),
    (
        "## Selected projects\n\n- **QuSense** built portable quantum sensors.\n"
        "- **PhotonLink**, coordinated by Ghent University, built a quantum link.\n",
        {"QuSense", "PhotonLink"},
        set(),
    ),
    (
        "## Delivery\n\n- **Discovery Quantum grants** (C$10 million) fund small projects.\n"
        "- **Quantum Research Training Experience** (**QRTE**) grants train students.\n",
        {"Discovery Quantum grants", "Quantum Research Training Experience"},
        set(),
    ),
    ("## Missions\n\n- **Computing**: to lead in building quantum computers.\n", set(), {"Computing"}),
    (
        "The council funds QuantSense, the hub for quantum enhanced sensing, led by the University of Bath.",
        {"QuantSense"},
        set(),
    ),
    ("## Centres\n\n- Q-LINK, led by Sandia National Laboratories;\n", {"Q-LINK"}, set()),
    ("QuBridge, led by Jan Novak, sells quantum software.", set(), {"QuBridge"}),
    (
        "The agency set up the **Quantum Research Acceleration Initiative** (**QRAI**), a C$9 million "
        "programme.",
        {"Quantum Research Acceleration Initiative"},
        {"QRAI"},
    ),
    (
        "The Austrian Quantum Initiative (AQI) funds research in Vienna.",
        {"Austrian Quantum Initiative"},
        {"Quantum Initiative", "AQI"},
    ),
    (
        "The Nordic Quantum Industry Consortium (NQIC) gathers forty companies.",
        set(),
        {"Nordic Quantum Industry Consortium", "Quantum Industry Consortium", "NQIC"},
    ),
    ("Japan has its own quantum strategy.", set(), {"own quantum strategy", "quantum strategy"}),
    ("The project was a success.", set(), {"project"}),
    (
        "The Quantum Flagship in Germany and France funds research.",
        set(),
        {"Quantum Flagship in Germany and France"},
    ),
    (
        "The flagship is an eight-year programme for quantum research and training.",
        set(),
        {"year programme for quantum research and training", "programme for quantum research and training"},
    ),
    ("The German Aerospace Center leads the mission.", set(), {"German Aerospace Center"}),
    ("The RIKEN Center for Quantum Computing opened in 2021.", set(), {"RIKEN Center for Quantum Computing"}),
    ("BRISBANE – Quantum Australia opened its doors.", set(), {"BRISBANE – Quantum Australia"}),
    (
        "Berlin hosted the first Franco-German Quantum Dialogue.",
        {"Franco-German Quantum Dialogue"},
        {"German Quantum Dialogue", "Quantum Dialogue"},
    ),
    ("Wits joined the IBM Q Network in 2017.", {"IBM Q Network"}, {"Q Network"}),
    (
        "DOE announced US$625 million for its National Quantum Information Science Research Centers.",
        {"National Quantum Information Science Research Centers"},
        set(),
    ),
    ("In the Treaty of Aachen the two states undertook to deepen cooperation.", {"Treaty of Aachen"}, set()),
    ("John Clauser shared the 2022 Nobel Prize in Physics.", set(), {"Nobel Prize in Physics"}),
    ("Quantum is an area under AUKUS Pillar II, alongside AI.", {"AUKUS Pillar II"}, {"AUKUS Pillar"}),
    (
        "Companies that pass Stage A of the DARPA Quantum Benchmarking Initiative move on.",
        {"DARPA Quantum Benchmarking Initiative"},
        {"Stage A of the DARPA Quantum Benchmarking Initiative"},
    ),
    (
        "Waterloo received $76 million from the Canada First Research Excellence Fund.",
        {"Canada First Research Excellence Fund"},
        {"First Research Excellence Fund"},
    ),
    ("QuantERA, an ERA-NET Cofund that brings together 30 funders, has run calls.", {"QuantERA"}, set()),
    ("OpenSuperQPlus, which started in March 2023, aims to deliver a computer.", {"OpenSuperQPlus"}, set()),
    ("Argonne National Laboratory leads Q-NEXT, one of the five centers.", {"Q-NEXT"}, set()),
    ("The Chancellor's Autumn Statement confirmed the budget.", set(), {"Autumn Statement"}),
    (
        "The two governments signed the Tokyo Statement on Quantum Cooperation in 2019.",
        {"Tokyo Statement on Quantum Cooperation"},
        set(),
    ),
    (
        "The Quantum Experiments at Space Scale (QUESS) mission was launched in 2016.",
        {"Quantum Experiments at Space Scale (QUESS)"},
        {"Space Scale", "Space Scale (QUESS)"},
    ),
    (
        "The U.S.–India Initiative on Critical and Emerging Technology (iCET) lists quantum.",
        {"U.S.–India Initiative on Critical and Emerging Technology"},
        {"U.S.–India Initiative on Critical"},
    ),
    (
        "The European Quantum Communication Infrastructure (EuroQCI) will combine two segments.",
        {"European Quantum Communication Infrastructure"},
        {"European Quantum Communication"},
    ),
    (
        "The ARC Centre of Excellence for Quantum Computation and Communication Technology opened in 2000.",
        {"ARC Centre of Excellence for Quantum Computation and Communication Technology"},
        set(),
    ),
    (
        "The Max Planck–UBC Centre for Quantum Materials was founded in 2010.",
        {"Max Planck–UBC Centre for Quantum Materials"},
        set(),
    ),
    (
        "The NSF Quantum Leap Challenge Institute for Robust Quantum Simulation is led by the University of "
        "Maryland.",
        {"NSF Quantum Leap Challenge Institute for Robust Quantum Simulation"},
        set(),
    ),
]


def _programs(extractor: Extractor, text: str) -> set[str]:
    graph: Graph = extract_text(
        f"# Programs\n\n{text}\n",
        doc_slug="programs",
        source="programs.md",
        sha256="0" * 64,
        markdown=True,
        extractor=extractor,
    ).graph
    return {str(graph.value(node, RDFS.label)) for node in set(graph.subjects(RDF.type, QC.Program))}


@pytest.mark.parametrize(("text", "named", "not_named"), CASES, ids=[c[0][:50] for c in CASES])
def test_program_names(rules_extractor: Extractor, text: str, named: set[str], not_named: set[str]) -> None:
    programs = _programs(rules_extractor, text)
    assert named <= programs
    assert not (not_named & programs)
