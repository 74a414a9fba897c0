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
});
