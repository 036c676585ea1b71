// Opens the network page of a large graph in headless Debian Chromium and prints, as JSON, what it drew, the
// errors it logged, the /graph/network answer it drew, and how long it took from the request of the page to
// the drawn network (for the report; the test does not judge the time). Usage: node tests/browser/scale.test.mjs <base_url> [<screenshot.png>]
// (CHROMIUM_PATH overrides /usr/bin/chromium.)
import { launch } from "./chromium.mjs";

const TIMEOUT_MS = 30_000;

async function main() {
  const [base, screenshot] = process.argv.slice(2);
  if (!base) throw new Error("usage: node scale.test.mjs <base_url> [<screenshot.png>]");
  const { context, close } = await launch();
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
    await close();
  }
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
