// Opens the network page of a large graph in headless Debian Chromium and prints, as JSON, what it drew, the
// errors it logged, the /graph/network answer it drew, and how long it took from the request of the page to
// the drawn network (for the report; the test does not judge the time). Usage: node tests/browser/scale.test.mjs <base_url> [<screenshot.png>]
// (CHROMIUM_PATH overrides /usr/bin/chromium.)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const TIMEOUT_MS = 30_000;

async function main() {
  const [base, screenshot] = process.argv.slice(2);
  if (!base) throw new Error("usage: node scale.test.mjs <base_url> [<screenshot.png>]");
  const userDataDir = mkdtempSync(join(tmpdir(), "qcollab-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const errors = [];
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    let answer = null; // the page's own request of /graph/network, for the test to check its data
    page.on("response", (response) => {
      if (new URL(response.url()).pathname === "/graph/network") {
        answer = response.json().then((data) => ({ status: response.status(), data }));
      }
    });
    const started = Date.now();
    await page.goto(new URL("/network", base).href, { waitUntil: "load", timeout: TIMEOUT_MS });
    await page.locator("#network-summary[data-nodes]").waitFor({ timeout: TIMEOUT_MS });
    const milliseconds = Date.now() - started;
    const summary = page.locator("#network-summary");
    const drawn = await page.evaluate(() => {
      const cy = window.qcollabNetwork;
      const placed = cy.nodes().filter((node) => Number.isFinite(node.position("x"))).length;
      return { nodes: cy.nodes().length, edges: cy.edges().length, placed };
    });
    if (screenshot) await page.screenshot({ path: screenshot });
    console.log(JSON.stringify({
      shown: { nodes: Number(await summary.getAttribute("data-nodes")),
        edges: Number(await summary.getAttribute("data-edges")) },
      drawn, listed: await page.locator("#edge-list li").count(), milliseconds, errors, network: await answer,
    }));
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
