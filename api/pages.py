"""HTML pages for people: one resource, and the ontology as one document with term anchors."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from html import escape

import pyoxigraph as ox

from kg.formats.table import shown_formats
from kg.namespaces import DCTERMS, OWL, PREFIXES, PROV, QC, RDF, RDFS, SKOS

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
ALTERNATES = tuple((f.label, f.suffix, f.media_type) for f in shown_formats())  # ?format= takes the suffix
_HIDDEN = {str(RDF.type), str(RDFS.label), str(SKOS.prefLabel), str(DCTERMS.description)}
_PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


class Linker:
    """Turns IRIs into page links and short readable names."""

    def __init__(self, base_iri: str, labels: dict[str, str]) -> None:
        self.base_iri = base_iri
        self.labels = labels

    def href(self, iri: str) -> str:
        if iri.startswith(self.base_iri):
            return "/resource/" + iri[len(self.base_iri):]
        if iri.startswith(str(QC)):
            return "/ontology#" + iri[len(str(QC)):]
        return iri

    def curie(self, iri: str) -> str:
        for prefix, namespace in PREFIXES.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace):]}"
        return iri

    def link(self, term: Term) -> str:
        if isinstance(term, ox.NamedNode):
            text = self.labels.get(term.value) or self.curie(term.value)
            href, title = escape(self.href(term.value)), escape(term.value)
            return f'<a href="{href}" title="{title}">{escape(text)}</a>'
        if isinstance(term, ox.Literal):
            suffix = f' <span class="lang">@{escape(term.language)}</span>' if term.language else ""
            return f"{escape(term.value)}{suffix}"
        return f"<code>{escape(str(term))}</code>"


def layout(title: str, body: str, alternates: str = "") -> str:
    """The common page frame."""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} – qcollab</title>{alternates}"
        '<link rel="icon" href="data:,"><link rel="stylesheet" href="/static/style.css"></head><body>'
        '<header class="site"><nav aria-label="Site"><a href="/">qcollab</a> · '
        '<a href="/network">network</a> · <a href="/charts">charts</a> · '
        '<a href="/ontology">ontology</a></nav></header>'
        f'<main id="main">{body}</main></body></html>'
    )


def not_found_page(iri: str) -> str:
    """What a person sees for an IRI the graph knows nothing about."""
    body = (f"<h1>Not found</h1><p>The knowledge graph says nothing about <code>{escape(iri)}</code>.</p>"
            '<p>Try the <a href="/">search box on the home page</a>.</p>')
    return layout("Not found", body)


def _alternates(path: str) -> tuple[str, str]:
    links = "".join(f'<link rel="alternate" type="{m}" href="{escape(path)}?format={f}">'
                    for _, f, m in ALTERNATES)
    items = " · ".join(f'<a href="{escape(path)}?format={f}">{n}</a>' for n, f, _ in ALTERNATES)
    return links, f'<p class="formats">Download: {items}</p>'


def _index(triples: list[ox.Triple]) -> dict[Term, dict[str, list[Term]]]:
    by_subject: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        by_subject[t.subject][t.predicate.value].append(t.object)
    return by_subject


def _statement_rows(rows: list[tuple[str, str]], heading: str, columns: tuple[str, str], empty: str) -> str:
    if not rows:
        return f"<h2>{heading}</h2><p>{empty}</p>"
    head = "".join(f'<th scope="col">{c}</th>' for c in columns)
    body = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows)
    return (f'<h2>{heading}</h2><table class="statements"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _provenance(iri: ox.NamedNode, index: dict[Term, dict[str, list[Term]]], linker: Linker) -> str:
    supports: dict[Term, list[str]] = defaultdict(list)
    for sentence in index.get(iri, {}).get(str(QC.extractedFrom), []):
        supports[sentence].append("this resource as a whole")
    for props in index.values():
        if ox.NamedNode(str(RDF.Statement)) in props.get(str(RDF.type), []):
            fact = " ".join(linker.link(props[str(p)][0]) if props.get(str(p)) else "?"
                            for p in (RDF.subject, RDF.predicate, RDF.object))
            for sentence in props.get(str(QC.extractedFrom), []):
                supports[sentence].append(fact)
    if not supports:
        return ""
    items = []
    for sentence, facts in sorted(supports.items(), key=lambda pair: str(pair[0])):
        props = index.get(sentence, {})
        text = "".join(escape(v.value) for v in props.get(str(PROV.value), []))
        doc = props.get(str(QC.inDocument), [None])[0]
        title = linker.link(doc) if doc is not None else "an unknown document"
        start, end = (props.get(str(p), [None])[0] for p in (QC.startOffset, QC.endOffset))
        where = f", characters {start.value}–{end.value}" if start is not None and end is not None else ""
        backs = "".join(f"<li>{f}</li>" for f in facts)
        items.append(f'<li class="sentence"><blockquote>{text}</blockquote><p class="source">From '
                     f'{title}{where} ({linker.link(sentence)}). Supports:</p><ul>{backs}</ul></li>')
    return f'<h2 id="provenance">Where this comes from</h2><ol class="provenance">{"".join(items)}</ol>'


Evidence = dict[tuple[Term, str, Term], list[Term]]


def _evidence(index: dict[Term, dict[str, list[Term]]]) -> Evidence:
    """The sentences of each reified statement, by its (subject, predicate, object)."""
    found: Evidence = defaultdict(list)
    for props in index.values():
        if ox.NamedNode(str(RDF.Statement)) not in props.get(str(RDF.type), []):
            continue
        parts = [props.get(str(p), [None])[0] for p in (RDF.subject, RDF.predicate, RDF.object)]
        if all(part is not None for part in parts) and isinstance(parts[1], ox.NamedNode):
            found[(parts[0], parts[1].value, parts[2])].extend(props.get(str(QC.extractedFrom), []))
    return found


def _sources(sentences: list[Term], index: dict[Term, dict[str, list[Term]]], linker: Linker) -> str:
    """The sentences a statement was read from, quoted under its value."""
    quotes = []
    for sentence in sorted(set(sentences), key=str):
        text = "".join(escape(v.value) for v in index.get(sentence, {}).get(str(PROV.value), []))
        if text:
            named = isinstance(sentence, ox.NamedNode)
            href = escape(linker.href(sentence.value)) if named else "#provenance"
            quotes.append(f'<blockquote class="evidence">{text} <a href="{href}" class="sentence-link">'
                          "(the sentence)</a></blockquote>")
    return "".join(quotes)


def _grouped(values: dict[str, list[Term]], linker: Linker,
             cite: Callable[[str, Term], str] | None = None) -> list[tuple[str, str]]:
    """One row per property, the ontology's own properties first, values sorted by their text, each with
    the sentences it was read from (cite)."""
    rows = []
    for prop in sorted(values, key=lambda p: (not p.startswith(str(QC)), linker.curie(p))):
        cells = sorted({(linker.link(v), cite(prop, v) if cite else "") for v in values[prop]},
                       key=lambda cell: (cell[0].lower(), cell))
        if any(sources for _, sources in cells):
            shown = "".join(f'<div class="value">{value}{sources}</div>' for value, sources in cells)
        else:
            shown = ", ".join(value for value, _ in cells)
        rows.append((linker.link(ox.NamedNode(prop)), shown))
    return rows


def resource_page(iri: str, triples: list[ox.Triple], linker: Linker, path: str) -> str:
    """A resource: label, types, description, statements both ways, and source sentences."""
    node = ox.NamedNode(iri)
    index = _index(triples)
    own = index.get(node, {})
    label = linker.labels.get(iri, linker.curie(iri))
    types = ", ".join(linker.link(t) for t in own.get(str(RDF.type), [])) or "no type given"
    description = "".join(f'<p class="description">{escape(d.value)}</p>'
                          for d in own.get(str(DCTERMS.description), []))
    evidence = _evidence(index)
    outgoing = _grouped({p: objects for p, objects in own.items() if p not in _HIDDEN}, linker,
                        lambda p, v: _sources(evidence.get((node, p, v), []), index, linker))
    referrers: dict[str, list[Term]] = defaultdict(list)
    for t in triples:
        if t.object == node and t.predicate.value not in (str(RDF.subject), str(RDF.object)):
            referrers[t.predicate.value].append(t.subject)
    incoming = _grouped(referrers, linker,
                        lambda p, v: _sources(evidence.get((v, p, node), []), index, linker))
    head, formats = _alternates(path)
    reading = ""
    if ox.NamedNode(str(QC.SourceDocument)) in own.get(str(RDF.type), []) and iri.startswith(linker.base_iri):
        slug = iri[len(linker.base_iri):].removeprefix("document/")
        reading = (f'<p class="read"><a href="/document/{escape(slug)}">Read the document</a>, every entity '
                   "it mentions highlighted, with the statements it yields.</p>")
    body = (
        f'<article><h1>{escape(label)}</h1><p class="iri"><code>{escape(iri)}</code></p>'
        f'<p class="types">Type: {types}</p>{description}{reading}{formats}'
        + _statement_rows(outgoing, "Statements", ("Property", "Value"), "No statements.")
        + _statement_rows(incoming, "Referenced by", ("Property", "From"), "Nothing refers to it.")
        + _provenance(node, index, linker) + "</article>"
    )
    return layout(label, body, head)


def _term_section(term: Term, props: dict[str, list[Term]], linker: Linker) -> str:
    local = term.value.rsplit("#", 1)[-1]
    label = "".join(escape(v.value) for v in props.get(str(RDFS.label), [])[:1]) or escape(local)
    comments = "".join(f"<p>{escape(c.value)}</p>"
                       for c in props.get(str(RDFS.comment), []) + props.get(str(SKOS.definition), []))
    facts = []
    for name, prop in (("subclass of", RDFS.subClassOf), ("subproperty of", RDFS.subPropertyOf),
                       ("domain", RDFS.domain), ("range", RDFS.range), ("inverse of", OWL.inverseOf),
                       ("in scheme", SKOS.inScheme)):
        values = [linker.link(v) for v in props.get(str(prop), []) if isinstance(v, ox.NamedNode)]
        if values:
            facts.append(f"<dt>{name}</dt><dd>{', '.join(values)}</dd>")
    details = f"<dl>{''.join(facts)}</dl>" if facts else ""
    return (f'<section id="{escape(local)}" class="term"><h3>{label} <code>qc:{escape(local)}</code></h3>'
            f"{comments}{details}</section>")


def ontology_page(triples: list[ox.Triple], linker: Linker, ontology_iri: str) -> str:
    """The ontology: its metadata, then every class, property and concept with an anchor per term."""
    index = _index(triples)
    meta = index.get(ox.NamedNode(ontology_iri), {})
    title = next((v.value for v in meta.get(str(DCTERMS.title), []) + meta.get(str(RDFS.label), [])),
                 "qcollab ontology")
    about = "".join(f"<p>{escape(v.value)}</p>" for v in meta.get(str(DCTERMS.description), []))
    ours = sorted((t for t in index if isinstance(t, ox.NamedNode) and t.value.startswith(str(QC))),
                  key=lambda t: t.value)
    classes = [t for t in ours if ox.NamedNode(str(OWL.Class)) in index[t].get(str(RDF.type), [])]
    properties = [t for t in ours if any(ox.NamedNode(str(k)) in index[t].get(str(RDF.type), [])
                                         for k in _PROPERTY_KINDS)]
    concepts = [t for t in ours if ox.NamedNode(str(OWL.NamedIndividual)) in index[t].get(str(RDF.type), [])]
    head, formats = _alternates("/ontology")
    body = (
        f'<article><h1>{escape(title)}</h1><p class="iri"><code>{escape(ontology_iri)}</code></p>{about}'
        f"{formats}<nav><a href=\"#classes\">Classes</a> · <a href=\"#properties\">Properties</a>"
        " · <a href=\"#concepts\">Concepts</a></nav>"
        f'<h2 id="classes">Classes ({len(classes)})</h2>'
        + "".join(_term_section(c, index[c], linker) for c in classes)
        + f'<h2 id="properties">Properties ({len(properties)})</h2>'
        + "".join(_term_section(p, index[p], linker) for p in properties)
        + f'<h2 id="concepts">Concepts ({len(concepts)})</h2>'
        + "".join(_term_section(c, index[c], linker) for c in concepts) + "</article>"
    )
    return layout(title, body, head)
