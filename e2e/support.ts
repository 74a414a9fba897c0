import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, inject } from "vitest";
import { buildApp } from "../apps/server/src/app/app.js";
import { startBackground } from "../apps/server/src/app/background.js";
import { type AppContext, createContext } from "../apps/server/src/app/context.js";
import { loadConfig, prepareDataDir } from "../apps/server/src/config/config.js";
import { openMigrated } from "../apps/server/src/main.js";
import { DEMO_PASSWORD } from "../apps/server/src/modules/demo/demo.data.js";
import { loadDemoKnowledge } from "../apps/server/src/modules/demo/demo.kb.js";
import { loadDemo } from "../apps/server/src/modules/demo/demo.seed.js";

/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM = "/usr/bin/chromium";
export const chromiumMissing = `Browser tests skipped: ${CHROMIUM} is missing (on Debian: apt-get install chromium).`;
/** Whether the journeys can run here; files use `describe.skipIf(!canRunBrowser())`. */
export const canRunBrowser = (): boolean => existsSync(CHROMIUM) && inject("webDist") !== "";
export { DEMO_PASSWORD };

const root = path.resolve(import.meta.dirname, "..");
/** Screenshots and accessibility reports of every step land here (git-ignored). */
export const ARTEFACTS = path.join(root, "test-results");

/** A Tierdesk server running in this process on a fresh SQLite database with the demo data. */
export type TestServer = { url: string; ctx: AppContext; close: () => Promise<void> };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the server with the demo data, the built web app and the background workers, like `serve --demo`. */
export async function startServer(): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "tierdesk-e2e-"));
  const port = await freePort();
  const config = prepareDataDir(
    loadConfig({
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      SESSION_SECRET: randomBytes(32).toString("hex"),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SLA_SWEEP_SECONDS: "1",
    }),
  );
  const database = await openMigrated(config);
  const ctx = createContext(config, database);
  await loadDemo(config, database);
  await loadDemoKnowledge(ctx);
  const app = await buildApp(ctx, { logger: false, webDist: inject("webDist") });
  await ctx.jobs.init();
  const background = await startBackground(ctx);
  await app.listen({ port, host: "127.0.0.1" });
  return {
    url: config.publicUrl,
    ctx,
    close: async () => {
      await app.close();
      await background.stop();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The server and browser one test file's journeys share. */
export type Rig = { server: TestServer; browser: Browser };

/**
 * Starts a server and a browser before the enclosing describe's tests and closes both after them; the
 * fields of the answer are set once the tests run.
 */
export function useServerAndBrowser(): Rig {
  const rig = {} as Rig;
  beforeAll(async () => {
    [rig.server, rig.browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await rig.browser?.close();
    await rig.server?.close();
  });
  return rig;
}

/** Launches Debian's Chromium headless, with nothing that would reach the network. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** The viewports the journeys use: the portal must work on a 360 px phone. */
export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };

/** A browser context for one journey; the CSP is bypassed only so axe-core can be injected. */
export async function newContext(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; locale?: string; timezoneId?: string } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    viewport: options.viewport ?? PHONE,
    locale: options.locale ?? "en-GB",
    timezoneId: options.timezoneId ?? "Europe/London",
    bypassCSP: true,
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core"), "utf8");

/** An axe-core finding. */
export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: unknown }[] };

/**
 * Records one journey: numbered screenshots of each step under test-results/screenshots/<journey>/ and
 * axe-core reports under test-results/axe/<journey>/.
 */
export class Journey {
  private n = 0;
  constructor(
    readonly name: string,
    readonly page: Page,
  ) {
    for (const dir of ["screenshots", "axe"]) {
      rmSync(path.join(ARTEFACTS, dir, name), { recursive: true, force: true });
      mkdirSync(path.join(ARTEFACTS, dir, name), { recursive: true });
    }
  }

  private file(kind: "screenshots" | "axe", step: string, ext: string): string {
    const slug = step.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    return path.join(ARTEFACTS, kind, this.name, `${String(this.n).padStart(2, "0")}-${slug}.${ext}`);
  }

  /** Saves a full-page screenshot of the current step. */
  async step(step: string): Promise<void> {
    this.n++;
    await this.page.screenshot({ path: this.file("screenshots", step, "png"), fullPage: true });
  }

  /**
   * Screenshots the step and runs axe-core (WCAG 2.1 A/AA rules) on the page; returns the serious and
   * critical violations (the journeys expect none). The whole report is saved beside the screenshots.
   */
  async audit(step: string): Promise<AxeViolation[]> {
    await this.step(step);
    if (!(await this.page.evaluate(() => "axe" in window))) {
      await this.page.addScriptTag({ content: axeSource });
    }
    const result = (await this.page.evaluate(() =>
      (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> } }).axe.run(
        document,
        {
          runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        },
      ),
    )) as { violations: AxeViolation[] };
    writeFileSync(this.file("axe", step, "json"), JSON.stringify(result.violations, null, 2));
    return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  }
}

/** Signs a demo account in through the sign-in page. */
export async function signIn(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/signin`);
  await page.getByLabel(/e-mail/i).fill(email);
  await page.getByLabel(/password/i).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signin"));
}
