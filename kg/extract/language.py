"""The extraction pipeline: spaCy's statistical English with the gazetteer as an EntityRuler before NER."""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.gazetteer import Gazetteer, KnownEntity, is_case_sensitive
from kg.namespaces import QC
from kg.text.nlp import ModelInfo, load_language

KNOWN_LABEL_PREFIX = "QC_"
# Kept whole by the tokenizer, so that the parser sees one verb ("co-funded"), not "co - funded".
CO_WORDS = {
    f"{stem}{ending}": f"{stem}{base}"
    for stem, base, endings in (
        ("co-fund", "", ("", "s", "ed", "ing")),
        ("co-operat", "e", ("e", "es", "ed", "ing", "ion")),
        ("co-develop", "", ("", "s", "ed", "ing")),
        ("co-financ", "e", ("e", "es", "ed", "ing")),
        ("co-found", "", ("", "s", "ed", "ing")),
        ("co-lead", "", ("", "s", "ing")),
        ("co-design", "", ("", "s", "ed", "ing")),
        ("co-ordinat", "e", ("e", "es", "ed", "ing", "ion")),
    )
    for ending in endings
} | {"co-led": "co-lead"}


def known_label(kind: str) -> str:
    """The entity label the ruler gives a gazetteer entry of this kind (QC_ACTOR, QC_PROGRAM, ...)."""
    return KNOWN_LABEL_PREFIX + kind.upper()


def ruler_patterns(gazetteer: Gazetteer) -> list[dict[str, object]]:
    """One phrase pattern per alias, matched in any case (the ruler's phrase matcher compares LOWER: much
    faster than token patterns); `exact_case_forms` says which must also match their case."""
    patterns: list[dict[str, object]] = []
    for entry in gazetteer.entries.values():
        for alias in sorted({entry.pref_label, *entry.alt_labels}):
            if _is_demonym(entry, alias):
                continue
            for form in {alias, alias.replace("'", "’")}:
                patterns.append({"label": known_label(entry.kind), "pattern": form, "id": str(entry.iri)})
    return patterns


def exact_case_forms(gazetteer: Gazetteer) -> list[str]:
    """The aliases found only in their own case ("US", "EU"), for lower-cased forms no other alias has."""
    aliases = {a for e in gazetteer.entries.values() for a in (e.pref_label, *e.alt_labels)}
    loose = {a.lower() for a in aliases if not is_case_sensitive(a)}
    return sorted(a for a in aliases if is_case_sensitive(a) and a.lower() not in loose)


@Language.factory("qc_exact_case", default_config={"forms": []})
def make_exact_case(nlp: Language, name: str, forms: list[str]) -> ExactCase:
    """The component that drops known names matched in the wrong case ("us" is not "US")."""
    return ExactCase(forms)


class ExactCase:
    """Known short capitals must match with their case: the ruler's matches of "us" or "eu" are dropped."""

    def __init__(self, forms: list[str]) -> None:
        self.forms = set(forms)
        self.folded = {form.lower() for form in self.forms}

    def __call__(self, doc: Doc) -> Doc:
        kept = []
        for ent in doc.ents:
            known = ent.label_.startswith(KNOWN_LABEL_PREFIX)
            if known and ent.text.lower() in self.folded and ent.text not in self.forms:
                for token in ent:
                    token.ent_id_ = ""
                continue
            kept.append(ent)
        doc.ents = kept
        return doc


def _is_demonym(entry: KnownEntity, alias: str) -> bool:
    """ "Austrian", "British": an adjective, which would cut "Austrian Academy of Sciences" in two."""
    place = entry.types & {QC.Country, QC.Region, QC.SupranationalUnion}
    single = " " not in alias and not alias.isupper()
    return (
        bool(place) and single and alias != entry.pref_label and alias[-1:] in "nhes" and alias[-2:] != "ia"
    )


def extraction_language(gazetteer: Gazetteer, model_path: Path | None = None) -> tuple[Language, ModelInfo]:
    """The statistical pipeline with the known names ahead of the statistical NER."""
    nlp, info = load_language(model_path)
    ruler = nlp.add_pipe(
        "entity_ruler",
        before="ner",
        config={"overwrite_ents": True, "validate": False, "phrase_matcher_attr": "LOWER"},
    )
    ruler.add_patterns(ruler_patterns(gazetteer))  # type: ignore[attr-defined]
    nlp.add_pipe("qc_exact_case", after="entity_ruler", config={"forms": exact_case_forms(gazetteer)})
    nlp.add_pipe("qc_name_parts", after="ner")
    lemmas = nlp.get_pipe("attribute_ruler")
    for word, lemma in CO_WORDS.items():
        for form in (word, word.capitalize()):
            nlp.tokenizer.add_special_case(form, [{"ORTH": form}])
        lemmas.add([[{"LOWER": word}]], {"LEMMA": lemma})  # type: ignore[attr-defined]
    return nlp, info


