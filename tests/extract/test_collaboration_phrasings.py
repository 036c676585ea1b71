"""Collaborations in each common phrasing, read from the parse of sentences written for this test, and
co-mentions that are not collaborations. Runs the real spaCy pipeline with the gazetteer."""

from __future__ import annotations

import pytest

from kg.extract.coreference import DocumentMemory
from kg.extract.extractor import Extractor
from kg.extract.mentions import MentionFinder
from kg.extract.relations import SentenceGraph
from kg.names.normalize import name_keys

Pairs = set[frozenset[str]]


def pairs(*names: tuple[str, str]) -> Pairs:
    return {frozenset(pair) for pair in names}


# (the text, sentence by sentence: the last one is read; the pairs it states, by the names as written)
STATED: list[tuple[tuple[str, ...], Pairs]] = [
    (
        ("The cluster brings together the University of Vienna, TU Wien and the University of Innsbruck.",),
        pairs(
            ("University of Vienna", "TU Wien"),
            ("University of Vienna", "University of Innsbruck"),
            ("TU Wien", "University of Innsbruck"),
        ),
    ),
    (
        ("In a joint statement, the leaders said Korea and Denmark would establish a research centre.",),
        pairs(("South Korea", "Denmark")),
    ),
    (
        ("Through a joint programme, the Swiss National Science Foundation and ETH Zurich fund it.",),
        pairs(("Swiss National Science Foundation", "ETH Zurich")),
    ),
    (("SEEQC and Nvidia linked a chip to a GPU in a joint demonstration.",), pairs(("SEEQC", "Nvidia"))),
    (
        (
            "The work was carried out by researchers from JPMorganChase, Quantinuum and Argonne National "
            "Laboratory.",
        ),
        pairs(
            ("JPMorganChase", "Quantinuum"),
            ("JPMorganChase", "Argonne National Laboratory"),
            ("Quantinuum", "Argonne National Laboratory"),
        ),
    ),
    (
        ("Oak Ridge National Laboratory purchased a 20-qubit system from IQM.",),
        pairs(("Oak Ridge National Laboratory", "IQM")),
    ),
    (("DARPA accepted Microsoft into the final phase.",), pairs(("DARPA", "Microsoft"))),
    (
        ("In October 2021 Yonsei University and IBM said they would build a data centre at the campus.",),
        pairs(("Yonsei University", "IBM")),
    ),
    (("Academia Sinica built the chip with help from ITRI.",), pairs(("Academia Sinica", "ITRI"))),
    (
        ("In 2025 RIKEN took delivery of Reimei, a trapped-ion quantum computer supplied by Quantinuum.",),
        pairs(("RIKEN", "Quantinuum")),
    ),
    (
        (
            "In 2023 the Indian Institute of Technology Bombay joined the Chicago Quantum Exchange as a "
            "partner.",
        ),
        pairs(("Indian Institute of Technology Bombay", "Chicago Quantum Exchange")),
    ),
    (
        ("USISTEF was established by the U.S. Department of State and DST.",),
        pairs(("U.S. Department of State", "DST")),
    ),
    (
        ("IBM opened a lab in Tokyo.", "Its engineers worked with Keio University on error correction."),
        pairs(("IBM", "Keio University")),
    ),
    (
        ("In April 2025 DARPA selected three companies for Stage A: IBM, IonQ and Quantinuum.",),
        pairs(("DARPA", "IBM"), ("DARPA", "IonQ"), ("DARPA", "Quantinuum")),
    ),
    (
        ("The Banque de France worked with the Deutsche Bundesbank on a quantum-safe link.",),
        pairs(("Banque de France", "Deutsche Bundesbank")),
    ),
    (
        ("A letter of intent between the Barcelona Supercomputing Center and Qilimanjaro Quantum Tech.",),
        pairs(("Barcelona Supercomputing Center", "Qilimanjaro Quantum Tech")),
    ),
    (("KAIST has chosen IonQ's Aria processor for a new programme.",), pairs(("KAIST", "IonQ"))),
    (("IQM's Radiance system was chosen by IT4Innovations.",), pairs(("IQM", "IT4Innovations"))),
    (
        (
            "The Munich Quantum Valley brings together the Max Planck Society, the Technical University of "
            "Munich and LMU Munich.",
        ),
        pairs(
            ("Max Planck Society", "Technical University of Munich"),
            ("Max Planck Society", "LMU Munich"),
            ("Technical University of Munich", "LMU Munich"),
        ),
    ),
    (("IQM is working alongside VTT on the 300-qubit machine.",), pairs(("IQM", "VTT"))),
    (
        ("The partners are Xanadu, the University of Toronto and Rolls-Royce.",),
        pairs(
            ("Xanadu", "University of Toronto"),
            ("Xanadu", "Rolls-Royce"),
            ("University of Toronto", "Rolls-Royce"),
        ),
    ),
    (("Quantinuum is a partner of Mitsui.",), pairs(("Quantinuum", "Mitsui"))),
    (
        ("Quantinuum will supply its H2 machine to RIKEN under a new agreement.",),
        pairs(("Quantinuum", "RIKEN")),
    ),
    (
        ("IonQ has been selected by the Air Force Research Laboratory to build a networked system.",),
        pairs(("IonQ", "Air Force Research Laboratory")),
    ),
    (
        (
            "Mitacs, a Canadian non-profit organisation, and the German Academic Exchange Service work "
            "together on research internships.",
        ),
        pairs(("Mitacs", "German Academic Exchange Service")),
    ),
    (
        (
            "The University of Ottawa works in the centre with the Max Planck Institute for the Science of "
            "Light (MPL) in Erlangen and the Max Planck Institute of Quantum Optics (MPQ) in Garching.",
        ),
        pairs(
            ("University of Ottawa", "Max Planck Institute for the Science of Light"),
            ("University of Ottawa", "Max Planck Institute of Quantum Optics"),
        ),
    ),
    (
        (
            "The alliance was founded in 2017 by QuTech, the Institute of Photonic Sciences (ICFO) near "
            "Barcelona, the University of Innsbruck and the Paris Centre for Quantum Computing (PCQC).",
        ),
        pairs(
            ("QuTech", "Institute of Photonic Sciences"),
            ("QuTech", "University of Innsbruck"),
            ("QuTech", "Paris Centre for Quantum Computing"),
            ("Institute of Photonic Sciences", "University of Innsbruck"),
            ("Institute of Photonic Sciences", "Paris Centre for Quantum Computing"),
            ("University of Innsbruck", "Paris Centre for Quantum Computing"),
        ),
    ),
    (
        (
            "Korea University runs the Quantum Sensing Center together with the University of California, "
            "Santa Barbara and the Massachusetts Institute of Technology (MIT).",
        ),
        pairs(  # one act of the three ("together with"), as the corpus annotates it
            ("Korea University", "University of California, Santa Barbara"),
            ("Korea University", "Massachusetts Institute of Technology"),
            ("University of California, Santa Barbara", "Massachusetts Institute of Technology"),
        ),
    ),
    (
        ("Quantinuum partnered with JPMorgan Chase on certified randomness.",),
        pairs(("Quantinuum", "JPMorgan Chase")),
    ),
    (
        ("In 2022 IonQ announced a partnership with Hyundai Motor Company on battery chemistry.",),
        pairs(("IonQ", "Hyundai Motor Company")),
    ),
    (
        ("The University of Sydney collaborates with Microsoft on topological qubits.",),
        pairs(("University of Sydney", "Microsoft")),
    ),
    (("Finland will cooperate closely with Sweden on quantum communication.",), pairs(("Finland", "Sweden"))),
    (
        ("Pasqal and Aramco joined forces to deploy a neutral-atom quantum computer in Saudi Arabia.",),
        pairs(("Pasqal", "Aramco")),
    ),
    (
        ("Rigetti joined forces with Oxford Instruments on error correction.",),
        pairs(("Rigetti", "Oxford Instruments")),
    ),
    (
        ("NASA signed an implementation arrangement with the Japan Aerospace Exploration Agency in 2023.",),
        pairs(("NASA", "Japan Aerospace Exploration Agency")),
    ),
    (
        ("Denmark and Norway signed a memorandum of understanding on quantum research.",),
        pairs(("Denmark", "Norway")),
    ),
    (
        ("The National Science Foundation and the Department of Energy will jointly fund four new centres.",),
        pairs(("National Science Foundation", "Department of Energy")),
    ),
    (
        ("The quantum network testbed is co-funded by the Netherlands and Belgium.",),
        pairs(("Netherlands", "Belgium")),
    ),
    (
        ("The agreement between Australia and India covers quantum sensing and secure communication.",),
        pairs(("Australia", "India")),
    ),
    (
        ("Singapore and Switzerland agreed to deepen their quantum research links.",),
        pairs(("Singapore", "Switzerland")),
    ),
    (
        ("Q-CTRL and the University of Chicago will work together on a neutral-atom testbed.",),
        pairs(("Q-CTRL", "University of Chicago")),
    ),
    (
        ("Germany and France launched the Franco-German Quantum Initiative in 2021.",),
        pairs(("Germany", "France")),
    ),
    (
        ("Together with Nvidia, Quantum Machines built a hybrid control platform.",),
        pairs(("Nvidia", "Quantum Machines")),
    ),
    (
        ("Xanadu, together with Rolls-Royce, developed a quantum algorithm for jet engine design.",),
        pairs(("Xanadu", "Rolls-Royce")),
    ),
    (
        ("Alice & Bob is a partner of Schneider Electric in a quantum energy study.",),
        pairs(("Alice & Bob", "Schneider Electric")),
    ),
    # more phrasings of the same kinds
    (
        ("Japan and the Netherlands have agreed to establish a joint quantum research centre.",),
        pairs(("Japan", "Netherlands")),
    ),
    (("Quantinuum teamed up with Microsoft on logical qubits.",), pairs(("Quantinuum", "Microsoft"))),
    (
        ("IBM is working with Boeing and Cleveland Clinic on life-science applications.",),
        pairs(("IBM", "Boeing"), ("IBM", "Cleveland Clinic")),
    ),
    (
        ("PsiQuantum entered into a strategic partnership with GlobalFoundries.",),
        pairs(("PsiQuantum", "GlobalFoundries")),
    ),
    (
        ("The collaboration between Pasqal and IBM targets quantum-centric supercomputing.",),
        pairs(("Pasqal", "IBM")),
    ),
    (
        ("Denmark, Norway and Sweden issued a joint statement on quantum technologies.",),
        pairs(("Denmark", "Norway"), ("Denmark", "Sweden"), ("Norway", "Sweden")),
    ),
    (
        ("Canada has partnered with the governments of Australia and New Zealand on quantum standards.",),
        pairs(("Canada", "Australia"), ("Canada", "New Zealand")),
    ),
    (("Microsoft and Quantinuum are partners in the project.",), pairs(("Microsoft", "Quantinuum"))),
    (
        ("Microsoft, in partnership with Quantinuum, demonstrated twelve logical qubits.",),
        pairs(("Microsoft", "Quantinuum")),
    ),
    (
        ("Unlike Germany, France has partnered with Japan on quantum computing.",),
        pairs(("France", "Japan")),
    ),
    (
        ("The national programme is delivered by CSIRO and the Australian Research Council.",),
        pairs(("CSIRO", "Australian Research Council")),
    ),
    (
        ("On 3 May 2024 Microsoft and the State of Colorado announced that the company would open a lab.",),
        pairs(("Microsoft", "Colorado")),
    ),
    (
        ("In 2019 Keio University became the first university in Asia to host an IBM hub.",),
        pairs(("Keio University", "IBM")),
    ),
    (
        ("In March 2022 Chalmers University signed an agreement with Volvo.",),
        pairs(("Chalmers University", "Volvo")),
    ),
    (
        (
            "Leaders of Japan and Finland met.",
            "The work builds on an agreement signed by the two countries in 2021.",
        ),
        pairs(("Japan", "Finland")),
    ),
    (
        ("The Netherlands and Germany will co-finance a cross-border quantum network.",),
        pairs(("Netherlands", "Germany")),
    ),
    (
        (
            "ESA and the European Commission, together with national agencies, "
            "are building the space segment.",
        ),
        pairs(("ESA", "European Commission")),
    ),
    (
        ("Intel is partnering with QuTech and with Argonne National Laboratory.",),
        pairs(("Intel", "QuTech"), ("Intel", "Argonne National Laboratory")),
    ),
    (
        ("The statement was signed by the ambassador of the Netherlands and the US Secretary of State.",),
        pairs(("Netherlands", "US")),
    ),
    (
        ("The MoU between KISTI and the University of Chicago covers joint research.",),
        pairs(("KISTI", "University of Chicago")),
    ),
    (
        ("The alliance was formed by IBM, Google and Microsoft in 2023.",),
        pairs(("IBM", "Google"), ("IBM", "Microsoft"), ("Google", "Microsoft")),
    ),
    (
        ("Microsoft partners with Quantinuum, while Google works with NASA.",),
        pairs(("Microsoft", "Quantinuum"), ("Google", "NASA")),
    ),
    (
        ("Japan and the United Kingdom will work on quantum-safe communication.",),
        pairs(("Japan", "United Kingdom")),
    ),
    (("Rigetti inked a deal with Quanta Computer in 2024.",), pairs(("Rigetti", "Quanta Computer"))),
    (
        ("Under the partnership, Nvidia will supply GPUs to Quantinuum.",),
        pairs(("Nvidia", "Quantinuum")),
    ),
    # passive voice, relative clauses and appositions
    (
        ("A memorandum of cooperation was signed by Japan and the United Kingdom in May 2023.",),
        pairs(("Japan", "United Kingdom")),
    ),
    (
        ("The centre was founded by Sorbonne University and the CNRS in 2020.",),
        pairs(("Sorbonne University", "CNRS")),
    ),
    (
        (
            "The plan is run by CSIRO and the University of Queensland, which work in partnership "
            "with Google.",
        ),
        pairs(
            ("CSIRO", "Google"), ("University of Queensland", "Google"), ("CSIRO", "University of Queensland")
        ),
    ),
    (
        (
            "It names Quantinuum, Oxford Ionics and Phasecraft, each of which has signed up to work "
            "with the NQCC.",
        ),
        pairs(("Quantinuum", "NQCC"), ("Oxford Ionics", "NQCC"), ("Phasecraft", "NQCC")),
    ),
    (
        ("The initiative, which Canada and the United Kingdom launched in 2022, funds joint projects.",),
        pairs(("Canada", "United Kingdom")),
    ),
    (
        (
            "Alpine Quantum Technologies, a partner of the University of Innsbruck, builds "
            "trapped-ion systems.",
        ),
        pairs(("Alpine Quantum Technologies", "University of Innsbruck")),
    ),
    (
        (
            "The project was carried out by Chalmers University with industrial partners that "
            "included Nokia, Saab and Volvo.",
        ),
        pairs(
            ("Chalmers University", "Nokia"),
            ("Chalmers University", "Saab"),
            ("Chalmers University", "Volvo"),
        ),
    ),
    (
        (
            "IBM opened hubs with Keio University in Japan, the University of Oxford in the United "
            "Kingdom and the University of Melbourne in Australia.",
        ),
        pairs(
            ("IBM", "Keio University"), ("IBM", "University of Oxford"), ("IBM", "University of Melbourne")
        ),
    ),
    (
        ("Researchers from Aalto University, VTT and IQM set out to jointly build a 50-qubit computer.",),
        pairs(("Aalto University", "VTT"), ("Aalto University", "IQM"), ("VTT", "IQM")),
    ),
    # short forms resolved to the two just named
    (
        (
            "Leaders of Japan and Finland met in Tokyo.",
            "The two countries signed an agreement on quantum research.",
        ),
        pairs(("Japan", "Finland")),
    ),
    (
        (
            "Officials of Canada and Germany met in Berlin.",
            "Both nations agreed to fund joint research calls.",
        ),
        pairs(("Canada", "Germany")),
    ),
    (
        (
            "Honeywell took a stake in Oxford Ionics in 2022, and the two companies later worked "
            "together on ion traps.",
        ),
        pairs(("Honeywell", "Oxford Ionics")),
    ),
    (
        (
            "QuTech was founded in 2014.",
            "Fujitsu joined its industry programme when it signed a cooperation agreement with QuTech.",
        ),
        pairs(("Fujitsu", "QuTech")),
    ),
]

