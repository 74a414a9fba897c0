import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, openTicket } from "../../../test/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const put = async (email: string, url: string, body: Record<string, unknown>) =>
  (await h.as(email)).request("PUT", url, body);

describe("categories as reference data", () => {
  it("every signed-in user sees the support model's categories in order, each with its escalation criteria", async () => {
    const res = await (await h.as("requester-zmb@demo.test")).get("/api/v1/categories");
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items.map((c: { key: string }) => c.key)).toEqual([
      "training",
      "configuration",
      "account-access",
      "bug",
      "data-quality",
      "performance",
      "connectivity",
      "feature-request",
      "security",
      "other",
    ]);
    expect(items[3].criteria["2"].length).toBeGreaterThan(0);
    expect(items[3].criteria["3"].length).toBeGreaterThan(0);
    expect((await h.anonymous().get("/api/v1/categories")).statusCode).toBe(401);
  });

  it("a hub admin adds a category with its criteria, changes it and retires it", async () => {
    const created = await put("hubadmin@demo.test", "/api/v1/categories/data-export", {
      name: "Data export",
      criteria: { "2": ["The export was retried once"], "3": ["The export fails for every site"] },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ key: "data-export", active: true, position: 10 });
    expect(await h.ctx.categories.isActive("data-export")).toBe(true);

    const changed = await put("hubadmin@demo.test", "/api/v1/categories/data-export", {
      name: "Data exports",
      criteria: { "2": ["The export was retried twice"] },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      name: "Data exports",
      position: 10,
      criteria: { "2": ["The export was retried twice"], "3": [] },
    });
    expect((await h.ctx.categories.criteria("data-export"))["2"]).toEqual(["The export was retried twice"]);

    const retired = await put("hubadmin@demo.test", "/api/v1/categories/data-export", {
      name: "Data exports",
      active: false,
    });
    expect(retired.json().active).toBe(false);
    expect(await h.ctx.categories.isActive("data-export")).toBe(false);
    const keys = async (email: string, url: string) =>
      (await (await h.as(email)).get(url)).json().items.map((c: { key: string }) => c.key);
    expect(await keys("agent@demo.test", "/api/v1/categories")).not.toContain("data-export");
    expect(await keys("hubadmin@demo.test", "/api/v1/categories?includeInactive=true")).toContain(
      "data-export",
    );
    expect(await keys("agent@demo.test", "/api/v1/categories?includeInactive=true")).not.toContain(
      "data-export",
    );
  });

  it("only hub admins change categories and priorities", async () => {
    for (const email of ["agent@demo.test", "coordinator@demo.test", "siteadmin-zmb@demo.test"]) {
      const cat = await put(email, "/api/v1/categories/bug", { name: "Defect" });
      expect(cat.statusCode).toBe(403);
      expect(cat.json().code).toBe("reference.forbidden");
      expect((await put(email, "/api/v1/priorities/low", { name: "Low", rank: 3 })).statusCode).toBe(403);
    }
    const bug = (await (await h.as("agent@demo.test")).get("/api/v1/categories"))
      .json()
      .items.find((c: { key: string }) => c.key === "bug");
    expect(bug.name).toBe("Bug");
  });

  it("keys and fields are validated, naming the field at fault", async () => {
    const badKey = await put("hubadmin@demo.test", "/api/v1/categories/Bad_Key", { name: "x" });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json().errors[0].field).toBe("key");

    const badBody = await put("hubadmin@demo.test", "/api/v1/categories/new-one", {
      criteria: { "4": ["x"], "2": [""] },
      position: -1,
    });
    expect(badBody.statusCode).toBe(400);
    expect(
      badBody
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(["criteria.2.0", "criteria.4", "name", "position"]);

    const badPriority = await put("hubadmin@demo.test", "/api/v1/priorities/urgent", {
      name: "Urgent",
      rank: -1,
    });
    expect(badPriority.statusCode).toBe(400);
    expect(badPriority.json().errors[0].field).toBe("rank");
  });
});

