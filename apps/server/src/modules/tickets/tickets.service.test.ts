import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createHarness, type Harness, openTicket, testClock } from "../../../test/harness.js";
import { type Actor, SCOPES, systemActor } from "../../shared/actor.js";
import { DEMO_PASSWORD } from "../demo/demo.data.js";

const HOUR = 3600_000;
const clock = testClock();
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ clock });
});
afterAll(async () => h?.close());

type Event = {
  type: string;
  actor: { id: number; name: string } | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  createdAt: string;
};

async function userId(email: string): Promise<number> {
  const row = await h.ctx.users.findByEmail(email);
  if (!row) throw new Error(`no user ${email}`);
  return row.id;
}

async function actor(email: string): Promise<Actor> {
  const a = await h.ctx.users.loadActor(await userId(email), new Set(SCOPES), "session");
  if (!a) throw new Error(`cannot load ${email}`);
  return a;
}

async function teamId(slug: string): Promise<number> {
  const id = (await h.ctx.vendors.resolveSlugs([slug])).ids.get(slug);
  if (id === undefined) throw new Error(`no vendor team ${slug}`);
  return id;
}

let serial = 0;
/** Opens a ZMB ticket as an agent for a requester of its own. */
async function zmbTicket(extra: Record<string, unknown> = {}): Promise<string> {
  serial++;
  return openTicket(await h.as("agent@demo.test"), {
    site: "ZMB",
    subject: `Service test ticket ${serial}`,
    description: "Something does not work as it should.",
    requester: { name: `Requester ${serial}`, email: `service-req-${serial}@example.org` },
    ...extra,
  });
}

async function eventsOf(key: string): Promise<Event[]> {
  const res = await (await h.as("agent@demo.test")).get(`/api/v1/tickets/${key}/events`);
  expect(res.statusCode).toBe(200);
  return res.json().items as Event[];
}

async function ticketOf(client: Client, key: string) {
  const res = await client.get(`/api/v1/tickets/${key}`);
  expect(res.statusCode).toBe(200);
  return res.json();
}

const numberOf = (key: string) => Number(key.split("-")[1]);

describe("ticket keys", () => {
  it("forty tickets opened at once at one site get forty distinct consecutive keys", async () => {
    const agent = await h.as("agent@demo.test");
    const before = numberOf(await zmbTicket());
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        agent.post("/api/v1/tickets", {
          site: "ZMB",
          subject: `Concurrent ticket ${i}`,
          description: "Opened at the same moment as the others.",
          requester: { email: `concurrent-${i}@example.org` },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(40).fill(201));
    const keys = responses.map((r) => r.json().key as string);
    expect(keys.every((k) => /^ZMB-\d+$/.test(k))).toBe(true);
    const numbers = keys.map(numberOf).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 40 }, (_, i) => before + 1 + i));
    expect(numberOf(await zmbTicket())).toBe(before + 41);
  });

  it("a ticket opened by a channel gets the next key, which its ticket.created event and the channel's own record both carry", async () => {
    const before = numberOf(await zmbTicket());
    const zmb = (await h.ctx.sites.resolveCodes(["ZMB"])).found[0];
    if (!zmb) throw new Error("no ZMB site");
    let keyInHook = "";
    const { ticket } = await h.ctx.tickets.openForContact({
      siteId: zmb.id,
      requester: { email: "channel-intake@example.org", name: "Channel Requester" },
      channel: "email",
      subject: "Opened by a channel",
      description: "Written in by mail.",
      requestKey: "service-test-channel-intake",
      inTx: async (_tx, done) => {
        keyInHook = done.key;
      },
    });
    expect(ticket.key).toBe(`ZMB-${before + 1}`);
    expect(ticket.number).toBe(before + 1);
    expect(keyInHook).toBe(ticket.key);
    const events = await eventsOf(ticket.key);
    expect(events[0]).toMatchObject({ type: "ticket.created", after: { key: ticket.key, channel: "email" } });
    expect(numberOf(await zmbTicket())).toBe(before + 2);
  });

  it("each site numbers its own tickets starting at 1", async () => {
    await h.ctx.sites.create(systemActor, {
      code: "KEN",
      name: "Kenya civil registration",
      country: "Kenya",
      product: "OpenCRVS",
      timeZone: "Africa/Nairobi",
      languages: ["en"],
    });
    await h.ctx.users.create(systemActor, {
      email: "agent-ken@example.org",
      name: "Wanjiru Agent",
      password: DEMO_PASSWORD,
      language: "en",
      hubAdmin: false,
      memberships: [
        { site: "KEN", role: "agent" },
        { site: "ZMB", role: "agent" },
      ],
      vendorTeams: [],
    });
    const ken = await h.as("agent-ken@example.org");
    const body = (site: string) => ({
      site,
      subject: "Per-site numbering",
      description: "Checks the key of a new site.",
      requester: { email: "numbering@example.org" },
    });
    expect(await openTicket(ken, body("KEN"))).toBe("KEN-1");
    const zmb = await openTicket(ken, body("ZMB"));
    expect(numberOf(zmb)).toBeGreaterThan(1);
    expect(await openTicket(ken, body("KEN"))).toBe("KEN-2");
    expect(await openTicket(ken, body("ZMB"))).toBe(`ZMB-${numberOf(zmb) + 1}`);
  });
});