# Sentences that name several actors together but state no collaboration between them.
CO_MENTIONS: list[str] = [
    "IBM praised a chip made by Intel.",
    "Finland joined the European Union in 1995.",
    "The U.S., China and the EU compete for quantum talent.",
    "Researchers from IBM and Google compete for the lead in quantum advantage.",
    "Scientists at Harvard and MIT each published their own results.",
    "The company accepted the offer from IBM.",
    "Germany, France, Italy and Spain signed the declaration.",
    "The members are Austria, Belgium, Czechia, Denmark, Finland, France, Germany and Italy.",
    "Japan and South Korea each launched their own national quantum strategies.",
    "Germany, France and the Netherlands have national quantum programmes.",
    "IBM and Google are rivals in superconducting quantum hardware.",
    "Canada did not sign an agreement with China.",
    "The United States might partner with India on quantum sensing.",
    "IonQ was founded by Christopher Monroe of the University of Maryland and Jungsang Kim of Duke "
    "University.",
    "Innovate UK committed £6 million to the programme, with a ceiling of £450,000 for the UK partners.",
    "The Commission signed the contract in 2024, with an EU contribution of €138 million.",
    "NCCR SPIN has worked on spin qubits since 2020, with the University of Basel as its leading house.",
    "Korea will become the fourth country, after the United States, Germany and Japan, to host such "
    "a system.",
    "Finland and Estonia are members of the Quantum Flagship.",
    "Finland and Estonia have invested heavily in quantum research.",
    "China overtook the United States in quantum patents in 2021.",
    "The largest funders are Germany, France and the Netherlands.",
    "Research under the initiative is funded by NIST, the National Science Foundation and the "
    "Department of Energy.",
    "Both Japan and Korea have launched a national quantum strategy.",
    "The two projects are led by Pasqal and IQM respectively.",
    "Germany and France each host a EuroHPC quantum computer.",
    "IonQ, a competitor of Rigetti, went public in 2021.",
    "Finland, Sweden, Norway, Denmark and Iceland are Nordic countries.",
    "Amazon launched Braket in 2019, and Microsoft launched Azure Quantum the same year.",
    "Korea and Denmark would establish a centre if funding allowed.",
    "Japan and Korea said they would each build a national centre.",
    "Japan and Korea said they would compete for the best researchers.",
]


