"""The world behind the synthetic graph: countries, unions, organizations, programs, collaborations.

Every entity is a pure function of (seed, kind, index): a document can describe any of them without the
generator keeping a list of what it made, so memory stays the same whatever the size.
"""

from __future__ import annotations

import bisect
import hashlib
import random
from dataclasses import dataclass, field
from functools import lru_cache

import pycountry
from synthetic_words import (
    AREAS,
    CHALLENGES,
    COMPANY_SUFFIXES,
    CURRENCIES,
    DOMAINS,
    EUROZONE,
    FIELDS,
    MODELS,
    ORG_KINDS,
    QUANTUM_COUNTRIES,
    SOLUTIONS,
    SYLLABLES,
    UNIONS,
)

from kg.text.sentences import slugify

QC = "https://w3id.org/qcollab/ontology#"
QCR = "https://w3id.org/qcollab/resource/"
PROV_ENTITY = "http://www.w3.org/ns/prov#Entity"

Ref = tuple[str, int]  # (kind, index): what a document asks the world to describe


GAZETTEER, NER, SURFACE, STRUCTURE = (
    QC + m for m in ("GazetteerMatch", "StatisticalNer", "SurfacePattern", "DocumentStructure")
)


@dataclass(frozen=True)
class Entity:
    """One entity as every document describes it: same label, type, confidence and attributes everywhere."""

    iri: str
    classes: tuple[str, ...]
    label: str
    alt_labels: tuple[str, ...] = ()
    confidence: str = "0.95"
    method: str = GAZETTEER
    attributes: tuple[tuple[str, str], ...] = ()  # (predicate IRI, object in N-Triples)
    country: int = -1  # countries, organizations, programs: the country (index) they belong to
    links: dict[str, tuple[Ref, ...]] = field(default_factory=dict, compare=False)


def acronym(name: str) -> str:
    return "".join(word[0] for word in name.split() if word[0].isupper())


