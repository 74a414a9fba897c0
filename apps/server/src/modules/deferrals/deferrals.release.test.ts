import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createHarness, type Harness, openTicket } from "../../../test/harness.js";
import { type Actor, SCOPES } from "../../shared/actor.js";

let h: Harness;
let agent: Client;
let coordinator: Client;
let requester: Client;
let agentActor: Actor;
let teamId: number;

type Release = { id: number; version: string };
type Note = { kind: string; ticketId: number | null };

beforeAll(async () => {
  h = await createHarness();
  agent = await h.as("agent@demo.test");
  coordinator = await h.as("coordinator@demo.test");
  requester = await h.as("requester-zmb@demo.test");
  const agentId = (await h.ctx.users.findByEmail("agent@demo.test"))?.id as number;
  agentActor = (await h.ctx.users.loadActor(agentId, new Set(SCOPES), "session")) as Actor;
  teamId = (await h.ctx.vendors.resolveSlugs(["opencrvs-core"])).ids.get("opencrvs-core") as number;
  // The job runner works throughout, as in a server, so the ship job may run beside the direct runs below.
  await h.ctx.jobs.startWorking();
});
afterAll(async () => h?.close());

async function planRelease(version: string, plannedDate: string): Promise<Release> {
  const res = await agent.post("/api/v1/releases", { product: "OpenCRVS", version, plannedDate });
  if (res.statusCode !== 201) throw new Error(`release: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** A ZMB ticket of requester-zmb, escalated to Level 3 and handed to the OpenCRVS core team. */
async function l3Ticket(subject: string): Promise<string> {
  const key = await openTicket(requester, { site: "ZMB", subject, description: `${subject}: details` });
  await h.ctx.tickets.moveTier(agentActor, key, 3, "Confirmed core bug", { vendorTeamId: teamId });
  return key;
}

const propose = (key: string, releaseId: number) =>
  agent.post(`/api/v1/tickets/${key}/deferrals`, { releaseId, reason: "Cosmetic; can wait" });

/** An agent proposes and the coordinator approves; returns the deferral id. */
async function defer(key: string, releaseId: number): Promise<number> {
  const proposed = await propose(key, releaseId);
  if (proposed.statusCode !== 201) throw new Error(`propose: ${proposed.statusCode} ${proposed.body}`);
  const id = proposed.json().id as number;
  const approved = await coordinator.post(`/api/v1/tickets/${key}/deferrals/${id}/approve`, {});
  if (approved.statusCode !== 200) throw new Error(`approve: ${approved.statusCode} ${approved.body}`);
  return id;
}

const ticket = async (key: string) => (await agent.get(`/api/v1/tickets/${key}`)).json();
const ticketId = async (key: string) => (await h.ctx.tickets.visibleRow(agentActor, key)).id;
const notificationsOf = async (client: Client): Promise<Note[]> =>
  (await client.get("/api/v1/notifications?limit=200")).json().items;

/** Waits while the job runner works until the condition holds (the assertions after it say what must hold). */
async function eventually(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 450 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 100));
}
const SLOW = 60_000;

describe("a release ships or is cancelled", () => {
  it(
    "shipping resolves its deferred tickets exactly once, even when the ship job runs twice",
    async () => {
      const release = await planRelease("1.9.2", "2026-08-01");
      const a = await l3Ticket("Map tiles missing");
      const b = await l3Ticket("Signature image blurry");
      const reopened = await l3Ticket("Help link broken");
      const waiting = await l3Ticket("Report title truncated");
      for (const key of [a, b, reopened]) await defer(key, release.id);
      await agent.patch(`/api/v1/tickets/${reopened}`, { status: "open" });
      const pendingId = (await propose(waiting, release.id)).json().id;

      const shipped = await agent.post(`/api/v1/releases/${release.id}/ship`);
      expect(shipped.statusCode).toBe(200);
      expect(shipped.json().status).toBe("shipped");
      const twice = await coordinator.post(`/api/v1/releases/${release.id}/ship`);
      expect(twice.statusCode).toBe(409);
      expect(twice.json().code).toBe("release.already_shipped");

      await h.ctx.deferrals.settleRelease(release.id);
      await h.ctx.deferrals.settleRelease(release.id);

      expect((await ticket(a)).status).toBe("resolved");
      expect((await ticket(b)).status).toBe("resolved");
      expect((await ticket(reopened)).status).toBe("open");
      const thread = (await requester.get(`/api/v1/tickets/${a}/messages?limit=100`)).json().items;
      const shippedMessages = thread.filter((m: { body: string }) => m.body.includes("has shipped"));
      expect(shippedMessages).toHaveLength(1);
      expect(shippedMessages[0].body).toContain("OpenCRVS 1.9.2");
      const events = (await agent.get(`/api/v1/tickets/${b}/events?limit=100`)).json().items;
      expect(
        events.filter((e: { after: { cause?: string } | null }) => e.after?.cause === "release.shipped"),
      ).toHaveLength(1);
      const proposals = (await agent.get(`/api/v1/tickets/${waiting}/deferrals`)).json().items;
      expect(proposals.find((d: { id: number }) => d.id === pendingId).state).toBe("cancelled");

      const ids = await Promise.all([a, b, waiting].map(ticketId));
      await eventually(async () => {
        const mine = await notificationsOf(agent);
        return ids.every((id) => mine.some((n) => n.ticketId === id && n.kind !== "deferral.approved"));
      });
      const mine = await notificationsOf(agent);
      for (const id of ids.slice(0, 2))
        expect(mine.filter((n) => n.ticketId === id && n.kind === "release.shipped")).toHaveLength(1);
      expect(mine.filter((n) => n.ticketId === ids[2] && n.kind === "deferral.cancelled")).toHaveLength(1);
    },
    SLOW,
  );

  it(
    "the job runner resolves the deferred tickets of a shipped release in the background",
    async () => {
      const release = await planRelease("1.9.4", "2026-08-15");
      const key = await l3Ticket("Age calculation off by one");
      await defer(key, release.id);
      await agent.post(`/api/v1/releases/${release.id}/ship`);
      await eventually(async () => (await ticket(key)).status === "resolved");
      expect((await ticket(key)).status).toBe("resolved");
      const release2 = (await agent.get(`/api/v1/releases/${release.id}`)).json();
      expect(release2.deferredTickets).toEqual([expect.objectContaining({ key, status: "resolved" })]);
    },
    SLOW,
  );

  it("cancelling a release puts its deferred tickets back to open and closes the waiting proposals", async () => {
    const release = await planRelease("1.9.5", "2026-09-01");
    const key = await l3Ticket("Consent checkbox unchecked");
    const waiting = await l3Ticket("Sorting arrows inverted");
    const deferralId = await defer(key, release.id);
    const pendingId = (await propose(waiting, release.id)).json().id;

    const cancelled = await agent.patch(`/api/v1/releases/${release.id}`, { status: "cancelled" });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().status).toBe("cancelled");
    await h.ctx.deferrals.settleRelease(release.id);
    await h.ctx.deferrals.settleRelease(release.id);

    expect((await ticket(key)).status).toBe("open");
    const thread = (await requester.get(`/api/v1/tickets/${key}/messages?limit=100`)).json().items;
    expect(thread.filter((m: { body: string }) => m.body.includes("has been cancelled"))).toHaveLength(1);
    const states = async (k: string) =>
      (await agent.get(`/api/v1/tickets/${k}/deferrals`))
        .json()
        .items.map((d: { id: number; state: string }) => [d.id, d.state]);
    expect(await states(key)).toEqual([[deferralId, "cancelled"]]);
    expect(await states(waiting)).toEqual([[pendingId, "cancelled"]]);
    expect((await agent.get(`/api/v1/releases/${release.id}`)).json().deferredTickets).toEqual([]);
  });
});
