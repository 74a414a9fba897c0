import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../test/harness.js";
import { type Actor, SCOPES, systemActor } from "../../shared/actor.js";
import { allowedActions } from "../../shared/policy.js";
import { DEMO_PASSWORD, DEMO_USERS } from "../demo/demo.data.js";
import { type TicketSubject, ticketPolicy } from "./tickets.policy.js";

// Two people the demo lacks, so that a second vendor team and a person with different roles at
// different sites are covered too.
const EXTRA_USERS = [
  {
    email: "engineer-primero@extra.test",
    name: "Pat Primero",
    memberships: [],
    vendorTeams: ["primero-core"],
  },
  {
    email: "mixed@extra.test",
    name: "Mo Mixed",
    memberships: [
      { site: "BGD", role: "requester" as const },
      { site: "UGA", role: "manager" as const },
    ],
    vendorTeams: [],
  },
];
const EMAILS = [...DEMO_USERS.map((u) => u.email), ...EXTRA_USERS.map((u) => u.email)];

let h: Harness;
const actors = new Map<string, Actor>();
/** Every ticket in the database with what the policies need, read straight from the tables. */
let allTickets: Array<{ key: string; subject: TicketSubject }> = [];
/** Keys of the tickets this file adds to the demo data, by purpose. */
const extra = {
  zmbOpencrvsL3: "",
  ugaPrimeroL3: "",
  bgdPrimeroL3: "",
  ugaOpencrvsL3: "",
  handedBack: "",
  zmbForRequester: "",
  bgdForRequesterEmail: "",
  requesterEscalated: "",
  mixedOwn: "",
  bgdSomeoneElse: "",
};

async function loadActor(email: string): Promise<Actor> {
  const row = await h.ctx.users.findByEmail(email);
  if (!row) throw new Error(`no user ${email}`);
  const actor = await h.ctx.users.loadActor(row.id, new Set(SCOPES), "session");
  if (!actor) throw new Error(`user ${email} is disabled`);
  return actor;
}

/** A ticket to open; staff must say whom it is for, requesters open for themselves (no requester). */
const ticketInput = (site: string, subject: string, requester: { email: string } | null) => ({
  site,
  subject,
  description: `${subject}: details for the permission tests.`,
  category: "bug" as const,
  priority: "normal" as const,
  tags: [],
  ...(requester ? { requester } : {}),
});
const caller = { email: "caller@example.org" };

async function escalate(agent: Actor, key: string, team: string) {
  const teamId = (await h.ctx.vendors.resolveSlugs([team])).ids.get(team);
  if (teamId === undefined) throw new Error(`no vendor team ${team}`);
  await h.ctx.tickets.moveTier(agent, key, 2, "Needs a technical look");
  await h.ctx.tickets.moveTier(agent, key, 3, "Core product defect", { vendorTeamId: teamId });
}

async function readAllTickets() {
  const rows = await h.ctx.database.db
    .selectFrom("tickets")
    .innerJoin("contacts", "contacts.id", "tickets.contact_id")
    .select([
      "tickets.key",
      "tickets.site_id",
      "tickets.tier",
      "tickets.vendor_team_id",
      "contacts.user_id as requester_user_id",
    ])
    .execute();
  return rows.map((r) => ({
    key: r.key,
    subject: {
      siteId: r.site_id,
      tier: r.tier,
      vendorTeamId: r.vendor_team_id,
      requesterUserId: r.requester_user_id,
    },
  }));
}

const readableBy = (email: string) =>
  new Set(
    allTickets.filter((t) => ticketPolicy.read(actors.get(email) as Actor, t.subject)).map((t) => t.key),
  );

