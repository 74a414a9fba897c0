// Prints the gzipped size of the JavaScript a first visit to the portal downloads: the entry chunk and the
// chunks it imports statically (not the lazy staff/admin areas, not the lazy non-English catalogs).
// Fails when it exceeds the budget (issue 6: 150 KB). Run after `npm run build -w apps/web`.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET = 150 * 1024;
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist");
const manifest = JSON.parse(readFileSync(path.join(dist, ".vite/manifest.json"), "utf8"));

/** The manifest keys of the entry and everything it imports statically. */
export function initialChunks(m) {
  const entry = Object.keys(m).find((k) => m[k].isEntry);
  const seen = new Set();
  const walk = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const dep of m[key].imports ?? []) walk(dep);
  };
  walk(entry);
  return [...seen];
}

let total = 0;
const rows = [];
for (const key of initialChunks(manifest)) {
  const file = manifest[key].file;
  const gz = gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;
  total += gz;
  rows.push(`  ${(gz / 1024).toFixed(1).padStart(7)} KB  ${file}`);
}
console.log(`Portal initial JavaScript (gzipped):\n${rows.join("\n")}`);
console.log(`  ${(total / 1024).toFixed(1).padStart(7)} KB  total (budget ${BUDGET / 1024} KB)`);
if (total > BUDGET) {
  console.error("Over budget: move code behind React.lazy or drop a dependency.");
  process.exitCode = 1;
}
