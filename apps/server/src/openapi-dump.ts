import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildApp } from "./app/app.js";
import { createContext } from "./app/context.js";
import { loadConfig } from "./config/config.js";
import { openMigrated } from "./main.js";

/**
 * Builds the app on a throw-away SQLite database and returns its OpenAPI document, so the web app's typed
 * client can be generated without a running server.
 */
export async function openApiDocument(): Promise<unknown> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "tierdesk-openapi-"));
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    SESSION_SECRET: randomBytes(32).toString("hex"),
  });
  const database = await openMigrated(config);
  try {
    const app = await buildApp(createContext(config, database), { logger: false });
    await app.ready();
    const doc = app.swagger();
    await app.close();
    return doc;
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// `tsx src/openapi-dump.ts <file>` writes the document (stdout without a file).
if (import.meta.url === `file://${process.argv[1]}`) {
  const doc = `${JSON.stringify(await openApiDocument(), null, 2)}\n`;
  const out = process.argv[2];
  if (out) writeFileSync(out, doc);
  else process.stdout.write(doc);
}
