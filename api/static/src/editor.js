// The SPARQL editor: CodeMirror 6 with SPARQL highlighting, completion of prefixes and qc: terms, the
// service's syntax errors marked at their line and column, a query history kept in localStorage.
import { autocompletion, closeBrackets, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { StreamLanguage, bracketMatching, defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { PREFIXES } from "./examples.js";

const KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "FILTER", "OPTIONAL", "UNION", "ORDER BY", "GROUP BY", "LIMIT",
  "OFFSET", "CONSTRUCT", "DESCRIBE", "ASK", "PREFIX", "BIND", "VALUES", "COUNT", "GRAPH", "MINUS", "HAVING"];
let ontologyTerms = null;

async function loadTerms() {
  if (ontologyTerms) return ontologyTerms;
  ontologyTerms = [];
  try {
    const query = `SELECT DISTINCT ?t ?kind WHERE { GRAPH <https://w3id.org/qcollab/graph/ontology> { ?t a ?kind }
      FILTER(STRSTARTS(STR(?t), "${PREFIXES.qc}")) }`;
    const response = await fetch("/sparql", { method: "POST", body: new URLSearchParams({ query }),
      headers: { Accept: "application/sparql-results+json" } });
    if (response.ok) {
      const seen = new Set();
      for (const row of (await response.json()).results.bindings) {
        const local = row.t.value.slice(PREFIXES.qc.length);
        if (local && !seen.has(local)) {
          seen.add(local);
          const kind = row.kind.value.endsWith("Class") ? "class" : "property";
          ontologyTerms.push({ label: "qc:" + local, type: kind, detail: kind });
        }
      }
    }
  } catch {
    /* completion of qc: terms is a convenience */
  }
  return ontologyTerms;
}

// PREFIX declarations, prefixed names (qc:Country) and keywords.
async function complete(context) {
  const declaration = context.matchBefore(/PREFIX\s+[\w-]*$/i);
  if (declaration) {
    const word = /[\w-]*$/.exec(declaration.text)[0];
    return {
      from: declaration.to - word.length,
      options: Object.entries(PREFIXES).map(([name, ns]) => ({ label: `${name}:`, apply: `${name}: <${ns}>`,
        detail: ns, type: "namespace" })),
    };
  }
  const word = context.matchBefore(/[A-Za-z][\w-]*:?[\w-]*$/);
  if (!word || (word.from === word.to && !context.explicit)) return null;
  if (word.text.startsWith("qc:")) return { from: word.from, options: await loadTerms(), validFor: /^qc:[\w-]*$/ };
  if (word.text.includes(":")) return null;
  return {
    from: word.from,
    options: [
      ...Object.entries(PREFIXES).map(([name, ns]) => ({ label: `${name}:`, detail: ns, type: "namespace" })),
      ...KEYWORDS.map((keyword) => ({ label: keyword, type: "keyword" })),
    ],
    validFor: /^[\w-]*$/,
  };
}

export function createEditor(parent, labelledBy, initial, run) {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: initial,
      extensions: [
        lineNumbers(), history(), bracketMatching(), closeBrackets(), highlightActiveLine(), lintGutter(),
        StreamLanguage.define(sparql), syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        autocompletion({ override: [complete] }),
        keymap.of([{ key: "Mod-Enter", run: () => (run(), true) }, ...completionKeymap, ...historyKeymap,
          ...defaultKeymap]),
        // tabindex: the editable text is focusable anyway; said so, the scroller around it (sideways on a
        // phone) is one a keyboard can reach (axe: scrollable-region-focusable).
        EditorView.contentAttributes.of({ "aria-labelledby": labelledBy, "aria-describedby": "query-help",
          spellcheck: "false", autocapitalize: "off", tabindex: "0" }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) view.dispatch(setDiagnostics(update.state, []));
        }),
      ],
    }),
  });
  return view;
}

export const textOf = (view) => view.state.doc.toString();

export function setText(view, text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

// Marks a syntax error at the line and column (both from 1) the service reported.
export function markError(view, line, column, message) {
  const doc = view.state.doc;
  const at = doc.line(Math.min(Math.max(line, 1), doc.lines));
  const from = Math.min(at.from + Math.max(column - 1, 0), at.to);
  const to = Math.min(from + 1, doc.length);
  view.dispatch(setDiagnostics(view.state, [{ from, to: Math.max(to, from), severity: "error", message }]));
}

const HISTORY_KEY = "qcollab.queryHistory";
const HISTORY_SIZE = 25;

export function readHistory() {
  try {
    const items = JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]");
    return Array.isArray(items) ? items.filter((item) => typeof item.query === "string") : [];
  } catch {
    return [];
  }
}

export function remember(query) {
  const items = [{ query, at: new Date().toISOString() }, ...readHistory().filter((item) => item.query !== query)];
  try {
    localStorage.setItem(HISTORY_KEY, JSON.stringify(items.slice(0, HISTORY_SIZE)));
  } catch {
    /* a full or disabled storage only loses the history */
  }
  return items.slice(0, HISTORY_SIZE);
}
