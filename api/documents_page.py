"""A source document for people: its text with every entity mention highlighted and linked (displaCy), and
the facts it yields with their sentences.

Its queries run in the query workers under one deadline for the request (api/worker_select.py): past
QCOLLAB_QUERY_TIMEOUT_SECONDS the request is answered 503 (problem details, Retry-After).
"""

from __future__ import annotations

import asyncio
from html import escape

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from spacy import displacy

from api.deps import EngineDep, SettingsDep
from api.pages import Linker, layout, not_found_page
from api.worker_select import WorkerSelect
from kg.describe import document as describe
from kg.describe.document import DocumentView, Sentence
from kg.settings import Settings

router = APIRouter(tags=["web"])

# Light backgrounds: the text on them (#1d2330) keeps a contrast above 7:1.
COLORS = {
    "COUNTRY": "#cfe3ff", "SUPRANATIONALUNION": "#d9d2ff", "REGION": "#e4ddf7", "GOVERNMENTAGENCY": "#ffe2b8",
    "UNIVERSITY": "#c9f0d6", "RESEARCHINSTITUTE": "#d7f2e9", "COMPANY": "#ffd1d6", "STANDARDSBODY": "#f0e0c8",
    "ORGANIZATION": "#e6e6e6", "LEGISLATION": "#fff1a8", "PROGRAM": "#fff1a8", "TECHNOLOGYAREA": "#c8f0f5",
    "APPLICATIONDOMAIN": "#e0f5c8", "COLLABORATIONMODEL": "#f8d8f0", "DRIVER": "#f3e6d6",
    "CHALLENGE": "#ffd9c2", "SOLUTION": "#d5ecc6", "RECOMMENDATION": "#e8e4d0",
    "TALENTMOBILITYMECHANISM": "#dde8f5", "ECOSYSTEMSTRATEGY": "#e9dff0", "ACTOR": "#e6e6e6",
}
TEMPLATE = ('<a class="mention" href="{href}" title="{title}"><mark class="entity" style="background: {bg}">'
            '{text}<span class="entity-kind">{label}</span></mark></a>')


def marked_text(view: DocumentView, linker: Linker) -> str:
    """The text with its mentions as links, rendered by displaCy's entity renderer from our spans."""
    spans = [{"start": m.start, "end": m.end, "label": m.kind.upper(),
              "params": {"href": escape(linker.href(m.entity)),
                         "title": escape(linker.labels.get(m.entity, m.entity))}} for m in view.mentions]
    return displacy.render({"text": view.text, "ents": spans, "title": None}, style="ent", manual=True,
                           page=False, options={"colors": COLORS, "template": TEMPLATE})


def _legend(view: DocumentView) -> str:
    kinds = sorted({m.kind for m in view.mentions})
    items = "".join(f'<li><mark class="entity" style="background: {COLORS.get(k.upper(), "#e6e6e6")}">'
                    f"{k}</mark></li>" for k in kinds)
    return f'<ul class="legend" aria-label="Kinds of entity">{items}</ul>'


def _statements(view: DocumentView, linker: Linker) -> str:
    if not view.statements:
        return "<h2 id=\"statements\">Statements</h2><p>No statement was read from this document.</p>"
    sentences: dict[str, Sentence] = {s.iri: s for s in view.sentences}
    rows = []
    for fact in view.statements:
        sentence = sentences.get(fact["sentence"])
        quote = escape(sentence.text) if sentence else ""
        cells = "".join(f"<td>{linker.link(ox.NamedNode(fact[k]))}</td>" for k in ("subject", "predicate"))
        obj = linker.link(ox.NamedNode(fact["object"])) if "://" in fact["object"] else escape(fact["object"])
        rows.append(f"<tr>{cells}<td>{obj}</td><td><blockquote>{quote}</blockquote>"
                    f'<a href="{escape(linker.href(fact["sentence"]))}">the sentence</a></td>'
                    f'<td>{escape(fact.get("confidence", ""))}</td></tr>')
    columns = ("Subject", "Property", "Object", "Sentence", "Confidence")
    head = "".join(f'<th scope="col">{c}</th>' for c in columns)
    return (f'<h2 id="statements">Statements ({len(view.statements)})</h2><div class="scroll">'
            f'<table class="statements facts"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            "</table></div>")


def document_page(view: DocumentView, linker: Linker) -> str:
    """The whole page."""
    where = (f"The text of <code>{escape(view.source or '')}</code>, as the graph was built from it."
             if view.from_file else
             "The document's file is not in the seeds folder as it was built (moved or changed): "
             "these are its sentences as the graph stores them.")
    body = (f'<article class="document"><h1>{escape(view.title)}</h1>'
            f'<p class="iri"><a href="{escape(linker.href(view.iri))}">{escape(view.iri)}</a></p>'
            f'<p class="source">{where} {len(view.mentions)} mentions of entities are highlighted; '
            f'each links to its page. <a href="#statements">The {len(view.statements)} statements it '
            "yields</a>.</p>"
            f'{_legend(view)}<section class="document-text" aria-label="The document">'
            f"{marked_text(view, linker)}</section>{_statements(view, linker)}</article>")
    return layout(view.title, body)


def _page(view: DocumentView, settings: Settings) -> str:
    return document_page(view, Linker(settings.base_iri, view.labels))


@router.get("/document/{slug:path}", include_in_schema=False)
async def get_document(slug: str, request: Request, engine: EngineDep, settings: SettingsDep) -> HTMLResponse:
    """A source document's page; a 404 page when the graph has no such document."""
    iri = f"{settings.base_iri}document/{slug}"
    try:
        ox.NamedNode(iri)
    except ValueError:
        return HTMLResponse(not_found_page(iri), status_code=404)
    select = WorkerSelect(request, engine)
    head = await select(describe.head_query(iri))
    if not head:
        return HTMLResponse(not_found_page(iri), status_code=404)
    rows = {name: await select(text) for name, text in describe.queries(iri).items()}
    view = await asyncio.to_thread(describe.document_view, iri, head[0], rows, settings.seeds_dir,
                                   settings.max_document_bytes)
    return HTMLResponse(await asyncio.to_thread(_page, view, settings))
