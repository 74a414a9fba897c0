import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../test/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

type UserView = { id: number; email: string; memberships: Array<{ site: string; role: string }> };

async function idOf(email: string): Promise<number> {
  const row = await h.ctx.users.findByEmail(email);
  if (!row) throw new Error(`no user ${email}`);
  return row.id;
}

describe("users through the API", () => {
  it("a hub admin adds a user with memberships and a vendor team, who can then sign in", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const res = await admin.post("/api/v1/users", {
      email: "Lina.Support@Example.org",
      name: "Lina Support",
      password: "lina-password-1",
      memberships: [
        { site: "ZMB", role: "agent" },
        { site: "BGD", role: "coordinator" },
      ],
      vendorTeams: ["opencrvs-core"],
    });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      email: "lina.support@example.org",
      name: "Lina Support",
      language: "en",
      hubAdmin: false,
      disabled: false,
      memberships: [
        { site: "BGD", role: "coordinator" },
        { site: "ZMB", role: "agent" },
      ],
      vendorTeams: ["opencrvs-core"],
    });
    expect(created.password).toBeUndefined();
    expect(res.body).not.toContain("lina-password-1");

    const fetched = (await admin.get(`/api/v1/users/${created.id}`)).json();
    expect(fetched.email).toBe("lina.support@example.org");
    const login = await h.anonymous().login("lina.support@example.org", "lina-password-1");
    expect(login.statusCode).toBe(200);
  });

  it("a second user with the same email, in any case, is refused with 409", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const res = await admin.post("/api/v1/users", { email: "AGENT@demo.test", name: "Second Agent" });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe("user.email_taken");
    expect(res.json().errors).toEqual([{ field: "email", message: "already in use" }]);
  });

  it("a membership at a site that does not exist is refused with 422 naming the site", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const res = await admin.post("/api/v1/users", {
      email: "ghost@example.org",
      name: "Ghost",
      memberships: [
        { site: "ZMB", role: "agent" },
        { site: "XYZ", role: "agent" },
      ],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("user.unknown_site");
    expect(res.json().errors).toEqual([{ field: "memberships", message: "no site XYZ" }]);
    expect(await h.ctx.users.findByEmail("ghost@example.org")).toBeUndefined();
  });

  it("an unknown vendor team is refused with 422 naming the team", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const res = await admin.post("/api/v1/users", {
      email: "ghost-engineer@example.org",
      name: "Ghost Engineer",
      vendorTeams: ["dhis2-core"],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("user.unknown_vendor_team");
    expect(JSON.stringify(res.json().errors)).toContain("dhis2-core");
  });

  it("an invalid email or role is refused with 400 naming the field", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const badEmail = await admin.post("/api/v1/users", { email: "not-an-email", name: "X" });
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.json().errors.map((e: { field: string }) => e.field)).toEqual(["email"]);
    const badRole = await admin.post("/api/v1/users", {
      email: "role@example.org",
      name: "Role",
      memberships: [{ site: "ZMB", role: "superuser" }],
    });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json().errors[0].field).toBe("memberships.0.role");
  });

  it("only hub admins add users", async () => {
    const siteAdmin = await h.as("siteadmin-zmb@demo.test");
    const res = await siteAdmin.post("/api/v1/users", {
      email: "new-zmb@example.org",
      name: "New ZMB",
      memberships: [{ site: "ZMB", role: "agent" }],
    });
    expect(res.statusCode).toBe(403);
    expect(await h.ctx.users.findByEmail("new-zmb@example.org")).toBeUndefined();
  });

  it("a BGD site admin lists only people with a BGD membership", async () => {
    const bgd = await h.as("siteadmin-bgd@demo.test");
    const res = await bgd.get("/api/v1/users");
    expect(res.statusCode).toBe(200);
    const items: UserView[] = res.json().items;
    for (const u of items) expect(u.memberships.map((m) => m.site)).toContain("BGD");
    const emails = items.map((u) => u.email);
    expect(emails).toEqual(
      expect.arrayContaining([
        "siteadmin-bgd@demo.test",
        "agent@demo.test",
        "coordinator@demo.test",
        "manager@demo.test",
      ]),
    );
    for (const hidden of [
      "siteadmin-zmb@demo.test",
      "requester-zmb@demo.test",
      "hubadmin@demo.test",
      "engineer@demo.test",
    ]) {
      expect(emails).not.toContain(hidden);
    }
  });

  it("filtering by another site gives a BGD site admin nothing, while a hub admin sees that site's people", async () => {
    const bgd = await h.as("siteadmin-bgd@demo.test");
    expect((await bgd.get("/api/v1/users?site=ZMB")).json().items).toEqual([]);
    const admin = await h.as("hubadmin@demo.test");
    const zmb: UserView[] = (await admin.get("/api/v1/users?site=ZMB&role=requester")).json().items;
    expect(zmb.map((u) => u.email)).toEqual(["requester-zmb@demo.test"]);
  });

  it("a BGD site admin gets 404 for a person who belongs only to ZMB", async () => {
    const bgd = await h.as("siteadmin-bgd@demo.test");
    const res = await bgd.get(`/api/v1/users/${await idOf("siteadmin-zmb@demo.test")}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe("user.not_found");
    const self = await bgd.get(`/api/v1/users/${await idOf("siteadmin-bgd@demo.test")}`);
    expect(self.statusCode).toBe(200);
    const missing = await bgd.get("/api/v1/users/999999");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe("user.not_found");
  });

  it("a hub admin changes a person's memberships and name", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const created = (
      await admin.post("/api/v1/users", {
        email: "mover@example.org",
        name: "Mover",
        memberships: [{ site: "ZMB", role: "agent" }],
      })
    ).json();
    const res = await admin.patch(`/api/v1/users/${created.id}`, {
      name: "Mover Moved",
      memberships: [{ site: "UGA", role: "manager" }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: "Mover Moved",
      memberships: [{ site: "UGA", role: "manager" }],
    });
    const bad = await admin.patch(`/api/v1/users/${created.id}`, {
      memberships: [{ site: "NOPE", role: "agent" }],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe("user.unknown_site");
    expect((await admin.get(`/api/v1/users/${created.id}`)).json().memberships).toEqual([
      { site: "UGA", role: "manager" },
    ]);
  });

  it("a site admin may not change people, not even of their own site", async () => {
    const zmb = await h.as("siteadmin-zmb@demo.test");
    const res = await zmb.patch(`/api/v1/users/${await idOf("requester-zmb@demo.test")}`, {
      name: "Renamed",
    });
    expect(res.statusCode).toBe(403);
  });

  it("a hub admin cannot disable themself or drop their own hub-admin role", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const id = await idOf("hubadmin@demo.test");
    const disable = await admin.patch(`/api/v1/users/${id}`, { disabled: true });
    expect(disable.statusCode).toBe(422);
    expect(disable.json().code).toBe("user.cannot_lock_out_self");
    const demote = await admin.patch(`/api/v1/users/${id}`, { hubAdmin: false });
    expect(demote.statusCode).toBe(422);
    const me = (await admin.get("/api/v1/me")).json();
    expect(me.hubAdmin).toBe(true);
  });
});

describe("vendor teams through the API", () => {
  it("signed-in staff list the vendor teams", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await agent.get("/api/v1/vendor-teams");
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((t: { slug: string }) => t.slug)).toEqual(
      expect.arrayContaining(["opencrvs-core", "primero-core"]),
    );
  });

  it("a hub admin adds a vendor team, whose slug must be new", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const created = await admin.post("/api/v1/vendor-teams", {
      slug: "dhis2-core",
      name: "DHIS2 core team",
      product: "DHIS2",
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ slug: "dhis2-core", name: "DHIS2 core team", product: "DHIS2" });
    const slugs = (await admin.get("/api/v1/vendor-teams")).json().items.map((t: { slug: string }) => t.slug);
    expect(slugs).toContain("dhis2-core");

    const again = await admin.post("/api/v1/vendor-teams", { slug: "dhis2-core", name: "Again" });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe("vendor_team.slug_taken");

    const badSlug = await admin.post("/api/v1/vendor-teams", { slug: "DHIS 2", name: "Bad" });
    expect(badSlug.statusCode).toBe(400);
    expect(badSlug.json().errors[0].field).toBe("slug");

    const engineer = await admin.post("/api/v1/users", {
      email: "dhis2-engineer@example.org",
      name: "DHIS2 Engineer",
      vendorTeams: ["dhis2-core"],
    });
    expect(engineer.statusCode).toBe(201);
    expect(engineer.json().vendorTeams).toEqual(["dhis2-core"]);
  });

  it("only hub admins add vendor teams", async () => {
    const zmb = await h.as("siteadmin-zmb@demo.test");
    const res = await zmb.post("/api/v1/vendor-teams", { slug: "my-team", name: "Mine" });
    expect(res.statusCode).toBe(403);
    const slugs = (await zmb.get("/api/v1/vendor-teams")).json().items.map((t: { slug: string }) => t.slug);
    expect(slugs).not.toContain("my-team");
  });
});
