import { afterAll, beforeAll, expect, it } from "vitest";
import { createHarness, type Harness, openTicket } from "../../../../test/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const call = (extra: Record<string, unknown> = {}) => ({
  callerName: "Mutale Chanda",
  number: "+260 97 700 8181",
  startedAt: "2026-01-12T09:15:00Z",
  durationSeconds: 310,
  summary: "Cannot approve birth registrations\nThe approve button does nothing since Friday.",
  ...extra,
});

it("a logged call opens a phone ticket at Level 1 for the caller, found again by number", async () => {
  const siteAdmin = await h.as("siteadmin-zmb@demo.test");
  const res = await siteAdmin.post("/api/v1/sites/ZMB/calls", call());
  expect(res.statusCode).toBe(201);
  const logged = res.json();
  expect(logged).toMatchObject({
    site: "ZMB",
    openedTicket: true,
    direction: "inbound",
    durationSeconds: 310,
  });
  const ticket = (await siteAdmin.get(`/api/v1/tickets/${logged.ticketKey}`)).json();
  expect(ticket).toMatchObject({
    channel: "phone",
    tier: 1,
    subject: "Cannot approve birth registrations",
    requester: { name: "Mutale Chanda", phone: "+260977008181" },
  });

  const again = (
    await siteAdmin.post("/api/v1/sites/ZMB/calls", call({ number: "+260977008181", callerName: undefined }))
  ).json();
  expect(again.ticketKey).not.toBe(logged.ticketKey);
  expect(again.requesterId).toBe(logged.requesterId);

  const list = (await (await h.as("manager@demo.test")).get("/api/v1/sites/ZMB/calls?limit=1")).json();
  expect(list.items).toHaveLength(1);
  expect(list.nextCursor).not.toBeNull();
  const rest = (
    await (await h.as("manager@demo.test")).get(`/api/v1/sites/ZMB/calls?cursor=${list.nextCursor}`)
  ).json();
  expect([...list.items, ...rest.items].map((c: { id: number }) => c.id).sort()).toEqual(
    [logged.id, again.id].sort(),
  );
});

it("a call about an existing ticket is added to it as an internal note", async () => {
  const agent = await h.as("agent@demo.test");
  const key = await openTicket(agent, {
    site: "ZMB",
    subject: "Reports are empty",
    description: "The monthly report shows no data.",
    requester: { name: "Bwalya Phiri", email: "bwalya@lusaka-health.example" },
  });
  const res = await agent.post("/api/v1/sites/ZMB/calls", call({ ticketKey: key, direction: "outbound" }));
  expect(res.statusCode).toBe(201);
  expect(res.json()).toMatchObject({
    ticketKey: key,
    openedTicket: false,
    loggedBy: { name: "Tomás Agent" },
  });
  const messages = (await agent.get(`/api/v1/tickets/${key}/messages`)).json().items;
  const note = messages[messages.length - 1];
  expect(note.kind).toBe("note");
  expect(note.body).toContain("Phone call (outbound) with Mutale Chanda (+260 97 700 8181)");
  expect(note.body).toContain("5 min 10 s");

  const bgd = await openTicket(await h.as("siteadmin-bgd@demo.test"), {
    site: "BGD",
    subject: "Sync fails",
    description: "x",
    requester: { email: "someone@dhaka.example" },
  });
  const wrongSite = await agent.post("/api/v1/sites/ZMB/calls", call({ ticketKey: bgd }));
  expect(wrongSite.statusCode).toBe(422);
  expect(wrongSite.json().errors[0].field).toBe("ticketKey");
});

it("only the site's own staff log its calls: other sites' admins get 404, its requesters 403", async () => {
  const other = await (await h.as("siteadmin-bgd@demo.test")).post("/api/v1/sites/ZMB/calls", call());
  expect(other.statusCode).toBe(404);
  expect((await (await h.as("siteadmin-bgd@demo.test")).get("/api/v1/sites/ZMB/calls")).statusCode).toBe(404);
  const requester = await (await h.as("requester-zmb@demo.test")).post("/api/v1/sites/ZMB/calls", call());
  expect(requester.statusCode).toBe(403);
  const future = await (await h.as("siteadmin-zmb@demo.test")).post(
    "/api/v1/sites/ZMB/calls",
    call({ startedAt: "2999-01-01T00:00:00Z" }),
  );
  expect(future.statusCode).toBe(422);
  expect(future.json().errors[0].field).toBe("startedAt");
});

it("a hub admin reads a site's call log only through a membership; without one nothing of it shows", async () => {
  const marker = "zmb-call-log-marker-5d21";
  const logged = await (await h.as("siteadmin-zmb@demo.test")).post(
    "/api/v1/sites/ZMB/calls",
    call({ summary: `Caller gave her national id ${marker}` }),
  );
  expect(logged.statusCode).toBe(201);

  const hub = await h.as("hubadmin@demo.test");
  const res = await hub.get("/api/v1/sites/ZMB/calls");
  expect(res.statusCode).toBe(403);
  expect(res.json().code).toBe("call.forbidden");
  expect(res.body).not.toContain(marker);

  const member = await hub.post("/api/v1/users", {
    email: "hub-manager-zmb@calls.test",
    name: "Hub admin who manages ZMB",
    password: "demo1234",
    hubAdmin: true,
    memberships: [{ site: "ZMB", role: "manager" }],
  });
  expect(member.statusCode).toBe(201);
  const through = await (await h.as("hub-manager-zmb@calls.test")).get("/api/v1/sites/ZMB/calls?limit=100");
  expect(through.statusCode).toBe(200);
  expect(through.body).toContain(marker);
});
