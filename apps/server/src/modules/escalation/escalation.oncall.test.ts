import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../test/harness.js";

let h: Harness;
const ids: Record<string, number> = {};
beforeAll(async () => {
  h = await createHarness();
  for (const who of ["agent", "coordinator", "engineer", "siteadmin-zmb", "requester-zmb", "manager"]) {
    ids[who] = (await (await h.as(`${who}@demo.test`)).get("/api/v1/me")).json().id;
  }
});
afterAll(async () => h?.close());

const putRota = async (email: string, site: string, entries: Array<{ userId: number; tier: number }>) =>
  (await h.as(email)).request("PUT", `/api/v1/sites/${site}/on-call`, { entries });

describe("the on-call rota of a site", () => {
  it("hub admins and the site's coordinators keep the rota; other staff may not, other sites' people do not see it", async () => {
    const byAdmin = await putRota("hubadmin@demo.test", "ZMB", [
      { userId: ids.agent as number, tier: 2 },
      { userId: ids.engineer as number, tier: 3 },
    ]);
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
    expect(byAdmin.json()).toEqual({
      site: "ZMB",
      entries: [
        { userId: ids.agent, name: "Tomás Agent", tier: 2 },
        { userId: ids.engineer, name: "Emeka Engineer", tier: 3 },
      ],
    });

    const byCoordinator = await putRota("coordinator@demo.test", "ZMB", [
      { userId: ids["siteadmin-zmb"] as number, tier: 1 },
      { userId: ids.coordinator as number, tier: 2 },
      { userId: ids.coordinator as number, tier: 2 },
    ]);
    expect(byCoordinator.statusCode).toBe(200);
    const read = (await (await h.as("coordinator@demo.test")).get("/api/v1/sites/ZMB/on-call")).json();
    expect(read.entries.map((e: { userId: number; tier: number }) => [e.userId, e.tier])).toEqual([
      [ids["siteadmin-zmb"], 1],
      [ids.coordinator, 2],
    ]);

    const byAgent = await putRota("agent@demo.test", "ZMB", []);
    expect(byAgent.statusCode).toBe(403);
    expect(byAgent.json().code).toBe("on_call.forbidden");
    expect((await (await h.as("manager@demo.test")).get("/api/v1/sites/ZMB/on-call")).statusCode).toBe(403);
    expect((await (await h.as("siteadmin-bgd@demo.test")).get("/api/v1/sites/ZMB/on-call")).statusCode).toBe(
      404,
    );
    expect(
      (await (await h.as("hubadmin@demo.test")).get("/api/v1/sites/ZMB/on-call")).json().entries,
    ).toHaveLength(2);
  });

  it("only people who can work a level may be on call for it, and every misfit is named", async () => {
    const res = await putRota("hubadmin@demo.test", "BGD", [
      { userId: ids["siteadmin-zmb"] as number, tier: 1 },
      { userId: ids.agent as number, tier: 2 },
      { userId: ids["requester-zmb"] as number, tier: 2 },
      { userId: ids.agent as number, tier: 3 },
      { userId: 999_999, tier: 1 },
    ]);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("on_call.not_eligible");
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual([
      "entries.0.userId",
      "entries.2.userId",
      "entries.3.userId",
      "entries.4.userId",
    ]);
    expect(
      (await (await h.as("hubadmin@demo.test")).get("/api/v1/sites/BGD/on-call")).json().entries,
    ).toEqual([]);

    const badTier = await putRota("hubadmin@demo.test", "BGD", [{ userId: ids.agent as number, tier: 4 }]);
    expect(badTier.statusCode).toBe(400);
    expect(badTier.json().errors[0].field).toBe("entries.0.tier");
  });
});
