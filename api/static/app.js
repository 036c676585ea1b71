// qcollab home page: a SPARQL editor over /sparql and a search box over /lookup. No dependencies.
"use strict";

const BASE_IRI =
  document.querySelector('meta[name="qcollab-base-iri"]')?.content || "https://w3id.org/qcollab/resource/";
const ONTOLOGY_NS = "https://w3id.org/qcollab/ontology#";
const PREFIXES = `PREFIX qc: <https://w3id.org/qcollab/ontology#>
PREFIX qcr: <https://w3id.org/qcollab/resource/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
`;

const EXAMPLES = [
  {
    title: "Which countries partner with Japan?",
    query: `${PREFIXES}
SELECT DISTINCT ?partner ?name WHERE {
  qcr:japan qc:collaboratesWith|^qc:collaboratesWith ?partner .
  ?partner a qc:Country ; rdfs:label ?name .
}
ORDER BY ?name`,
  },
  {
    title: "Which solutions address which challenges?",
    query: `${PREFIXES}
SELECT ?challenge ?challengeName ?solution ?solutionName WHERE {
  ?solution qc:addresses ?challenge .
  ?challenge rdfs:label ?challengeName .
  ?solution rdfs:label ?solutionName .
}
ORDER BY ?challengeName`,
  },
  {
    title: "Where does the fact “the UK collaborates with Canada” come from?",
    query: `${PREFIXES}
SELECT ?sentence ?text ?start ?end ?title WHERE {
  ?statement a rdf:Statement ;
      rdf:subject qcr:united-kingdom ;
      rdf:predicate qc:collaboratesWith ;
      rdf:object qcr:canada ;
      qc:extractedFrom ?sentence .
  ?sentence prov:value ?text ;
      qc:startOffset ?start ;
      qc:endOffset ?end .
  OPTIONAL { ?sentence qc:inDocument ?document . ?document dcterms:title ?title }
}`,
  },
  {
    title: "Who leads or funds which program?",
    query: `${PREFIXES}
SELECT DISTINCT ?actor ?role ?program WHERE {
  { ?actor qc:leads ?program . BIND("leads" AS ?role) }
  UNION
  { ?actor qc:funds ?program . BIND("funds" AS ?role) }
}
ORDER BY ?program ?actor`,
  },
  {
    title: "How many entities of each kind?",
    query: `${PREFIXES}
SELECT ?class (COUNT(DISTINCT ?entity) AS ?entities) WHERE {
  ?entity a ?class .
  FILTER(STRSTARTS(STR(?class), STR(qc:)))
}
GROUP BY ?class
ORDER BY DESC(?entities)`,
  },
];

const $ = (id) => document.getElementById(id);

function pageFor(iri) {
  if (iri.startsWith(BASE_IRI)) return "/resource/" + iri.slice(BASE_IRI.length);
  if (iri.startsWith(ONTOLOGY_NS)) return "/ontology#" + iri.slice(ONTOLOGY_NS.length);
  return iri;
}

function shortName(iri) {
  if (iri.startsWith(BASE_IRI)) return "qcr:" + iri.slice(BASE_IRI.length);
  if (iri.startsWith(ONTOLOGY_NS)) return "qc:" + iri.slice(ONTOLOGY_NS.length);
  return iri;
}

function link(iri, text) {
  const a = document.createElement("a");
  a.href = pageFor(iri);
  a.textContent = text || shortName(iri);
  a.title = iri;
  return a;
}

function renderTerm(term) {
  if (!term) return document.createTextNode("");
  if (term.type === "uri") return link(term.value);
  if (term.type === "bnode") return document.createTextNode("_:" + term.value);
  const span = document.createElement("span");
  span.textContent = term.value;
  if (term["xml:lang"]) span.lang = term["xml:lang"];
  return span;
}