describe("idempotent creation", () => {
  const body = (subject: string) => ({
    site: "ZMB",
    subject,
    description: "Sent twice by a client that retried.",
    requester: { email: "retrying-client@example.org" },
  });
  const countBySubject = async (subject: string) => {
    const res = await (await h.as("agent@demo.test")).get(
      `/api/v1/tickets?q=${encodeURIComponent(subject)}&limit=100`,
    );
    return res.json().items.filter((t: { subject: string }) => t.subject === subject).length;
  };

  it("the same Idempotency-Key twice returns the first ticket instead of opening another", async () => {
    const agent = await h.as("agent@demo.test");
    const subject = "Idempotent sequential 7f3a";
    const first = await agent.post("/api/v1/tickets", body(subject), { "idempotency-key": "retry-7f3a" });
    const second = await agent.post("/api/v1/tickets", body(subject), { "idempotency-key": "retry-7f3a" });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(second.json().key).toBe(first.json().key);
    expect(second.headers.location).toBe(`/api/v1/tickets/${first.json().key}`);
    expect(await countBySubject(subject)).toBe(1);
  });

  it("two concurrent requests with the same Idempotency-Key open one ticket", async () => {
    const agent = await h.as("agent@demo.test");
    const subject = "Idempotent concurrent 91bc";
    const responses = await Promise.all([
      agent.post("/api/v1/tickets", body(subject), { "idempotency-key": "race-91bc" }),
      agent.post("/api/v1/tickets", body(subject), { "idempotency-key": "race-91bc" }),
    ]);
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    expect(responses[0]?.json().key).toBe(responses[1]?.json().key);
    expect(await countBySubject(subject)).toBe(1);
  });

  it("different users sending the same Idempotency-Key get different tickets", async () => {
    const subject = "Idempotent per user 55d0";
    const a = await (await h.as("agent@demo.test")).post("/api/v1/tickets", body(subject), {
      "idempotency-key": "shared-55d0",
    });
    const b = await (await h.as("coordinator@demo.test")).post("/api/v1/tickets", body(subject), {
      "idempotency-key": "shared-55d0",
    });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(a.json().key).not.toBe(b.json().key);
    expect(await countBySubject(subject)).toBe(2);
  });
});

