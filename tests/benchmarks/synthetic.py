"""A deterministic synthetic collaboration graph in the qcollab ontology, streamed as N-Quads or N-Triples.

`python tests/benchmarks/synthetic.py --size 1M --output graph.nq` writes documents until the size is
reached. Each document is a named graph `qcg:document/{slug}` holding what an extraction of it would
(docs/architecture.md): the qc:SourceDocument and its qc:ExtractionRun, sentences with offsets, the
entities each sentence mentions (type, labels, provenance) and the facts, each reified as an rdf:Statement
with qc:extractedFrom, qc:confidence, qc:extractionMethod and prov:wasGeneratedBy. The entities come from
synthetic_world.World; one document is in memory at a time. Same seed and size, same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_document import (  # noqa: E402
    DEPENDENCY,
    GRAPH_PREFIX,
    XSD,
    Document,
    literal,
)
from synthetic_words import AREAS, DOMAINS, MODELS, SOLUTIONS  # noqa: E402
from synthetic_world import World  # noqa: E402

__all__ = ["GRAPH_PREFIX", "Summary", "document", "generate", "parse_size", "write"]

UNITS = {"k": 1_000, "m": 1_000_000}


def parse_size(text: str) -> int:
    """'100k', '1M', '10M' or a plain number of triples."""
    unit = UNITS.get(text[-1].lower(), 1)
    return int(float(text[:-1] if unit > 1 else text) * unit)


@dataclass
class Summary:
    quads: int = 0
    documents: int = 0
    probes: dict[str, str] = field(default_factory=dict)  # entities the benchmark queries by name


def profile(doc: Document, rng: random.Random) -> None:
    org = ("org", doc.world.pick("org", rng))
    links = doc.world.entity(org).links
    country, areas = links["basedIn"][0], links["hasExpertiseIn"]
    where = doc.sentence(
        f"{doc.label(org)} in {doc.label(country)} works on {' and '.join(doc.label(a) for a in areas)}."
    )
    doc.fact(org, "basedIn", country, where, DEPENDENCY)
    for area in areas:
        doc.fact(org, "hasExpertiseIn", area, where)


def partnership(doc: Document, rng: random.Random) -> None:
    org = ("org", doc.world.pick("org", rng))
    partners = doc.world.entity(org).links["collaboratesWith"] or (("org", doc.world.pick("org", rng)),)
    partner = rng.choice(partners)
    if partner == org:
        return
    where = doc.sentence(f"{doc.label(org)} collaborates with {doc.label(partner)}.")
    doc.fact(org, "collaboratesWith", partner, where, DEPENDENCY)


def collaboration(doc: Document, rng: random.Random) -> None:
    collab = ("collab", doc.world.pick("collab", rng))
    links = doc.world.entity(collab).links
    names = [doc.label(p) for p in links["participant"]]
    model, area = links["collaborationModel"][0], links["focusArea"][0]
    where = doc.sentence(
        f"{', '.join(names[:-1])} and {names[-1]} work together on {doc.label(area)} "
        f"through {doc.label(model)}."
    )
    for participant in links["participant"]:
        doc.fact(collab, "participant", participant, where)
    doc.fact(collab, "collaborationModel", model, where)
    doc.fact(collab, "focusArea", area, where)
    if rng.random() < 0.5:
        doc.fact(links["participant"][0], "participatesIn", collab, where, DEPENDENCY)


def program(doc: Document, rng: random.Random) -> None:
    index = doc.world.pick("program", rng)
    prog = ("program", index)
    links = doc.world.entity(prog).links
    lead, area = links["ledBy"][0], links["focusArea"][0]
    if not links["hasFunding"]:
        where = doc.sentence(f"The {doc.label(prog)}, led by {doc.label(lead)}, works on {doc.label(area)}.")
    else:
        amount, currency = doc.world.funding(index)
        where = doc.sentence(
            f"The {doc.label(prog)}, led by {doc.label(lead)}, commits {currency} "
            f"{int(amount):,} to {doc.label(area)}."
        )
        doc.fact(prog, "hasFunding", links["hasFunding"][0], where)
        doc.fact(prog, "fundingAmount", literal(amount, datatype=XSD + "decimal"), where)
        doc.fact(prog, "fundingCurrency", literal(currency, lang=None), where)
    doc.fact(prog, "ledBy", lead, where, DEPENDENCY)
    doc.fact(prog, "focusArea", area, where)


def participation(doc: Document, rng: random.Random) -> None:
    prog = ("program", doc.world.pick("program", rng))
    links = doc.world.entity(prog).links
    org = rng.choice(links["hasParticipant"])
    where = doc.sentence(f"{doc.label(org)} takes part in the {doc.label(prog)}.")
    doc.fact(org, "participatesIn", prog, where, DEPENDENCY)
    doc.fact(prog, "hasParticipant", org, where, DEPENDENCY)


def funder(doc: Document, rng: random.Random) -> None:
    prog = ("program", doc.world.pick("program", rng))
    who = doc.world.entity(prog).links["fundedBy"][0]
    where = doc.sentence(f"The {doc.label(prog)} is funded by {doc.label(who)}.")
    doc.fact(prog, "fundedBy", who, where, DEPENDENCY)


def strategy(doc: Document, rng: random.Random) -> None:
    links = doc.world.entity(doc.focus).links
    model = links["engagesIn"][0]
    partners = links["collaboratesWith"]
    text = f"{doc.label(doc.focus)} engages in {doc.label(model)}"
    where = doc.sentence(text + (f" with {doc.label(partners[0])}." if partners else "."))
    doc.fact(doc.focus, "engagesIn", model, where, DEPENDENCY)
    if partners:
        doc.fact(doc.focus, "collaboratesWith", partners[0], where, DEPENDENCY)


def solution(doc: Document, rng: random.Random) -> None:
    answer = ("solution", rng.randrange(len(SOLUTIONS)))
    challenge = doc.world.entity(answer).links["addresses"][0]
    where = doc.sentence(f"{doc.label(answer)} address {doc.label(challenge)}.")
    doc.fact(answer, "addresses", challenge, where)


def heading(doc: Document, rng: random.Random) -> None:
    topic = rng.choice(
        [
            ("area", rng.randrange(len(AREAS))),
            ("domain", rng.randrange(len(DOMAINS))),
            ("model", rng.randrange(len(MODELS))),
            doc.focus,
        ]
    )
    doc.mention(topic, doc.sentence(f"Quantum cooperation on {doc.label(topic)}"))


KINDS: list[tuple[Callable[[Document, random.Random], None], int]] = [
    (profile, 20),
    (partnership, 18),
    (collaboration, 22),
    (program, 12),
    (participation, 8),
    (funder, 5),
    (strategy, 6),
    (solution, 4),
    (heading, 5),
]


def document(world: World, index: int) -> Document:
    doc = Document(world, index)
    makers, weights = zip(*KINDS, strict=True)
    for _ in range(doc.rng.randint(30, 50)):
        doc.rng.choices(makers, weights)[0](doc, doc.rng)
    doc.close()
    return doc


def generate(output: IO[str], size: int, seed: int = 1, quads: bool = True) -> Summary:
    """Write documents to `output` until at least `size` triples are written."""
    world, summary = World(size, seed), Summary()
    while summary.quads < size:
        doc = document(world, summary.documents)
        suffix = f" <{doc.graph}> .\n" if quads else " .\n"
        output.write(suffix.join(doc.triples) + suffix)
        summary.quads += len(doc.triples)
        summary.documents += 1
        if not summary.probes:
            org = next(e for e in doc.mentioned if e.iri.rsplit("-", 1)[-1].isdigit() and e.country >= 0)
            summary.probes = {"label": org.label, "entity": org.iri, "document": doc.graph}
    return summary


def write(path: Path, size: int, seed: int = 1) -> Summary:
    """Generate into a file: N-Triples for .nt, N-Quads otherwise; gzip-compressed for a .gz name."""
    opener = gzip.open if path.suffix == ".gz" else open
    quads = ".nt" not in path.suffixes
    with opener(path, "wt", encoding="utf-8", newline="\n") as output:  # type: ignore[operator]
        return generate(output, size, seed, quads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100k", help="triples: 100k, 1M, 10M or a number (default 100k)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, required=True, help="a .nq or .nt file, optionally .gz")
    args = parser.parse_args()
    summary = write(args.output, parse_size(args.size), args.seed)
    print(
        json.dumps({"quads": summary.quads, "documents": summary.documents, **summary.probes}),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
