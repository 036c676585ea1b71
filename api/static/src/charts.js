// Three charts, each from one SPARQL query, each with its numbers in a table for those who cannot see it.
import { Chart, registerables } from "chart.js";
import { $, KIND_COLORS, element, link, select } from "./common.js";

Chart.register(...registerables);
const PALETTE = ["#1d5fbf", "#c2570a", "#17806a", "#6a3d9a", "#c4227a", "#8a6214"];

const PARTNERS = `
SELECT ?country ?name (COUNT(DISTINCT ?partner) AS ?partners) (COUNT(DISTINCT ?sentence) AS ?sentences) WHERE {
  ?country a qc:Country ; rdfs:label ?name .
  ?country qc:collaboratesWith|^qc:collaboratesWith ?partner .
  OPTIONAL {
    ?st a rdf:Statement ; rdf:predicate qc:collaboratesWith ; qc:extractedFrom ?sentence .
    { ?st rdf:subject ?country ; rdf:object ?partner } UNION { ?st rdf:object ?country ; rdf:subject ?partner }
  }
} GROUP BY ?country ?name ORDER BY DESC(?partners) ?name`;
const FUNDING = `
SELECT ?program ?name ?currency (SUM(?value) AS ?amount) WHERE {
  ?program qc:hasFunding ?funding . ?funding schema:value ?value ; schema:currency ?currency .
  OPTIONAL { ?program rdfs:label ?name }
} GROUP BY ?program ?name ?currency ORDER BY ?name ?currency`;
const MODELS = `
SELECT ?model ?name (COUNT(DISTINCT ?x) AS ?partnerships) WHERE {
  ?model a qc:CollaborationModel ; rdfs:label ?name .
  OPTIONAL { { ?x qc:exemplifies|qc:collaborationModel|qc:engagesIn ?model } UNION { ?model qc:hasExample ?x } }
} GROUP BY ?model ?name ORDER BY DESC(?partnerships) ?name`;

const number = (term) => Number(term.value);

function numbersTable(section, columns, rows) {
  const table = element("table", { class: "numbers" });
  table.createCaption().textContent = "The numbers";
  const head = table.createTHead().insertRow();
  for (const [title] of columns) head.appendChild(element("th", { scope: "col", text: title }));
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const [, cell] of columns) tr.insertCell().append(cell(row));
  }
  $(section).appendChild(element("details", {}, element("summary", { text: "The numbers as a table" }), table));
}

function bar(id, labels, datasets, horizontal) {
  return new Chart($(id), {
    type: "bar",
    data: { labels, datasets },
    options: { responsive: true, maintainAspectRatio: false, animation: false,
      indexAxis: horizontal ? "y" : "x", plugins: { legend: { position: "bottom" } } },
  });
}

async function partners() {
  const rows = await select(PARTNERS);
  bar("partners-chart", rows.map((r) => r.name.value), [
    { label: "partners", data: rows.map((r) => number(r.partners)), backgroundColor: KIND_COLORS.country },
    { label: "sentences", data: rows.map((r) => number(r.sentences)), backgroundColor: "#9aa3b2" },
  ], rows.length > 10);
  numbersTable("partners", [["Country", (r) => link(r.country.value, r.name.value)],
    ["Partners", (r) => r.partners.value], ["Sentences", (r) => r.sentences.value]], rows);
  return rows.length;
}

async function funding() {
  const rows = await select(FUNDING);
  const programs = [...new Map(rows.map((r) => [r.program.value, r.name ? r.name.value : r.program.value])).entries()];
  const currencies = [...new Set(rows.map((r) => r.currency.value))].sort();
  const amount = (program, currency) => {
    const row = rows.find((r) => r.program.value === program && r.currency.value === currency);
    return row ? number(row.amount) : null;
  };
  bar("funding-chart", programs.map(([, name]) => name), currencies.map((currency, i) => ({
    label: currency, data: programs.map(([program]) => amount(program, currency)),
    backgroundColor: PALETTE[i % PALETTE.length] })), programs.length > 10);
  numbersTable("funding", [["Program", (r) => link(r.program.value, r.name ? r.name.value : undefined)],
    ["Currency", (r) => r.currency.value], ["Amount", (r) => number(r.amount).toLocaleString("en")]], rows);
  return rows.length;
}

async function models() {
  const rows = await select(MODELS);
  bar("models-chart", rows.map((r) => r.name.value), [{ label: "partnerships",
    data: rows.map((r) => number(r.partnerships)), backgroundColor: "#6a3d9a" }], true);
  numbersTable("models", [["Collaboration model", (r) => link(r.model.value, r.name.value)],
    ["Partnerships", (r) => r.partnerships.value]], rows);
  return rows.length;
}

async function setUp() {
  const status = $("charts-status");
  status.textContent = "Counting…";
  const results = await Promise.allSettled([partners(), funding(), models()]);
  const failed = results.filter((r) => r.status === "rejected");
  status.textContent = failed.length ? `A chart could not be drawn: ${failed[0].reason.message}` : "All charts drawn.";
  status.dataset.charts = String(results.length - failed.length);
}

document.addEventListener("DOMContentLoaded", setUp);
