import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OTHER_SITE, OWN_SITE, ROLE_ACTORS } from "../../../test/actors.js";
import { createHarness, type Harness } from "../../../test/harness.js";
import { type Actor, ALL_ROLES, type Role, SCOPES } from "../../shared/actor.js";
import { allowedActions } from "../../shared/policy.js";
import { DEMO_USERS } from "../demo/demo.data.js";
import { canCreateSite, sitePolicy, visibleSiteIds } from "./sites.policy.js";

const ACTORS = ROLE_ACTORS;

const ACTIONS = ["read", "update"] as const satisfies ReadonlyArray<keyof typeof sitePolicy>;
const Y = true;
const N = false;
type Where = "their site" | "another site";
type Row = [Role, Where, boolean, boolean];

// Members of a site, whatever their role, may read it; only hub admins configure sites. Engineers belong
// to vendor teams, not sites, so they read none.
// biome-ignore format: the matrix reads best aligned
const SITE_MATRIX: Row[] = [
  //                              read update
  ["requester",   "their site",     Y,   N],
  ["requester",   "another site",   N,   N],
  ["site_admin",  "their site",     Y,   N],
  ["site_admin",  "another site",   N,   N],
  ["agent",       "their site",     Y,   N],
  ["agent",       "another site",   N,   N],
  ["coordinator", "their site",     Y,   N],
  ["coordinator", "another site",   N,   N],
  ["manager",     "their site",     Y,   N],
  ["manager",     "another site",   N,   N],
  ["engineer",    "their site",     N,   N],
  ["engineer",    "another site",   N,   N],
  ["hub_admin",   "their site",     Y,   Y],
  ["hub_admin",   "another site",   Y,   Y],
];

// biome-ignore format: the table reads best aligned
const CREATE_MATRIX: Array<[Role, boolean]> = [
  ["requester",   N],
  ["site_admin",  N],
  ["agent",       N],
  ["coordinator", N],
  ["manager",     N],
  ["engineer",    N],
  ["hub_admin",   Y],
];

const PHRASES: Record<(typeof ACTIONS)[number], string> = { read: "see", update: "configure" };
const who = (role: Role) => `${/^[aeiou]/.test(role) ? "an" : "a"} ${role.replace("_", " ")}`;
const cells = SITE_MATRIX.flatMap(([role, where, ...allowed]) =>
  ACTIONS.map((action, i) => ({
    name: `${who(role)} ${allowed[i] ? "may" : "may not"} ${PHRASES[action]} ${where}`,
    role,
    siteId: where === "their site" ? OWN_SITE : OTHER_SITE,
    action,
    allowed: allowed[i] as boolean,
  })),
);

describe("the site permission matrix", () => {
  it.each(cells)("$name", ({ role, siteId, action, allowed }) => {
    expect(sitePolicy[action](ACTORS[role], { id: siteId })).toBe(allowed);
  });

  it.each(
    CREATE_MATRIX.map(([role, allowed]) => ({
      role,
      allowed,
      name: `${who(role)} ${allowed ? "may" : "may not"} add a site`,
    })),
  )("$name", ({ role, allowed }) => {
    expect(canCreateSite(ACTORS[role])).toBe(allowed);
  });

  it("has a column for every action of the site policy and a row for every role at both sites", () => {
    expect([...ACTIONS].sort()).toEqual(Object.keys(sitePolicy).sort());
    for (const role of ALL_ROLES) {
      const where = SITE_MATRIX.filter((r) => r[0] === role).map((r) => r[1]);
      expect([role, where.sort()]).toEqual([role, ["another site", "their site"]]);
    }
    expect(CREATE_MATRIX.map((r) => r[0]).sort()).toEqual([...ALL_ROLES].sort());
  });

  it.each([...ALL_ROLES])(
    "for a %s, the site list scope holds exactly the sites the read rule allows",
    (role) => {
      const actor = ACTORS[role];
      const scope = visibleSiteIds(actor);
      for (const siteId of [OWN_SITE, OTHER_SITE]) {
        const listed = scope === null || scope.includes(siteId);
        expect([siteId, listed]).toEqual([siteId, sitePolicy.read(actor, { id: siteId })]);
      }
    },
  );
});

