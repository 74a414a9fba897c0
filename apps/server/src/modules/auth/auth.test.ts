import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, createHarness, type Harness, testClock } from "../../../test/harness.js";
import { DEMO_PASSWORD } from "../demo/demo.data.js";

const MINUTE = 60_000;
const DAY = 24 * 3600_000;

let h: Harness;
const clock = testClock();
beforeAll(async () => {
  h = await createHarness({ clock });
});
afterAll(async () => h?.close());

/** A brand-new session, opened at the clock's current time (h.as caches sessions, which the clock would age). */
async function signIn(email: string, password = DEMO_PASSWORD): Promise<Client> {
  const client = new Client(h.app);
  const res = await client.login(email, password);
  if (res.statusCode !== 200) throw new Error(`sign-in of ${email} failed: ${res.statusCode} ${res.body}`);
  return client;
}

/** A client that authenticates only with an API token. */
function withToken(token: string): Client {
  const client = new Client(h.app);
  client.bearer = token;
  return client;
}

let userCounter = 0;
/** A new ZMB agent created by the hub admin, so tests that lock or change an account affect no one else. */
async function newAgent(
  password = "first-password-1",
): Promise<{ id: number; email: string; password: string }> {
  const admin = await signIn("hubadmin@demo.test");
  const email = `auth-agent-${++userCounter}@example.org`;
  const res = await admin.post("/api/v1/users", {
    email,
    name: `Auth Agent ${userCounter}`,
    password,
    memberships: [{ site: "ZMB", role: "agent" }],
  });
  expect(res.statusCode).toBe(201);
  return { id: res.json().id, email, password };
}

/** A new ZMB requester, whose password a ZMB site admin may reset. */
async function newRequester(
  password = "first-password-1",
): Promise<{ id: number; email: string; password: string }> {
  const admin = await signIn("hubadmin@demo.test");
  const email = `auth-requester-${++userCounter}@example.org`;
  const res = await admin.post("/api/v1/users", {
    email,
    name: `Auth Requester ${userCounter}`,
    password,
    memberships: [{ site: "ZMB", role: "requester" }],
  });
  expect(res.statusCode).toBe(201);
  return { id: res.json().id, email, password };
}

/** The token of a fresh reset link issued by `issuer` for the user. */
async function resetToken(issuer: string | Client, userId: number): Promise<string> {
  const client = typeof issuer === "string" ? await signIn(issuer) : issuer;
  const res = await client.post(`/api/v1/users/${userId}/password-reset`);
  expect(res.statusCode).toBe(201);
  return new URL(res.json().url).hash.replace("#token=", "");
}