describe("the audit trail", () => {
  it("opening a ticket writes ticket.created with the actor", async () => {
    clock.advance(HOUR);
    const key = await zmbTicket({ priority: "low", category: "bug" });
    const events = await eventsOf(key);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "ticket.created",
      actor: { id: await userId("agent@demo.test"), name: "Tomás Agent" },
      before: null,
      after: { key, priority: "low", category: "bug", tier: 1 },
      createdAt: new Date(clock.now()).toISOString(),
    });
  });

  it("changing priority and assignee in one request writes one ticket.updated event with both fields", async () => {
    const key = await zmbTicket();
    const agentId = await userId("agent@demo.test");
    clock.advance(HOUR);
    const res = await (await h.as("siteadmin-zmb@demo.test")).patch(`/api/v1/tickets/${key}`, {
      priority: "high",
      assigneeId: agentId,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ priority: "high", assignee: { id: agentId, name: "Tomás Agent" } });
    const updates = (await eventsOf(key)).filter((e) => e.type === "ticket.updated");
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      actor: { id: await userId("siteadmin-zmb@demo.test"), name: "Mwila Banda" },
      before: { priority: "normal", assigneeId: null },
      after: { priority: "high", assigneeId: agentId },
      createdAt: new Date(clock.now()).toISOString(),
    });
  });

  it("a change that changes nothing writes no event", async () => {
    const key = await zmbTicket({ priority: "high" });
    const res = await (await h.as("agent@demo.test")).patch(`/api/v1/tickets/${key}`, { priority: "high" });
    expect(res.statusCode).toBe(200);
    expect(res.json().version).toBe(1);
    expect((await eventsOf(key)).map((e) => e.type)).toEqual(["ticket.created"]);
  });

  it("a ticket and its thread name the requester, the assignee and each staff author", async () => {
    const agentId = await userId("agent@demo.test");
    const key = await zmbTicket({ assigneeId: agentId });
    const note = await (await h.as("coordinator@demo.test")).post(`/api/v1/tickets/${key}/messages`, {
      kind: "note",
      body: "Checked the logs.",
    });
    expect(note.statusCode).toBe(201);
    const agent = await h.as("agent@demo.test");
    const t = await ticketOf(agent, key);
    expect(t.requester).toMatchObject({
      name: `Requester ${serial}`,
      email: `service-req-${serial}@example.org`,
    });
    expect(t.assignee).toEqual({ id: agentId, name: "Tomás Agent" });
    const thread = await agent.get(`/api/v1/tickets/${key}/messages`);
    expect(thread.statusCode).toBe(200);
    expect(thread.json().items.map((m: { author: unknown }) => m.author)).toEqual([
      { type: "contact", id: t.requester.id, name: `Requester ${serial}` },
      { type: "user", id: await userId("coordinator@demo.test"), name: "Chloé Coordinator" },
    ]);
  });

  it("a public reply writes reply.added and an internal note writes note.added, each with its author", async () => {
    const key = await zmbTicket();
    const note = await (await h.as("coordinator@demo.test")).post(`/api/v1/tickets/${key}/messages`, {
      kind: "note",
      body: "Looks like the printer driver again.",
    });
    expect(note.statusCode).toBe(201);
    const reply = await (await h.as("agent@demo.test")).post(`/api/v1/tickets/${key}/messages`, {
      kind: "reply",
      body: "Which printer model do you use?",
    });
    expect(reply.statusCode).toBe(201);
    const events = await eventsOf(key);
    const noteEvent = events.find((e) => e.type === "note.added");
    const replyEvent = events.find((e) => e.type === "reply.added");
    expect(noteEvent).toMatchObject({
      actor: { id: await userId("coordinator@demo.test") },
      after: { messageId: note.json().id },
    });
    expect(replyEvent).toMatchObject({
      actor: { id: await userId("agent@demo.test") },
      after: { messageId: reply.json().id },
    });
    // The reply also opened the ticket, which is a change of its own.
    expect(events.filter((e) => e.type === "ticket.updated")).toEqual([
      expect.objectContaining({ before: { status: "new" }, after: { status: "open" } }),
    ]);
  });
});

