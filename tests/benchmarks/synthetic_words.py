"""The words of the synthetic graph: quantum countries and their currencies, unions, technology areas,
application domains, collaboration models, challenges, solutions, and what organization names are made of."""

from __future__ import annotations


def listed(text: str) -> list[str]:
    """The items of a ';'-separated list written over several lines."""
    return [item.strip() for item in text.split(";") if item.strip()]


def pairs(text: str) -> dict[str, str]:
    """'US:USD CN:CNY' -> {'US': 'USD', 'CN': 'CNY'}"""
    return dict(pair.split(":", 1) for pair in text.split())


# How often a country is the subject of a document, relative to the others (1).
QUANTUM_COUNTRIES = {
    code: int(weight)
    for code, weight in pairs("""
    US:60 CN:40 DE:30 GB:30 JP:28 FR:22 CA:22 AU:18 NL:16 KR:15 IN:15 IT:12 CH:12 IL:10 ES:10 SG:9 FI:9 SE:9
    DK:8 AT:8""").items()
}
CURRENCIES = pairs(
    "US:USD CN:CNY GB:GBP JP:JPY CA:CAD AU:AUD KR:KRW IN:INR CH:CHF IL:ILS SG:SGD SE:SEK DK:DKK"
)
EUROZONE = set(
    ["DE", "FR", "NL", "IT", "ES", "FI", "AT", "BE", "IE", "PT", "GR", "LU", "SK", "SI", "EE", "LV", "LT"]
)
UNIONS = [
    (name, short)
    for name, _, short in (
        item.partition("=")
        for item in listed("""
    European Union=EU; African Union=AU; Association of Southeast Asian Nations=ASEAN;
    Southern Common Market=Mercosur; Nordic Council=; Gulf Cooperation Council=GCC; Pacific Alliance=;
    Eurasian Economic Union=EAEU""")
    )
]
AREAS = listed("""
    superconducting qubits; trapped-ion qubits; photonic quantum computing; quantum networking;
    quantum sensing; quantum cryptography; post-quantum cryptography; quantum error correction;
    quantum algorithms; quantum software; quantum materials; silicon-based quantum computing;
    neutral-atom qubits; topological qubits; quantum simulation; cryogenics; quantum communication;
    quantum machine learning; quantum metrology; quantum annealing""")
DOMAINS = listed("""
    drug discovery; financial modelling; logistics optimisation; materials design; climate modelling;
    cybersecurity; energy grids; fertiliser chemistry; battery design; aerospace engineering""")
MODELS = listed("""
    Bilateral Agreements and MOUs; Multilateral Consortia; Industry-Academic Partnerships;
    Joint Funding Calls; Researcher Exchange Programs; Open-Source Communities;
    Shared Research Infrastructure""")
CHALLENGES = listed("""
    Data Security and Access; Intellectual Property Sharing; Export Controls;
    Standardization and Interoperability; Funding Disparities; Talent Retention;
    Cultural and Language Barriers; Coordination Overhead""")
SOLUTIONS = listed("""
    Clear IP Agreements; Secure Data Enclaves; Common Technical Standards; Joint Funding Pools;
    Mobility Grants; Virtual Collaboration Platforms; Shared Governance Boards; Export-Control Guidance""")
FIELDS = listed("""
    Quantum Optics; Photonics; Quantum Information; Condensed Matter; Cryogenic Engineering;
    Quantum Materials; Theoretical Physics; Quantum Computing; Atomic Physics; Nanoscience;
    Quantum Engineering; Applied Mathematics""")
SYLLABLES = [
    "qu",
    "bit",
    "ra",
    "lon",
    "ae",
    "ion",
    "tek",
    "vo",
    "ne",
    "xa",
    "lum",
    "cor",
    "phi",
    "zen",
    "tra",
    "mo",
    "del",
    "ka",
    "ri",
    "sol",
]
COMPANY_SUFFIXES = listed("Quantum; Quantum Systems; Qubits; Photonics; Quantum Technologies; Labs")
ORG_KINDS = (
    ["University"] * 4 + ["Company"] * 2 + ["ResearchInstitute"] * 2 + ["GovernmentAgency", "Organization"]
)