/** Uses a reset link and checks that it was refused without changing the password. */
async function expectDeadLink(token: string, user: { email: string; password: string }) {
  const res = await h.anonymous().post("/api/v1/auth/password-reset", { token, password: "taken-over-9" });
  expect(res.statusCode).toBe(422);
  expect(res.json().code).toBe("auth.reset_link_invalid");
  expect((await h.anonymous().login(user.email, "taken-over-9")).statusCode).toBe(401);
  expect((await h.anonymous().login(user.email, user.password)).statusCode).toBe(200);
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

const ticketBody = {
  site: "ZMB",
  subject: "Sync queue stuck",
  description: "Tablet has 12 records waiting since yesterday.",
  requester: { name: "Mary Phiri", email: "mary.phiri@example.org" },
};

describe("signing in", () => {
  it("a correct password gives an HttpOnly, SameSite=Lax, signed session cookie and a CSRF token", async () => {
    const res = await h.anonymous().request("POST", "/api/v1/auth/login", {
      email: "agent@demo.test",
      password: DEMO_PASSWORD,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.email).toBe("agent@demo.test");
    expect(typeof body.csrfToken).toBe("string");
    expect(body.csrfToken.length).toBeGreaterThanOrEqual(32);

    const raw = String(res.headers["set-cookie"]);
    expect(raw).toMatch(/^tierdesk_session=/);
    expect(raw).toMatch(/;\s*HttpOnly/i);
    expect(raw).toMatch(/;\s*SameSite=Lax/i);
    expect(raw).toMatch(/;\s*Path=\//i);
    const cookie = res.cookies.find((c) => c.name === "tierdesk_session");
    expect(cookie).toBeDefined();
    const unsigned = h.app.unsignCookie(cookie?.value ?? "");
    expect(unsigned.valid).toBe(true);
    expect(unsigned.value).toBeTruthy();
    expect(unsigned.value).not.toBe(cookie?.value);
  });

  it("an email is matched whatever its case and surrounding spaces", async () => {
    const res = await h.anonymous().request("POST", "/api/v1/auth/login", {
      email: "  Agent@Demo.TEST ",
      password: DEMO_PASSWORD,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().email).toBe("agent@demo.test");
  });

  it("a cookie whose signature was tampered with is not a session", async () => {
    const client = await signIn("agent@demo.test");
    const [value, signature] = (client.cookie ?? "").split(".");
    client.cookie = `${value}x.${signature}`;
    const res = await client.get("/api/v1/me");
    expect(res.statusCode).toBe(401);
  });

  it("a wrong password and an unknown email get the same 401 auth.invalid_credentials", async () => {
    const wrong = await h.anonymous().login("agent@demo.test", "not-the-password");
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers["content-type"]).toContain("application/problem+json");
    expect(wrong.json().code).toBe("auth.invalid_credentials");
    expect(wrong.headers["set-cookie"]).toBeUndefined();

    const unknown = await h.anonymous().login("nobody@example.org", "not-the-password");
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().code).toBe("auth.invalid_credentials");
    expect(unknown.json().title).toBe(wrong.json().title);
  });

  it("passwords are stored only as scrypt hashes, never as the plain text", async () => {
    const rows = await h.ctx.database.db.selectFrom("users").select(["email", "password_hash"]).execute();
    const agent = rows.find((r) => r.email === "agent@demo.test");
    expect(agent?.password_hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[\w-]+\$[\w-]+$/);
    for (const row of rows) expect(row.password_hash ?? "").not.toContain(DEMO_PASSWORD);
  });

  it("/me tells who is signed in, with site memberships and vendor teams", async () => {
    const agent = (await (await signIn("agent@demo.test")).get("/api/v1/me")).json();
    expect(agent.hubAdmin).toBe(false);
    expect(agent.memberships).toEqual([
      { site: "BGD", role: "agent" },
      { site: "UGA", role: "agent" },
      { site: "ZMB", role: "agent" },
    ]);
    expect(agent.vendorTeams).toEqual([]);
    expect(agent.scopes).toContain("tickets:write");
    expect(typeof agent.csrfToken).toBe("string");

    const engineer = (await (await signIn("engineer@demo.test")).get("/api/v1/me")).json();
    expect(engineer.memberships).toEqual([]);
    expect(engineer.vendorTeams).toEqual(["opencrvs-core"]);
  });

  it("without a session /me answers 401", async () => {
    const res = await h.anonymous().get("/api/v1/me");
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("auth.unauthenticated");
  });
});

describe("sessions", () => {
  it("signing out ends the session, and needs the CSRF header", async () => {
    const client = await signIn("agent@demo.test");
    const noCsrf = await client.app.inject({
      method: "POST",
      url: "/api/v1/auth/logout",
      headers: { cookie: client.cookie ?? "" },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().code).toBe("auth.csrf_failed");
    expect((await client.get("/api/v1/me")).statusCode).toBe(200);

    const out = await client.post("/api/v1/auth/logout");
    expect(out.statusCode).toBe(204);
    expect(String(out.headers["set-cookie"])).toMatch(/tierdesk_session=;/);
    const me = await client.get("/api/v1/me");
    expect(me.statusCode).toBe(401);
  });

  it("a session ends after 7 idle days but lives on while it is used", async () => {
    const client = await signIn("agent@demo.test");
    clock.advance(6 * DAY);
    expect((await client.get("/api/v1/me")).statusCode).toBe(200);
    clock.advance(6 * DAY);
    expect((await client.get("/api/v1/me")).statusCode).toBe(200);
    clock.advance(7 * DAY);
    const expired = await client.get("/api/v1/me");
    expect(expired.statusCode).toBe(401);
  });

  it("a session ends after 30 days even when used every day", async () => {
    const client = await signIn("agent@demo.test");
    for (let day = 0; day < 29; day++) {
      clock.advance(DAY);
      expect((await client.get("/api/v1/me")).statusCode).toBe(200);
    }
    clock.advance(DAY);
    expect((await client.get("/api/v1/me")).statusCode).toBe(401);
  });

  it("cookie-authenticated writes need the X-CSRF-Token header", async () => {
    const client = await signIn("agent@demo.test");
    const headers = { cookie: client.cookie ?? "", "content-type": "application/json" };
    const missing = await h.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers,
      payload: JSON.stringify(ticketBody),
    });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().code).toBe("auth.csrf_failed");

    const wrong = await h.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: { ...headers, "x-csrf-token": "not-the-token" },
      payload: JSON.stringify(ticketBody),
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().code).toBe("auth.csrf_failed");

    // Another session's token does not fit this session.
    const other = await signIn("agent@demo.test");
    const crossed = await h.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: { ...headers, "x-csrf-token": other.csrf ?? "" },
      payload: JSON.stringify(ticketBody),
    });
    expect(crossed.statusCode).toBe(403);

    const right = await client.post("/api/v1/tickets", ticketBody);
    expect(right.statusCode).toBe(201);
  });
});

