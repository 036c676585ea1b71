"""The link targets, Wikidata and DBpedia: their vocabularies and which types fit each kind of entity."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg import data
from kg.namespaces import LINKSET_GRAPH_PREFIX

REFERENCE_DIR = data.reference_dir()

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
SCHEMA_DESCRIPTION = "http://schema.org/description"
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
DBR = "http://dbpedia.org/resource/"
DBO = "http://dbpedia.org/ontology/"


@dataclass(frozen=True)
class TypeRule:
    """Which types a candidate must have (any of; None: no constraint) and must not have."""

    required: frozenset[str] | None = None
    forbidden: frozenset[str] = frozenset()
    reject_dissolved: bool = False


@dataclass(frozen=True)
class TargetProfile:
    """How one link target describes things: predicates, type path and the type rules per kind."""

    name: str
    title: str
    uri_space: str
    endpoint_setting: str
    label_predicates: tuple[str, ...]
    alias_predicates: tuple[str, ...]
    type_path: str
    rules: dict[str, TypeRule]
    redirect_predicate: str | None = None
    exclude_predicates: tuple[str, ...] = ()
    code_predicate: str | None = None
    dissolved_predicates: tuple[str, ...] = ()
    same_as_space: str | None = None
    description_predicate: str | None = None

    @property
    def graph(self) -> str:
        return f"{LINKSET_GRAPH_PREFIX}{self.name}"

    @property
    def snapshot(self) -> Path:
        return data.reference_snapshot(self.name)

    def type_classes(self) -> set[str]:
        classes: set[str] = set()
        for rule in self.rules.values():
            classes |= set(rule.required or ()) | set(rule.forbidden)
        return classes


def _wd(*ids: str) -> frozenset[str]:
    return frozenset(WD + i for i in ids)


def _dbo(*names: str) -> frozenset[str]:
    return frozenset(DBO + n for n in names)


# Wikidata classes: country, sovereign state, historical country, supranational union,
# international / regional organization, continent, geographic region, island, U.S. state,
# human, organization, business, company, university, research institute, government agency and
# organization. Checked through wdt:P31/wdt:P279*, so subclasses count.
_WD_STATES = _wd("Q6256", "Q3624078")
_WD_UNIONS = _wd("Q1335818", "Q484652", "Q4120211")
_WD_REGIONS = _wd("Q5107", "Q82794")
_WD_ORGANIZATIONS = _wd("Q43229", "Q4830453", "Q783794", "Q3918", "Q31855", "Q327333", "Q2659904")
_WD_NOT_A_THING_OF_IDEAS = _wd("Q5", "Q3024240", "Q35657", "Q23442") | _WD_STATES | _WD_REGIONS

WIKIDATA = TargetProfile(
    name="wikidata",
    title="Wikidata",
    uri_space=WD,
    endpoint_setting="wikidata_endpoint",
    label_predicates=(RDFS_LABEL,),
    alias_predicates=(SKOS_ALT,),
    type_path=f"<{WDT}P31>/<{WDT}P279>*",
    code_predicate=f"{WDT}P297",
    dissolved_predicates=(f"{WDT}P576",),
    description_predicate=SCHEMA_DESCRIPTION,
    rules={
        "country": TypeRule(_WD_STATES, _wd("Q3024240", "Q35657"), reject_dissolved=True),
        "union": TypeRule(_WD_UNIONS, _wd("Q3024240") | _WD_STATES, reject_dissolved=True),
        "region": TypeRule(_WD_REGIONS, _WD_STATES | _wd("Q35657")),
        "organization": TypeRule(_WD_ORGANIZATIONS | _WD_UNIONS, _wd("Q5") | _WD_STATES | _WD_REGIONS),
        "actor": TypeRule(
            _WD_STATES | _WD_UNIONS | _WD_REGIONS | _WD_ORGANIZATIONS, _wd("Q5", "Q3024240", "Q35657")
        ),
        "program": TypeRule(None, _WD_NOT_A_THING_OF_IDEAS),
        "concept": TypeRule(None, _WD_NOT_A_THING_OF_IDEAS | _WD_ORGANIZATIONS),
    },
)

_DBO_PLACES = _dbo("Place", "Country", "Continent", "Region", "PopulatedPlace")
DBPEDIA = TargetProfile(
    name="dbpedia",
    title="DBpedia",
    uri_space=DBR,
    endpoint_setting="dbpedia_endpoint",
    label_predicates=(RDFS_LABEL,),
    alias_predicates=(),
    type_path=f"<{RDF_TYPE}>",
    redirect_predicate=f"{DBO}wikiPageRedirects",
    exclude_predicates=(f"{DBO}wikiPageRedirects", f"{DBO}wikiPageDisambiguates"),
    dissolved_predicates=(f"{DBO}dissolutionYear", f"{DBO}dissolutionDate"),
    same_as_space=WD,
    rules={
        "country": TypeRule(_dbo("Country"), _dbo("AdministrativeRegion", "Person"), reject_dissolved=True),
        "union": TypeRule(_dbo("Organisation", "Country"), _dbo("Person"), reject_dissolved=True),
        "region": TypeRule(_dbo("Continent", "Region"), _dbo("Country", "Person")),
        "organization": TypeRule(_dbo("Organisation"), _dbo("Person") | _DBO_PLACES),
        "actor": TypeRule(_dbo("Organisation", "Country", "Continent", "Region"), _dbo("Person")),
        "program": TypeRule(None, _dbo("Person") | _DBO_PLACES),
        "concept": TypeRule(None, _dbo("Person", "Agent", "Work") | _DBO_PLACES),
    },
)

PROFILES: dict[str, TargetProfile] = {p.name: p for p in (WIKIDATA, DBPEDIA)}
