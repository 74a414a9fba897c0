import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { systemActor } from "../apps/server/src/shared/actor.js";
import {
  canRunBrowser,
  chromiumMissing,
  DESKTOP,
  Journey,
  newContext,
  PHONE,
  signIn,
  useServerAndBrowser,
} from "./support.js";

/** The focused element's accessible label text, to prove keyboard moves land where they should. */
const focusedLabel = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el?.id
      ? (document.querySelector(`label[for="${el.id}"]`)?.textContent ?? "")
      : (el?.textContent ?? "");
  });

describe.skipIf(!canRunBrowser())("hub administration and knowledge-base editing", () => {
  const rig = useServerAndBrowser();

  it("lets a hub admin set a site's holidays and SLA, fix a refused field, manage people, tokens and failed jobs", async () => {
    // a job that spent its retries, as the dead-letter list shows them
    const now = Date.now();
    await rig.server.ctx.database.db
      .insertInto("jobs")
      .values({
        name: "e2e.unreachable-tracker",
        payload: JSON.stringify({ ticket: "ZMB-1" }),
        singleton_key: null,
        state: "dead",
        run_at: now,
        attempts: 6,
        max_attempts: 6,
        locked_until: null,
        locked_by: null,
        last_error: "connect ECONNREFUSED 10.0.0.9:443",
        created_at: now,
        updated_at: now,
      })
      .execute();

    const context = await newContext(rig.browser, { viewport: DESKTOP, timezoneId: "Europe/Paris" });
    const page = await context.newPage();
    const journey = new Journey("admin-hub", page);
    await signIn(page, rig.server.url, "hubadmin@demo.test");
    await page.goto(`${rig.server.url}/admin`);
    await page.getByRole("heading", { level: 1, name: "Hub administration" }).waitFor();
    expect(await journey.audit("overview")).toEqual([]);

    // a site's business calendar: a holiday typed in, saved in the site's zone
    await page.getByRole("navigation", { name: /main/i }).getByRole("link", { name: "Sites" }).click();
    await page.getByRole("link", { name: "ZMB" }).click();
    await page.getByRole("heading", { level: 1, name: "Site ZMB" }).waitFor();
    await page.getByRole("link", { name: "Business calendar" }).click();
    await page.getByText("Times and dates are in the site's time zone, Africa/Lusaka.").waitFor();
    await page.getByRole("button", { name: "Add a holiday" }).click();
    await page.getByLabel("Date").last().fill("2026-10-24");
    await page.getByLabel("Holiday name").last().fill("Independence Day");
    await page.getByRole("button", { name: "Save calendar" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    expect((await rig.server.ctx.calendars.get(systemActor, "ZMB")).holidays).toContainEqual({
      date: "2026-10-24",
      name: "Independence Day",
    });
    expect(await journey.audit("calendar with a holiday")).toEqual([]);

    // SLA policies: a new policy for L3 tickets
    await page.getByRole("link", { name: "SLA policies" }).click();
    await page.getByRole("heading", { level: 1, name: "SLA policies of ZMB" }).waitFor();
    const before = (await rig.server.ctx.sla.policies(systemActor, "ZMB")).length;
    await page.getByRole("button", { name: "Add a policy" }).click();
    const added = page.getByRole("group").last();
    await added.getByLabel("Tier").selectOption("3");
    await added.getByLabel("First response").fill("240");
    await page.getByRole("button", { name: "Save policies" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    const policies = await rig.server.ctx.sla.policies(systemActor, "ZMB");
    expect(policies).toHaveLength(before + 1);
    expect(policies).toContainEqual(expect.objectContaining({ tier: 3, firstResponseMinutes: 240 }));
    await journey.step("sla policies saved");

    // channel settings: secrets are only ever "set" or "not set"
    await page.getByRole("link", { name: "Channels" }).click();
    await page.getByRole("heading", { level: 1, name: "Channels of ZMB" }).waitFor();
    await page.getByRole("heading", { level: 2, name: "WhatsApp" }).waitFor();
    expect(await page.getByLabel("Access token").inputValue()).toBe("");
    await journey.step("channels");

    // a refused field is shown at the field, tied to it for screen readers
    await page.goto(`${rig.server.url}/admin/sites`);
    await page.getByRole("heading", { level: 2, name: "Add a site" }).waitFor();
    await page.getByLabel("Code").fill("MWI");
    await page.getByLabel("Name", { exact: true }).fill("Malawi civil registration");
    await page.getByLabel("Country").fill("Malawi");
    await page.getByLabel("Product", { exact: true }).fill("OpenCRVS");
    await page.getByLabel("Time zone").fill("Africa/Atlantis");
    await page.getByLabel("Time zone").press("Enter");
    const zone = page.getByLabel("Time zone");
    await expect.poll(() => zone.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await zone.getAttribute("aria-describedby")) ?? "";
    const errorText = await page.locator(`[id="${describedBy.split(" ").at(-1)}"]`).textContent();
    expect(errorText).toMatch(/time zone/i);
    expect(await journey.audit("a refused time zone shown at its field")).toEqual([]);
    await zone.fill("Africa/Blantyre");
    await zone.press("Enter");
    await page.getByRole("status").filter({ hasText: "The site was added." }).waitFor();
    await page.getByRole("link", { name: "MWI" }).waitFor();

    // users: the agent gets a membership at the new site, by keyboard
    await page.goto(`${rig.server.url}/admin/users`);
    await page.getByLabel("Name or e-mail").fill("agent@demo");
    await page.getByRole("link", { name: /agent/i }).first().click();
    await page.getByRole("heading", { level: 2, name: "Password reset" }).waitFor();
    await page.getByLabel("Site", { exact: true }).selectOption("MWI");
    await page.getByLabel("Role", { exact: true }).selectOption("coordinator");
    await page.getByLabel("Role", { exact: true }).focus();
    await page.keyboard.press("Tab");
    expect(await focusedLabel(page)).toBe("Add membership");
    await page.keyboard.press("Enter");
    await page.getByText("MWI · Coordinator").waitFor();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    const agent = (await rig.server.ctx.users.list(systemActor, { q: "agent@demo.test" }))[0];
    expect(agent?.memberships).toContainEqual({ site: "MWI", role: "coordinator" });
    expect(await journey.audit("user with a new membership")).toEqual([]);

    // categories: the checklist before escalating to L3 gains a line
    await page.getByRole("navigation", { name: /main/i }).getByRole("link", { name: "Categories" }).click();
    const bug = page.getByRole("form", { name: "Bug" });
    const l3 = bug.getByLabel("Before escalating to L3");
    await l3.fill(`${await l3.inputValue()}\nThe logs of the failing request are attached`);
    await bug.getByRole("button", { name: "Save Bug" }).click();
    await bug.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    expect((await rig.server.ctx.categories.criteria("bug"))["3"]).toContain(
      "The logs of the failing request are attached",
    );
    await journey.step("category criteria");

    // canned replies: one offered at every site
    await page
      .getByRole("navigation", { name: /main/i })
      .getByRole("link", { name: "Canned replies" })
      .click();
    const add = page.getByRole("form", { name: "New canned reply" });
    await add.getByLabel("Title").fill("Ask for the outbox screenshot");
    await add.getByLabel("Text").fill("Could you send a screenshot of the **Outbox** screen?");
    await add.getByRole("button", { name: "Add canned reply" }).click();
    await page.getByRole("heading", { level: 2, name: "Ask for the outbox screenshot" }).waitFor();
    expect(await journey.audit("canned replies")).toEqual([]);

    // API tokens: the secret is shown once
    await page.getByRole("navigation", { name: /main/i }).getByRole("link", { name: "API tokens" }).click();
    await page.getByLabel("Name").fill("Monthly report");
    await page.getByRole("button", { name: "Create token" }).click();
    await page.getByText("Copy the token now: it is shown only once.").waitFor();
    expect(await page.locator("code.secret").textContent()).toMatch(/.{20,}/);
    await page.getByRole("button", { name: "Revoke Monthly report", exact: true }).waitFor();
    const everyone = page.getByRole("table", { name: "Everyone's tokens" });
    await everyone
      .getByRole("row", { name: /Monthly report/ })
      .getByText("hubadmin@demo.test")
      .waitFor();
    expect(await journey.audit("token created")).toEqual([]);

    // the dead-letter list: the failed job with its error, queued again
    await page.getByRole("navigation", { name: /main/i }).getByRole("link", { name: "Failed jobs" }).click();
    await page.getByText("connect ECONNREFUSED 10.0.0.9:443").waitFor();
    expect(await journey.audit("failed jobs")).toEqual([]);
    await page.getByRole("button", { name: "Run e2e.unreachable-tracker again" }).click();
    await page.getByRole("status").filter({ hasText: "e2e.unreachable-tracker was queued again." }).waitFor();
    await journey.step("job queued again");

    // Arabic on a phone: the same administration, right to left
    await page.setViewportSize(PHONE);
    await page.getByLabel("Language").selectOption("ar");
    await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe("rtl");
    await page.getByRole("heading", { level: 1, name: "المهام الفاشلة" }).waitFor();
    expect(await journey.audit("failed jobs in Arabic")).toEqual([]);
    await context.close();
  });

  it("lets an agent write an article with a live preview, publish it, translate it side by side and compare revisions", async () => {
    const context = await newContext(rig.browser, { viewport: DESKTOP });
    const page = await context.newPage();
    const journey = new Journey("admin-kb-editor", page);
    await signIn(page, rig.server.url, "agent@demo.test");
    await page.goto(`${rig.server.url}/staff/kb`);
    await page.getByRole("heading", { level: 1, name: "Knowledge-base articles" }).waitFor();
    await page
      .getByRole("link", { name: /Offline records do not sync/ })
      .first()
      .waitFor();
    expect(await journey.audit("article list")).toEqual([]);

    await page.getByRole("link", { name: "Write an article" }).click();
    await page.getByLabel("Title").fill("Reset a tablet's outbox");
    await page
      .getByLabel("Text (Markdown)")
      .fill(
        "Use this when records stay in the outbox.\n\n## Before you start\n\n- Charge the tablet\n- Connect to Wi-Fi",
      );
    const preview = page.getByRole("region", { name: "Preview" });
    await preview.getByRole("heading", { level: 2, name: "Before you start" }).waitFor();
    expect(await preview.getByRole("listitem").allTextContents()).toEqual([
      "Charge the tablet",
      "Connect to Wi-Fi",
    ]);
    await journey.step("new article with preview");
    await page.getByRole("button", { name: "Create draft" }).click();
    await page.getByRole("heading", { level: 1, name: "Edit “Reset a tablet's outbox”" }).waitFor();
    expect(await journey.audit("editor")).toEqual([]);

    // an edit with its reason, then the publishing steps
    const body = page.getByLabel("Text (Markdown)");
    await body.fill(`${await body.inputValue()}\n- Open Settings, then Outbox`);
    await page.getByLabel("What changed").fill("Added the last step");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Saved as a new revision." }).waitFor();
    await page.getByRole("button", { name: "Send for review" }).click();
    await page.getByRole("status").filter({ hasText: "Sent for review." }).waitFor();
    await page.getByText("In review", { exact: true }).first().waitFor();
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByRole("status").filter({ hasText: "Published: readers can see it now." }).waitFor();
    const id = Number(new URL(page.url()).pathname.split("/").at(-1));
    const published = await rig.server.ctx.kb.getArticle(systemActor, id, { exact: "true" });
    expect(published).toMatchObject({ status: "published", revision: 4 });
    expect(published.html).toContain("Open Settings, then Outbox");
    await journey.step("published");

    // a French translation, edited beside the generic text
    await page.getByRole("textbox", { name: "Language" }).fill("fr");
    await page.getByRole("button", { name: "Start from a copy of this text" }).click();
    await page.getByRole("heading", { level: 2, name: "Generic text" }).waitFor();
    await page.getByLabel("Title").fill("Vider la boîte d'envoi d'une tablette");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Saved as a new revision." }).waitFor();
    await page.getByRole("cell", { name: /Translation \(fr\)/ }).waitFor();
    expect(await journey.audit("translation beside the generic text")).toEqual([]);

    // the generic article's history: any two revisions compared
    await page.goto(`${rig.server.url}/staff/kb/articles/${id}/history`);
    await page.getByLabel("From").selectOption("1");
    await page.getByLabel("To").selectOption("2");
    const changes = page.getByRole("region", { name: "Changes" });
    await changes.locator("ins", { hasText: "Open Settings, then Outbox" }).waitFor();
    await page.getByText("Added the last step").waitFor();
    expect(await journey.audit("revision diff")).toEqual([]);
    await context.close();
  });
});

if (!canRunBrowser()) console.warn(chromiumMissing);
