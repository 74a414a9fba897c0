import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, createHarness, type Harness, testClock } from "../../../test/harness.js";
import { DEMO_PASSWORD } from "../demo/demo.data.js";
import { AUTH_CACHE_TTL_MS } from "./auth.service.js";

let h: Harness;
const clock = testClock();
beforeAll(async () => {
  h = await createHarness({ clock });
});
afterAll(async () => h?.close());

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

async function signIn(email: string, password = DEMO_PASSWORD): Promise<Client> {
  const client = new Client(h.app);
  const res = await client.login(email, password);
  if (res.statusCode !== 200) throw new Error(`sign-in of ${email} failed: ${res.statusCode} ${res.body}`);
  return client;
}

let userCounter = 0;
/** A new ZMB agent created by the hub admin, so that locking or changing it affects no other test. */
async function newAgent(): Promise<{ id: number; email: string; password: string }> {
  const admin = await signIn("hubadmin@demo.test");
  const email = `cache-agent-${++userCounter}@example.org`;
  const password = "first-password-1";
  const res = await admin.post("/api/v1/users", {
    email,
    name: `Cache Agent ${userCounter}`,
    password,
    memberships: [{ site: "ZMB", role: "agent" }],
  });
  expect(res.statusCode).toBe(201);
  return { id: res.json().id, email, password };
}

/** Another process (a second server, the command line) writing straight to the shared database. */
const elsewhere = () => h.ctx.database.db;

async function zmbTicketKey(): Promise<string> {
  const agent = await h.as("agent@demo.test");
  const res = await agent.get("/api/v1/tickets?site=ZMB&limit=1");
  expect(res.statusCode).toBe(200);
  return res.json().items[0].key as string;
}

describe("what another process changes is seen within the cache's few seconds", () => {
  it("a user disabled by another process keeps working at most five seconds, then gets 401", async () => {
    const user = await newAgent();
    const session = await signIn(user.email, user.password);
    expect((await session.get("/api/v1/me")).statusCode).toBe(200);

    await elsewhere().updateTable("users").set({ disabled: 1 }).where("id", "=", user.id).execute();

    clock.advance(AUTH_CACHE_TTL_MS - 1);
    expect((await session.get("/api/v1/me")).statusCode).toBe(200);
    clock.advance(1);
    expect((await session.get("/api/v1/me")).statusCode).toBe(401);
  });

  it("a session deleted by another process ends within five seconds", async () => {
    const user = await newAgent();
    const session = await signIn(user.email, user.password);
    expect((await session.get("/api/v1/me")).statusCode).toBe(200);

    await elsewhere().deleteFrom("sessions").where("user_id", "=", user.id).execute();

    clock.advance(AUTH_CACHE_TTL_MS);
    expect((await session.get("/api/v1/me")).statusCode).toBe(401);
  });

  it("an API token revoked by another process stops working within five seconds", async () => {
    const user = await newAgent();
    const session = await signIn(user.email, user.password);
    const created = await session.post("/api/v1/auth/tokens", { name: "Script", scopes: ["tickets:read"] });
    expect(created.statusCode).toBe(201);
    const { token } = created.json();
    const script = new Client(h.app);
    script.bearer = token;
    expect((await script.get("/api/v1/tickets")).statusCode).toBe(200);

    await elsewhere()
      .updateTable("api_tokens")
      .set({ revoked_at: clock.now() })
      .where("token_hash", "=", sha256(token))
      .execute();

    clock.advance(AUTH_CACHE_TTL_MS - 1);
    expect((await script.get("/api/v1/tickets")).statusCode).toBe(200);
    clock.advance(1);
    expect((await script.get("/api/v1/tickets")).statusCode).toBe(401);
  });
});

describe("what this process changes takes effect at once", () => {
  it("an agent whose ZMB membership is removed here loses ZMB tickets on the next request", async () => {
    const key = await zmbTicketKey();
    const user = await newAgent();
    const session = await signIn(user.email, user.password);
    expect((await session.get(`/api/v1/tickets/${key}`)).statusCode).toBe(200);

    const admin = await signIn("hubadmin@demo.test");
    const moved = await admin.patch(`/api/v1/users/${user.id}`, {
      memberships: [{ site: "BGD", role: "agent" }],
    });
    expect(moved.statusCode).toBe(200);

    expect((await session.get(`/api/v1/tickets/${key}`)).statusCode).toBe(404);
    const me = (await session.get("/api/v1/me")).json();
    expect(JSON.stringify(me)).toContain("BGD");
    expect(JSON.stringify(me)).not.toContain("ZMB");
  });

  it("a user disabled here loses their API token on the next request, with no wait", async () => {
    const user = await newAgent();
    const session = await signIn(user.email, user.password);
    const { token } = (
      await session.post("/api/v1/auth/tokens", { name: "Script", scopes: ["tickets:read"] })
    ).json();
    const script = new Client(h.app);
    script.bearer = token;
    expect((await script.get("/api/v1/tickets")).statusCode).toBe(200);

    const admin = await signIn("hubadmin@demo.test");
    expect((await admin.patch(`/api/v1/users/${user.id}`, { disabled: true })).statusCode).toBe(200);

    expect((await script.get("/api/v1/tickets")).statusCode).toBe(401);
  });

  it("signing out ends the session on the next request even though it was just used", async () => {
    const user = await newAgent();
    const session = await signIn(user.email, user.password);
    const cookie = session.cookie;
    expect((await session.get("/api/v1/me")).statusCode).toBe(200);
    expect((await session.post("/api/v1/auth/logout")).statusCode).toBe(204);

    const replay = new Client(h.app);
    replay.cookie = cookie;
    expect((await replay.get("/api/v1/me")).statusCode).toBe(401);
  });
});

describe("the actor of a user, read in one query", () => {
  it("an engineer's actor carries their vendor team and a site admin's their site role", async () => {
    const db = h.ctx.database.db;
    const idOf = async (email: string) =>
      (await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
    const all = new Set(["tickets:read"] as const);

    const engineer = await h.ctx.users.loadActor(await idOf("engineer@demo.test"), all, "token");
    const team = await db
      .selectFrom("vendor_teams")
      .select("id")
      .where("slug", "=", "opencrvs-core")
      .executeTakeFirstOrThrow();
    expect(engineer?.vendorTeamIds).toContain(team.id);
    expect(engineer?.email).toBe("engineer@demo.test");
    expect(engineer?.via).toBe("token");

    const zmb = await db.selectFrom("sites").select("id").where("code", "=", "ZMB").executeTakeFirstOrThrow();
    const siteAdmin = await h.ctx.users.loadActor(await idOf("siteadmin-zmb@demo.test"), all, "session");
    expect([...(siteAdmin?.roles.get(zmb.id) ?? [])]).toContain("site_admin");
    expect(siteAdmin?.hubAdmin).toBe(false);
    expect(siteAdmin?.vendorTeamIds).toEqual([]);
  });

  it("a disabled or unknown user has no actor", async () => {
    const user = await newAgent();
    const admin = await signIn("hubadmin@demo.test");
    expect((await admin.patch(`/api/v1/users/${user.id}`, { disabled: true })).statusCode).toBe(200);
    const all = new Set(["tickets:read"] as const);
    expect(await h.ctx.users.loadActor(user.id, all, "session")).toBeUndefined();
    expect(await h.ctx.users.loadActor(987_654, all, "session")).toBeUndefined();
  });
});