describe("replies and the status", () => {
  it("a staff reply opens a new ticket and sets the first response time only once", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await zmbTicket();
    clock.advance(2 * HOUR);
    const firstAt = new Date(clock.now()).toISOString();
    await agent.post(`/api/v1/tickets/${key}/messages`, { body: "We are looking into it." });
    let t = await ticketOf(agent, key);
    expect(t.status).toBe("open");
    expect(t.firstResponseAt).toBe(firstAt);
    clock.advance(HOUR);
    await agent.post(`/api/v1/tickets/${key}/messages`, { body: "Found the cause." });
    t = await ticketOf(agent, key);
    expect(t.firstResponseAt).toBe(firstAt);
    expect(t.updatedAt).toBe(new Date(clock.now()).toISOString());
  });

  it("an internal note does not count as a first response nor open the ticket", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await zmbTicket();
    await agent.post(`/api/v1/tickets/${key}/messages`, { kind: "note", body: "Checking logs first." });
    const t = await ticketOf(agent, key);
    expect(t.status).toBe("new");
    expect(t.firstResponseAt).toBeNull();
  });

  it("a requester's reply reopens a ticket that was waiting on them or resolved", async () => {
    const agent = await h.as("agent@demo.test");
    const requester = await h.as("requester-zmb@demo.test");
    const key = await openTicket(requester, {
      site: "ZMB",
      subject: "Report export is empty",
      description: "The monthly report has no rows.",
    });
    expect((await agent.patch(`/api/v1/tickets/${key}`, { status: "pending-requester" })).json().status).toBe(
      "pending-requester",
    );
    const first = await requester.post(`/api/v1/tickets/${key}/messages`, { body: "Here is a screenshot." });
    expect(first.statusCode).toBe(201);
    let t = await ticketOf(agent, key);
    expect(t.status).toBe("open");
    expect(t.firstResponseAt).toBeNull();

    clock.advance(HOUR);
    const resolved = (await agent.patch(`/api/v1/tickets/${key}`, { status: "resolved" })).json();
    expect(resolved.resolvedAt).toBe(new Date(clock.now()).toISOString());
    clock.advance(HOUR);
    await requester.post(`/api/v1/tickets/${key}/messages`, { body: "It is empty again today." });
    t = await ticketOf(agent, key);
    expect(t.status).toBe("open");
    expect(t.resolvedAt).toBeNull();
    const statusEvents = (await eventsOf(key)).filter((e) => e.type === "ticket.updated");
    expect(statusEvents.at(-1)).toMatchObject({
      actor: { id: await userId("requester-zmb@demo.test") },
      before: { status: "resolved" },
      after: { status: "open" },
    });
  });

  it("a requester's reply leaves an open ticket open", async () => {
    const agent = await h.as("agent@demo.test");
    const requester = await h.as("requester-zmb@demo.test");
    const key = await openTicket(requester, { site: "ZMB", subject: "Still open", description: "Details." });
    await agent.patch(`/api/v1/tickets/${key}`, { status: "pending-vendor" });
    await requester.post(`/api/v1/tickets/${key}/messages`, { body: "Any news?" });
    expect((await ticketOf(agent, key)).status).toBe("pending-vendor");
  });

  it("a closed ticket refuses replies and notes with 409 ticket.closed", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await zmbTicket();
    expect((await agent.patch(`/api/v1/tickets/${key}`, { status: "closed" })).statusCode).toBe(200);
    for (const kind of ["reply", "note"]) {
      const res = await agent.post(`/api/v1/tickets/${key}/messages`, { kind, body: "Too late?" });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe("ticket.closed");
    }
    const thread = (await agent.get(`/api/v1/tickets/${key}/messages`)).json().items;
    expect(thread).toHaveLength(1);
  });
});

