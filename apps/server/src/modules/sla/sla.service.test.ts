import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, openTicket, testClock, waitFor } from "../../../test/harness.js";
import { startBackground } from "../../app/background.js";

const MIN = 60_000;
const clock = testClock(Date.parse("2026-03-02T08:00:00Z"));
let h: Harness;
let background: Awaited<ReturnType<typeof startBackground>>;

async function eventsOf(key: string, type: string): Promise<number> {
  const rows = await sql<{
    n: number;
  }>`select count(*) as n from ticket_events e join tickets t on t.id = e.ticket_id
    where t.key = ${key} and e.type = ${type}`.execute(h.ctx.database.db);
  return Number(rows.rows[0]?.n ?? 0);
}

beforeAll(async () => {
  h = await createHarness({ clock });
  const admin = await h.as("hubadmin@demo.test");
  const cal = await admin.request("PUT", "/api/v1/sites/ZMB/calendar", { alwaysOpen: true });
  expect(cal.statusCode).toBe(200);
  const policies = await admin.request("PUT", "/api/v1/sites/ZMB/sla-policies", {
    policies: [
      {
        priority: "critical",
        firstResponseMinutes: 1,
        nextResponseMinutes: 5,
        resolutionMinutes: 10,
        warnPercent: 50,
      },
      { priority: "normal", firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 600 },
      {
        priority: "normal",
        tier: 2,
        firstResponseMinutes: 60,
        nextResponseMinutes: 120,
        resolutionMinutes: 1200,
      },
    ],
  });
  expect(policies.statusCode).toBe(200);
  background = await startBackground(h.ctx, { sweepMs: 100 });
});
afterAll(async () => {
  await background?.stop();
  await h?.close();
});

const newTicket = async (priority: string) =>
  openTicket(await h.as("agent@demo.test"), {
    site: "ZMB",
    subject: `SLA ${priority} ${Math.random()}`,
    description: "Registrations fail",
    priority,
    requester: { email: `sla-${Math.random()}@example.org` },
  });
const times = async (key: string) =>
  (await (await h.as("agent@demo.test")).get(`/api/v1/tickets/${key}/sla`)).json();
const clockOf = (body: { clocks: Array<{ kind: string }> }, kind: string) =>
  body.clocks.find((c) => c.kind === kind) as Record<string, unknown>;

