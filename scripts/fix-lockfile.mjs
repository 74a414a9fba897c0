// Our registry mirror serves only some platforms' builds of Biome, so `npm install` leaves the other
// platforms' optional packages out of package-lock.json and `npm ci` then refuses the lock file.
// This adds those entries back (os/cpu from the package name) so npm ci skips them as it should.
// Run after `npm install` changes the lock file: node scripts/fix-lockfile.mjs
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const packages = lock.packages;
let added = 0;
for (const pkg of Object.values(packages)) {
  for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const m = /^@biomejs\/cli-(android|darwin|linux|win32)-(arm64|x64)(-musl)?$/.exec(name);
    if (packages[key] || !m) continue;
    packages[key] = {
      version,
      cpu: [m[2]],
      license: "MIT OR Apache-2.0",
      optional: true,
      os: [m[1]],
      ...(m[3] ? { libc: ["musl"] } : {}),
      engines: { node: ">=14.21.3" },
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: added ${added} platform entries`);
