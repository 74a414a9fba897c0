import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, openTicket } from "../../../test/harness.js";
import { mergeDossier, missingFields, renderMarkdown } from "./escalation.dossier.js";
import type { DossierView } from "./escalation.schemas.js";

const DRAFT = {
  module: "Certificates",
  description: "Every certificate printed since the upgrade shows the old district name.",
  stepsToReproduce: ["Open a registered record", "Print the certificate"],
};
const REST = {
  applicationUrl: "https://crvs.example.org/records",
  impactedUsers: "All registrars of the site",
  impactedRoles: ["registrar", "district officer"],
  browserAndDevice: "Chrome 126 on Windows 11",
  evidence: { noEvidenceReason: "The printer output was not photographed" },
  severity: "high",
  workaroundExists: true,
  workaround: "Correct the district by hand before signing.",
};

describe("the dossier rules", () => {
  it("a partial dossier is laid over the stored one: given fields replace, null clears, absent ones stay", () => {
    const merged = mergeDossier(
      { module: "Certificates", summary: "Old summary", severity: "low" },
      { summary: "New summary", severity: null },
    );
    expect(merged).toEqual({ module: "Certificates", summary: "New summary" });
  });

  it("evidence counts as given with an attachment or a stated reason, not with an empty list", () => {
    const fields = (evidence: unknown) =>
      missingFields({ evidence } as never)
        .map((m) => m.field)
        .includes("dossier.evidence");
    expect(fields({ attachmentIds: [] })).toBe(true);
    expect(fields({ attachmentIds: [7] })).toBe(false);
    expect(fields({ attachmentIds: [], noEvidenceReason: "Only seen on the phone" })).toBe(false);
  });

  it("Markdown keeps the requester's text from breaking the document's structure", () => {
    const view = {
      ticket: {
        key: "ZMB-1",
        url: "http://x/api/v1/tickets/ZMB-1",
        subject: "s",
        category: "bug",
        priority: "high",
        status: "open",
        tier: 2,
      },
      version: 1,
      createdAt: "2026-03-02T08:00:00.000Z",
      createdBy: null,
      complete: false,
      missing: ["dossier.severity"],
      title: "[ZMB-1] # not a heading | *bold*",
      labels: [],
      site: { code: "ZMB", name: "Zambia", country: "Zambia" },
      product: { name: "OpenCRVS", version: "1.8.1", module: "Print\n## injected" },
      summary: "s",
      description: "d",
      stepsToReproduce: ["one"],
      applicationUrl: "https://x.example/a>b",
      impactedUsers: "u",
      impactedRoles: [],
      browserAndDevice: "b",
      evidence: { attachments: [], noEvidenceReason: null },
      severity: null,
      workaroundExists: null,
      workaround: null,
    } satisfies DossierView;
    const md = renderMarkdown(view);
    expect(md.split("\n")[0]).toBe("# \\[ZMB-1\\] \\# not a heading \\| \\*bold\\*");
    expect(md).toContain("- **Module:** Print \\#\\# injected");
    expect(md).not.toMatch(/^## injected/m);
    expect(md).toContain("<https://x.example/a%3Eb>");
    expect(md).toContain("## Still missing\n\n- dossier.severity");
  });
});

let h: Harness;
let key: string;
beforeAll(async () => {
  h = await createHarness();
  key = await openTicket(await h.as("agent@demo.test"), {
    site: "ZMB",
    subject: "Certificates print the wrong district",
    description: "Since last week's upgrade.",
    category: "bug",
    priority: "high",
    requester: { email: "requester-zmb@demo.test" },
  });
});
afterAll(async () => h?.close());

const put = async (email: string, ticket: string, body: Record<string, unknown>) =>
  (await h.as(email)).request("PUT", `/api/v1/tickets/${ticket}/dossier`, body);

describe("the Level 3 dossier through the API", () => {
  it("a ticket without a dossier answers 404 for it", async () => {
    const fresh = await openTicket(await h.as("agent@demo.test"), {
      site: "ZMB",
      subject: "No dossier yet",
      description: "d",
      requester: { email: "x@zmb.example" },
    });
    const res = await (await h.as("agent@demo.test")).get(`/api/v1/tickets/${fresh}/dossier`);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe("dossier.not_found");
  });

  it("every save is a new version; earlier versions stay as they were", async () => {
    const first = await put("agent@demo.test", key, DRAFT);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ version: 1, complete: false, product: { module: "Certificates" } });
    expect(first.json().missing).toContain("dossier.severity");
    expect(first.json().missing).not.toContain("dossier.stepsToReproduce");

    const second = await put("coordinator@demo.test", key, {
      ...REST,
      module: "Printing",
      description: null,
    });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({
      version: 2,
      product: { module: "Printing" },
      description: null,
      severity: "high",
    });
    expect(second.json().createdBy.name).toBe("Chloé Coordinator");
    expect(second.json().missing).toEqual(["dossier.description"]);

    const agent = await h.as("agent@demo.test");
    const v1 = (await agent.get(`/api/v1/tickets/${key}/dossier?version=1`)).json();
    expect(v1).toMatchObject({
      version: 1,
      product: { module: "Certificates" },
      description: DRAFT.description,
      severity: null,
    });
    expect((await agent.get(`/api/v1/tickets/${key}/dossier`)).json().version).toBe(2);
    expect((await agent.get(`/api/v1/tickets/${key}/dossier?version=9`)).statusCode).toBe(404);

    const versions = (await agent.get(`/api/v1/tickets/${key}/dossier/versions`)).json().items;
    expect(versions.map((v: { version: number; complete: boolean }) => [v.version, v.complete])).toEqual([
      [1, false],
      [2, false],
    ]);
    const events = (await agent.get(`/api/v1/tickets/${key}/events?limit=100`)).json().items;
    expect(events.filter((e: { type: string }) => e.type === "dossier.updated")).toHaveLength(2);
  });

  it("the JSON is shaped for a vendor tracker and the Markdown has a heading per section", async () => {
    const saved = await put("agent@demo.test", key, { description: DRAFT.description });
    expect(saved.json()).toMatchObject({ version: 3, complete: true, missing: [] });

    const agent = await h.as("agent@demo.test");
    const json = (await agent.get(`/api/v1/tickets/${key}/dossier?format=json`)).json();
    expect(json).toMatchObject({
      title: `[${key}] Certificates print the wrong district`,
      labels: ["tierdesk", "site:ZMB", "category:bug", "severity:high"],
      site: { code: "ZMB", country: "Zambia" },
      product: { name: "OpenCRVS", version: "1.8.1", module: "Printing" },
      ticket: { key, url: `http://tierdesk.test/api/v1/tickets/${key}`, priority: "high" },
      stepsToReproduce: DRAFT.stepsToReproduce,
      workaroundExists: true,
    });

    const md = await agent.get(`/api/v1/tickets/${key}/dossier?format=markdown`);
    expect(md.statusCode).toBe(200);
    expect(md.headers["content-type"]).toBe("text/markdown; charset=utf-8");
    const text = md.body;
    expect(text.startsWith(`# \\[${key}\\] Certificates print the wrong district\n`)).toBe(true);
    expect(text).toContain("- **Site:** Zambia civil registration (ZMB), Zambia");
    for (const heading of [
      "## Summary",
      "## Description",
      "## Steps to reproduce",
      "## Impacted users and roles",
      "## Evidence",
      "## Workaround",
    ])
      expect(text).toContain(`\n${heading}\n`);
    expect(text).toContain("1. Open a registered record\n2. Print the certificate");
    expect(text).toContain("- district officer");
    expect(text).toContain("No screenshot or log: The printer output was not photographed");
    expect(text).not.toContain("## Still missing");
  });

  it("agents, coordinators and the vendor team on it edit the dossier; site admins and managers only read it; requesters get neither", async () => {
    expect((await put("siteadmin-zmb@demo.test", key, { severity: "low" })).json().code).toBe(
      "escalation.forbidden",
    );
    expect((await put("manager@demo.test", key, { severity: "low" })).statusCode).toBe(403);
    expect((await (await h.as("manager@demo.test")).get(`/api/v1/tickets/${key}/dossier`)).statusCode).toBe(
      200,
    );
    expect(
      (await (await h.as("siteadmin-zmb@demo.test")).get(`/api/v1/tickets/${key}/dossier`)).statusCode,
    ).toBe(200);
    // The requester sees their ticket but not its internal side.
    const requester = await h.as("requester-zmb@demo.test");
    expect((await requester.get(`/api/v1/tickets/${key}`)).statusCode).toBe(200);
    expect((await requester.get(`/api/v1/tickets/${key}/dossier`)).statusCode).toBe(403);
    expect((await put("requester-zmb@demo.test", key, { severity: "low" })).statusCode).toBe(403);
    // Another site's people and a vendor before Level 3 do not even see it.
    expect(
      (await (await h.as("siteadmin-bgd@demo.test")).get(`/api/v1/tickets/${key}/dossier`)).statusCode,
    ).toBe(404);
    expect((await put("engineer@demo.test", key, { severity: "low" })).statusCode).toBe(404);

    const agent = await h.as("agent@demo.test");
    expect(
      (await agent.post(`/api/v1/tickets/${key}/escalations`, { direction: "up", reason: "L2" })).statusCode,
    ).toBe(200);
    expect(
      (await agent.post(`/api/v1/tickets/${key}/escalations`, { direction: "up", reason: "L3" })).statusCode,
    ).toBe(200);
    const byEngineer = await put("engineer@demo.test", key, { severity: "critical" });
    expect(byEngineer.statusCode).toBe(200);
    expect(byEngineer.json()).toMatchObject({ severity: "critical", createdBy: { name: "Emeka Engineer" } });
  });

  it("dossier fields are validated with the field at fault named", async () => {
    const res = await put("agent@demo.test", key, {
      applicationUrl: "javascript:alert(1)",
      stepsToReproduce: [],
      severity: "urgent",
      colour: "red",
    });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(["applicationUrl", "colour", "severity", "stepsToReproduce"]);
  });
});
