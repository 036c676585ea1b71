// The collaboration network from /graph/network, drawn with Cytoscape.js and the fCoSE layout; filtered
// here, in the page, by kind, technology area, document and collaboration model.
import cytoscape from "cytoscape";
import fcose from "cytoscape-fcose";
import { $, KIND_COLORS, element, problemOf } from "./common.js";

cytoscape.use(fcose);
let cy = null;
let data = null;

const shown = (collection) => collection.not(".hidden");

// A large network names its heaviest nodes; the others once zoomed in past full size (Cytoscape rounds the
// zoom up to a power of two before it compares 12 px × zoom with min-zoomed-font-size).
const NAMED_HUBS = 30;

function style(maxWeight, large) {
  return [
    { selector: "node", style: {
      label: "data(label)", "background-color": "data(color)", color: "#1d2330", "font-size": 12,
      "text-outline-color": "#ffffff", "text-outline-width": 2, "min-zoomed-font-size": large ? 13 : 7,
      width: "mapData(weight, 0, " + Math.max(maxWeight.node, 1) + ", 16, 56)",
      height: "mapData(weight, 0, " + Math.max(maxWeight.node, 1) + ", 16, 56)",
      "border-width": 1, "border-color": "#ffffff" } },
    { selector: 'node[kind = "program"]', style: { shape: "round-rectangle" } },
    { selector: 'node[kind = "union"], node[kind = "region"]', style: { shape: "hexagon" } },
    { selector: "edge", style: {
      width: "mapData(weight, 1, " + Math.max(maxWeight.edge, 2) + ", 1.5, 9)", "line-color": "#8792a2",
      "curve-style": "haystack", opacity: 0.8 } },
    { selector: "edge[?program]", style: { "line-style": "dashed" } },
    { selector: ".hidden", style: { display: "none" } },
    { selector: ".faded", style: { opacity: 0.15 } },
    { selector: "node[?hub]", style: { "min-zoomed-font-size": 0, "font-weight": "bold", "z-index": 5 } },
    { selector: "node.match", style: { "border-width": 4, "border-color": "#f0a500", "min-zoomed-font-size": 0 } },
    { selector: "edge:selected", style: { "line-color": "#f0a500", opacity: 1 } },
  ];
}

function elements(network, large) {
  const hubs = new Set(large ? [...network.nodes].sort((a, b) => b.weight - a.weight).slice(0, NAMED_HUBS)
    .map((node) => node.id) : []);
  const nodes = network.nodes.map((node) => ({ group: "nodes", data: { ...node, hub: hubs.has(node.id),
    color: KIND_COLORS[node.kind] || KIND_COLORS.actor } }));
  const kinds = new Map(network.nodes.map((node) => [node.id, node.kind]));
  const edges = network.edges.map((edge) => ({ group: "edges", data: { ...edge,
    program: kinds.get(edge.source) === "program" || kinds.get(edge.target) === "program" } }));
  return [...nodes, ...edges];
}

function fillSelect(id, items) {
  const select = $(id);
  for (const item of items) select.appendChild(element("option", { value: item.id, text: item.label }));
}

function setUpFilters(network) {
  const present = new Set(network.nodes.map((node) => node.kind));
  for (const kind of network.facets.kinds.filter((k) => present.has(k))) {
    const id = `kind-${kind}`;
    const box = element("input", { type: "checkbox", id, value: kind });
    box.checked = true;
    $("kinds").appendChild(element("span", { class: "check" }, box, element("label", { for: id, text: kind })));
    $("legend").appendChild(element("li", {}, element("span", { class: "swatch", style:
      `background:${KIND_COLORS[kind] || KIND_COLORS.actor}`, "aria-hidden": "true" }), kind));
  }
  fillSelect("filter-area", network.facets.areas);
  fillSelect("filter-document", network.facets.documents);
  fillSelect("filter-model", network.facets.models);
  for (const node of network.nodes) $("node-names").appendChild(element("option", { value: node.label }));
  $("network-filters").addEventListener("change", applyFilters);
  $("network-filters").addEventListener("submit", (event) => event.preventDefault());
}

// Which nodes and edges the filters keep; an edge filter also hides the nodes left without edges.
export function applyFilters() {
  const kinds = new Set([...document.querySelectorAll("#kinds input:checked")].map((box) => box.value));
  const area = $("filter-area").value;
  const doc = $("filter-document").value;
  const model = $("filter-model").value;
  const onEdges = Boolean(area || doc || model);
  cy.batch(() => {
    const shownNodes = new Set();
    cy.edges().forEach((edge) => {
      const keep = kinds.has(edge.source().data("kind")) && kinds.has(edge.target().data("kind"))
        && (!area || edge.data("areas").includes(area)) && (!doc || edge.data("documents").includes(doc))
        && (!model || edge.data("models").includes(model));
      edge.toggleClass("hidden", !keep);
      if (keep) shownNodes.add(edge.source().id()).add(edge.target().id());
    });
    cy.nodes().forEach((node) => {
      node.toggleClass("hidden", !kinds.has(node.data("kind")) || (onEdges && !shownNodes.has(node.id())));
    });
  });
  const nodes = shown(cy.nodes()).length;
  const edges = shown(cy.edges()).length;
  const summary = $("network-summary");
  summary.dataset.nodes = String(nodes);
  summary.dataset.edges = String(edges);
  summary.textContent = `${nodes} nodes and ${edges} links shown` + (data.truncated ? " (the heaviest only)." : ".");
  if (nodes) cy.fit(shown(cy.elements()), 30);
  listEdges();
}