describe("status changes", () => {
  it("deferred can only be reached through the deferral workflow", async () => {
    const key = await zmbTicket();
    const res = await (await h.as("agent@demo.test")).patch(`/api/v1/tickets/${key}`, { status: "deferred" });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("ticket.status_requires_deferral");
  });

  it("no ticket goes back to new", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await zmbTicket();
    await agent.patch(`/api/v1/tickets/${key}`, { status: "open" });
    const res = await agent.patch(`/api/v1/tickets/${key}`, { status: "new" });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("ticket.invalid_status_transition");
    expect((await ticketOf(agent, key)).status).toBe("open");
  });

  it("a closed ticket can only be reopened, which clears its closed and resolved times", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await zmbTicket();
    const closed = (await agent.patch(`/api/v1/tickets/${key}`, { status: "closed" })).json();
    expect(closed.closedAt).toBe(new Date(clock.now()).toISOString());
    expect(closed.resolvedAt).toBe(new Date(clock.now()).toISOString());
    for (const status of ["resolved", "pending-requester", "pending-vendor"]) {
      const res = await agent.patch(`/api/v1/tickets/${key}`, { status });
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe("ticket.invalid_status_transition");
    }
    const reopened = await agent.patch(`/api/v1/tickets/${key}`, { status: "open" });
    expect(reopened.statusCode).toBe(200);
    expect(reopened.json()).toMatchObject({ status: "open", closedAt: null, resolvedAt: null });
  });

  it("resolving sets the resolved time and reopening clears it", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await zmbTicket();
    clock.advance(3 * HOUR);
    const resolved = (await agent.patch(`/api/v1/tickets/${key}`, { status: "resolved" })).json();
    expect(resolved.status).toBe("resolved");
    expect(resolved.resolvedAt).toBe(new Date(clock.now()).toISOString());
    const reopened = (await agent.patch(`/api/v1/tickets/${key}`, { status: "open" })).json();
    expect(reopened.status).toBe("open");
    expect(reopened.resolvedAt).toBeNull();
  });

  it("a change against a stale version is refused with 409 and changes nothing", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await zmbTicket();
    const { version } = await ticketOf(agent, key);
    const ok = await agent.patch(`/api/v1/tickets/${key}`, { priority: "high", expectedVersion: version });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().version).toBe(version + 1);
    const stale = await agent.patch(`/api/v1/tickets/${key}`, { priority: "low", expectedVersion: version });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe("ticket.version_conflict");
    const t = await ticketOf(agent, key);
    expect(t.priority).toBe("high");
    expect(t.version).toBe(version + 1);
  });
});

describe("assignment", () => {
  it("only staff working the ticket's site can be assigned", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await zmbTicket();
    for (const email of ["engineer@demo.test", "siteadmin-bgd@demo.test", "manager@demo.test"]) {
      const res = await agent.patch(`/api/v1/tickets/${key}`, { assigneeId: await userId(email) });
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe("ticket.assignee_not_eligible");
    }
    const ok = await agent.patch(`/api/v1/tickets/${key}`, { assigneeId: await userId("agent@demo.test") });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().assignee.id).toBe(await userId("agent@demo.test"));
  });

  it("an assignee given when opening a ticket must work the site too", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await agent.post("/api/v1/tickets", {
      site: "ZMB",
      subject: "Assigned at birth",
      description: "Opened with an assignee.",
      requester: { email: "assigned-at-birth@example.org" },
      assigneeId: await userId("siteadmin-bgd@demo.test"),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("ticket.assignee_not_eligible");
  });

  it("an engineer of the vendor team can be assigned once the ticket is at Level 3 with that team", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await zmbTicket();
    await h.ctx.tickets.moveTier(await actor("agent@demo.test"), key, 3, "Needs a code change", {
      vendorTeamId: await teamId("opencrvs-core"),
    });
    const res = await agent.patch(`/api/v1/tickets/${key}`, {
      assigneeId: await userId("engineer@demo.test"),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().assignee.name).toBe("Emeka Engineer");
  });
});

