import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, openTicket } from "../../../test/harness.js";

const FULL_DOSSIER = {
  module: "Certificates",
  summary: "Certificates print the wrong district",
  description: "Every certificate printed since the upgrade shows the old district name.",
  stepsToReproduce: ["Open a registered record", "Print the certificate"],
  productVersion: "1.8.1",
  applicationUrl: "https://crvs.example.org/records",
  impactedUsers: "All registrars of the site",
  impactedRoles: ["registrar"],
  browserAndDevice: "Chrome 126 on Windows 11",
  evidence: { noEvidenceReason: "The printer output was not photographed" },
  severity: "high",
  workaroundExists: false,
};
const { stepsToReproduce: _steps, ...WITHOUT_STEPS } = FULL_DOSSIER;

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.ctx.jobs.startWorking();
});
afterAll(async () => {
  await h?.ctx.jobs.stop();
  await h?.close();
});

const escalate = async (email: string, key: string, body: Record<string, unknown>) =>
  (await h.as(email)).post(`/api/v1/tickets/${key}/escalations`, body);

async function zmbTicket(priority = "normal", category = "bug"): Promise<string> {
  return openTicket(await h.as("siteadmin-zmb@demo.test"), {
    site: "ZMB",
    subject: "Certificates print the wrong district",
    description: "Since last week's upgrade the district name is wrong.",
    category,
    priority,
    requester: { name: "Bwalya Phiri", email: "bwalya@lusaka-health.example" },
  });
}

