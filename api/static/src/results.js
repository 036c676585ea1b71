// The answer of a query, shown as a table, as the raw answer (JSON, CSV or N-Triples), as a chart of a
// numeric column, and for CONSTRUCT and DESCRIBE as a graph.
import { Chart, registerables } from "chart.js";
import cytoscape from "cytoscape";
import { $, element, link, shortName } from "./common.js";
import { PREFIXES } from "./examples.js";

Chart.register(...registerables);
const VIEWS = ["table", "raw", "chart", "graph"];
const EDGE_LABELS_UP_TO = 8; // a larger graph shows an edge's label only on hover, tap or focus in the list
let chart = null;
let graph = null;

// An IRI as a CURIE of the service's prefixes (qc:collaboratesWith, rdf:type), or the IRI itself.
export function curie(iri) {
  const short = shortName(iri);
  if (short !== iri) return short;
  for (const [prefix, namespace] of Object.entries(PREFIXES)) {
    if (iri.startsWith(namespace) && iri.length > namespace.length) return `${prefix}:${iri.slice(namespace.length)}`;
  }
  return iri;
}

function renderTerm(term) {
  if (!term) return document.createTextNode("");
  if (term.type === "uri") return link(term.value);
  if (term.type === "bnode") return document.createTextNode("_:" + term.value);
  const span = element("span", { text: term.value });
  if (term["xml:lang"]) span.lang = term["xml:lang"];
  return span;
}

function table(vars, rows, caption) {
  const node = element("table", { class: "results" });
  node.createCaption().textContent = caption;
  const head = node.createTHead().insertRow();
  for (const name of vars) head.appendChild(element("th", { scope: "col", text: name }));
  const body = node.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const name of vars) tr.insertCell().appendChild(renderTerm(row[name]));
  }
  return node;
}

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

// N-Triples, one triple a line, as SPARQL JSON terms.
const TERM = String.raw`<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?`;
const LINE = new RegExp(String.raw`^\s*(${TERM})\s+(<[^>]*>)\s+(${TERM})\s*\.\s*$`);
function term(text) {
  if (text.startsWith("<")) return { type: "uri", value: text.slice(1, -1) };
  if (text.startsWith("_:")) return { type: "bnode", value: text.slice(2) };
  const end = text.lastIndexOf('"');
  let value = text.slice(1, end);
  try {
    value = JSON.parse(text.slice(0, end + 1));
  } catch {
    /* keep the escapes as they are */
  }
  const rest = text.slice(end + 1);
  const literal = { type: "literal", value };
  if (rest.startsWith("@")) literal["xml:lang"] = rest.slice(1);
  if (rest.startsWith("^^")) literal.datatype = rest.slice(3, -1);
  return literal;
}
export function parseNTriples(text) {
  const triples = [];
  for (const line of text.split("\n")) {
    const match = LINE.exec(line);
    if (match) triples.push({ subject: term(match[1]), predicate: term(match[2]), object: term(match[3]) });
  }
  return triples;
}

function numericColumn(vars, rows) {
  const numeric = vars.filter((name) => rows.length && rows.every((row) => row[name]
    && row[name].type !== "uri" && row[name].value !== "" && !Number.isNaN(Number(row[name].value))));
  const labels = vars.filter((name) => !numeric.includes(name));
  return numeric.length ? { value: numeric[0], label: labels[labels.length - 1] || labels[0] } : null;
}

function drawChart(vars, rows) {
  const box = $("results-chart");
  box.replaceChildren();
  const columns = numericColumn(vars, rows);
  if (!columns) {
    box.appendChild(element("p", { text: "No column of numbers to chart: a chart needs one (e.g. a COUNT)." }));
    return;
  }
  const canvas = element("canvas", { role: "img", "aria-label": `Bar chart of ${columns.value}` });
  box.appendChild(canvas);
  const label = (row) => (columns.label && row[columns.label] ? shortName(row[columns.label].value) : "");
  chart = new Chart(canvas, {
    type: "bar",
    data: {
      labels: rows.map(label),
      datasets: [{ label: columns.value, data: rows.map((row) => Number(row[columns.value].value)),
        backgroundColor: "#1d5fbf" }],
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false, indexAxis: rows.length > 8 ? "y" : "x" },
  });
}

function describeEdge(edge) {
  return `${edge.source().data("label")} — ${edge.data("label")} → ${edge.target().data("label")}`;
}