beforeAll(async () => {
  h = await createHarness();
  for (const u of EXTRA_USERS) {
    await h.ctx.users.create(systemActor, { ...u, password: DEMO_PASSWORD, language: "en", hubAdmin: false });
  }
  for (const email of EMAILS) actors.set(email, await loadActor(email));
  const agent = actors.get("agent@demo.test") as Actor;
  const requester = actors.get("requester-zmb@demo.test") as Actor;
  const mixed = actors.get("mixed@extra.test") as Actor;
  const open = async (by: Actor, input: ReturnType<typeof ticketInput>) =>
    (await h.ctx.tickets.create(by, input)).ticket.key;

  extra.zmbOpencrvsL3 = await open(agent, ticketInput("ZMB", "Duplicate records after sync", caller));
  await escalate(agent, extra.zmbOpencrvsL3, "opencrvs-core");
  extra.ugaPrimeroL3 = await open(agent, ticketInput("UGA", "Case transfer loses attachments", caller));
  await escalate(agent, extra.ugaPrimeroL3, "primero-core");
  extra.bgdPrimeroL3 = await open(agent, ticketInput("BGD", "Wrongly routed to the Primero team", caller));
  await escalate(agent, extra.bgdPrimeroL3, "primero-core");
  extra.ugaOpencrvsL3 = await open(agent, ticketInput("UGA", "Shared login library defect", caller));
  await escalate(agent, extra.ugaOpencrvsL3, "opencrvs-core");
  extra.handedBack = await open(
    agent,
    ticketInput("ZMB", "Vendor answered: configuration, not a bug", caller),
  );
  await escalate(agent, extra.handedBack, "opencrvs-core");
  await h.ctx.tickets.moveTier(agent, extra.handedBack, 2, "Vendor says it is configuration");
  extra.zmbForRequester = await open(
    agent,
    ticketInput("ZMB", "Logged call from Chanda", { email: "requester-zmb@demo.test" }),
  );
  extra.bgdForRequesterEmail = await open(
    agent,
    ticketInput("BGD", "Same email at a site where Chanda is no requester", {
      email: "requester-zmb@demo.test",
    }),
  );
  extra.requesterEscalated = await open(requester, ticketInput("ZMB", "Export to PDF crashes", null));
  await escalate(agent, extra.requesterEscalated, "opencrvs-core");
  extra.mixedOwn = await open(mixed, ticketInput("BGD", "My union office cannot print", null));
  extra.bgdSomeoneElse = await open(
    agent,
    ticketInput("BGD", "Another union office", { email: "x@bgd.example" }),
  );

  allTickets = await readAllTickets();
});
afterAll(async () => h?.close());

/** Every key GET /api/v1/tickets returns to the user, following the cursor through every page. */
async function listedKeys(email: string): Promise<string[]> {
  const client = await h.as(email);
  const keys: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const res = await client.get(`/api/v1/tickets?limit=7${query}`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: Array<{ key: string }>; nextCursor: string | null };
    keys.push(...body.items.map((t) => t.key));
    cursor = body.nextCursor;
    if (!cursor) return keys;
  }
  throw new Error("the ticket list never ended");
}