function search() {
  const words = $("network-search").value.trim().toLowerCase();
  cy.elements().removeClass("faded match");
  if (!words) return;
  const found = shown(cy.nodes()).filter((node) => node.data("label").toLowerCase().includes(words));
  if (found.length) {
    cy.elements().not(found).not(found.connectedEdges()).addClass("faded");
    found.addClass("match");
    cy.animate({ fit: { eles: found.closedNeighborhood(), padding: 40 }, duration: 200 });
  }
  $("network-summary").textContent = `${found.length} node${found.length === 1 ? "" : "s"} match “${words}”.`;
}

async function showEvidence(edge) {
  const list = $("evidence-list");
  const doc = $("filter-document").value;
  $("evidence-help").textContent = `${edge.source().data("label")} — ${edge.target().data("label")}: loading…`;
  list.replaceChildren();
  const params = new URLSearchParams({ source: edge.data("source"), target: edge.data("target") });
  if (doc) params.set("document", doc);
  const response = await fetch("/graph/network/evidence?" + params, { headers: { Accept: "application/json" } });
  if (!response.ok) {
    $("evidence-help").textContent = `The sentences could not be read: ${(await problemOf(response)).message}`;
    return;
  }
  const found = await response.json();
  $("evidence-help").textContent = `${edge.source().data("label")} — ${edge.target().data("label")}: `
    + `${found.sentences.length} sentence${found.sentences.length === 1 ? "" : "s"} (${edge.data("relations").join(", ")}).`;
  for (const sentence of found.sentences) {
    const source = element("p", { class: "source" }, "From ",
      element("a", { href: sentence.documentHref || sentence.href, text: sentence.documentTitle || "its document" }),
      sentence.start !== null ? `, characters ${sentence.start}–${sentence.end}` : "", " · ",
      element("a", { href: sentence.href, text: "the sentence" }));
    list.appendChild(element("li", {}, element("blockquote", { text: sentence.text }), source));
  }
}

function listEdges() {
  const list = $("edge-list");
  list.replaceChildren();
  shown(cy.edges()).forEach((edge) => {
    const button = element("button", { type: "button", class: "link", text: "sentences" });
    button.addEventListener("click", () => showEvidence(edge));
    const end = (node) => element("a", { href: node.data("href"), text: node.data("label") });
    list.appendChild(element("li", {}, end(edge.source()), " — ", end(edge.target()),
      ` (${edge.data("weight")}, ${edge.data("relations").join(", ")}) `, button));
  });
}

async function setUp() {
  const response = await fetch("/graph/network", { headers: { Accept: "application/json" } });
  if (!response.ok) {
    $("network-summary").textContent = `The network could not be read: ${(await problemOf(response)).message}`;
    return;
  }
  data = await response.json();
  const maxWeight = { node: Math.max(0, ...data.nodes.map((n) => n.weight)),
    edge: Math.max(1, ...data.edges.map((e) => e.weight)) };
  const large = data.nodes.length > 1500;
  const crowded = data.nodes.length > 300;
  cy = cytoscape({
    container: $("network"),
    elements: elements(data, crowded),
    style: style(maxWeight, crowded),
    layout: { name: "fcose", quality: large ? "draft" : "default", randomize: true, animate: false,
      nodeRepulsion: () => 9000, idealEdgeLength: () => 90, nodeSeparation: 80, packComponents: true,
      tilingPaddingVertical: 28, tilingPaddingHorizontal: 150 },
    minZoom: 0.05, maxZoom: 4, hideEdgesOnViewport: large, textureOnViewport: large,
  });
  cy.on("tap", "node", (event) => { window.location.href = event.target.data("href"); });
  cy.on("tap", "edge", (event) => showEvidence(event.target));
  setUpFilters(data);
  $("network-search").addEventListener("input", search);
  $("zoom-in").addEventListener("click", () => cy.zoom({ level: cy.zoom() * 1.3,
    renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }));
  $("zoom-out").addEventListener("click", () => cy.zoom({ level: cy.zoom() / 1.3,
    renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }));
  $("zoom-fit").addEventListener("click", () => cy.fit(shown(cy.elements()), 30));
  applyFilters();
  window.qcollabNetwork = cy;
}

document.addEventListener("DOMContentLoaded", setUp);
