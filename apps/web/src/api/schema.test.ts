import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";

it("the committed API types match the server's OpenAPI document", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tierdesk-schema-"));
  try {
    const fresh = path.join(dir, "schema.d.ts");
    execFileSync(process.execPath, [
      path.resolve(import.meta.dirname, "../../scripts/gen-api.mjs"),
      "--out",
      fresh,
    ]);
    const committed = readFileSync(path.join(import.meta.dirname, "schema.d.ts"), "utf8");
    expect(
      readFileSync(fresh, "utf8") === committed,
      "apps/web/src/api/schema.d.ts is stale: run `npm run gen:api -w apps/web`",
    ).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
