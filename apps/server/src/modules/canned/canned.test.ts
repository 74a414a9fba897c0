import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../test/harness.js";

describe("canned replies", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  it("are kept by hub admins and site coordinators and offered to the site's staff only", async () => {
    const [hub, coordinator, zmbAdmin, bgdAdmin, requester] = await Promise.all([
      h.as("hubadmin@demo.test"),
      h.as("coordinator@demo.test"),
      h.as("siteadmin-zmb@demo.test"),
      h.as("siteadmin-bgd@demo.test"),
      h.as("requester-zmb@demo.test"),
    ]);
    const global = await hub.post("/api/v1/canned-replies", {
      title: "Thanks",
      body: "Thank you for writing.",
    });
    expect(global.statusCode).toBe(201);
    const zmb = await coordinator.post("/api/v1/canned-replies", {
      site: "ZMB",
      title: "Password reset",
      body: "Use Forgot password.",
    });
    expect(zmb.statusCode).toBe(201);
    expect(zmb.json().actions).toEqual(["read", "update", "delete"]);
    expect(
      (await coordinator.post("/api/v1/canned-replies", { title: "Hub-wide", body: "x" })).statusCode,
    ).toBe(403);
    expect(
      (await zmbAdmin.post("/api/v1/canned-replies", { site: "ZMB", title: "Mine", body: "x" })).statusCode,
    ).toBe(403);

    const forZmb = (await zmbAdmin.get("/api/v1/canned-replies?site=ZMB")).json().items;
    expect(forZmb.map((c: { title: string }) => c.title)).toEqual(["Password reset", "Thanks"]);
    expect(forZmb[0].actions).toEqual(["read"]);
    const forBgd = (await bgdAdmin.get("/api/v1/canned-replies")).json().items;
    expect(forBgd.map((c: { title: string }) => c.title)).toEqual(["Thanks"]);
    expect((await requester.get("/api/v1/canned-replies")).json().items).toEqual([]);
    expect((await bgdAdmin.patch(`/api/v1/canned-replies/${zmb.json().id}`, { title: "x" })).statusCode).toBe(
      404,
    );

    const changed = await coordinator.patch(`/api/v1/canned-replies/${zmb.json().id}`, {
      body: "Use the link.",
    });
    expect(changed.json().body).toBe("Use the link.");
    expect((await coordinator.delete(`/api/v1/canned-replies/${zmb.json().id}`)).statusCode).toBe(204);
    expect((await zmbAdmin.get("/api/v1/canned-replies?site=ZMB")).json().items).toHaveLength(1);
  });

  it("an engineer gets the hub-wide canned replies only, never a site's own", async () => {
    const marker = "zmb-canned-marker-a41f";
    const [hub, coordinator, engineer] = await Promise.all([
      h.as("hubadmin@demo.test"),
      h.as("coordinator@demo.test"),
      h.as("engineer@demo.test"),
    ]);
    expect(
      (await hub.post("/api/v1/canned-replies", { title: "Fixed in a release", body: "Fixed in 1.9." }))
        .statusCode,
    ).toBe(201);
    const own = await coordinator.post("/api/v1/canned-replies", {
      site: "ZMB",
      title: "Registrar hotline",
      body: `Call the Lusaka registrar on ${marker}.`,
    });
    expect(own.statusCode).toBe(201);

    for (const url of ["/api/v1/canned-replies", "/api/v1/canned-replies?site=ZMB"]) {
      const res = await engineer.get(url);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(marker);
      expect(res.json().items.map((c: { title: string }) => c.title)).toContain("Fixed in a release");
      expect(res.json().items.every((c: { site: string | null }) => c.site === null)).toBe(true);
    }
    const changed = await engineer.patch(`/api/v1/canned-replies/${own.json().id}`, { title: "x" });
    expect(changed.statusCode).toBe(404);
    expect(changed.json().code).toBe("canned.not_found");
    expect(changed.body).not.toContain(marker);
    const removed = await engineer.delete(`/api/v1/canned-replies/${own.json().id}`);
    expect(removed.statusCode).toBe(404);
    const kept = (await coordinator.get("/api/v1/canned-replies?site=ZMB")).json().items;
    expect(kept).toContainEqual(expect.objectContaining({ title: "Registrar hotline" }));
  });
});