/** The people paged for a ticket, once the job runner has delivered at least `atLeast` pages. */
async function pagedFor(key: string, atLeast: number): Promise<string[]> {
  for (let i = 0; i < 300; i++) {
    const rows = await h.ctx.database.db
      .selectFrom("notifications")
      .innerJoin("tickets", "tickets.id", "notifications.ticket_id")
      .innerJoin("users", "users.id", "notifications.user_id")
      .select("users.email")
      .where("tickets.key", "=", key)
      .where("notifications.kind", "=", "escalation.page")
      .execute();
    if (rows.length >= atLeast) return rows.map((r) => r.email).sort();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nobody was paged for ${key}`);
}

async function tierEvents(key: string) {
  const events = (
    await (await h.as("agent@demo.test")).get(`/api/v1/tickets/${key}/events?limit=100`)
  ).json();
  return events.items.filter((e: { type: string }) => e.type === "tier.changed");
}

describe("escalation through the levels", () => {
  it("a site admin escalates a ZMB ticket to L2 but not to L3; the agent's L3 escalation needs the whole dossier; the engineer then sees it", async () => {
    const key = await zmbTicket();

    const toL2 = await escalate("siteadmin-zmb@demo.test", key, {
      direction: "up",
      reason: "The district list needs a configuration change",
    });
    expect(toL2.statusCode).toBe(200);
    expect(toL2.json().tier).toBe(2);
    const [opened, atL2] = toL2.json().tierHistory;
    expect(opened).toMatchObject({ tier: 1, reason: "opened" });
    expect(opened.leftAt).not.toBeNull();
    expect(atL2).toMatchObject({
      tier: 2,
      leftAt: null,
      reason: "The district list needs a configuration change",
    });

    const byAdmin = await escalate("siteadmin-zmb@demo.test", key, {
      direction: "up",
      reason: "Core bug",
      dossier: FULL_DOSSIER,
    });
    expect(byAdmin.statusCode).toBe(403);
    expect(byAdmin.headers["content-type"]).toContain("application/problem+json");
    expect(byAdmin.json().code).toBe("escalation.forbidden");
    expect(byAdmin.json().title).toMatch(/agents and coordinators/);

    const incomplete = await escalate("agent@demo.test", key, {
      direction: "up",
      reason: "Core product bug",
      dossier: WITHOUT_STEPS,
    });
    expect(incomplete.statusCode).toBe(422);
    expect(incomplete.headers["content-type"]).toContain("application/problem+json");
    expect(incomplete.json().code).toBe("escalation.dossier_incomplete");
    expect(incomplete.json().errors.map((e: { field: string }) => e.field)).toEqual([
      "dossier.stepsToReproduce",
    ]);
    expect((await (await h.as("agent@demo.test")).get(`/api/v1/tickets/${key}`)).json().tier).toBe(2);

    const toL3 = await escalate("agent@demo.test", key, {
      direction: "up",
      reason: "Core product bug",
      dossier: { stepsToReproduce: ["Open a registered record", "Print the certificate"] },
    });
    expect(toL3.statusCode).toBe(422);
    const complete = await escalate("agent@demo.test", key, {
      direction: "up",
      reason: "Core product bug",
      dossier: FULL_DOSSIER,
    });
    expect(complete.statusCode, complete.body).toBe(200);
    const ticket = complete.json();
    expect(ticket).toMatchObject({ tier: 3, status: "pending-vendor", vendorTeam: "opencrvs-core" });
    expect(ticket.tierHistory.map((s: { tier: number }) => s.tier)).toEqual([1, 2, 3]);
    expect(ticket.tierHistory.filter((s: { leftAt: string | null }) => s.leftAt === null)).toHaveLength(1);
    expect(ticket.tierHistory[2].leftAt).toBeNull();

    const engineer = await h.as("engineer@demo.test");
    expect((await engineer.get(`/api/v1/tickets/${key}`)).statusCode).toBe(200);
    const list = (await engineer.get("/api/v1/tickets?limit=100")).json();
    expect(list.items.map((t: { key: string }) => t.key)).toContain(key);
  });

  it("the escalation checklist shows the category's criteria for the next level and what the dossier still lacks", async () => {
    const key = await zmbTicket("normal", "performance");
    const criteria = (await (await h.as("agent@demo.test")).get("/api/v1/categories")).json();
    const performance = criteria.items.find((c: { key: string }) => c.key === "performance");

    const res = await (await h.as("siteadmin-zmb@demo.test")).get(`/api/v1/tickets/${key}/escalation`);
    expect(res.statusCode).toBe(200);
    const options = res.json();
    expect(options).toMatchObject({ key, tier: 1, category: "performance", expedited: false });
    const [toL2, toL3] = options.moves;
    expect(toL2).toMatchObject({ toTier: 2, direction: "up", allowed: true, dossierRequired: false });
    expect(toL2.criteria).toEqual(performance.criteria["2"]);
    expect(toL2.criteria.length).toBeGreaterThan(0);
    expect(toL3).toMatchObject({
      toTier: 3,
      allowed: false,
      code: "escalation.forbidden",
      dossierRequired: true,
    });
    expect(toL3.criteria).toEqual(performance.criteria["3"]);
    expect(toL3.dossierMissing).toContain("dossier.stepsToReproduce");
    // The summary and product version come from the ticket and its site.
    expect(toL3.dossierMissing).not.toContain("dossier.summary");
    expect(toL3.dossierMissing).not.toContain("dossier.productVersion");

    const requester = await (await h.as("requester-zmb@demo.test")).get(`/api/v1/tickets/${key}/escalation`);
    expect(requester.statusCode).toBe(404);
  });

  it("an L3 escalation without a dossier names every missing field at once", async () => {
    const key = await zmbTicket();
    await escalate("agent@demo.test", key, { direction: "up", reason: "Needs L2" });
    const res = await escalate("agent@demo.test", key, { direction: "up", reason: "Core bug" });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("escalation.dossier_incomplete");
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual([
      "dossier.module",
      "dossier.description",
      "dossier.stepsToReproduce",
      "dossier.applicationUrl",
      "dossier.impactedUsers",
      "dossier.impactedRoles",
      "dossier.browserAndDevice",
      "dossier.evidence",
      "dossier.severity",
      "dossier.workaroundExists",
    ]);
  });

  it("a critical ticket may skip to Level 3 and pages the vendor team when nobody is on call there", async () => {
    const key = await zmbTicket("critical");
    const res = await escalate("agent@demo.test", key, {
      direction: "up",
      toTier: 3,
      reason: "Registration is down at every office",
      dossier: FULL_DOSSIER,
      criteriaChecked: ["It was reproduced, or the evidence (screenshot or log) is attached"],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().tierHistory.map((s: { tier: number }) => s.tier)).toEqual([1, 3]);
    const [event] = await tierEvents(key);
    expect(event.after).toMatchObject({
      tier: 3,
      expedited: true,
      skipped: true,
      vendorTeam: "opencrvs-core",
    });
    expect(event.after.criteriaChecked).toHaveLength(1);

    expect(await pagedFor(key, 1)).toEqual(["engineer@demo.test"]);
    const inbox = (await (await h.as("engineer@demo.test")).get("/api/v1/notifications")).json();
    expect(inbox.items.some((n: { title: string }) => n.title.includes(key))).toBe(true);
  });

  it("a critical ticket escalated to Level 2 pages the site's Level 2 on-call people, not everyone", async () => {
    const coordinator = (await (await h.as("coordinator@demo.test")).get("/api/v1/me")).json();
    const coordinatorId = coordinator.id;
    const rota = await (await h.as("hubadmin@demo.test")).request("PUT", "/api/v1/sites/ZMB/on-call", {
      entries: [{ userId: coordinatorId, tier: 2 }],
    });
    expect(rota.statusCode, rota.body).toBe(200);

    const key = await zmbTicket("critical");
    const res = await escalate("siteadmin-zmb@demo.test", key, { direction: "up", reason: "Service down" });
    expect(res.statusCode).toBe(200);
    expect(await pagedFor(key, 1)).toEqual(["coordinator@demo.test"]);
  });

  it("a normal-priority escalation pages nobody", async () => {
    const key = await zmbTicket("normal");
    expect(
      (await escalate("siteadmin-zmb@demo.test", key, { direction: "up", reason: "Needs L2" })).statusCode,
    ).toBe(200);
    const [event] = await tierEvents(key);
    expect(event.after).toMatchObject({ expedited: false, skipped: false });
    expect(event.after.paged).toBeUndefined();
  });

  it("the vendor engineer hands a ticket back from Level 3 with an answer that stays as an internal note", async () => {
    const key = await zmbTicket();
    await escalate("agent@demo.test", key, { direction: "up", reason: "Needs L2" });
    expect(
      (await escalate("agent@demo.test", key, { direction: "up", reason: "Core bug", dossier: FULL_DOSSIER }))
        .statusCode,
    ).toBe(200);

    const noAnswer = await escalate("engineer@demo.test", key, { direction: "down", reason: "Not a bug" });
    expect(noAnswer.statusCode).toBe(422);
    expect(noAnswer.json().code).toBe("escalation.answer_required");

    const back = await escalate("engineer@demo.test", key, {
      direction: "down",
      reason: "Not a product bug",
      answer: "The district list is site configuration; update it in the country config.",
    });
    expect(back.statusCode).toBe(204);
    expect((await (await h.as("engineer@demo.test")).get(`/api/v1/tickets/${key}`)).statusCode).toBe(404);

    const agent = await h.as("agent@demo.test");
    const ticket = (await agent.get(`/api/v1/tickets/${key}`)).json();
    expect(ticket).toMatchObject({ tier: 2, status: "open", vendorTeam: null });
    expect(ticket.tierHistory.map((s: { tier: number }) => s.tier)).toEqual([1, 2, 3, 2]);
    const messages = (await agent.get(`/api/v1/tickets/${key}/messages?limit=100`)).json().items;
    const note = messages.find((m: { kind: string }) => m.kind === "note");
    expect(note.body).toContain("update it in the country config");
    expect(note.author.name).toBe("Emeka Engineer");
    const last = (await tierEvents(key)).at(-1);
    expect(last.after).toMatchObject({
      tier: 2,
      direction: "down",
      answer: expect.stringContaining("country config"),
    });
  });

  it("moves that skip, go below Level 1 or above Level 3 are refused naming toTier", async () => {
    const key = await zmbTicket();
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ direction: "up", toTier: 3, reason: "skip", dossier: FULL_DOSSIER }, /one level at a time/],
      [{ direction: "down", reason: "below", answer: "x" }, /below Level 1/],
      [{ direction: "up", toTier: 4, reason: "above" }, /highest/],
      [{ direction: "up", toTier: 1, reason: "same" }, /not above/],
    ];
    for (const [body, message] of cases) {
      const res = await escalate("agent@demo.test", key, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
      expect(res.json().code).toBe("escalation.invalid_move");
      expect(res.json().errors).toEqual([{ field: "toTier", message: expect.stringMatching(message) }]);
    }
    const l2 = await escalate("agent@demo.test", key, { direction: "up", reason: "L2" });
    expect(l2.statusCode).toBe(200);
    const dossierAtL2 = await escalate("agent@demo.test", key, {
      direction: "down",
      reason: "back",
      answer: "done",
      dossier: FULL_DOSSIER,
    });
    expect(dossierAtL2.statusCode).toBe(422);
    expect(dossierAtL2.json().code).toBe("escalation.not_applicable");
  });

  it("a closed ticket is not escalated", async () => {
    const key = await zmbTicket();
    const admin = await h.as("siteadmin-zmb@demo.test");
    expect((await admin.patch(`/api/v1/tickets/${key}`, { status: "closed" })).statusCode).toBe(200);
    const res = await escalate("siteadmin-zmb@demo.test", key, { direction: "up", reason: "late" });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe("escalation.ticket_closed");
  });

  it("the dossier's evidence must be files of this ticket, and a named vendor team must exist", async () => {
    const key = await zmbTicket();
    const other = await zmbTicket();
    const agent = await h.as("agent@demo.test");
    await escalate("agent@demo.test", key, { direction: "up", reason: "L2" });
    const log = Buffer.from("2026-03-02 ERROR district lookup failed\n");
    const foreign = (
      await agent.upload(`/api/v1/tickets/${other}/attachments`, [{ name: "a.log", content: log }])
    ).json().items[0];
    const mine = (
      await agent.upload(`/api/v1/tickets/${key}/attachments`, [{ name: "server.log", content: log }])
    ).json().items[0];

    const withForeign = await escalate("agent@demo.test", key, {
      direction: "up",
      reason: "Core bug",
      dossier: { ...FULL_DOSSIER, evidence: { attachmentIds: [foreign.id] } },
    });
    expect(withForeign.statusCode).toBe(422);
    expect(withForeign.json().code).toBe("escalation.dossier_invalid");
    expect(withForeign.json().errors[0].field).toBe("dossier.evidence.attachmentIds");

    const unknownTeam = await escalate("agent@demo.test", key, {
      direction: "up",
      reason: "Core bug",
      vendorTeam: "nobody-team",
      dossier: { ...FULL_DOSSIER, evidence: { attachmentIds: [mine.id] } },
    });
    expect(unknownTeam.statusCode).toBe(422);
    expect(unknownTeam.json().errors[0].field).toBe("vendorTeam");

    const res = await escalate("agent@demo.test", key, {
      direction: "up",
      reason: "Core bug",
      vendorTeam: "primero-core",
      dossier: { ...FULL_DOSSIER, evidence: { attachmentIds: [mine.id] } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().vendorTeam).toBe("primero-core");
    const dossier = (await agent.get(`/api/v1/tickets/${key}/dossier`)).json();
    expect(dossier.evidence.attachments.map((a: { filename: string }) => a.filename)).toEqual(["server.log"]);
    // The evidence object is replaced as a whole, so the earlier reason for having none is gone.
    expect(dossier.evidence.noEvidenceReason).toBeNull();
  });
});