describe("API tokens", () => {
  it("the secret is shown once; listings and the database hold only its prefix and hash", async () => {
    const client = await signIn("agent@demo.test");
    const created = await client.post("/api/v1/auth/tokens", {
      name: "Reporting script",
      scopes: ["tickets:read"],
    });
    expect(created.statusCode).toBe(201);
    const { token, id, prefix } = created.json();
    expect(token).toMatch(/^tdk_[\w-]{40,}$/);
    expect(token.startsWith(prefix)).toBe(true);

    const list = await client.get("/api/v1/auth/tokens");
    expect(list.statusCode).toBe(200);
    const listed = list.json().items.find((t: { id: number }) => t.id === id);
    expect(listed).toMatchObject({ name: "Reporting script", scopes: ["tickets:read"], expiresAt: null });
    expect(listed.token).toBeUndefined();
    expect(list.body).not.toContain(token);

    const row = await h.ctx.database.db
      .selectFrom("api_tokens")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(sha256(token));
    expect(Object.values(row)).not.toContain(token);
  });

  it("a tickets:read token lists tickets but may not open one, and needs no CSRF header", async () => {
    const client = await signIn("agent@demo.test");
    const { token } = (
      await client.post("/api/v1/auth/tokens", { name: "Reader", scopes: ["tickets:read"] })
    ).json();
    const api = withToken(token);
    const list = await api.get("/api/v1/tickets?site=ZMB");
    expect(list.statusCode).toBe(200);
    expect(list.json().items.length).toBeGreaterThan(0);

    const write = await api.post("/api/v1/tickets", ticketBody);
    expect(write.statusCode).toBe(403);
    expect(write.json().code).toBe("auth.scope_missing");

    const users = await api.get("/api/v1/users");
    expect(users.statusCode).toBe(403);
    expect(users.json().code).toBe("auth.scope_missing");
  });

  it("a token with tickets:write opens tickets without any CSRF header", async () => {
    const client = await signIn("agent@demo.test");
    const { token } = (
      await client.post("/api/v1/auth/tokens", {
        name: "Intake bot",
        scopes: ["tickets:read", "tickets:write"],
      })
    ).json();
    const res = await withToken(token).post("/api/v1/tickets", ticketBody);
    expect(res.statusCode).toBe(201);
    expect(res.json().key).toMatch(/^ZMB-\d+$/);
  });

  it("a revoked token stops working and disappears from the list", async () => {
    const client = await signIn("agent@demo.test");
    const { token, id } = (
      await client.post("/api/v1/auth/tokens", { name: "Old", scopes: ["tickets:read"] })
    ).json();
    expect((await withToken(token).get("/api/v1/tickets")).statusCode).toBe(200);
    expect((await client.delete(`/api/v1/auth/tokens/${id}`)).statusCode).toBe(204);

    const after = await withToken(token).get("/api/v1/tickets");
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe("auth.invalid_token");
    const ids = (await client.get("/api/v1/auth/tokens")).json().items.map((t: { id: number }) => t.id);
    expect(ids).not.toContain(id);
    expect((await client.delete(`/api/v1/auth/tokens/${id}`)).statusCode).toBe(404);
  });

  it("one user cannot revoke another user's token", async () => {
    const owner = await signIn("agent@demo.test");
    const { token, id } = (
      await owner.post("/api/v1/auth/tokens", { name: "Mine", scopes: ["tickets:read"] })
    ).json();
    const other = await signIn("coordinator@demo.test");
    const res = await other.delete(`/api/v1/auth/tokens/${id}`);
    expect(res.statusCode).toBe(404);
    expect((await withToken(token).get("/api/v1/tickets")).statusCode).toBe(200);
  });

  it("a token stops working when its days are up", async () => {
    const client = await signIn("agent@demo.test");
    const created = (
      await client.post("/api/v1/auth/tokens", {
        name: "Short-lived",
        scopes: ["tickets:read"],
        expiresInDays: 2,
      })
    ).json();
    expect(Date.parse(created.expiresAt)).toBe(clock.now() + 2 * DAY);
    clock.advance(2 * DAY - MINUTE);
    expect((await withToken(created.token).get("/api/v1/tickets")).statusCode).toBe(200);
    clock.advance(MINUTE);
    const expired = await withToken(created.token).get("/api/v1/tickets");
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe("auth.invalid_token");
  });

  it("an unknown or malformed bearer token is refused rather than treated as anonymous", async () => {
    for (const header of ["Bearer tdk_madeup", "Bearer nottdk", "Basic abc"]) {
      const res = await h.app.inject({
        method: "GET",
        url: "/api/v1/me",
        headers: { authorization: header },
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe("auth.invalid_token");
    }
  });

  it("a token cannot create, list or revoke tokens, even with users:write", async () => {
    const client = await signIn("hubadmin@demo.test");
    const { token, id } = (
      await client.post("/api/v1/auth/tokens", {
        name: "Admin automation",
        scopes: ["users:read", "users:write"],
      })
    ).json();
    const api = withToken(token);
    const create = await api.post("/api/v1/auth/tokens", { name: "Child", scopes: ["users:read"] });
    expect(create.statusCode).toBe(403);
    expect(create.json().code).toBe("auth.session_required");
    expect((await api.get("/api/v1/auth/tokens")).json().code).toBe("auth.session_required");
    expect((await api.delete(`/api/v1/auth/tokens/${id}`)).statusCode).toBe(403);
  });

  it("an invalid token request names the field at fault", async () => {
    const client = await signIn("agent@demo.test");
    const res = await client.post("/api/v1/auth/tokens", { name: "Bad", scopes: ["tickets:delete"] });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { field: string }) => e.field)
        .join(" "),
    ).toContain("scopes");
  });
});