describe("service levels", () => {
  it("a breach fires on time from the background runner with nobody reading the ticket", async () => {
    const key = await newTicket("critical");
    const created = clock.now();
    clock.advance(31_000);
    await waitFor("the warning at half time", async () => (await eventsOf(key, "sla.warning")) >= 1);
    expect(await eventsOf(key, "sla.breached")).toBe(0);
    clock.advance(30_000);
    await waitFor("the breach event", async () => (await eventsOf(key, "sla.breached")) >= 1);
    expect(await eventsOf(key, "sla.warning")).toBe(1);
    const coordinator = await h.ctx.users.findByEmail("coordinator@demo.test");
    const note = await waitFor("the coordinator's notification", async () =>
      h.ctx.database.db
        .selectFrom("notifications")
        .selectAll()
        .where("user_id", "=", coordinator?.id ?? -1)
        .where("kind", "=", "sla.breached")
        .where("title", "like", `${key}:%`)
        .executeTakeFirst(),
    );
    expect(note.title).toContain("first response");
    const fr = clockOf(await times(key), "first_response");
    expect(fr.state).toBe("breached");
    expect(fr.breachedAt).toBe(new Date(created + MIN).toISOString());
    // A second sweep does not fire the same breach again.
    await h.ctx.sla.sweep();
    expect(await eventsOf(key, "sla.breached")).toBe(1);
  });

  it("a first public reply by staff meets the first-response clock; an internal note does not", async () => {
    const key = await newTicket("normal");
    const agent = await h.as("agent@demo.test");
    clock.advance(10 * MIN);
    await agent.post(`/api/v1/tickets/${key}/messages`, { kind: "note", body: "looking" });
    expect(clockOf(await times(key), "first_response").state).toBe("running");
    await agent.post(`/api/v1/tickets/${key}/messages`, { kind: "reply", body: "We are on it" });
    const fr = clockOf(await times(key), "first_response");
    expect(fr.state).toBe("met");
    expect(fr.metAt).toBe(new Date(clock.now()).toISOString());
  });

  it("pending-requester pauses the clocks and resuming shifts the due time by the paused time", async () => {
    const key = await newTicket("normal");
    const agent = await h.as("agent@demo.test");
    const due0 = Date.parse(clockOf(await times(key), "resolution").dueAt as string);
    clock.advance(30 * MIN);
    expect((await agent.patch(`/api/v1/tickets/${key}`, { status: "pending-requester" })).statusCode).toBe(
      200,
    );
    const paused = clockOf(await times(key), "resolution");
    expect(paused.state).toBe("paused");
    expect(paused.dueAt).toBeNull();
    expect(paused.remainingBusinessMinutes).toBe(570);
    clock.advance(3 * 60 * MIN);
    expect(clockOf(await times(key), "resolution").remainingBusinessMinutes).toBe(570);
    expect((await agent.patch(`/api/v1/tickets/${key}`, { status: "open" })).statusCode).toBe(200);
    const resumed = clockOf(await times(key), "resolution");
    expect(resumed.state).toBe("running");
    expect(Date.parse(resumed.dueAt as string) - due0).toBe(3 * 60 * MIN);
  });

  it("resolving meets the resolution clock and reopening runs it again with the time already used", async () => {
    const key = await newTicket("normal");
    const agent = await h.as("agent@demo.test");
    clock.advance(100 * MIN);
    await agent.patch(`/api/v1/tickets/${key}`, { status: "resolved" });
    expect(clockOf(await times(key), "resolution").state).toBe("met");
    clock.advance(24 * 60 * MIN);
    await agent.patch(`/api/v1/tickets/${key}`, { status: "open" });
    const res = clockOf(await times(key), "resolution");
    expect(res.state).toBe("running");
    expect(res.remainingBusinessMinutes).toBe(500);
  });

  it("a new priority or level gives new targets and keeps the time already used", async () => {
    const key = await newTicket("normal");
    const agent = await h.as("agent@demo.test");
    clock.advance(20 * MIN);
    await agent.patch(`/api/v1/tickets/${key}`, { priority: "critical" });
    const critical = clockOf(await times(key), "resolution");
    expect(critical.targetMinutes).toBe(10);
    expect(critical.remainingBusinessMinutes).toBe(-10);
    await agent.patch(`/api/v1/tickets/${key}`, { priority: "normal" });
    const actor = await h.ctx.users.loadActor(
      (await h.ctx.users.findByEmail("agent@demo.test"))?.id ?? 0,
      new Set(["tickets:read", "tickets:write"]),
      "session",
    );
    if (!actor) throw new Error("no agent");
    await h.ctx.tickets.moveTier(actor, key, 2, "needs configuration");
    const l2 = clockOf(await times(key), "resolution");
    expect(l2.targetMinutes).toBe(1200);
    expect(l2.remainingBusinessMinutes).toBe(1180);
  });

  it("a requester's reply after staff answered starts the next-response clock", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    const key = await openTicket(requester, {
      site: "ZMB",
      subject: "Cannot print",
      description: "Printer error",
    });
    const agent = await h.as("agent@demo.test");
    await agent.post(`/api/v1/tickets/${key}/messages`, { kind: "reply", body: "Which printer?" });
    expect(clockOf(await times(key), "next_response")).toBeUndefined();
    await requester.post(`/api/v1/tickets/${key}/messages`, { kind: "reply", body: "The HP one" });
    const next = clockOf(await times(key), "next_response");
    expect(next.state).toBe("running");
    expect(next.targetMinutes).toBe(120);
    await agent.post(`/api/v1/tickets/${key}/messages`, { kind: "reply", body: "Try this driver" });
    expect(clockOf(await times(key), "next_response").state).toBe("met");
  });

  it("the queue sorts on the stored due time and the ticket shows its time at each level", async () => {
    const key = await newTicket("normal");
    const row = await h.ctx.database.db
      .selectFrom("tickets")
      .select(["sla_due_at", "sla_state"])
      .where("key", "=", key)
      .executeTakeFirstOrThrow();
    const body = await times(key);
    expect(row.sla_due_at).toBe(Date.parse(clockOf(body, "first_response").dueAt as string));
    expect(row.sla_state).toBe("ok");
    clock.advance(15 * MIN);
    const later = await times(key);
    expect(later.levels).toEqual([{ tier: 1, wallMinutes: 15, businessMinutes: 15, segments: 1 }]);
  });

  it("the queue sorted by SLA shows the most urgent first and tickets without a clock last, across pages", async () => {
    const keys = [
      await newTicket("low"),
      await newTicket("normal"),
      await newTicket("critical"),
      await newTicket("low"),
    ];
    const agent = await h.as("agent@demo.test");
    const seen: Array<{ key: string; slaDueAt: string | null }> = [];
    let cursor: string | null = null;
    do {
      const page = await agent.get(
        `/api/v1/tickets?site=ZMB&status=new&sort=sla&limit=3${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.statusCode).toBe(200);
      seen.push(...page.json().items);
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(new Set(seen.map((t) => t.key)).size).toBe(seen.length);
    for (const k of keys) expect(seen.map((t) => t.key)).toContain(k);
    const dues = seen.map((t) => (t.slaDueAt === null ? Number.POSITIVE_INFINITY : Date.parse(t.slaDueAt)));
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    expect(seen.find((t) => t.key === keys[0])?.slaDueAt).toBeNull();
  });

  it("a calendar change recomputes the due times of open tickets through a job", async () => {
    const key = await newTicket("normal");
    const before = Date.parse(clockOf(await times(key), "resolution").dueAt as string);
    const admin = await h.as("hubadmin@demo.test");
    // Monday 2 March 2026 08:00 UTC is 10:00 in Lusaka: with 08:00-17:00 hours the 600 minutes end the next day.
    const res = await admin.request("PUT", "/api/v1/sites/ZMB/calendar", {
      weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: "08:00", end: "17:00" })),
    });
    expect(res.statusCode).toBe(200);
    const after = await waitFor("the recomputed due time", async () => {
      const due = Date.parse(clockOf(await times(key), "resolution").dueAt as string);
      return due !== before ? due : undefined;
    });
    expect(after).toBeGreaterThan(before);
    await admin.request("PUT", "/api/v1/sites/ZMB/calendar", { alwaysOpen: true });
  });

  it("requesters cannot see the clocks and other sites' people get 404", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    const key = await openTicket(requester, { site: "ZMB", subject: "Question", description: "How do I?" });
    expect((await requester.get(`/api/v1/tickets/${key}/sla`)).statusCode).toBe(403);
    expect((await (await h.as("siteadmin-bgd@demo.test")).get(`/api/v1/tickets/${key}/sla`)).statusCode).toBe(
      404,
    );
  });

  it("only hub admins set service levels, and bad targets name the field", async () => {
    const agent = await h.as("agent@demo.test");
    expect((await agent.request("PUT", "/api/v1/sites/ZMB/sla-policies", { policies: [] })).statusCode).toBe(
      403,
    );
    const admin = await h.as("hubadmin@demo.test");
    const bad = await admin.request("PUT", "/api/v1/sites/ZMB/sla-policies", {
      policies: [{ priority: "normal", firstResponseMinutes: -5 }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe("policies.0.firstResponseMinutes");
  });
});