describe("the tier history", () => {
  it("moving a ticket from Level 1 to 2 to 3 closes each segment, and the durations add up", async () => {
    const agent = await h.as("agent@demo.test");
    const mover = await actor("agent@demo.test");
    clock.advance(HOUR);
    const start = clock.now();
    const key = await zmbTicket();
    clock.advance(2 * HOUR);
    await h.ctx.tickets.moveTier(mover, key, 2, "Needs configuration work");
    clock.advance(3 * HOUR);
    await h.ctx.tickets.moveTier(mover, key, 3, "Needs a code change", {
      vendorTeamId: await teamId("opencrvs-core"),
    });
    clock.advance(HOUR);

    const t = await ticketOf(agent, key);
    expect(t.tier).toBe(3);
    expect(t.vendorTeam).toBe("opencrvs-core");
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(t.tierHistory).toEqual([
      {
        tier: 1,
        enteredAt: iso(start),
        leftAt: iso(start + 2 * HOUR),
        durationMs: 2 * HOUR,
        reason: "opened",
      },
      {
        tier: 2,
        enteredAt: iso(start + 2 * HOUR),
        leftAt: iso(start + 5 * HOUR),
        durationMs: 3 * HOUR,
        reason: "Needs configuration work",
      },
      {
        tier: 3,
        enteredAt: iso(start + 5 * HOUR),
        leftAt: null,
        durationMs: HOUR,
        reason: "Needs a code change",
      },
    ]);
    const total = t.tierHistory.reduce((sum: number, s: { durationMs: number }) => sum + s.durationMs, 0);
    expect(total).toBe(clock.now() - Date.parse(t.createdAt));
    const moves = (await eventsOf(key)).filter((e) => e.type === "tier.changed");
    expect(moves.map((e) => [e.before?.tier, e.after?.tier])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(moves.every((e) => e.actor?.id === mover.userId)).toBe(true);
  });

  it("a vendor engineer sees a ticket only once it is at Level 3 with their team", async () => {
    const engineer = await h.as("engineer@demo.test");
    const mover = await actor("agent@demo.test");
    const key = await zmbTicket();
    const sees = async () => (await engineer.get(`/api/v1/tickets/${key}`)).statusCode;
    const listed = async () =>
      (await engineer.get("/api/v1/tickets?limit=100"))
        .json()
        .items.some((t: { key: string }) => t.key === key);

    expect(await sees()).toBe(404);
    await h.ctx.tickets.moveTier(mover, key, 2, "Configuration");
    expect(await sees()).toBe(404);
    await h.ctx.tickets.moveTier(mover, key, 3, "Primero bug", {
      vendorTeamId: await teamId("primero-core"),
    });
    expect(await sees()).toBe(404);
    expect(await listed()).toBe(false);
    await h.ctx.tickets.moveTier(mover, key, 3, "Actually OpenCRVS", {
      vendorTeamId: await teamId("opencrvs-core"),
    });
    expect(await sees()).toBe(200);
    expect(await listed()).toBe(true);
    await h.ctx.tickets.moveTier(mover, key, 2, "Back for configuration");
    expect(await sees()).toBe(404);
  });
});

describe("who may do what", () => {
  it("a manager can read a ticket and its audit trail but not change it", async () => {
    const manager = await h.as("manager@demo.test");
    const key = await zmbTicket();
    expect((await manager.get(`/api/v1/tickets/${key}`)).statusCode).toBe(200);
    expect((await manager.get(`/api/v1/tickets/${key}/events`)).statusCode).toBe(200);
    const patch = await manager.patch(`/api/v1/tickets/${key}`, { priority: "critical" });
    expect(patch.statusCode).toBe(403);
    const reply = await manager.post(`/api/v1/tickets/${key}/messages`, { body: "Hello" });
    expect(reply.statusCode).toBe(403);
    const t = await ticketOf(await h.as("agent@demo.test"), key);
    expect(t.priority).toBe("normal");
    expect(t.version).toBe(1);
  });

  it("a requester opens a ticket for themself on the web, as their own contact", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    const res = await requester.post("/api/v1/tickets", {
      site: "ZMB",
      subject: "Cannot attach a scanned form",
      description: "The upload spins forever.",
    });
    expect(res.statusCode).toBe(201);
    const t = res.json();
    expect(t.channel).toBe("web");
    expect(t.requester.email).toBe("requester-zmb@demo.test");
    const contact = await h.ctx.database.db
      .selectFrom("contacts")
      .select(["user_id", "site_id"])
      .where("id", "=", t.requester.id)
      .executeTakeFirstOrThrow();
    expect(contact.user_id).toBe(await userId("requester-zmb@demo.test"));
    const mine = (await requester.get(`/api/v1/tickets?requester=${t.requester.id}&limit=100`)).json();
    expect(mine.items.map((x: { key: string }) => x.key)).toContain(t.key);
  });

  it("a requester may not name another requester, an assignee or another channel", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    const base = { site: "ZMB", subject: "For someone else", description: "Details." };
    for (const extra of [
      { requester: { email: "someone-else@example.org" } },
      { assigneeId: await userId("agent@demo.test") },
      { channel: "email" },
    ]) {
      const res = await requester.post("/api/v1/tickets", { ...base, ...extra });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("ticket.create_forbidden");
    }
  });

  it("a requester may not open tickets at a site where they are not a requester", async () => {
    const res = await (await h.as("requester-zmb@demo.test")).post("/api/v1/tickets", {
      site: "BGD",
      subject: "Wrong site",
      description: "Details.",
    });
    expect(res.statusCode).toBe(403);
  });

  it("a requester sees the public thread of their ticket but not internal notes or the audit trail", async () => {
    const agent = await h.as("agent@demo.test");
    const requester = await h.as("requester-zmb@demo.test");
    const key = await openTicket(requester, {
      site: "ZMB",
      subject: "Duplicate records",
      description: "Two records for one child.",
    });
    await agent.post(`/api/v1/tickets/${key}/messages`, {
      kind: "note",
      body: "Secret: merge tool is broken.",
    });
    await agent.post(`/api/v1/tickets/${key}/messages`, { kind: "reply", body: "We will merge them." });

    const seen = (await requester.get(`/api/v1/tickets/${key}/messages`)).json().items;
    expect(seen.map((m: { body: string }) => m.body)).toEqual([
      "Two records for one child.",
      "We will merge them.",
    ]);
    expect(seen.every((m: { kind: string }) => m.kind === "reply")).toBe(true);
    const staff = (await agent.get(`/api/v1/tickets/${key}/messages`)).json().items;
    expect(staff.map((m: { kind: string }) => m.kind)).toEqual(["reply", "note", "reply"]);

    const events = await requester.get(`/api/v1/tickets/${key}/events`);
    expect(events.statusCode).toBe(403);
  });

  it("a requester cannot read another requester's ticket", async () => {
    const key = await zmbTicket();
    const res = await (await h.as("requester-zmb@demo.test")).get(`/api/v1/tickets/${key}`);
    expect(res.statusCode).toBe(404);
  });
});

