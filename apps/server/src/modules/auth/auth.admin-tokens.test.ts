import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, createHarness, type Harness } from "../../../test/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

/** A token the user creates for themselves; returns its id and secret. */
async function tokenOf(email: string, name: string): Promise<{ id: number; token: string }> {
  const res = await (await h.as(email)).post("/api/v1/auth/tokens", { name, scopes: ["tickets:read"] });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

function withToken(token: string): Client {
  const client = new Client(h.app);
  client.bearer = token;
  return client;
}

describe("everyone's API tokens, for hub admins", () => {
  it("a hub admin sees every live token with its owner, and never a secret", async () => {
    const agent = await tokenOf("agent@demo.test", "agent's sync script");
    const coordinator = await tokenOf("coordinator@demo.test", "coordinator's report");
    const res = await (await h.as("hubadmin@demo.test")).get("/api/v1/admin/tokens");
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as Array<{ id: number; name: string; owner: { email: string } }>;
    expect(items).toContainEqual(
      expect.objectContaining({
        id: agent.id,
        name: "agent's sync script",
        owner: expect.objectContaining({ email: "agent@demo.test" }),
      }),
    );
    expect(items.find((t) => t.id === coordinator.id)?.owner.email).toBe("coordinator@demo.test");
    expect(res.body).not.toContain(agent.token);
    expect(res.body).not.toContain(coordinator.token);
  });

  it("a hub admin revokes someone else's token, which stops working at once", async () => {
    const mine = await tokenOf("agent@demo.test", "leaver's laptop");
    expect((await withToken(mine.token).get("/api/v1/tickets")).statusCode).toBe(200);
    const revoked = await (await h.as("hubadmin@demo.test")).delete(`/api/v1/admin/tokens/${mine.id}`);
    expect(revoked.statusCode, revoked.body).toBe(204);
    expect((await withToken(mine.token).get("/api/v1/tickets")).statusCode).toBe(401);
    const listed = await (await h.as("hubadmin@demo.test")).get("/api/v1/admin/tokens");
    expect(listed.json().items.map((t: { id: number }) => t.id)).not.toContain(mine.id);
    const again = await (await h.as("hubadmin@demo.test")).delete(`/api/v1/admin/tokens/${mine.id}`);
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe("token.not_found");
  });

  it("nobody else lists or revokes other people's tokens", async () => {
    const target = await tokenOf("coordinator@demo.test", "kept");
    for (const email of [
      "siteadmin-zmb@demo.test",
      "agent@demo.test",
      "coordinator@demo.test",
      "manager@demo.test",
      "engineer@demo.test",
      "requester-zmb@demo.test",
    ]) {
      const client = await h.as(email);
      const list = await client.get("/api/v1/admin/tokens");
      expect(list.statusCode, email).toBe(403);
      expect(list.json().code).toBe("token.admin_only");
      expect((await client.delete(`/api/v1/admin/tokens/${target.id}`)).statusCode, email).toBe(403);
    }
    expect((await withToken(target.token).get("/api/v1/tickets")).statusCode).toBe(200);
    expect((await h.anonymous().get("/api/v1/admin/tokens")).statusCode).toBe(401);
  });

  it("a hub admin's own API token cannot manage tokens: that needs a signed-in session", async () => {
    const admin = await tokenOf("hubadmin@demo.test", "admin automation");
    const res = await withToken(admin.token).get("/api/v1/admin/tokens");
    expect(res.statusCode).toBe(403);
  });
});
