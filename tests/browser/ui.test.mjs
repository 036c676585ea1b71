// Drives the qcollab home page in headless Debian Chromium and prints what a person would see, as JSON.
// Usage: node tests/browser/ui.test.mjs <base_url>   (CHROMIUM_PATH overrides /usr/bin/chromium,
// SCREENSHOT=<file.png> saves the page after the query ran.)
import { launch } from "./chromium.mjs";

const PARTNERS_OF_JAPAN = `PREFIX qc: <https://w3id.org/qcollab/ontology#>
PREFIX qcr: <https://w3id.org/qcollab/resource/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?partner ?name WHERE {
  qcr:japan qc:collaboratesWith|^qc:collaboratesWith ?partner .
  ?partner rdfs:label ?name .
}
ORDER BY ?name`;
const TIMEOUT_MS = 30_000;

async function runQuery(page) {
  const editor = page.getByRole("textbox", { name: "SPARQL query" });  // the CodeMirror editor
  await editor.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(PARTNERS_OF_JAPAN);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const outcome = await Promise.race([
    page.locator("#results table").waitFor({ timeout: TIMEOUT_MS }).then(() => "table"),
    page.locator("#query-error:not([hidden])").waitFor({ timeout: TIMEOUT_MS }).then(() => "error"),
  ]);
  if (outcome === "error") {
    return { error: await page.locator("#query-error").innerText(), rows: [] };
  }
  const columns = await page.locator("#results table thead th").allInnerTexts();
  const rows = await page.locator("#results table tbody tr").evaluateAll((trs, names) =>
    trs.map((tr) => Object.fromEntries([...tr.cells].map((td, i) => {
      const a = td.querySelector("a");
      return [names[i], { text: td.innerText.trim(), href: a ? a.getAttribute("href") : null }];
    }))), columns);
  return { columns, rows, status: await page.locator("#query-status").innerText() };
}

async function search(page, words) {
  await page.getByLabel("Name or alias").fill(words);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await page.locator("#search-results li a").first().waitFor({ timeout: TIMEOUT_MS });
  return page.locator("#search-results li a").evaluateAll((links) =>
    links.map((a) => ({ text: a.textContent.trim(), href: a.getAttribute("href") })));
}

async function main() {
  const baseUrl = process.argv[2];
  if (!baseUrl) throw new Error("usage: node ui.test.mjs <base_url>");
  const { context, close } = await launch();
  const pageErrors = [];
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
    await page.goto(new URL("/", baseUrl).href, { waitUntil: "load", timeout: TIMEOUT_MS });
    const title = await page.title();
    const query = await runQuery(page);
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
    const searchHits = await search(page, "quantum flag");
    console.log(JSON.stringify({ title, query, searchHits, pageErrors }));
  } finally {
    await close();
  }
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