class World:
    """The entities of a graph of `size` triples; the scaled kinds grow with the size."""

    def __init__(self, size: int, seed: int) -> None:
        self.seed = seed
        self.counts = {
            "org": max(300, size // 60),
            "program": max(60, size // 500),
            "collab": max(150, size // 120),
        }
        self.countries = sorted(pycountry.countries, key=lambda c: c.alpha_2)
        places: dict[str, list[str]] = {}
        for sub in sorted(pycountry.subdivisions, key=lambda s: s.code):
            places.setdefault(sub.country_code, []).append(sub.name)
        self.places = places
        weights = [QUANTUM_COUNTRIES.get(c.alpha_2, 1) for c in self.countries]
        self.cumulative = [sum(weights[: i + 1]) for i in range(len(weights))]
        self.entity = lru_cache(maxsize=200_000)(self._entity)

    def rng(self, kind: str, index: int) -> random.Random:
        digest = hashlib.blake2b(f"{self.seed}:{kind}:{index}".encode(), digest_size=8).digest()
        return random.Random(int.from_bytes(digest, "big"))

    def pick_country(self, rng: random.Random) -> int:
        return bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])

    def pick(self, kind: str, rng: random.Random) -> int:
        """A skewed choice among the scaled kinds: a few entities are cited by many documents."""
        return int(self.counts[kind] * rng.random() ** 2)

    def _entity(self, ref: Ref) -> Entity:
        kind, index = ref
        return getattr(self, f"_{kind}")(index)

    def country_name(self, index: int) -> str:
        country = self.countries[index]
        return getattr(country, "common_name", None) or country.name

    def short_name(self, index: int) -> str:
        """The name before a comma ("Korea, Republic of" -> "Korea"), for programs and agencies."""
        return self.country_name(index).split(",")[0].split(" (")[0]

    def _country(self, index: int) -> Entity:
        country, name = self.countries[index], self.country_name(index)
        official = getattr(country, "official_name", None)
        alts = tuple(a for a in (official, country.alpha_3) if a and a != name)
        rng = self.rng("country", index)
        partners = tuple(("country", self.pick_country(rng)) for _ in range(2))
        return Entity(
            QCR + slugify(name),
            (QC + "Country",),
            name,
            alts,
            attributes=((QC + "iso3166Alpha2", f'"{country.alpha_2}"'),),
            country=index,
            links={
                "collaboratesWith": tuple(p for p in partners if p[1] != index),
                "engagesIn": (("model", rng.randrange(len(MODELS))),),
            },
        )

    def currency(self, country: int) -> str:
        code = self.countries[country].alpha_2
        return "EUR" if code in EUROZONE else CURRENCIES.get(code, "USD")

    def _union(self, index: int) -> Entity:
        name, short = UNIONS[index]
        return Entity(QCR + slugify(name), (QC + "SupranationalUnion",), name, (short,) if short else ())

    def _area(self, index: int) -> Entity:
        return Entity(QCR + slugify(AREAS[index]), (QC + "TechnologyArea",), AREAS[index])

    def _domain(self, index: int) -> Entity:
        return Entity(
            QCR + slugify(DOMAINS[index]),
            (QC + "ApplicationDomain",),
            DOMAINS[index],
            method=NER,
            confidence="0.7",
        )

    def _model(self, index: int) -> Entity:
        return Entity(
            QCR + "model/" + slugify(MODELS[index]),
            (QC + "CollaborationModel",),
            MODELS[index],
            method=STRUCTURE,
            confidence="0.9",
        )

    def _challenge(self, index: int) -> Entity:
        return Entity(
            QCR + "challenge/" + slugify(CHALLENGES[index]),
            (QC + "Challenge",),
            CHALLENGES[index],
            method=STRUCTURE,
            confidence="0.9",
        )

    def _solution(self, index: int) -> Entity:
        return Entity(
            QCR + "solution/" + slugify(SOLUTIONS[index]),
            (QC + "Solution",),
            SOLUTIONS[index],
            method=STRUCTURE,
            confidence="0.9",
            links={"addresses": (("challenge", index % len(CHALLENGES)),)},
        )

    def _org(self, index: int) -> Entity:
        rng = self.rng("org", index)
        kind = ORG_KINDS[index % len(ORG_KINDS)]
        country = self.pick_country(rng)
        place = rng.choice(self.places.get(self.countries[country].alpha_2) or [self.country_name(country)])
        topic = rng.choice(FIELDS)
        if kind == "University":
            name = rng.choice(
                [f"University of {place}", f"{place} University", f"{place} Institute of Technology"]
            )
        elif kind == "Company":
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
            name = f"{word} {rng.choice(COMPANY_SUFFIXES)}"
        elif kind == "ResearchInstitute":
            name = rng.choice(
                [
                    f"{place} Institute for {topic}",
                    f"{place} Centre for {topic}",
                    f"National Laboratory for {topic} of {place}",
                ]
            )
        elif kind == "GovernmentAgency":
            name = rng.choice(
                [
                    f"{place} Research Agency",
                    f"{place} Ministry of Science",
                    f"{self.short_name(country)} Agency for {topic}",
                ]
            )
        else:
            name = f"{place} {topic} Network"
        partners = tuple(("org", self.pick("org", rng)) for _ in range(rng.randint(0, 3)))
        areas = tuple(("area", rng.randrange(len(AREAS))) for _ in range(rng.randint(1, 2)))
        short = acronym(name)
        return Entity(
            QCR + f"{slugify(name)}-{index}",
            (QC + kind,),
            name,
            (short,) if len(short) > 2 else (),
            confidence=rng.choice(["0.7", "0.75", "0.8"]),
            method=NER,
            country=country,
            links={
                "basedIn": (("country", country),),
                "hasExpertiseIn": areas,
                "collaboratesWith": tuple(p for p in partners if p[1] != index),
            },
        )

    def _program(self, index: int) -> Entity:
        rng = self.rng("program", index)
        country = self.pick_country(rng)
        name = self.short_name(country)
        legislation = rng.random() < 0.1
        title = (
            f"{name} Quantum Act No. {index} of {2018 + index % 8}"
            if legislation
            else rng.choice(
                [
                    f"{name} National Quantum Initiative {index}",
                    f"{name} Quantum Technologies Programme {index}",
                    f"{rng.choice(FIELDS)} Mission {index} of {name}",
                ]
            )
        )
        lead = ("org", 10 * rng.randrange(self.counts["org"] // 10) + ORG_KINDS.index("GovernmentAgency"))
        funders = (
            (("union", 0),)
            if self.currency(country) == "EUR" and rng.random() < 0.3
            else (("country", country),)
        )
        funded = rng.random() < 0.7
        participants = tuple(("org", self.pick("org", rng)) for _ in range(rng.randint(1, 4)))
        classes = (QC + "Program", QC + "Legislation") if legislation else (QC + "Program",)
        return Entity(
            QCR + slugify(title),
            classes,
            title,
            (acronym(title),),
            confidence="0.85",
            method=STRUCTURE,
            country=country,
            links={
                "ledBy": (lead if rng.random() < 0.7 else ("country", country),),
                "fundedBy": funders,
                "hasFunding": (("funding", index),) if funded else (),
                "focusArea": (("area", rng.randrange(len(AREAS))),),
                "hasParticipant": participants,
            },
        )

    def funding(self, index: int) -> tuple[str, str]:
        """The amount (a decimal string) and the ISO 4217 currency a program commits."""
        rng = self.rng("funding", index)
        return str(rng.randint(1, 400) * 5_000_000), self.currency(self.entity(("program", index)).country)

    def _funding(self, index: int) -> Entity:
        amount, currency = self.funding(index)
        program = self.entity(("program", index)).iri.removeprefix(QCR)
        label = f"{currency} {int(amount):,}"
        return Entity(
            QCR + f"funding/{program}/{amount}-{currency.lower()}",
            (QC + "FundingCommitment",),
            label,
            confidence="0.85",
            method=SURFACE,
            attributes=(
                ("https://schema.org/value", f'"{amount}"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
                ("https://schema.org/currency", f'"{currency}"'),
            ),
        )

    def _collab(self, index: int) -> Entity:
        rng = self.rng("collab", index)
        first = ("org", self.pick("org", rng))
        second = first
        while second == first:
            roll = rng.random()
            second = (
                ("union", rng.randrange(len(UNIONS)))
                if roll < 0.05
                else ("country", self.pick_country(rng))
                if roll < 0.25
                else ("org", self.pick("org", rng))
            )
        others = tuple(("org", self.pick("org", rng)) for _ in range(rng.randint(0, 2)))
        participants = tuple(dict.fromkeys((first, second, *others)))
        area = (
            ("area", rng.randrange(len(AREAS)))
            if rng.random() < 0.8
            else ("domain", rng.randrange(len(DOMAINS)))
        )
        a, b = (self.entity(p).label for p in participants[:2])
        label = f"{a} and {b} on {self.entity(area).label}"
        return Entity(
            QCR + f"collaboration/{slugify(a)}--{slugify(b)}-{index}",
            (QC + "Collaboration",),
            label,
            confidence="0.9",
            method=SURFACE,
            links={
                "participant": participants,
                "collaborationModel": (("model", rng.randrange(len(MODELS))),),
                "focusArea": (area,),
            },
        )