_CONNECTORS = frozenset({"of", "the", "and", "for", "on", "de", "du", "des", "für", "&"})
_BODY_HEADS = frozenset(
    {
        "group",
        "centre",
        "center",
        "institute",
        "council",
        "agency",
        "ministry",
        "office",
        "programme",
        "program",
        "initiative",
        "strategy",
        "alliance",
        "consortium",
        "network",
        "committee",
        "dialogue",
        "hub",
    }
)
# The last words of a field a name goes on from ("Quantum Computing and Simulation Hub").
_FIELDS = frozenset(
    {
        "computing",
        "simulation",
        "sensing",
        "metrology",
        "communications",
        "imaging",
        "science",
        "technology",
        "technologies",
        "research",
        "innovation",
        "engineering",
        "networking",
        "timing",
        "navigation",
    }
)
_JOINABLE_LABELS = frozenset({"ORG", "PERSON", "LAW", "PRODUCT", "FAC", "WORK_OF_ART", "EVENT", "NORP"})


@Language.component("qc_name_parts")
def join_name_parts(doc: Doc) -> Doc:
    """One name the ruler cut in two: "Innovate" + "UK", "Government of the Republic of" + "Finland"."""
    ents = list(doc.ents)
    joined: list[Span] = []
    index = 0
    while index < len(ents):
        ent = ents[index]
        following = ents[index + 1] if index + 1 < len(ents) else None
        if following is not None and following.start == ent.end and _joinable(ent, following):
            joined.append(Span(doc, ent.start, following.end, label="ORG", span_id=""))
            index += 2
            continue
        if following is not None and _joined_by_preposition(ent, following):
            joined.append(Span(doc, ent.start, following.end, label="ORG", span_id=""))
            index += 2
            continue
        joined.append(ent)
        index += 1
    doc.ents = [part for span in joined for part in _split_coordinated(span)]
    for span in doc.ents:
        if span.label_ == "ORG":
            for token in span:
                token.ent_id_ = ""
    return doc


def _joined_by_preposition(first: Span, second: Span) -> bool:
    """ "Focus Group" + "on" + "Quantum Technologies": a body or program and what it is for, one name."""
    doc = first.doc
    if (  # "The Quantum Computing" + "and" + "Simulation Hub"
        second.start == first.end + 1
        and doc[first.end].lower_ == "and"
        and first[-1].lower_ in _FIELDS
        and second[-1].lower_ in _BODY_HEADS
        and not first.label_.startswith(KNOWN_LABEL_PREFIX)
    ):
        return True
    return (
        second.start == first.end + 1
        and doc[first.end].lower_ in ("on", "for", "of")
        and first[-1].lower_ in _BODY_HEADS
        and not first.label_.startswith(KNOWN_LABEL_PREFIX)
        and second.label_ in _JOINABLE_LABELS
        and second.text[:1].isupper()
    )


def _split_coordinated(span: Span) -> list[Span]:
    """ "Orange and Deutsche Telekom" is two names: "and" joins the name's head to another head."""
    if span.label_ != "ORG" or len(span) < 3:
        return [span]
    for token in span[1:-1]:
        after = token.nbor()
        conj = next((t for t in span if t.dep_ == "conj" and t.head == span.root and t.i > token.i), None)
        if token.lower_ == "and" and token.head == span.root and conj is not None and after.is_title:
            return [
                Span(span.doc, span.start, token.i, label="ORG"),
                Span(span.doc, after.i, span.end, label="ORG"),
            ]
    return [span]


def _joinable(first: Span, second: Span) -> bool:
    known_first = first.label_.startswith(KNOWN_LABEL_PREFIX)
    known_second = second.label_.startswith(KNOWN_LABEL_PREFIX)
    if not known_first and not known_second:
        return (
            first[-1].lower_ in _CONNECTORS
            and second.text[:1].isupper()
            and second.label_ in _JOINABLE_LABELS
        )
    if known_first == known_second:
        return False
    unknown = second if known_first else first
    if unknown.label_ not in _JOINABLE_LABELS or not unknown.text[:1].isupper():
        return False
    if known_second and first[-1].lower_ in _CONNECTORS:
        return True
    return all(t.is_title or t.is_upper or t.lower_ in _CONNECTORS or t.text == "," for t in unknown)
