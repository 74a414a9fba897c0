import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createHarness, type Harness, openTicket } from "../../../test/harness.js";
import { type Actor, SCOPES } from "../../shared/actor.js";

let h: Harness;
let agent: Client;
let coordinator: Client;
let requester: Client;
let agentActor: Actor;
let agentId: number;
let coordinatorId: number;
let teamId: number;
let releaseId: number;

type Release = { id: number; version: string };
type Note = { kind: string; ticketId: number | null; title: string; body: string | null };

beforeAll(async () => {
  h = await createHarness();
  agent = await h.as("agent@demo.test");
  coordinator = await h.as("coordinator@demo.test");
  requester = await h.as("requester-zmb@demo.test");
  agentId = (await h.ctx.users.findByEmail("agent@demo.test"))?.id as number;
  coordinatorId = (await h.ctx.users.findByEmail("coordinator@demo.test"))?.id as number;
  agentActor = (await h.ctx.users.loadActor(agentId, new Set(SCOPES), "session")) as Actor;
  teamId = (await h.ctx.vendors.resolveSlugs(["opencrvs-core"])).ids.get("opencrvs-core") as number;
  releaseId = (await planRelease("1.9.1", "2026-06-30")).id;
  // The job runner works throughout, as in a server, so a ship job may run beside the direct runs below.
  await h.ctx.jobs.startWorking();
});
afterAll(async () => h?.close());

