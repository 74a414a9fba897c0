import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, createHarness, type Harness, openTicket, waitFor } from "../../../test/harness.js";

type Received = { event: string; data: Record<string, unknown> };

/** An open event stream over real HTTP: what it received so far, and a way to close it. */
async function openStream(base: string, client: Client) {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/v1/events/stream`, {
    headers: {
      ...(client.bearer ? { authorization: `Bearer ${client.bearer}` } : { cookie: client.cookie as string }),
      accept: "text/event-stream",
    },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const received: Received[] = [];
  let ended = false;
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) {
        ended = true;
        return;
      }
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) received.push({ event, data: JSON.parse(data) });
        end = buffer.indexOf("\n\n");
      }
    }
  })();
  await waitFor("the stream to be ready", async () => received.some((r) => r.event === "ready"));
  return {
    received,
    /** Waits for an event matching the test and returns it. */
    next: (test: (r: Received) => boolean, what: string) =>
      waitFor(what, async () => received.find(test), 20),
    /** Whether the server has ended the stream. */
    ended: () => ended,
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}

describe("the staff workspace", () => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await createHarness({ config: { liveRecheckSeconds: 0.2 } });
    base = await h.app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => h?.close());

  it("streams a new ticket and its reply to a site admin, and never a ticket of another site", async () => {
    const [zmbAdmin, agent] = await Promise.all([h.as("siteadmin-zmb@demo.test"), h.as("agent@demo.test")]);
    const stream = await openStream(base, zmbAdmin);
    const bgd = await openTicket(agent, {
      site: "BGD",
      subject: "Printer offline in Dhaka",
      description: "Nothing prints.",
      requester: { email: "clerk@dhaka.example" },
    });
    const zmb = await openTicket(agent, {
      site: "ZMB",
      subject: "Printer offline in Lusaka",
      description: "Nothing prints.",
      requester: { email: "clerk@lusaka.example" },
    });
    const created = await stream.next(
      (r) => r.event === "ticket.created" && r.data.ticket === zmb,
      "the ZMB ticket's creation",
    );
    expect(created.data.site).toBe("ZMB");
    const reply = await agent.post(`/api/v1/tickets/${zmb}/messages`, { kind: "reply", body: "On my way." });
    expect(reply.statusCode).toBe(201);
    await stream.next((r) => r.event === "message.added" && r.data.ticket === zmb, "the reply");
    // The BGD ticket was written before the ZMB one, so it would have arrived first.
    expect(stream.received.filter((r) => r.data.ticket === bgd)).toEqual([]);
    await stream.close();
    await waitFor("the stream to be released", async () => h.ctx.live.listeners() === 0);
  });

  let staffCounter = 0;
  /** A new agent of the given sites, signed in with a session of their own. */
  async function newAgent(sites: string[]): Promise<{ id: number; client: Client }> {
    const admin = await h.as("hubadmin@demo.test");
    const email = `live-agent-${++staffCounter}@example.org`;
    const made = await admin.post("/api/v1/users", {
      email,
      name: `Live Agent ${staffCounter}`,
      password: "live-password-1",
      memberships: sites.map((site) => ({ site, role: "agent" })),
    });
    expect(made.statusCode).toBe(201);
    const client = new Client(h.app);
    expect((await client.login(email, "live-password-1")).statusCode).toBe(200);
    return { id: made.json().id, client };
  }

  const ticketAt = (site: string) =>
    h.as("agent@demo.test").then((agent) =>
      openTicket(agent, {
        site,
        subject: `Live ${site}`,
        description: "x",
        requester: { email: "r@x.example" },
      }),
    );

  async function note(key: string, body: string) {
    const res = await (await h.as("agent@demo.test")).post(`/api/v1/tickets/${key}/messages`, {
      kind: "note",
      body,
    });
    expect(res.statusCode).toBe(201);
  }

  it("an agent removed from ZMB gets no more ZMB internal notes on the stream they keep open", async () => {
    const [zmb, bgd] = [await ticketAt("ZMB"), await ticketAt("BGD")];
    const { id, client } = await newAgent(["ZMB", "BGD"]);
    const stream = await openStream(base, client);
    await note(zmb, "Before the move.");
    await stream.next((r) => r.data.ticket === zmb && r.data.change === "note.added", "the first ZMB note");

    const hub = await h.as("hubadmin@demo.test");
    const moved = await hub.patch(`/api/v1/users/${id}`, { memberships: [{ site: "BGD", role: "agent" }] });
    expect(moved.statusCode).toBe(200);
    const seen = stream.received.length;
    await note(zmb, "After the move: staff only.");
    await note(bgd, "After the move, at BGD.");
    await stream.next((r) => r.data.ticket === bgd && r.data.change === "note.added", "the BGD note");
    expect(stream.received.slice(seen).filter((r) => r.data.ticket === zmb)).toEqual([]);
    await stream.close();
  });

  it("signing out closes the person's open stream at once", async () => {
    const { client } = await newAgent(["ZMB"]);
    const stream = await openStream(base, client);
    expect((await client.post("/api/v1/auth/logout")).statusCode).toBe(204);
    await waitFor("the stream to end", async () => stream.ended(), 2);
    await stream.close();
  });

  it("disabling a person closes their open stream at once", async () => {
    const { id, client } = await newAgent(["ZMB"]);
    const stream = await openStream(base, client);
    const hub = await h.as("hubadmin@demo.test");
    expect((await hub.patch(`/api/v1/users/${id}`, { disabled: true })).statusCode).toBe(200);
    await waitFor("the stream to end", async () => stream.ended(), 2);
    await stream.close();
  });

  it("revoking an API token closes the stream it opened at once", async () => {
    const { client } = await newAgent(["ZMB"]);
    const made = await client.post("/api/v1/auth/tokens", { name: "Wallboard", scopes: ["tickets:read"] });
    expect(made.statusCode).toBe(201);
    const wallboard = new Client(h.app);
    wallboard.bearer = made.json().token;
    const stream = await openStream(base, wallboard);
    expect((await client.delete(`/api/v1/auth/tokens/${made.json().id}`)).statusCode).toBe(204);
    await waitFor("the stream to end", async () => stream.ended(), 2);
    await stream.close();
  });

  it("a sign-out made by another process closes the stream within seconds", async () => {
    const { id, client } = await newAgent(["ZMB"]);
    const stream = await openStream(base, client);
    await h.ctx.database.db.deleteFrom("sessions").where("user_id", "=", id).execute();
    // The auth cache keeps what it read for up to 5 s, and the stream checks it every 0.2 s here.
    await waitFor("the stream to end", async () => stream.ended(), 8);
    await stream.close();
  });

  it("tells a requester of replies on their own request but not of internal notes", async () => {
    const [requester, zmbAdmin] = await Promise.all([
      h.as("requester-zmb@demo.test"),
      h.as("siteadmin-zmb@demo.test"),
    ]);
    const key = await openTicket(requester, {
      site: "ZMB",
      subject: "Cannot print",
      description: "Blank pages.",
    });
    const stream = await openStream(base, requester);
    await zmbAdmin.post(`/api/v1/tickets/${key}/messages`, { kind: "note", body: "Check the toner first." });
    await zmbAdmin.post(`/api/v1/tickets/${key}/messages`, {
      kind: "reply",
      body: "Please check the toner.",
    });
    const reply = await stream.next(
      (r) => r.event === "message.added" && r.data.ticket === key,
      "the public reply",
    );
    expect(reply.data.internal).toBe(false);
    expect(stream.received.filter((r) => r.data.change === "note.added")).toEqual([]);
    await stream.close();
  });

  it("warns an agent that a site admin is replying to the same ticket", async () => {
    const [zmbAdmin, agent, bgdAdmin] = await Promise.all([
      h.as("siteadmin-zmb@demo.test"),
      h.as("agent@demo.test"),
      h.as("siteadmin-bgd@demo.test"),
    ]);
    const key = await openTicket(zmbAdmin, {
      site: "ZMB",
      subject: "Two people on one ticket",
      description: "x",
      requester: { email: "a@b.example" },
    });
    const stream = await openStream(base, agent);
    const mine = await zmbAdmin.post(`/api/v1/tickets/${key}/presence`, { mode: "editing" });
    expect(mine.statusCode).toBe(200);
    const seen = await stream.next((r) => r.event === "presence" && r.data.ticket === key, "the presence");
    expect(seen.data.people).toEqual([expect.objectContaining({ name: "Mwila Banda", mode: "editing" })]);
    const theirs = await agent.post(`/api/v1/tickets/${key}/presence`, { mode: "viewing" });
    expect(theirs.json().people).toEqual([expect.objectContaining({ mode: "editing" })]);
    expect((await bgdAdmin.post(`/api/v1/tickets/${key}/presence`, { mode: "viewing" })).statusCode).toBe(
      404,
    );
    await zmbAdmin.post(`/api/v1/tickets/${key}/presence`, { mode: "left" });
    expect((await agent.post(`/api/v1/tickets/${key}/presence`, { mode: "viewing" })).json().people).toEqual(
      [],
    );
    await stream.close();
  });

  it("counts each queue as its list shows it, in one request", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await agent.get("/api/v1/queues");
    expect(res.statusCode).toBe(200);
    const queues = res.json().items as Array<{ id: string; filters: Record<string, unknown>; count: number }>;
    expect(queues.map((q) => q.id)).toEqual([
      "mine",
      "l1",
      "l2",
      "l3",
      "breaching",
      "unassigned",
      "deferred",
    ]);
    for (const q of queues) {
      const query = Object.entries(q.filters)
        .map(([k, v]) => `${k}=${encodeURIComponent(Array.isArray(v) ? v.join(",") : String(v))}`)
        .join("&");
      const list = await agent.get(`/api/v1/tickets?${query}&limit=100`);
      expect(list.statusCode).toBe(200);
      expect({ queue: q.id, count: list.json().items.length }).toEqual({ queue: q.id, count: q.count });
    }
    expect(queues.find((q) => q.id === "l2")?.count).toBeGreaterThan(0);
  });

  it("shows an engineer the Level 3 queue of their vendor team only", async () => {
    const engineer = await h.as("engineer@demo.test");
    const queues = (await engineer.get("/api/v1/queues")).json().items as Array<{
      id: string;
      count: number;
    }>;
    expect(queues.map((q) => q.id)).toEqual(["mine", "l3", "breaching", "deferred"]);
    const l3 = (await engineer.get("/api/v1/tickets?tier=3&limit=100")).json().items as Array<{
      vendorTeam: string;
    }>;
    expect(l3.length).toBeGreaterThan(0);
    expect(new Set(l3.map((t) => t.vendorTeam))).toEqual(new Set(["opencrvs-core"]));
  });

  it("keeps saved views personal", async () => {
    const [agent, coordinator] = await Promise.all([h.as("agent@demo.test"), h.as("coordinator@demo.test")]);
    const made = await agent.post("/api/v1/views", {
      name: "Zambia high priority",
      filters: { site: ["ZMB"], priority: ["high", "critical"] },
    });
    expect(made.statusCode).toBe(201);
    const id = made.json().id as number;
    expect(
      (await agent.post("/api/v1/views", { name: "Zambia high priority", filters: {} })).statusCode,
    ).toBe(409);
    const queues = (await agent.get("/api/v1/queues")).json().items as Array<{ id: string; name: string }>;
    expect(queues.at(-1)).toMatchObject({ id: `view-${id}`, name: "Zambia high priority" });
    expect((await coordinator.get("/api/v1/views")).json().items).toEqual([]);
    expect((await coordinator.patch(`/api/v1/views/${id}`, { name: "Mine now" })).statusCode).toBe(404);
    expect((await coordinator.delete(`/api/v1/views/${id}`)).statusCode).toBe(404);
    const renamed = await agent.patch(`/api/v1/views/${id}`, { name: "ZMB urgent" });
    expect(renamed.json()).toMatchObject({ name: "ZMB urgent", filters: { site: ["ZMB"] } });
    expect((await agent.delete(`/api/v1/views/${id}`)).statusCode).toBe(204);
    expect((await agent.get("/api/v1/views")).json().items).toEqual([]);
    const bad = await agent.post("/api/v1/views", { name: "x", filters: { tier: [7] } });
    expect(bad.statusCode).toBe(400);
  });

  it("keeps requesters out of the workspace queues", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    expect((await requester.get("/api/v1/queues")).statusCode).toBe(403);
  });
});
