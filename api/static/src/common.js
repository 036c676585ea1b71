// What every view shares: links to this service's pages, short names, and error messages from the API.
export const BASE_IRI =
  document.querySelector('meta[name="qcollab-base-iri"]')?.content || "https://w3id.org/qcollab/resource/";
export const ONTOLOGY_NS = "https://w3id.org/qcollab/ontology#";

export const $ = (id) => document.getElementById(id);

export function pageFor(iri) {
  if (iri.startsWith(BASE_IRI)) return "/resource/" + iri.slice(BASE_IRI.length);
  if (iri.startsWith(ONTOLOGY_NS)) return "/ontology#" + iri.slice(ONTOLOGY_NS.length);
  return iri;
}

export function shortName(iri) {
  if (iri.startsWith(BASE_IRI)) return "qcr:" + iri.slice(BASE_IRI.length);
  if (iri.startsWith(ONTOLOGY_NS)) return "qc:" + iri.slice(ONTOLOGY_NS.length);
  return iri;
}

export function link(iri, text) {
  const a = document.createElement("a");
  a.href = pageFor(iri);
  a.textContent = text || shortName(iri);
  a.title = iri;
  return a;
}

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

// The problem details of an error answer: its message, and the line and column of a syntax error.
export async function problemOf(response) {
  const text = await response.text();
  try {
    const data = JSON.parse(text);
    const detail = data.detail || data.error || data.message || data;
    return { message: typeof detail === "string" ? detail : JSON.stringify(detail), line: data.line,
      column: data.column };
  } catch {
    return { message: text || response.statusText };
  }
}

export async function select(query) {
  const response = await fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json" },
    body: new URLSearchParams({ query }),
  });
  if (!response.ok) throw new Error((await problemOf(response)).message);
  return (await response.json()).results.bindings;
}

// Colours of the kinds of node, the same in the network, its legend and the charts.
export const KIND_COLORS = {
  country: "#1f6fb4", union: "#6a3d9a", region: "#8e6bbf", agency: "#c2570a", university: "#17806a",
  institute: "#5b8f1a", company: "#c4227a", "standards-body": "#8a6214", organization: "#5f6670",
  program: "#b98900", actor: "#7c8491",
};