function renderTable(data) {
  const vars = data.head.vars || [];
  const table = document.createElement("table");
  table.className = "results";
  const caption = table.createCaption();
  const count = data.results.bindings.length;
  caption.textContent = `${count} result${count === 1 ? "" : "s"}`;
  const headRow = table.createTHead().insertRow();
  for (const name of vars) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = name;
    headRow.appendChild(th);
  }
  const body = table.createTBody();
  for (const binding of data.results.bindings) {
    const row = body.insertRow();
    for (const name of vars) row.insertCell().appendChild(renderTerm(binding[name]));
  }
  return table;
}

function showError(message) {
  const box = $("query-error");
  box.textContent = message;
  box.hidden = false;
}

async function errorText(response) {
  const text = await response.text();
  try {
    const data = JSON.parse(text);
    const detail = data.detail || data.error || data.message || data;
    return typeof detail === "string" ? detail : JSON.stringify(detail);
  } catch {
    return text || response.statusText;
  }
}

async function runQuery(event) {
  event.preventDefault();
  const results = $("results");
  const status = $("query-status");
  $("query-error").hidden = true;
  results.replaceChildren();
  status.textContent = "Running…";
  $("run").disabled = true;
  const started = performance.now();
  try {
    const response = await fetch("/sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/sparql-results+json, text/turtle;q=0.9",
      },
      body: new URLSearchParams({ query: $("query").value }),
    });
    if (!response.ok) {
      status.textContent = `The query failed (HTTP ${response.status}).`;
      showError(await errorText(response));
      return;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const type = response.headers.get("Content-Type") || "";
    if (type.includes("json")) {
      const data = await response.json();
      if (typeof data.boolean === "boolean") {
        const p = document.createElement("p");
        p.className = "boolean";
        p.textContent = data.boolean ? "Yes (true)" : "No (false)";
        results.appendChild(p);
      } else {
        results.appendChild(renderTable(data));
      }
    } else {
      const pre = document.createElement("pre");
      pre.textContent = await response.text();
      results.appendChild(pre);
    }
    status.textContent = `Done in ${seconds} s.`;
  } catch (error) {
    status.textContent = "The query could not be sent.";
    showError(String(error));
  } finally {
    $("run").disabled = false;
  }
}

async function search(event) {
  event.preventDefault();
  const list = $("search-results");
  const status = $("search-status");
  const q = $("search-input").value.trim();
  list.replaceChildren();
  if (!q) {
    status.textContent = "Type a name to search.";
    return;
  }
  const params = new URLSearchParams({ q, limit: "10" });
  if ($("search-type").value) params.set("type", $("search-type").value);
  status.textContent = "Searching…";
  try {
    const response = await fetch("/lookup?" + params, { headers: { Accept: "application/json" } });
    if (!response.ok) {
      status.textContent = `The search failed: ${await errorText(response)}`;
      return;
    }
    const hits = await response.json();
    status.textContent = hits.length ? `${hits.length} match${hits.length === 1 ? "" : "es"}.` : "No match.";
    for (const hit of hits) {
      const item = document.createElement("li");
      item.appendChild(link(hit.iri, hit.label));
      const kinds = (hit.types || []).map(shortName).join(", ");
      if (kinds) {
        const small = document.createElement("span");
        small.className = "kind";
        small.textContent = ` (${kinds})`;
        item.appendChild(small);
      }
      if (hit.description) {
        const p = document.createElement("p");
        p.className = "description";
        p.textContent = hit.description;
        item.appendChild(p);
      }
      list.appendChild(item);
    }
  } catch (error) {
    status.textContent = `The search could not be sent: ${error}`;
  }
}

function setUp() {
  const select = $("example");
  EXAMPLES.forEach((example, index) => {
    const option = document.createElement("option");
    option.value = String(index);
    option.textContent = example.title;
    select.appendChild(option);
  });
  select.addEventListener("change", () => {
    $("query").value = EXAMPLES[Number(select.value)].query;
  });
  $("query").value = EXAMPLES[0].query;
  $("query").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) $("query-form").requestSubmit();
  });
  $("query-form").addEventListener("submit", runQuery);
  $("search-form").addEventListener("submit", search);
}

document.addEventListener("DOMContentLoaded", setUp);