describe("sites over HTTP", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  async function actorOf(email: string): Promise<Actor> {
    const row = await h.ctx.users.findByEmail(email);
    const actor = row && (await h.ctx.users.loadActor(row.id, new Set(SCOPES), "session"));
    if (!actor) throw new Error(`cannot load ${email}`);
    return actor;
  }

  it("a BGD site admin lists only BGD", async () => {
    const res = await (await h.as("siteadmin-bgd@demo.test")).get("/api/v1/sites");
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((s: { code: string }) => s.code)).toEqual(["BGD"]);
  });

  it("a BGD site admin is told ZMB does not exist, exactly as for a code that was never used", async () => {
    const client = await h.as("siteadmin-bgd@demo.test");
    const res = await client.get("/api/v1/sites/ZMB");
    expect(res.statusCode).toBe(404);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json().code).toBe("site.not_found");
    const missing = await client.get("/api/v1/sites/XYZ");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe(res.json().code);
  });

  it("an agent may not add a site", async () => {
    const res = await (await h.as("agent@demo.test")).post("/api/v1/sites", {
      code: "KEN",
      name: "Kenya civil registration",
      country: "Kenya",
      product: "OpenCRVS",
      timeZone: "Africa/Nairobi",
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    const hub = await h.as("hubadmin@demo.test");
    expect((await hub.get("/api/v1/sites/KEN")).statusCode).toBe(404);
  });

  it("a site a hub admin adds is invisible to members of other sites", async () => {
    const hub = await h.as("hubadmin@demo.test");
    const created = await hub.post("/api/v1/sites", {
      code: "SLE",
      name: "Sierra Leone civil registration",
      country: "Sierra Leone",
      product: "OpenCRVS",
      timeZone: "Africa/Freetown",
    });
    expect(created.statusCode).toBe(201);
    const agent = await h.as("agent@demo.test");
    expect((await agent.get("/api/v1/sites/SLE")).statusCode).toBe(404);
    expect(
      (await agent.get("/api/v1/sites")).json().items.map((s: { code: string }) => s.code),
    ).not.toContain("SLE");
    expect((await hub.get("/api/v1/sites")).json().items.map((s: { code: string }) => s.code)).toContain(
      "SLE",
    );
  });

  it.each(DEMO_USERS.map((u) => u.email))(
    "%s lists, reads and may configure exactly the sites the policy allows",
    async (email) => {
      const client = await h.as(email);
      const actor = await actorOf(email);
      const all = await h.ctx.database.db.selectFrom("sites").select(["id", "code", "name"]).execute();
      const readable = all.filter((s) => sitePolicy.read(actor, s)).map((s) => s.code);
      const listed = (await client.get("/api/v1/sites")).json().items as Array<{ code: string }>;
      expect(listed.map((s) => s.code).sort()).toEqual(readable.sort());
      for (const site of all) {
        const got = await client.get(`/api/v1/sites/${site.code}`);
        // Re-sending the current name changes nothing, but is checked like any other change.
        const patched = await client.patch(`/api/v1/sites/${site.code}`, { name: site.name });
        const cell = `${email} -> ${site.code}`;
        if (!sitePolicy.read(actor, site)) {
          expect([cell, got.statusCode, patched.statusCode]).toEqual([cell, 404, 404]);
          expect(got.json().code).toBe("site.not_found");
          continue;
        }
        expect([cell, got.statusCode]).toEqual([cell, 200]);
        expect([cell, new Set(got.json().actions)]).toEqual([
          cell,
          new Set(allowedActions(sitePolicy, actor, site)),
        ]);
        expect([cell, patched.statusCode]).toEqual([cell, sitePolicy.update(actor, site) ? 200 : 403]);
      }
    },
  );
});
