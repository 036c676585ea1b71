// The home page: the search box and the SPARQL editor with its example questions, history and result views.
import { $, element, problemOf } from "./common.js";
import { createEditor, markError, readHistory, remember, setText, textOf } from "./editor.js";
import { EXAMPLES } from "./examples.js";
import { setRaw, setUpViews, showNoResults, showResults } from "./results.js";
import { setUpSearch } from "./search.js";

const ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9";
const RAW_FORMATS = {
  select: [["json", "application/sparql-results+json"], ["csv", "text/csv"], ["tsv", "text/tab-separated-values"]],
  graph: [["n-triples", "application/n-triples"], ["turtle", "text/turtle"], ["json-ld", "application/ld+json"]],
};
let editor = null;
let lastQuery = "";
let run = 0; // the latest query sent: the answers of earlier ones are dropped

function post(query, accept) {
  return fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: accept },
    body: new URLSearchParams({ query }),
  });
}

function showError(problem) {
  const box = $("query-error");
  const where = problem.line ? `Line ${problem.line}, column ${problem.column}: ` : "";
  box.textContent = where + problem.message.replace(/^line \d+, column \d+: /, "");
  box.hidden = false;
  if (problem.line) markError(editor, problem.line, problem.column || 1, problem.message);
}

function fillHistory(items) {
  const list = $("history");
  list.replaceChildren(element("option", { value: "", text: items.length ? "Earlier queries…" : "No query yet" }));
  items.forEach((item, index) => {
    const firstLine = item.query.split("\n").find((line) => line.trim() && !/^\s*PREFIX/i.test(line)) || item.query;
    list.appendChild(element("option", { value: String(index), text: firstLine.trim().slice(0, 80) }));
  });
}

function fillRawFormats(kind) {
  const chooser = $("raw-format");
  chooser.replaceChildren(...RAW_FORMATS[kind].map(([name, type]) => element("option", { value: type, text: name })));
}

async function rawAs(type) {
  if (!lastQuery) return;
  const asked = run;
  const response = await post(lastQuery, type);
  const text = response.ok ? await response.text() : (await problemOf(response)).message;
  if (asked === run) setRaw(text);
}

async function runQuery(event) {
  event?.preventDefault();
  const status = $("query-status");
  const query = textOf(editor);
  const current = ++run;
  lastQuery = "";
  $("query-error").hidden = true;
  status.textContent = "Running…";
  showNoResults("The query is running…");
  $("run").disabled = true;
  const started = performance.now();
  try {
    const response = await post(query, ACCEPT);
    if (current !== run) return;
    fillHistory(remember(query));
    if (!response.ok) {
      status.textContent = `The query failed (HTTP ${response.status}).`;
      showNoResults("No answer: the query failed (the message is above).");
      showError(await problemOf(response));
      return;
    }
    const type = response.headers.get("Content-Type") || "";
    const body = await response.text();
    if (current !== run) return;
    lastQuery = query;
    fillRawFormats(type.includes("sparql-results") ? "select" : "graph");
    showResults(type, body);
    status.textContent = `Done in ${((performance.now() - started) / 1000).toFixed(2)} s.`;
  } catch (error) {
    if (current !== run) return;
    status.textContent = "The query could not be sent.";
    showNoResults("No answer: the query could not be sent.");
    showError({ message: String(error) });
  } finally {
    if (current === run) $("run").disabled = false;
  }
}

function setUp() {
  const textarea = $("query");
  const examples = $("example");
  EXAMPLES.forEach((example, index) => examples.appendChild(element("option", { value: String(index),
    text: example.title })));
  editor = createEditor($("editor"), "query-label", textarea.value || EXAMPLES[0].query, runQuery);
  textarea.hidden = true;
  $("query-label").removeAttribute("for");
  examples.addEventListener("change", () => setText(editor, EXAMPLES[Number(examples.value)].query));
  $("history").addEventListener("change", (event) => {
    const item = readHistory()[Number(event.target.value)];
    if (item) setText(editor, item.query);
  });
  $("raw-format").addEventListener("change", (event) => rawAs(event.target.value));
  fillHistory(readHistory());
  setUpViews();
  $("query-form").addEventListener("submit", runQuery);
  setUpSearch();
  window.qcollabEditor = editor;
}

document.addEventListener("DOMContentLoaded", setUp);
