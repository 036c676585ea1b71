// The search box over /lookup.
import { $, link, problemOf, shortName } from "./common.js";

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
      status.textContent = `The search failed: ${(await problemOf(response)).message}`;
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

export function setUpSearch() {
  $("search-form").addEventListener("submit", search);
}