describe("ticket lists show exactly what the read policy allows", () => {
  it.each(EMAILS)("%s lists exactly the tickets the read policy lets them see", async (email) => {
    const keys = await listedKeys(email);
    expect(keys.length).toBe(new Set(keys).size);
    expect(new Set(keys)).toEqual(readableBy(email));
  });

  it("staff of every site read every ticket, a hub admin none, everyone else some but not all", () => {
    expect(allTickets.length).toBeGreaterThan(20);
    const everywhere = ["agent@demo.test", "coordinator@demo.test", "manager@demo.test"];
    for (const email of EMAILS) {
      const n = readableBy(email).size;
      const expected =
        email === "hubadmin@demo.test" ? "none" : everywhere.includes(email) ? "all" : "some but not all";
      const actual = n === 0 ? "none" : n === allTickets.length ? "all" : "some but not all";
      expect([email, actual]).toEqual([email, expected]);
    }
  });

  it("an opencrvs-core engineer sees its L3 tickets at every site, and no other team's or handed-back ticket", () => {
    const seen = readableBy("engineer@demo.test");
    for (const key of [extra.zmbOpencrvsL3, extra.ugaOpencrvsL3, extra.requesterEscalated])
      expect([key, seen.has(key)]).toEqual([key, true]);
    for (const key of [extra.ugaPrimeroL3, extra.bgdPrimeroL3, extra.handedBack])
      expect([key, seen.has(key)]).toEqual([key, false]);
  });

  it("a primero-core engineer sees only its L3 tickets, even one at an OpenCRVS site", async () => {
    const team = (await h.ctx.vendors.resolveSlugs(["primero-core"])).ids.get("primero-core");
    const seen = readableBy("engineer-primero@extra.test");
    expect(seen.has(extra.ugaPrimeroL3)).toBe(true);
    expect(seen.has(extra.bgdPrimeroL3)).toBe(true);
    expect(seen.has(extra.zmbOpencrvsL3)).toBe(false);
    const subjects = allTickets.filter((t) => seen.has(t.key)).map((t) => t.subject);
    expect(subjects.every((t) => t.tier === 3 && t.vendorTeamId === team)).toBe(true);
  });

  it("a requester sees their own requests, including ones staff logged for them, and nobody else's", () => {
    const seen = readableBy("requester-zmb@demo.test");
    expect(seen.has(extra.zmbForRequester)).toBe(true);
    expect(seen.has(extra.requesterEscalated)).toBe(true);
    expect(seen.has(extra.zmbOpencrvsL3)).toBe(false);
    expect(seen.has(extra.bgdForRequesterEmail)).toBe(false);
    expect([...seen].every((k) => k.startsWith("ZMB-"))).toBe(true);
  });

  it("someone who is a requester at one site and a manager at another sees their own request there and all of the other site", () => {
    const seen = readableBy("mixed@extra.test");
    expect(seen.has(extra.mixedOwn)).toBe(true);
    expect(seen.has(extra.bgdSomeoneElse)).toBe(false);
    const uga = allTickets.filter((t) => t.key.startsWith("UGA-")).map((t) => t.key);
    expect(uga.every((k) => seen.has(k))).toBe(true);
    expect([...seen].filter((k) => k.startsWith("ZMB-"))).toEqual([]);
  });
});

const expectNotFound = (res: {
  statusCode: number;
  headers: Record<string, unknown>;
  json: () => unknown;
}) => {
  expect(res.statusCode).toBe(404);
  expect(String(res.headers["content-type"])).toContain("application/problem+json");
  expect((res.json() as { code: string }).code).toBe("ticket.not_found");
};

describe("a ticket one may not read does not exist, as far as one can tell", () => {
  it.each(EMAILS)(
    "%s gets 200 for every ticket they may read and 404, never 403, for the others",
    async (email) => {
      const client = await h.as(email);
      const actor = actors.get(email) as Actor;
      for (const t of allTickets) {
        const res = await client.get(`/api/v1/tickets/${t.key}`);
        if (ticketPolicy.read(actor, t.subject)) {
          expect([t.key, res.statusCode]).toEqual([t.key, 200]);
          expect(new Set(res.json().actions)).toEqual(
            new Set(allowedActions(ticketPolicy, actor, t.subject)),
          );
        } else {
          expect([t.key, res.statusCode]).toEqual([t.key, 404]);
          expectNotFound(res);
        }
      }
    },
  );

  it.each(EMAILS)(
    "%s gets the audit trail and thread only of tickets they may read, 404 for the rest",
    async (email) => {
      const client = await h.as(email);
      const actor = actors.get(email) as Actor;
      for (const t of allTickets) {
        const events = await client.get(`/api/v1/tickets/${t.key}/events`);
        const messages = await client.get(`/api/v1/tickets/${t.key}/messages`);
        if (!ticketPolicy.read(actor, t.subject)) {
          expectNotFound(events);
          expectNotFound(messages);
        } else {
          // The existence of a readable ticket is no secret; its audit trail is for staff.
          const internal = ticketPolicy.readInternal(actor, t.subject);
          expect([t.key, events.statusCode]).toEqual([t.key, internal ? 200 : 403]);
          expect([t.key, messages.statusCode]).toEqual([t.key, 200]);
        }
      }
    },
  );

  it("a key of another site answers exactly like a key that was never issued", async () => {
    const bgd = await h.as("siteadmin-bgd@demo.test");
    const hidden = await bgd.get(`/api/v1/tickets/${extra.zmbOpencrvsL3}`);
    const missing = await bgd.get("/api/v1/tickets/ZMB-999999");
    const strip = (body: Record<string, unknown>) => {
      const { instance: _i, requestId: _r, ...rest } = body;
      return rest;
    };
    expect(hidden.statusCode).toBe(missing.statusCode);
    expect(strip(hidden.json())).toEqual(strip(missing.json()));
  });

  it("someone who may not read a ticket cannot write to it either, and is told it does not exist", async () => {
    const bgd = await h.as("siteadmin-bgd@demo.test");
    const key = extra.zmbForRequester;
    expectNotFound(await bgd.patch(`/api/v1/tickets/${key}`, { priority: "high" }));
    expectNotFound(await bgd.post(`/api/v1/tickets/${key}/messages`, { kind: "note", body: "Not mine" }));
    expectNotFound(
      await bgd.upload(`/api/v1/tickets/${key}/attachments`, [{ name: "a.txt", content: Buffer.from("x") }]),
    );
    const after = (await (await h.as("agent@demo.test")).get(`/api/v1/tickets/${key}`)).json();
    expect(after.priority).toBe("normal");
  });
});

