import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../test/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const kenya = {
  code: "KEN",
  name: "Kenya civil registration",
  country: "Kenya",
  product: "OpenCRVS",
  productVersion: "1.8.0",
  timeZone: "Africa/Nairobi",
  languages: ["en", "sw"],
};

const fields = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field);

describe("sites through the API", () => {
  it("a hub admin adds a site, which then shows in the list with its settings", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const created = await admin.post("/api/v1/sites", kenya);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      code: "KEN",
      name: "Kenya civil registration",
      productVersion: "1.8.0",
      timeZone: "Africa/Nairobi",
      languages: ["en", "sw"],
      actions: ["read", "update"],
    });
    const list = (await admin.get("/api/v1/sites")).json();
    expect(list.items.map((s: { code: string }) => s.code)).toEqual(["BGD", "KEN", "UGA", "ZMB"]);
    expect((await admin.get("/api/v1/sites/KEN")).json().country).toBe("Kenya");
  });

  it("a new site's first ticket is numbered 1", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const site = await admin.post("/api/v1/sites", {
      ...kenya,
      code: "MWI",
      name: "Malawi",
      timeZone: "Africa/Blantyre",
    });
    expect(site.statusCode).toBe(201);
    const agent = await admin.post("/api/v1/users", {
      email: "agent-mwi@example.org",
      name: "Agent Malawi",
      password: "malawi-pass-1",
      memberships: [{ site: "MWI", role: "agent" }],
    });
    expect(agent.statusCode).toBe(201);
    const client = h.anonymous();
    expect((await client.login("agent-mwi@example.org", "malawi-pass-1")).statusCode).toBe(200);
    const ticket = await client.post("/api/v1/tickets", {
      site: "MWI",
      subject: "First ticket",
      description: "The first ticket of a new site.",
      requester: { email: "someone@example.org" },
    });
    expect(ticket.statusCode).toBe(201);
    expect(ticket.json().key).toBe("MWI-1");
  });

  it("a second site with the same code is refused with 409 site.code_taken", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const res = await admin.post("/api/v1/sites", { ...kenya, code: "ZMB", name: "Another Zambia" });
    expect(res.statusCode).toBe(409);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json().code).toBe("site.code_taken");
    expect(fields(res.json())).toEqual(["code"]);
    expect((await admin.get("/api/v1/sites/ZMB")).json().name).toBe("Zambia civil registration");
  });

  it("a time zone that does not exist is refused with 400 naming timeZone", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const res = await admin.post("/api/v1/sites", { ...kenya, code: "TZA", timeZone: "Africa/Atlantis" });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("request.invalid");
    expect(fields(res.json())).toEqual(["timeZone"]);
    expect((await admin.get("/api/v1/sites/TZA")).statusCode).toBe(404);
  });

  it("site codes must be short capital letters, and unknown fields are refused", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const lower = await admin.post("/api/v1/sites", { ...kenya, code: "k" });
    expect(lower.statusCode).toBe(400);
    expect(fields(lower.json())).toEqual(["code"]);
    const extra = await admin.post("/api/v1/sites", { ...kenya, code: "RWA", owner: "me" });
    expect(extra.statusCode).toBe(400);
    expect(fields(extra.json())).toContain("owner");
  });

  it("a hub admin changes a site's version, languages and time zone; the code stays", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const res = await admin.patch("/api/v1/sites/BGD", {
      productVersion: "1.8.1",
      languages: ["bn", "en"],
      timeZone: "Asia/Dhaka",
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ code: "BGD", productVersion: "1.8.1", languages: ["bn", "en"] });
    const again = (await admin.get("/api/v1/sites/BGD")).json();
    expect(again.productVersion).toBe("1.8.1");
    expect(again.name).toBe("Bangladesh civil registration");

    const codeChange = await admin.patch("/api/v1/sites/BGD", { code: "BAN" });
    expect(codeChange.statusCode).toBe(400);
    const badZone = await admin.patch("/api/v1/sites/BGD", { timeZone: "Mars/Olympus" });
    expect(badZone.statusCode).toBe(400);
    expect(fields(badZone.json())).toEqual(["timeZone"]);
  });

  it("a site admin may read their site but not change it or add sites", async () => {
    const siteAdmin = await h.as("siteadmin-zmb@demo.test");
    const site = await siteAdmin.get("/api/v1/sites/ZMB");
    expect(site.statusCode).toBe(200);
    expect(site.json().actions).toEqual(["read"]);
    const patch = await siteAdmin.patch("/api/v1/sites/ZMB", { name: "Renamed" });
    expect(patch.statusCode).toBe(403);
    const create = await siteAdmin.post("/api/v1/sites", { ...kenya, code: "SEN" });
    expect(create.statusCode).toBe(403);
    const admin = await h.as("hubadmin@demo.test");
    expect((await admin.get("/api/v1/sites/SEN")).statusCode).toBe(404);
  });

  it("people see only the sites they belong to; other sites are 404", async () => {
    const bgd = await h.as("siteadmin-bgd@demo.test");
    const list = (await bgd.get("/api/v1/sites")).json();
    expect(list.items.map((s: { code: string }) => s.code)).toEqual(["BGD"]);
    const zmb = await bgd.get("/api/v1/sites/ZMB");
    expect(zmb.statusCode).toBe(404);
    expect(zmb.json().code).toBe("site.not_found");
    expect((await bgd.patch("/api/v1/sites/ZMB", { name: "Renamed" })).statusCode).toBe(404);

    // A vendor engineer belongs to no site at all.
    const engineer = await h.as("engineer@demo.test");
    const none = await engineer.get("/api/v1/sites");
    expect(none.statusCode).toBe(200);
    expect(none.json().items).toEqual([]);
  });

  it("without signing in, sites are not listed", async () => {
    const res = await h.anonymous().get("/api/v1/sites");
    expect(res.statusCode).toBe(401);
  });
});