describe("priorities as reference data", () => {
  it("priorities are listed by rank with critical the only expedited one", async () => {
    const items = (await (await h.as("requester-zmb@demo.test")).get("/api/v1/priorities")).json().items;
    expect(items.map((p: { key: string; expedited: boolean }) => [p.key, p.expedited])).toEqual([
      ["critical", true],
      ["high", false],
      ["normal", false],
      ["low", false],
    ]);
  });

  it("when a hub admin makes high priority expedited, a high ticket may skip to Level 3", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(agent, {
      site: "ZMB",
      subject: "Sync stalls",
      description: "Offline records do not sync.",
      category: "bug",
      priority: "high",
      requester: { email: "r@zmb.example" },
    });
    const body = {
      direction: "up",
      toTier: 3,
      reason: "Data loss risk",
      dossier: {
        module: "Sync",
        description: "Records created offline never reach the server.",
        stepsToReproduce: ["Go offline", "Register a birth", "Go online"],
        applicationUrl: "https://crvs.example.org",
        impactedUsers: "Field registrars",
        impactedRoles: ["field registrar"],
        browserAndDevice: "Android 14, Chrome",
        evidence: { noEvidenceReason: "Seen only on a registrar's phone" },
        severity: "critical",
        workaroundExists: false,
      },
    };
    expect((await agent.post(`/api/v1/tickets/${key}/escalations`, body)).statusCode).toBe(422);

    const res = await put("hubadmin@demo.test", "/api/v1/priorities/high", {
      name: "High",
      rank: 1,
      expedited: true,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ key: "high", expedited: true });
    const skipped = await agent.post(`/api/v1/tickets/${key}/escalations`, body);
    expect(skipped.statusCode, skipped.body).toBe(200);
    expect(skipped.json().tier).toBe(3);
  });

  it("a hub admin adds a priority", async () => {
    const res = await put("hubadmin@demo.test", "/api/v1/priorities/urgent", { name: "Urgent", rank: 0 });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ key: "urgent", name: "Urgent", rank: 0, expedited: false });
  });
});

describe("tickets use the reference data", () => {
  const ticket = (extra: Record<string, unknown>) => ({
    site: "ZMB",
    subject: "Reference data",
    description: "Checking categories and priorities",
    requester: { email: "reference@example.org" },
    ...extra,
  });

  it("a ticket with an unknown category or priority is refused, naming the field", async () => {
    const agent = await h.as("agent@demo.test");
    const badCategory = await agent.post("/api/v1/tickets", ticket({ category: "printers" }));
    expect(badCategory.statusCode).toBe(422);
    expect(badCategory.json()).toMatchObject({
      code: "ticket.unknown_category",
      errors: [{ field: "category" }],
    });
    const badPriority = await agent.post("/api/v1/tickets", ticket({ priority: "someday" }));
    expect(badPriority.statusCode).toBe(422);
    expect(badPriority.json()).toMatchObject({
      code: "ticket.unknown_priority",
      errors: [{ field: "priority" }],
    });
    const key = await openTicket(agent, ticket({}));
    const patch = await agent.patch(`/api/v1/tickets/${key}`, { category: "printers" });
    expect(patch.statusCode).toBe(422);
  });

  it("a category the hub admin adds can be used at once, and a retired one no longer", async () => {
    const admin = "hubadmin@demo.test";
    expect(
      (
        await put(admin, "/api/v1/categories/certificates", {
          name: "Certificates",
          criteria: {},
          active: true,
        })
      ).statusCode,
    ).toBe(201);
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(agent, ticket({ category: "certificates" }));
    expect((await agent.get(`/api/v1/tickets/${key}`)).json().category).toBe("certificates");
    expect(
      (
        await put(admin, "/api/v1/categories/certificates", {
          name: "Certificates",
          criteria: {},
          active: false,
        })
      ).statusCode,
    ).toBe(200);
    expect((await agent.post("/api/v1/tickets", ticket({ category: "certificates" }))).statusCode).toBe(422);
  });

  it("changing a priority's rank re-sorts existing tickets by it", async () => {
    const agent = await h.as("agent@demo.test");
    const low = await openTicket(agent, ticket({ priority: "low", subject: "rank-low" }));
    const high = await openTicket(agent, ticket({ priority: "high", subject: "rank-high" }));
    const order = async () =>
      (await agent.get("/api/v1/tickets?site=ZMB&q=rank-&sort=priority&limit=10"))
        .json()
        .items.map((t: { key: string }) => t.key);
    expect(await order()).toEqual([high, low]);
    expect(
      (await put("hubadmin@demo.test", "/api/v1/priorities/low", { name: "Low", rank: 0, expedited: false }))
        .statusCode,
    ).toBe(200);
    expect(await order()).toEqual([low, high]);
    await put("hubadmin@demo.test", "/api/v1/priorities/low", { name: "Low", rank: 3, expedited: false });
  });
});
