import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../test/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const plan = async (email: string, body: Record<string, unknown>) =>
  (await h.as(email)).post("/api/v1/releases", body);

describe("releases through the API", () => {
  it("agents, coordinators and hub admins plan releases", async () => {
    for (const [email, version] of [
      ["agent@demo.test", "2.0.0"],
      ["coordinator@demo.test", "2.0.1"],
      ["hubadmin@demo.test", "2.0.2"],
    ] as const) {
      const res = await plan(email, { product: "OpenCRVS", version, plannedDate: "2026-09-01" });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ product: "OpenCRVS", version, status: "planned", shippedAt: null });
      expect(res.headers.location).toBe(`/api/v1/releases/${res.json().id}`);
    }
  });

  it("site admins, managers, requesters and vendor engineers cannot plan releases", async () => {
    for (const email of [
      "siteadmin-zmb@demo.test",
      "manager@demo.test",
      "requester-zmb@demo.test",
      "engineer@demo.test",
    ]) {
      const res = await plan(email, { product: "OpenCRVS", version: "9.9.9" });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("release.forbidden");
    }
    const list = await (await h.as("agent@demo.test")).get("/api/v1/releases?product=OpenCRVS");
    expect(list.json().items.map((r: { version: string }) => r.version)).not.toContain("9.9.9");
  });

  it("the same version of a product cannot be planned twice", async () => {
    expect((await plan("agent@demo.test", { product: "Primero", version: "2.12.0" })).statusCode).toBe(201);
    const again = await plan("coordinator@demo.test", { product: "Primero", version: "2.12.0" });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe("releases.duplicate");
    expect((await plan("agent@demo.test", { product: "OpenCRVS", version: "2.12.0" })).statusCode).toBe(201);
  });

  it("a planned date must be a real calendar day", async () => {
    const res = await plan("agent@demo.test", {
      product: "OpenCRVS",
      version: "3.0.0",
      plannedDate: "2026-02-30",
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toContain("plannedDate");
  });

  it("releases are listed by product and status for staff and engineers, not for requesters", async () => {
    const agent = await h.as("agent@demo.test");
    const created = (await plan("agent@demo.test", { product: "Primero", version: "2.13.0" })).json();
    await agent.post(`/api/v1/releases/${created.id}/ship`);
    const shipped = (await agent.get("/api/v1/releases?product=Primero&status=shipped")).json().items;
    expect(shipped.map((r: { version: string }) => r.version)).toEqual(["2.13.0"]);
    const planned = (await agent.get("/api/v1/releases?product=Primero&status=planned")).json().items;
    expect(planned.map((r: { version: string }) => r.version)).toEqual(["2.12.0"]);
    const engineer = await (await h.as("engineer@demo.test")).get("/api/v1/releases");
    expect(engineer.statusCode).toBe(200);
    const requester = await (await h.as("requester-zmb@demo.test")).get("/api/v1/releases");
    expect(requester.statusCode).toBe(403);
    expect((await h.anonymous().get("/api/v1/releases")).statusCode).toBe(401);
  });

  it("shipping marks the release shipped once; shipping it again is a conflict", async () => {
    const agent = await h.as("agent@demo.test");
    const r = (await plan("agent@demo.test", { product: "OpenCRVS", version: "3.1.0" })).json();
    expect(r.actions).toEqual(expect.arrayContaining(["ship", "cancel"]));
    const shipped = await agent.post(`/api/v1/releases/${r.id}/ship`);
    expect(shipped.statusCode).toBe(200);
    expect(shipped.json().status).toBe("shipped");
    expect(shipped.json().shippedAt).not.toBeNull();
    expect(shipped.json().actions).not.toContain("ship");
    const again = await (await h.as("coordinator@demo.test")).post(`/api/v1/releases/${r.id}/ship`);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe("release.already_shipped");
    const manager = await (await h.as("manager@demo.test")).post(`/api/v1/releases/${r.id}/ship`);
    expect(manager.statusCode).toBe(403);
  });

  it("a shipped release keeps its date but its notes can still be written", async () => {
    const agent = await h.as("agent@demo.test");
    const r = (
      await plan("agent@demo.test", { product: "OpenCRVS", version: "3.2.0", plannedDate: "2026-10-01" })
    ).json();
    await agent.post(`/api/v1/releases/${r.id}/ship`);
    const date = await agent.patch(`/api/v1/releases/${r.id}`, { plannedDate: "2026-11-01" });
    expect(date.statusCode).toBe(409);
    expect(date.json().code).toBe("release.already_shipped");
    const notes = await agent.patch(`/api/v1/releases/${r.id}`, { notes: "Fixes search with apostrophes" });
    expect(notes.statusCode).toBe(200);
    expect(notes.json()).toMatchObject({ notes: "Fixes search with apostrophes", plannedDate: "2026-10-01" });
  });

  it("a planned release can be moved to another date, and a cancelled one can neither ship nor change", async () => {
    const agent = await h.as("agent@demo.test");
    const r = (
      await plan("agent@demo.test", { product: "OpenCRVS", version: "3.3.0", plannedDate: "2026-10-01" })
    ).json();
    const moved = await agent.patch(`/api/v1/releases/${r.id}`, { plannedDate: "2026-12-01" });
    expect(moved.json().plannedDate).toBe("2026-12-01");
    const cancelled = await agent.patch(`/api/v1/releases/${r.id}`, { status: "cancelled" });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().status).toBe("cancelled");
    const ship = await agent.post(`/api/v1/releases/${r.id}/ship`);
    expect(ship.statusCode).toBe(409);
    expect(ship.json().code).toBe("release.cancelled");
    const change = await agent.patch(`/api/v1/releases/${r.id}`, { notes: "too late" });
    expect(change.json().code).toBe("release.cancelled");
  });

  it("an unknown release is not found", async () => {
    const res = await (await h.as("agent@demo.test")).get("/api/v1/releases/999999");
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe("release.not_found");
  });
});
