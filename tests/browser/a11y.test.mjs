// Runs axe-core (tests/browser/package-lock.json) in headless Debian Chromium over the home page (with a
// query's answer and search hits shown), the network (its list of edges open, one edge's sentences shown), the
// charts, a resource page and a document page, each at a desktop and a phone-sized width, in one browser and
// one tab, and prints as JSON every violation and every check axe left for a person to review ("incomplete");
// the test (tests/api/test_web_a11y.py) fails on violations of impact "serious" or "critical".
// Usage: node tests/browser/a11y.test.mjs <base_url>   (CHROMIUM_PATH overrides /usr/bin/chromium.)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { launch } from "./chromium.mjs";

const TIMEOUT_MS = 30_000;
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
const ONE_ROW = `SELECT ?partner ?name WHERE { qcr:japan qc:collaboratesWith ?partner . ?partner rdfs:label ?name }`;

// Each page, and what it shows once it is ready to be read.
const PAGES = [
  ["/", async (page) => {
    const editor = page.getByRole("textbox", { name: "SPARQL query" });
    await editor.click();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(ONE_ROW);
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await page.locator("#results table tbody tr").first().waitFor({ timeout: TIMEOUT_MS });
    await page.getByLabel("Name or alias").fill("quantum flag");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.locator("#search-results li a").first().waitFor({ timeout: TIMEOUT_MS });
  }],
  ["/network", async (page) => {
    await page.locator("#network-summary[data-nodes]").waitFor({ timeout: TIMEOUT_MS });
    await page.locator("#network-table summary").click();  // the list of edges, and one edge's sentences
    await page.locator("#edge-list button").first().click();
    await page.locator("#evidence-list li").first().waitFor({ timeout: TIMEOUT_MS });
  }],
  ["/charts", (page) => page.locator("#charts-status[data-charts]").waitFor({ timeout: TIMEOUT_MS })],
  ["/resource/canada", async () => {}],
  ["/document/international-quantum-computing-collaborations", async () => {}],
];

async function audit(page) {
  await page.evaluate(AXE);
  return page.evaluate(async (tags) => {
    const results = await window.axe.run(document, { runOnly: { type: "tag", values: tags },
      resultTypes: ["violations", "incomplete"] });
    const described = (found) => found.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(" "),
        summary: n.failureSummary || n.any.map((check) => check.message).join(" ") })),
    }));
    return { violations: described(results.violations), review: described(results.incomplete) };
  }, RULES);
}

async function main() {
  const [base] = process.argv.slice(2);
  if (!base) throw new Error("usage: node a11y.test.mjs <base_url>");
  const { context, close } = await launch(WIDTHS.desktop);
  const errors = [];
  const audits = {};
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.on("pageerror", (error) => errors.push(`${page.url()}: ${error}`));
    for (const [width, viewport] of Object.entries(WIDTHS)) {
      await page.setViewportSize(viewport);
      for (const [path, ready] of PAGES) {
        await page.goto(new URL(path, base).href, { waitUntil: "load", timeout: TIMEOUT_MS });
        await ready(page);
        audits[`${width} ${path}`] = await audit(page);
      }
    }
    console.log(JSON.stringify({ audits, errors }));
  } finally {
    await close();
  }
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
