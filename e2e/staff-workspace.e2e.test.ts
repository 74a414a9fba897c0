import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  canRunBrowser,
  chromiumMissing,
  DESKTOP,
  Journey,
  newContext,
  signIn,
  useServerAndBrowser,
} from "./support.js";

describe.skipIf(!canRunBrowser())("the staff workspace", () => {
  const rig = useServerAndBrowser();
  /** The request the site admin escalates, followed through the levels. */
  let key = "";

  async function as(email: string): Promise<Page> {
    const context = await newContext(rig.browser, { viewport: DESKTOP });
    const page = await context.newPage();
    await signIn(page, rig.server.url, email);
    return page;
  }
  const badge = (page: Page, text: string) => page.locator(".ticket-page .badge", { hasText: text }).first();

  it("lets a ZMB site admin work a request and escalate it to Level 2", async () => {
    const page = await as("siteadmin-zmb@demo.test");
    const journey = new Journey("staff-escalate-l2", page);
    await page.goto(`${rig.server.url}/staff`);
    await page.getByRole("link", { name: /Level 1 \(my sites\)/ }).click();
    await expect.poll(() => page.locator("a.ticket-link").count()).toBeGreaterThan(0);
    expect(await journey.audit("level 1 queue")).toEqual([]);
    const first = page.locator("a.ticket-link").first();
    key = (await first.textContent()) ?? "";
    expect(key).toMatch(/^ZMB-\d+$/);
    await first.click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain(key);
    expect(await journey.audit("ticket page")).toEqual([]);

    await page.getByLabel("Internal note", { exact: true }).check();
    await page.getByLabel("Your note (staff only)").fill("Checked the printer settings; this needs Level 2.");
    await page.getByRole("button", { name: "Add note" }).click();
    await expect
      .poll(() => page.locator(".staff-thread li.note").last().textContent())
      .toContain("needs Level 2");
    await journey.step("internal note added");

    await page.getByText("Escalate or hand back").click();
    await page.getByLabel("Reason").fill("Template configuration needs a technical change");
    await journey.step("escalation form");
    await page.getByRole("button", { name: "Escalate to L2" }).click();
    await expect.poll(() => badge(page, "L2").isVisible()).toBe(true);
    await journey.step("at level 2");
    await page.context().close();
  });

  it("shows the agent each missing dossier field before Level 3, then escalates", async () => {
    expect(key).not.toBe("");
    const page = await as("agent@demo.test");
    const journey = new Journey("staff-escalate-l3", page);
    await page.goto(`${rig.server.url}/staff/tickets/${key}`);
    await expect.poll(() => badge(page, "L2").isVisible()).toBe(true);
    await page.getByText("Escalate or hand back").click();
    await page.getByLabel("Reason").fill("Core defect in certificate rendering");
    await page.getByRole("button", { name: "Escalate to L3" }).click();
    const errors = page.locator("#dossier-errors");
    await expect.poll(() => errors.isVisible()).toBe(true);
    const missing = await errors.getByRole("link").allTextContents();
    expect(missing).toEqual(expect.arrayContaining(["Steps to reproduce", "Severity", "Browser and device"]));
    expect(await page.getByLabel("Steps to reproduce").getAttribute("aria-invalid")).toBe("true");
    expect(await journey.audit("dossier incomplete")).toEqual([]);

    await page.getByLabel("Module or component").fill("Certificates");
    await page.getByLabel("Detailed description").fill("Printed certificates show the old district name.");
    await page.getByLabel("Steps to reproduce").fill("Register a birth in Chilenje\nPrint the certificate");
    await page.getByLabel("Product version").fill("1.9.0");
    await page.getByLabel("URL of the application").fill("https://opencrvs.zmb.example");
    await page.getByLabel("Impacted users").fill("All registrars at Chilenje clinic");
    await page.getByLabel("Impacted roles").fill("Registrar, Registration agent");
    await page.getByLabel("Browser and device").fill("Chrome 126 on Windows 10");
    await page.getByLabel("Or: why there is none").fill("The printed paper is the evidence; no digital copy");
    await page.getByLabel("Severity").selectOption("medium");
    await page.getByLabel("No", { exact: true }).check();
    await journey.step("dossier complete");
    await page.getByRole("button", { name: "Escalate to L3" }).click();
    await expect.poll(() => badge(page, "L3").isVisible()).toBe(true);
    await journey.step("at level 3");
    await page.context().close();
  });

  it("shows the engineer the ticket in the Level 3 queue and nothing of other vendors", async () => {
    const page = await as("engineer@demo.test");
    const journey = new Journey("staff-engineer-l3", page);
    await page.goto(`${rig.server.url}/staff?queue=l3`);
    await expect.poll(() => page.locator("a.ticket-link", { hasText: key }).count()).toBe(1);
    const sites = await page.locator(".table.tickets tbody tr .muted.small").allTextContents();
    expect(sites.length).toBeGreaterThan(0);
    // Primero's vendor team works the UGA tickets; the OpenCRVS engineer sees none of them.
    expect(sites.filter((s) => s.startsWith("UGA"))).toEqual([]);
    const teams = await page.evaluate(async () => {
      const res = await fetch("/api/v1/tickets?limit=100");
      return ((await res.json()) as { items: { vendorTeam: string | null }[] }).items.map(
        (t) => t.vendorTeam,
      );
    });
    expect(new Set(teams)).toEqual(new Set(["opencrvs-core"]));
    expect(await journey.audit("level 3 queue")).toEqual([]);
    await page.context().close();
  });

  it("shows a ticket whose SLA is breached as breached", async () => {
    const page = await as("agent@demo.test");
    const journey = new Journey("staff-breached", page);
    await page.goto(`${rig.server.url}/staff?queue=breaching`);
    // The demo tickets were opened a month ago: the SLA sweep (every second here) marks them breached.
    const breached = page.locator(".table.tickets tr.sla-breached");
    await expect.poll(() => breached.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await breached.first().locator(".badge.danger").textContent()).toBe("Breached");
    expect(await journey.audit("breaching queue")).toEqual([]);
    await breached.first().locator("a.ticket-link").click();
    await expect
      .poll(() => page.locator(".ticket-page .badge.danger").first().textContent())
      .toBe("Breached");
    await journey.step("breached ticket");
    await page.context().close();
  });
});

if (!canRunBrowser()) console.warn(chromiumMissing);