describe("requesters never see what staff keep internal", () => {
  it("a requester's thread leaves out internal notes and internal files that staff see", async () => {
    const agent = await h.as("agent@demo.test");
    const requester = await h.as("requester-zmb@demo.test");
    const key = extra.zmbForRequester;
    const secret = "Internal: the district office forgot to renew the licence";
    const note = await agent.post(`/api/v1/tickets/${key}/messages`, { kind: "note", body: secret });
    expect(note.statusCode).toBe(201);
    const reply = await agent.post(`/api/v1/tickets/${key}/messages`, {
      kind: "reply",
      body: "We are on it.",
    });
    expect(reply.statusCode).toBe(201);
    const upload = await agent.upload(`/api/v1/tickets/${key}/attachments?visibility=internal`, [
      { name: "server-log.txt", content: Buffer.from("stack trace"), type: "text/plain" },
    ]);
    expect(upload.statusCode).toBe(201);
    const internalFile = upload.json().items[0].id as number;

    const staffThread = (await agent.get(`/api/v1/tickets/${key}/messages?limit=500`)).json().items;
    expect(
      staffThread.some((m: { kind: string; body: string }) => m.kind === "note" && m.body === secret),
    ).toBe(true);

    const res = await requester.get(`/api/v1/tickets/${key}/messages?limit=500`);
    expect(res.statusCode).toBe(200);
    const thread = res.json().items as Array<{ kind: string; body: string }>;
    expect(thread.map((m) => m.body)).toContain("We are on it.");
    expect(thread.filter((m) => m.kind !== "reply")).toEqual([]);
    expect(res.body).not.toContain(secret);

    const files = (await requester.get(`/api/v1/tickets/${key}/attachments`)).json().items as Array<{
      id: number;
    }>;
    expect(files.map((f) => f.id)).not.toContain(internalFile);
    const download = await requester.get(`/api/v1/tickets/${key}/attachments/${internalFile}`);
    expect(download.statusCode).toBe(404);
    expect(download.json().code).toBe("attachment.not_found");
  });

  it("a requester may reply to their own request but not add an internal note to it", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    const key = extra.zmbForRequester;
    const note = await requester.post(`/api/v1/tickets/${key}/messages`, { kind: "note", body: "Sneaky" });
    expect(note.statusCode).toBe(403);
    const reply = await requester.post(`/api/v1/tickets/${key}/messages`, {
      kind: "reply",
      body: "Thank you",
    });
    expect(reply.statusCode).toBe(201);
    const thread = (
      await (await h.as("agent@demo.test")).get(`/api/v1/tickets/${key}/messages?limit=500`)
    ).json().items as Array<{ kind: string; body: string }>;
    expect(thread.some((m) => m.body === "Sneaky")).toBe(false);
    expect(thread.some((m) => m.kind === "reply" && m.body === "Thank you")).toBe(true);
  });
});