describe("assignment across levels", () => {
  it("an engineer holding an L3 ticket is unassigned when it is handed back to L2, while an agent keeps it", async () => {
    const key = await zmbTicket();
    const agent = await actor("agent@demo.test");
    const engineerId = await userId("engineer@demo.test");
    await h.ctx.tickets.moveTier(agent, key, 3, "core bug", { vendorTeamId: await teamId("opencrvs-core") });
    await h.ctx.tickets.update(agent, key, { assigneeId: engineerId });
    await h.ctx.tickets.moveTier(agent, key, 2, "answered by the vendor");
    const handedBack = await h.ctx.tickets.get(agent, key);
    expect(handedBack.assignee).toBeNull();
    const moves = (await eventsOf(key)).filter((e) => e.type === "tier.changed");
    expect(moves[moves.length - 1]).toMatchObject({
      before: { tier: 3, assigneeId: engineerId },
      after: { tier: 2, assigneeId: null },
    });

    await h.ctx.tickets.update(agent, key, { assigneeId: agent.userId });
    await h.ctx.tickets.moveTier(agent, key, 3, "needs the vendor again", {
      vendorTeamId: await teamId("opencrvs-core"),
    });
    expect((await h.ctx.tickets.get(agent, key)).assignee?.id).toBe(agent.userId);
  });
});