describe("disabled accounts", () => {
  it("a disabled user cannot sign in and their open sessions and tokens stop working", async () => {
    const user = await newAgent();
    const session = await signIn(user.email, user.password);
    const { token } = (
      await session.post("/api/v1/auth/tokens", { name: "Script", scopes: ["tickets:read"] })
    ).json();
    expect((await session.get("/api/v1/me")).statusCode).toBe(200);

    const admin = await signIn("hubadmin@demo.test");
    const patched = await admin.patch(`/api/v1/users/${user.id}`, { disabled: true });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().disabled).toBe(true);

    expect((await session.get("/api/v1/me")).statusCode).toBe(401);
    expect((await withToken(token).get("/api/v1/tickets")).statusCode).toBe(401);
    const login = await h.anonymous().login(user.email, user.password);
    expect(login.statusCode).toBe(401);
    expect(login.json().code).toBe("auth.invalid_credentials");

    expect((await admin.patch(`/api/v1/users/${user.id}`, { disabled: false })).statusCode).toBe(200);
    expect((await h.anonymous().login(user.email, user.password)).statusCode).toBe(200);
  });
});

describe("password resets", () => {
  it("a hub admin's reset link sets a new password once and ends the user's old sessions", async () => {
    const user = await newAgent("old-password-1");
    const oldSession = await signIn(user.email, "old-password-1");

    const admin = await signIn("hubadmin@demo.test");
    const link = await admin.post(`/api/v1/users/${user.id}/password-reset`);
    expect(link.statusCode).toBe(201);
    const { url, expiresAt } = link.json();
    expect(url).toMatch(/^http:\/\/tierdesk\.test\/reset-password#token=[\w-]{20,}$/);
    expect(Date.parse(expiresAt)).toBe(clock.now() + DAY);
    const token = new URL(url).hash.replace("#token=", "");

    const stored = await h.ctx.database.db
      .selectFrom("password_resets")
      .select("token_hash")
      .where("user_id", "=", user.id)
      .execute();
    expect(stored.map((r) => r.token_hash)).toContain(sha256(token));

    const reset = await h
      .anonymous()
      .post("/api/v1/auth/password-reset", { token, password: "new-password-2" });
    expect(reset.statusCode).toBe(204);

    expect((await oldSession.get("/api/v1/me")).statusCode).toBe(401);
    expect((await h.anonymous().login(user.email, "old-password-1")).statusCode).toBe(401);
    expect((await h.anonymous().login(user.email, "new-password-2")).statusCode).toBe(200);

    const again = await h
      .anonymous()
      .post("/api/v1/auth/password-reset", { token, password: "third-password-3" });
    expect(again.statusCode).toBe(422);
    expect(again.json().code).toBe("auth.reset_link_invalid");
    expect((await h.anonymous().login(user.email, "new-password-2")).statusCode).toBe(200);
  });

  it("a reset link expires after 24 hours", async () => {
    const user = await newAgent("old-password-1");
    const admin = await signIn("hubadmin@demo.test");
    const { url } = (await admin.post(`/api/v1/users/${user.id}/password-reset`)).json();
    const token = new URL(url).hash.replace("#token=", "");
    clock.advance(DAY);
    const res = await h
      .anonymous()
      .post("/api/v1/auth/password-reset", { token, password: "new-password-2" });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("auth.reset_link_invalid");
    expect((await h.anonymous().login(user.email, "old-password-1")).statusCode).toBe(200);
  });

  it("a made-up reset token and a too-short new password are refused", async () => {
    const madeUp = await h.anonymous().post("/api/v1/auth/password-reset", {
      token: "x".repeat(43),
      password: "new-password-2",
    });
    expect(madeUp.statusCode).toBe(422);
    expect(madeUp.json().code).toBe("auth.reset_link_invalid");

    const user = await newAgent("old-password-1");
    const admin = await signIn("hubadmin@demo.test");
    const { url } = (await admin.post(`/api/v1/users/${user.id}/password-reset`)).json();
    const token = new URL(url).hash.replace("#token=", "");
    const short = await h.anonymous().post("/api/v1/auth/password-reset", { token, password: "short" });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors[0].field).toBe("password");
    // The refused attempt did not use up the link.
    expect(
      (await h.anonymous().post("/api/v1/auth/password-reset", { token, password: "long-enough-1" }))
        .statusCode,
    ).toBe(204);
  });

  it("a site admin's link for a requester dies when the requester is made a hub admin", async () => {
    const user = await newRequester();
    const token = await resetToken("siteadmin-zmb@demo.test", user.id);
    const hub = await signIn("hubadmin@demo.test");
    expect((await hub.patch(`/api/v1/users/${user.id}`, { hubAdmin: true })).statusCode).toBe(200);
    await expectDeadLink(token, user);
  });

  it("an unused link dies when the person's memberships change, even when issued by a hub admin", async () => {
    const user = await newRequester();
    const token = await resetToken("hubadmin@demo.test", user.id);
    const hub = await signIn("hubadmin@demo.test");
    const moved = await hub.patch(`/api/v1/users/${user.id}`, {
      memberships: [{ site: "ZMB", role: "agent" }],
    });
    expect(moved.statusCode).toBe(200);
    await expectDeadLink(token, user);
  });

  it("an unused link dies when the person is disabled, and stays dead when they are enabled again", async () => {
    const user = await newRequester();
    const token = await resetToken("siteadmin-zmb@demo.test", user.id);
    const hub = await signIn("hubadmin@demo.test");
    expect((await hub.patch(`/api/v1/users/${user.id}`, { disabled: true })).statusCode).toBe(200);
    expect((await hub.patch(`/api/v1/users/${user.id}`, { disabled: false })).statusCode).toBe(200);
    await expectDeadLink(token, user);
  });

  it("renaming a person leaves their reset link working", async () => {
    const user = await newRequester();
    const token = await resetToken("siteadmin-zmb@demo.test", user.id);
    const hub = await signIn("hubadmin@demo.test");
    expect((await hub.patch(`/api/v1/users/${user.id}`, { name: "Renamed Requester" })).statusCode).toBe(200);
    const res = await h
      .anonymous()
      .post("/api/v1/auth/password-reset", { token, password: "new-password-2" });
    expect(res.statusCode).toBe(204);
  });

  it("a link is refused when its issuer may no longer reset the person, even if changed by another process", async () => {
    const db = h.ctx.database.db;
    const bgd = await db.selectFrom("sites").select("id").where("code", "=", "BGD").executeTakeFirstOrThrow();
    // The person joins a site the issuer does not administer, written straight to the database.
    const joined = await newRequester();
    const first = await resetToken("siteadmin-zmb@demo.test", joined.id);
    await db
      .insertInto("memberships")
      .values({ user_id: joined.id, site_id: bgd.id, role: "requester", created_at: clock.now() })
      .execute();
    await expectDeadLink(first, joined);

    // The issuer stops being a site admin.
    const issuer = await newRequester();
    const zmb = await db.selectFrom("sites").select("id").where("code", "=", "ZMB").executeTakeFirstOrThrow();
    await db
      .insertInto("memberships")
      .values({ user_id: issuer.id, site_id: zmb.id, role: "site_admin", created_at: clock.now() })
      .execute();
    const user = await newRequester();
    const second = await resetToken(await signIn(issuer.email, issuer.password), user.id);
    await db
      .deleteFrom("memberships")
      .where("user_id", "=", issuer.id)
      .where("role", "=", "site_admin")
      .execute();
    await expectDeadLink(second, user);
  });

  it("setting a password from a link revokes the person's API tokens and their other links", async () => {
    const user = await newAgent("old-password-1");
    const session = await signIn(user.email, "old-password-1");
    const created = await session.post("/api/v1/auth/tokens", { name: "Script", scopes: ["tickets:read"] });
    expect(created.statusCode).toBe(201);
    const api = withToken(created.json().token);
    expect((await api.get("/api/v1/tickets")).statusCode).toBe(200);

    const token = await resetToken("hubadmin@demo.test", user.id);
    const other = await resetToken("hubadmin@demo.test", user.id);
    const reset = await h
      .anonymous()
      .post("/api/v1/auth/password-reset", { token, password: "new-password-2" });
    expect(reset.statusCode).toBe(204);

    const refused = await api.get("/api/v1/tickets");
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe("auth.invalid_token");
    const live = await h.ctx.database.db
      .selectFrom("api_tokens")
      .select("id")
      .where("user_id", "=", user.id)
      .where("revoked_at", "is", null)
      .execute();
    expect(live).toEqual([]);
    await expectDeadLink(other, { email: user.email, password: "new-password-2" });
  });

  it("the reset link opens an HTML page that keeps the token out of the server's view", async () => {
    const res = await h.anonymous().get("/reset-password");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/html");
    expect(res.body).toContain("<form");
    expect(res.body).toContain("/api/v1/auth/password-reset");
    expect(res.body).toContain("location.hash");
    expect(String(res.headers["content-security-policy"])).toContain("default-src 'none'");
  });
});
