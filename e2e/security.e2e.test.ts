import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { canRunBrowser, chromiumMissing, DEMO_PASSWORD, DESKTOP, useServerAndBrowser } from "./support.js";

/** Records every Content-Security-Policy violation the page reports, from its first script on. */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  await page.exposeFunction("__cspViolation", (v: string) => seen.push(v));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as unknown as { __cspViolation: (v: string) => void }).__cspViolation(
        `${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`,
      ),
    );
  });
  return seen;
}

describe.skipIf(!canRunBrowser())("security in the browser", () => {
  const rig = useServerAndBrowser();

  it("the API documentation works under its content security policy, with nothing blocked", async () => {
    // The real policy applies here (no bypass), so a blocked script or style would show.
    const context = await rig.browser.newContext({ viewport: DESKTOP });
    const signedIn = await context.request.post(`${rig.server.url}/api/v1/auth/login`, {
      data: { email: "agent@demo.test", password: DEMO_PASSWORD },
    });
    expect(signedIn.status()).toBe(200);
    const page = await context.newPage();
    const violations = await watchViolations(page);
    const res = await page.goto(`${rig.server.url}/api/docs/`);
    expect(res?.headers()["content-security-policy"]).toContain("script-src 'self'");
    // a large document on a busy machine: Playwright's own waits (30 s), not expect.poll's one second
    await page.locator(".swagger-ui .info .title", { hasText: "Tierdesk API" }).waitFor();
    expect(await page.locator(".opblock").count()).toBeGreaterThan(20);
    // an operation tried out with the session: its parameters, example answers and the live answer
    const categories = page.locator(".opblock-get", {
      has: page.locator('[data-path="/api/v1/categories"]'),
    });
    await categories.locator(".opblock-summary").click();
    await categories.locator(".try-out__btn").click();
    await categories.locator(".execute").click();
    await categories.locator(".live-responses-table .response-col_status", { hasText: "200" }).waitFor();
    expect(violations).toEqual([]);
    await context.close();
  });
});

if (!canRunBrowser()) console.warn(chromiumMissing);