async function planRelease(version: string, plannedDate: string, product = "OpenCRVS"): Promise<Release> {
  const res = await agent.post("/api/v1/releases", { product, version, plannedDate });
  if (res.statusCode !== 201) throw new Error(`release: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** A ZMB ticket of requester-zmb, escalated to Level 3 and handed to the OpenCRVS core team. */
async function l3Ticket(subject: string): Promise<string> {
  const key = await openTicket(requester, { site: "ZMB", subject, description: `${subject}: details` });
  await h.ctx.tickets.moveTier(agentActor, key, 3, "Confirmed core bug", { vendorTeamId: teamId });
  return key;
}

const propose = (client: Client, key: string, release = releaseId, reason = "Cosmetic; can wait") =>
  client.post(`/api/v1/tickets/${key}/deferrals`, { releaseId: release, reason });

/** An agent proposes and the coordinator approves; returns the deferral id. */
async function defer(key: string, release = releaseId): Promise<number> {
  const proposed = await propose(agent, key, release);
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

describe("deferral of a Level 3 ticket to a maintenance release", () => {
  it("a deferral needs two different people: the coordinator who proposed it can neither approve nor reject it", async () => {
    const key = await l3Ticket("Search ignores apostrophes");
    const proposed = await propose(coordinator, key);
    expect(proposed.statusCode).toBe(201);
    expect(proposed.json()).toMatchObject({ state: "proposed", proposedBy: { id: coordinatorId } });
    expect(proposed.json().actions).toEqual([]);
    const id = proposed.json().id;
    for (const decision of ["approve", "reject"]) {
      const res = await coordinator.post(`/api/v1/tickets/${key}/deferrals/${id}/${decision}`, {
        note: "Fine",
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("deferral.same_person");
    }
    expect((await ticket(key)).status).not.toBe("deferred");
  });

  it("a coordinator approves an agent's proposal: the ticket is deferred and linked to the release", async () => {
    const key = await l3Ticket("Certificate footer overlaps the signature");
    const proposed = await propose(agent, key);
    expect(proposed.json().actions).toEqual([]);
    const listed = (await coordinator.get(`/api/v1/tickets/${key}/deferrals`)).json().items;
    expect(listed[0].actions).toEqual(["approve", "reject"]);
    const approved = await coordinator.post(
      `/api/v1/tickets/${key}/deferrals/${proposed.json().id}/approve`,
      {
        note: "Agreed with the programme",
      },
    );
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({
      state: "approved",
      proposedBy: { id: agentId },
      decidedBy: { id: coordinatorId },
      decisionNote: "Agreed with the programme",
      release: { id: releaseId, version: "1.9.1", plannedDate: "2026-06-30", status: "planned" },
    });
    expect((await ticket(key)).status).toBe("deferred");
    const release = (await coordinator.get(`/api/v1/releases/${releaseId}`)).json();
    expect(release.deferredTickets).toEqual(
      expect.arrayContaining([expect.objectContaining({ key, site: "ZMB", status: "deferred" })]),
    );
    const events = (await agent.get(`/api/v1/tickets/${key}/events?limit=100`)).json().items;
    expect(events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(["deferral.proposed", "ticket.updated"]),
    );
  });

  it("the requester reads in their thread which release will fix the request and when", async () => {
    const key = await l3Ticket("Date picker shows the wrong month");
    await defer(key);
    const messages = (await requester.get(`/api/v1/tickets/${key}/messages?limit=100`)).json().items;
    const last = messages[messages.length - 1];
    expect(last.kind).toBe("reply");
    expect(last.author).toBeNull();
    expect(last.body).toContain("OpenCRVS 1.9.1");
    expect(last.body).toContain("2026-06-30");
  });

  it(
    "the coordinators hear of a proposal and the proposer of its approval",
    async () => {
      const key = await l3Ticket("Audit list sorts by surname only");
      await defer(key);
      const id = await ticketId(key);
      await eventually(
        async () =>
          (await notificationsOf(agent)).some((n) => n.ticketId === id) &&
          (await notificationsOf(coordinator)).some((n) => n.ticketId === id),
      );
      expect((await notificationsOf(agent)).filter((n) => n.ticketId === id).map((n) => n.kind)).toEqual([
        "deferral.approved",
      ]);
      expect(
        (await notificationsOf(coordinator)).filter((n) => n.ticketId === id).map((n) => n.kind),
      ).toEqual(["deferral.proposed"]);
    },
    SLOW,
  );

  it("only coordinators approve: an agent or a manager cannot approve a colleague's proposal", async () => {
    const key = await l3Ticket("Export misses the last page");
    const id = (await propose(coordinator, key)).json().id;
    for (const email of ["agent@demo.test", "manager@demo.test"]) {
      const res = await (await h.as(email)).post(`/api/v1/tickets/${key}/deferrals/${id}/approve`, {});
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("deferral.decide_forbidden");
    }
    expect((await ticket(key)).status).not.toBe("deferred");
  });

  it(
    "a rejected proposal leaves the ticket as it was and tells the proposer why",
    async () => {
      const key = await l3Ticket("Registrations lost when offline for a week");
      const before = await ticket(key);
      const id = (await propose(agent, key)).json().id;
      const rejected = await coordinator.post(`/api/v1/tickets/${key}/deferrals/${id}/reject`, {
        note: "Data loss cannot wait for a release",
      });
      expect(rejected.statusCode).toBe(200);
      expect(rejected.json()).toMatchObject({
        state: "rejected",
        decisionNote: "Data loss cannot wait for a release",
      });
      const after = await ticket(key);
      expect(after.status).toBe(before.status);
      expect(after.version).toBe(before.version);
      const tid = await ticketId(key);
      await eventually(async () => (await notificationsOf(agent)).some((n) => n.ticketId === tid));
      const note = (await notificationsOf(agent)).find((n) => n.ticketId === tid);
      expect(note).toMatchObject({ kind: "deferral.rejected", body: "Data loss cannot wait for a release" });
      const again = await coordinator.post(`/api/v1/tickets/${key}/deferrals/${id}/approve`, {});
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe("deferral.already_decided");
    },
    SLOW,
  );

  it("only Level 3 tickets can be deferred", async () => {
    const key = await openTicket(requester, {
      site: "ZMB",
      subject: "Slow login",
      description: "Takes a minute",
    });
    await h.ctx.tickets.moveTier(agentActor, key, 2, "Performance");
    const res = await propose(agent, key);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("deferral.not_level3");
  });

  it("a ticket handed back below Level 3 after the proposal cannot be approved", async () => {
    const key = await l3Ticket("Wrong locale on receipts");
    const id = (await propose(agent, key)).json().id;
    await h.ctx.tickets.moveTier(agentActor, key, 2, "Configuration after all", { vendorTeamId: null });
    const res = await coordinator.post(`/api/v1/tickets/${key}/deferrals/${id}/approve`, {});
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("deferral.not_level3");
    expect((await ticket(key)).status).not.toBe("deferred");
  });

  it("a release of another product is refused, and so is a release that is not planned", async () => {
    const key = await l3Ticket("Form builder loses field order");
    const primero = await planRelease("2.12.5", "2026-07-01", "Primero");
    const other = await propose(agent, key, primero.id);
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe("deferral.product_mismatch");
    const shipped = await planRelease("1.8.9", "2026-03-01");
    await agent.post(`/api/v1/releases/${shipped.id}/ship`);
    const late = await propose(agent, key, shipped.id);
    expect(late.statusCode).toBe(422);
    expect(late.json().code).toBe("deferral.release_not_planned");
    const unknown = await propose(agent, key, 999_999);
    expect(unknown.json().code).toBe("deferral.release_unknown");
    expect((await coordinator.get(`/api/v1/tickets/${key}/deferrals`)).json().items).toEqual([]);
  });

  it("a ticket has one proposal waiting at a time", async () => {
    const key = await l3Ticket("Dashboard counts twins once");
    expect((await propose(agent, key)).statusCode).toBe(201);
    const second = await propose(coordinator, key);
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe("deferral.pending_exists");
  });

  it("a manager, a site admin, the requester and the vendor engineer cannot propose a deferral", async () => {
    const key = await l3Ticket("Tooltip typo");
    for (const email of [
      "manager@demo.test",
      "siteadmin-zmb@demo.test",
      "requester-zmb@demo.test",
      "engineer@demo.test",
    ]) {
      const res = await propose(await h.as(email), key);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("deferral.propose_forbidden");
    }
  });

  it("another site's staff get 404 for a ticket's deferrals, and the requester may not list them", async () => {
    const key = await l3Ticket("Birth place list outdated");
    const id = (await propose(agent, key)).json().id;
    const bgd = await h.as("siteadmin-bgd@demo.test");
    for (const res of [
      await bgd.get(`/api/v1/tickets/${key}/deferrals`),
      await propose(bgd, key),
      await bgd.post(`/api/v1/tickets/${key}/deferrals/${id}/approve`, {}),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("ticket.not_found");
    }
    const own = await requester.get(`/api/v1/tickets/${key}/deferrals`);
    expect(own.statusCode).toBe(403);
    expect(own.json().code).toBe("deferral.forbidden");
    const engineer = await (await h.as("engineer@demo.test")).get(`/api/v1/tickets/${key}/deferrals`);
    expect(engineer.json().items.map((d: { id: number }) => d.id)).toEqual([id]);
  });

  it("a release lists only the deferred tickets the caller may see", async () => {
    const key = await l3Ticket("Printing queue stalls");
    await defer(key);
    const bgd = (await (await h.as("siteadmin-bgd@demo.test")).get(`/api/v1/releases/${releaseId}`)).json();
    expect(bgd.deferredTickets.map((t: { key: string }) => t.key)).not.toContain(key);
    const zmb = (await (await h.as("siteadmin-zmb@demo.test")).get(`/api/v1/releases/${releaseId}`)).json();
    expect(zmb.deferredTickets.map((t: { key: string }) => t.key)).toContain(key);
  });

  it("approving a deferral to a later release replaces the earlier one", async () => {
    const first = await planRelease("1.9.3", "2026-07-15");
    const later = await planRelease("1.10.0", "2026-09-15");
    const key = await l3Ticket("Slow duplicate check");
    const firstId = await defer(key, first.id);
    await defer(key, later.id);
    const states = (await agent.get(`/api/v1/tickets/${key}/deferrals`)).json().items;
    expect(states.map((d: { release: { id: number }; state: string }) => [d.release.id, d.state])).toEqual([
      [first.id, "cancelled"],
      [later.id, "approved"],
    ]);
    expect(states[0].id).toBe(firstId);
    await agent.post(`/api/v1/releases/${first.id}/ship`);
    await h.ctx.deferrals.settleRelease(first.id);
    expect((await ticket(key)).status).toBe("deferred");
  });
});