function drawGraph(triples) {
  const box = $("results-graph");
  const labels = new Map();
  for (const t of triples) {
    if (t.predicate.value.endsWith("#label") && t.object.type === "literal") labels.set(t.subject.value, t.object.value);
  }
  const nodes = new Map();
  const edges = [];
  const nodeOf = (t) => {
    const id = (t.type === "bnode" ? "_:" : "") + t.value;
    if (!nodes.has(id)) {
      const text = t.type === "literal" ? t.value.slice(0, 40) : labels.get(t.value) || curie(t.value);
      nodes.set(id, { data: { id, label: text, kind: t.type, href: t.type === "uri" ? link(t.value).href : "" } });
    }
    return id;
  };
  for (const t of triples) {
    if (t.predicate.value.endsWith("#label") && labels.get(t.subject.value) === t.object.value) {
      nodeOf(t.subject);
      continue;
    }
    edges.push({ data: { id: `e${edges.length}`, source: nodeOf(t.subject), target: nodeOf(t.object),
      label: curie(t.predicate.value), iri: t.predicate.value } });
  }
  const crowded = edges.length > EDGE_LABELS_UP_TO;
  const canvas = element("div", { class: "graph-canvas" });
  const caption = element("p", { id: "graph-caption", class: "graph-caption", "aria-live": "polite",
    text: crowded ? `${edges.length} links: hover over or tap one to read what it says.` : "" });
  box.replaceChildren(canvas, caption);
  const edgeLabel = { label: "data(label)", "font-size": 9, color: "#3d4554", "text-rotation": "autorotate",
    "text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": 2 };
  graph = cytoscape({
    container: canvas,
    elements: [...nodes.values(), ...edges],
    style: [
      { selector: "node", style: { label: "data(label)", "background-color": "#1d5fbf", "font-size": 11,
        color: "#1d2330", "text-outline-color": "#fff", "text-outline-width": 2, width: 18, height: 18 } },
      { selector: 'node[kind = "literal"]', style: { shape: "round-rectangle", "background-color": "#8a6214" } },
      { selector: "edge", style: { width: 1.5, "curve-style": "bezier", "target-arrow-shape": "triangle",
        "line-color": "#9aa3b2", "target-arrow-color": "#9aa3b2", ...(crowded ? {} : edgeLabel) } },
      { selector: "edge.labelled, edge:selected", style: { ...edgeLabel, "line-color": "#1d5fbf",
        "target-arrow-color": "#1d5fbf", "z-index": 10 } },
    ],
    layout: { name: "cose", animate: false, randomize: true },
  });
  graph.on("tap", "node", (event) => {
    const href = event.target.data("href");
    if (href) window.location.href = href;
  });
  graph.on("mouseover", "edge", (event) => {
    event.target.addClass("labelled");
    caption.textContent = describeEdge(event.target);
  });
  graph.on("mouseout", "edge", (event) => event.target.removeClass("labelled"));
  graph.on("tap", "edge", (event) => { caption.textContent = describeEdge(event.target); });
  canvas.title = crowded ? "Hover over or tap a link to read its label" : "";
  window.qcollabResultGraph = graph;
}

export function showView(name) {
  for (const view of VIEWS) {
    const tab = $(`view-${view}`);
    const selected = view === name;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(view === "table" ? "results" : `results-${view}`).hidden = !selected;
  }
  if (name === "graph" && graph) graph.resize().fit();
  if (name === "chart" && chart) chart.resize();
}

export function clearResults() {
  chart?.destroy();
  graph?.destroy();
  chart = graph = null;
  window.qcollabResultGraph = null;
  for (const id of ["results", "results-raw-text", "results-chart", "results-graph"]) $(id).replaceChildren();
}

// No answer to show (a query is running, or it failed): every view says so, the table view is shown.
export function showNoResults(message) {
  clearResults();
  $("raw-format").replaceChildren();
  for (const id of ["results", "results-raw-text", "results-chart", "results-graph"]) {
    $(id).appendChild(element("p", { class: "no-results", text: message }));
  }
  showView("table");
}

// Shows one answer; `raw` is its text as the service sent it.
export function showResults(contentType, raw) {
  clearResults();
  const rawBox = element("pre", { class: "raw", tabindex: "0", "aria-label": "The raw answer" });
  const results = $("results");
  if (contentType.includes("sparql-results+json")) {
    const data = JSON.parse(raw);
    rawBox.textContent = JSON.stringify(data, null, 2);
    if (typeof data.boolean === "boolean") {
      results.appendChild(element("p", { class: "boolean", text: data.boolean ? "Yes (true)" : "No (false)" }));
    } else {
      const vars = data.head.vars || [];
      const rows = data.results.bindings;
      results.appendChild(table(vars, rows, plural(rows.length, "result")));
      drawChart(vars, rows);
    }
    $("results-graph").appendChild(element("p", { text: "A graph is drawn for CONSTRUCT and DESCRIBE queries." }));
    $("results-raw-text").appendChild(rawBox);
    showView("table");
    return;
  }
  rawBox.textContent = raw;
  $("results-raw-text").appendChild(rawBox);
  const triples = parseNTriples(raw);
  const rows = triples.map((t) => ({ subject: t.subject, predicate: t.predicate, object: t.object }));
  results.appendChild(table(["subject", "predicate", "object"], rows, plural(rows.length, "triple")));
  $("results-chart").appendChild(element("p", { text: "A chart is drawn for SELECT queries with a number column." }));
  showView("graph");
  drawGraph(triples);
}

export function setRaw(text) {
  const box = $("results-raw-text").querySelector("pre.raw");
  if (box) box.textContent = text;
}

export function setUpViews() {
  for (const view of VIEWS) $(`view-${view}`).addEventListener("click", () => showView(view));
  $("result-views").addEventListener("keydown", (event) => {
    const index = VIEWS.findIndex((view) => $(`view-${view}`).getAttribute("aria-selected") === "true");
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (step === undefined) return;
    const next = VIEWS[(index + step + VIEWS.length) % VIEWS.length];
    showView(next);
    $(`view-${next}`).focus();
  });
}