def _found(extractor: Extractor, sentences: tuple[str, ...]) -> list[tuple[set[str], set[str]]]:
    """The collaborations of the last sentence, each side as the normalised names its entity goes by."""
    memory = DocumentMemory()
    finder = MentionFinder(extractor.gazetteer, memory)
    for sentence in sentences:
        memory.next_sentence()
        doc = extractor.nlp(sentence)
        finder.definitions(doc, 0)
        mentions = finder.find(doc, 0)
    named: dict[str, set[str]] = {}
    for mention in mentions:
        names = [mention.name] + (
            [mention.entry.pref_label, *mention.entry.alt_labels] if mention.entry else []
        )
        named.setdefault(str(mention.iri), set()).update(k for n in names for k in name_keys(n))
    for mention in memory.recent:  # "the two countries" stands for actors named before
        entry = mention.mention.entry
        names = [mention.mention.name] + ([entry.pref_label, *entry.alt_labels] if entry else [])
        named.setdefault(str(mention.mention.iri), set()).update(k for n in names for k in name_keys(n))
    return [
        (named.get(str(r.first.iri), set()), named.get(str(r.second.iri), set()))
        for r in SentenceGraph(doc, mentions).collaborations()
    ]


def _as_names(found: list[tuple[set[str], set[str]]], expected: Pairs) -> Pairs:
    """The found pairs written with the expected names they match (others as they are)."""

    def name(keys: set[str]) -> str:
        return next((n for pair in expected for n in pair if name_keys(n) & keys), min(keys, default="?"))

    return {frozenset({name(a), name(b)}) for a, b in found}


@pytest.mark.parametrize(("sentences", "expected"), STATED, ids=[s[-1][:50] for s, _ in STATED])
def test_a_stated_collaboration_is_found(
    extractor: Extractor, sentences: tuple[str, ...], expected: Pairs
) -> None:
    assert _as_names(_found(extractor, sentences), expected) == expected


@pytest.mark.parametrize("sentence", CO_MENTIONS, ids=[s[:50] for s in CO_MENTIONS])
def test_a_co_mention_is_not_a_collaboration(extractor: Extractor, sentence: str) -> None:
    assert _found(extractor, (sentence,)) == []
