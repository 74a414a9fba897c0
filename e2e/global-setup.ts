import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "vite";
import type { TestProject } from "vitest/node";
import { CHROMIUM, chromiumMissing } from "./support.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The web app built for this run (its own folder, so a parallel `npm run build` cannot disturb it). */
    webDist: string;
  }
}

/**
 * Builds the web app once for the browser journeys, into a folder of this run. Without Chromium the
 * journeys are skipped (each file says so), except under CI, where a missing browser is a failure.
 */
export default async function setup(project: TestProject) {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === "true") throw new Error(`CI must run the browser tests. ${chromiumMissing}`);
    console.warn(chromiumMissing);
    project.provide("webDist", "");
    return;
  }
  const web = path.resolve(import.meta.dirname, "../apps/web");
  const out = mkdtempSync(path.join(tmpdir(), "tierdesk-e2e-web-"));
  await build({
    root: web,
    configFile: path.join(web, "vite.config.ts"),
    logLevel: "warn",
    build: { outDir: out, emptyOutDir: true, sourcemap: false },
  });
  project.provide("webDist", out);
  return () => rmSync(out, { recursive: true, force: true });
}
