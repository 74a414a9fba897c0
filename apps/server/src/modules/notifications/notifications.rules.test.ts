import { afterAll, beforeAll, expect, it } from "vitest";
import { createHarness, type Harness, openTicket, waitFor } from "../../../test/harness.js";
import { systemActor } from "../../shared/actor.js";
import type { Delivery } from "./notifications.channels.js";

let h: Harness;
const sent: Array<Delivery & { channel: string }> = [];

beforeAll(async () => {
  h = await createHarness();
  // Fake senders that capture what the channels would send.
  h.ctx.outbound.register("email", async (d) => {
    sent.push({ ...d, channel: "email" });
    return true;
  });
  h.ctx.outbound.register("whatsapp", async (d) => {
    sent.push({ ...d, channel: "whatsapp" });
    return true;
  });
  await h.ctx.jobs.startWorking();
});
afterAll(async () => {
  await h?.ctx.jobs.stop();
  await h?.close();
});

const userId = async (email: string) =>
  (
    await h.ctx.database.db
      .selectFrom("users")
      .select("id")
      .where("email", "=", email)
      .executeTakeFirstOrThrow()
  ).id;

async function zmbTicket(extra: Record<string, unknown> = {}): Promise<string> {
  return openTicket(await h.as("siteadmin-zmb@demo.test"), {
    site: "ZMB",
    subject: "Birth registrations stuck in validation",
    description: "Records stay in 'validated' and never reach the registrar.",
    requester: { name: "Bwalya Phiri", email: "bwalya@lusaka-health.example" },
    ...extra,
  });
}

const inApp = async (email: string, kind: string, key: string) =>
  (await (await h.as(email)).get("/api/v1/notifications?limit=200"))
    .json()
    .items.filter((n: { kind: string; title: string }) => n.kind === kind && n.title.includes(key));

const sentFor = (key: string, kind: string) => sent.filter((d) => d.kind === kind && d.title.includes(key));

it("an assignee is told of the assignment in-app and by email, but not of taking a ticket themselves", async () => {
  const agent = await userId("agent@demo.test");
  const coordinator = await h.as("coordinator@demo.test");
  const self = await zmbTicket();
  expect(
    (await (await h.as("agent@demo.test")).patch(`/api/v1/tickets/${self}`, { assigneeId: agent }))
      .statusCode,
  ).toBe(200);
  const given = await zmbTicket();
  expect((await coordinator.patch(`/api/v1/tickets/${given}`, { assigneeId: agent })).statusCode).toBe(200);

  await waitFor(
    "the assignment notice",
    async () => (await inApp("agent@demo.test", "ticket.assigned", given)).length === 1,
  );
  await waitFor("the assignment email", async () => sentFor(given, "ticket.assigned").length === 1);
  expect(sentFor(given, "ticket.assigned")[0]?.to).toEqual({ userId: agent });
  expect(await inApp("agent@demo.test", "ticket.assigned", self)).toHaveLength(0);
  expect(sentFor(self, "ticket.assigned")).toHaveLength(0);
});

it("someone who chose in-app only gets no email", async () => {
  const coordinator = await h.as("coordinator@demo.test");
  const siteAdmin = await userId("siteadmin-zmb@demo.test");
  const me = await h.as("siteadmin-zmb@demo.test");
  const put = await me.request("PUT", "/api/v1/notifications/preferences", {
    defaults: {
      inApp: true,
      email: true,
      whatsapp: false,
      mode: "immediate",
      digestHour: 8,
      timeZone: "Africa/Lusaka",
    },
    groups: { assignment: { inApp: true, email: false, whatsapp: false, mode: "immediate" } },
  });
  expect(put.statusCode).toBe(200);
  expect(put.json().groups.assignment.email).toBe(false);

  const key = await zmbTicket();
  expect((await coordinator.patch(`/api/v1/tickets/${key}`, { assigneeId: siteAdmin })).statusCode).toBe(200);
  await waitFor(
    "the in-app notice",
    async () => (await inApp("siteadmin-zmb@demo.test", "ticket.assigned", key)).length === 1,
  );
  const deliveries = (await coordinator.get(`/api/v1/tickets/${key}/notifications`)).json().items;
  const mine = deliveries.filter((d: { recipient: { id: number } }) => d.recipient.id === siteAdmin);
  expect(mine.map((d: { channel: string; status: string }) => `${d.channel}:${d.status}`)).toEqual([
    "in_app:sent",
  ]);
  expect(sentFor(key, "ticket.assigned")).toHaveLength(0);

  const bad = await me.request("PUT", "/api/v1/notifications/preferences", {
    defaults: {
      inApp: true,
      email: true,
      whatsapp: false,
      mode: "immediate",
      digestHour: 8,
      timeZone: "Mars/Olympus",
    },
  });
  expect(bad.statusCode).toBe(422);
  expect(bad.json().errors[0].field).toBe("defaults.timeZone");
});

it("a requester hears of a status change by the channel they used, in their language", async () => {
  const agent = await h.as("agent@demo.test");
  const byWhatsapp = await openTicket(agent, {
    site: "ZMB",
    subject: "Cannot print certificates",
    description: "The printer button is greyed out.",
    channel: "whatsapp",
    requester: { name: "Mutale", whatsappId: "260971234567" },
  });
  expect(
    (await agent.patch(`/api/v1/tickets/${byWhatsapp}`, { status: "pending-requester" })).statusCode,
  ).toBe(200);
  await waitFor("the WhatsApp status notice", async () => sentFor(byWhatsapp, "request.status").length === 1);
  const notice = sentFor(byWhatsapp, "request.status")[0] as Delivery & { channel: string };
  expect(notice.channel).toBe("whatsapp");
  expect("contactId" in notice.to).toBe(true);
  expect(notice.title).toContain("waiting for your answer");
  expect(notice.body).toContain(`/portal/requests/${byWhatsapp}?token=`);

  const portal = await h.anonymous().post("/api/v1/portal/requests", {
    site: "ZMB",
    subject: "Mot de passe oublié",
    description: "Je ne peux plus me connecter.",
    name: "Aline Banda",
    email: "aline.banda@example.org",
    lang: "fr",
  });
  expect(portal.statusCode).toBe(201);
  const web = portal.json().key as string;
  await waitFor("the receipt", async () => sentFor(web, "request.received").length === 1);
  expect(sentFor(web, "request.received")[0]).toMatchObject({ channel: "email", language: "fr" });
  // Each notice carries a link issued as it is sent, which opens the request like the receipt's.
  const mailed = sentFor(web, "request.received")[0]?.body?.match(
    /\/portal\/requests\/[\w-]+\?token=[\w.-]+/,
  );
  expect(mailed?.[0]).toContain(`/portal/requests/${web}?token=`);
  expect((await h.anonymous().get(`/api/v1${mailed?.[0]}`)).statusCode).toBe(200);
  expect((await agent.patch(`/api/v1/tickets/${web}`, { status: "resolved" })).statusCode).toBe(200);
  await waitFor("the status notice", async () => sentFor(web, "request.status").length === 1);
  expect(sentFor(web, "request.status")[0]).toMatchObject({ channel: "email", language: "fr" });
  expect(sentFor(web, "request.status")[0]?.title).toContain("Votre demande est maintenant : résolue");
});

it("watchers hear of every public change but not of their own, and the assignee hears the requester's reply", async () => {
  const coordinator = await h.as("coordinator@demo.test");
  const agent = await h.as("agent@demo.test");
  const key = await zmbTicket({ assigneeId: await userId("agent@demo.test") });
  const watch = await coordinator.request("PUT", `/api/v1/tickets/${key}/watchers/me`);
  expect(watch.statusCode).toBe(200);
  expect(watch.json()).toMatchObject({ watching: true, items: [{ name: "Chloé Coordinator" }] });
  expect(
    (await (await h.as("requester-zmb@demo.test")).request("PUT", `/api/v1/tickets/${key}/watchers/me`))
      .statusCode,
  ).toBe(404);

  await coordinator.post(`/api/v1/tickets/${key}/messages`, { body: "We are looking into it." });
  await agent.post(`/api/v1/tickets/${key}/messages`, {
    body: "Please send a screenshot.",
    status: "pending-requester",
  });
  await waitFor(
    "the watcher's notice",
    async () => (await inApp("coordinator@demo.test", "watch.reply", key)).length === 1,
  );
  const [notice] = await inApp("coordinator@demo.test", "watch.reply", key);
  expect(notice.title).toContain("Tomás Agent replied");

  // The requester answers through their link; the assignee and the watcher are told.
  const contact = (await coordinator.get(`/api/v1/tickets/${key}`)).json().requester.id as number;
  const ticketId = (await h.ctx.tickets.visibleRow(systemActor, key)).id;
  const token = await h.ctx.notifications.links.token(ticketId, contact);
  expect(
    (
      await h
        .anonymous()
        .post(`/api/v1/portal/requests/${key}/replies?token=${token}`, { body: "Here it is." })
    ).statusCode,
  ).toBe(201);
  await waitFor(
    "the assignee's notice",
    async () => (await inApp("agent@demo.test", "ticket.requester_replied", key)).length === 1,
  );
  await waitFor(
    "the watcher's second notice",
    async () => (await inApp("coordinator@demo.test", "watch.reply", key)).length === 2,
  );

  const off = await coordinator.request("DELETE", `/api/v1/tickets/${key}/watchers/me`);
  expect(off.json()).toMatchObject({ watching: false, items: [] });
});

it("a normal escalation tells the receiving level, without the person who escalated", async () => {
  const siteAdmin = await h.as("siteadmin-zmb@demo.test");
  const key = await zmbTicket();
  const res = await siteAdmin.post(`/api/v1/tickets/${key}/escalations`, {
    direction: "up",
    reason: "Needs the technical team",
  });
  expect(res.statusCode).toBe(200);
  // Each person's notice is delivered by a job of its own, so wait for both before counting.
  await waitFor(
    "the Level 2 notices",
    async () =>
      (await inApp("agent@demo.test", "escalation.received", key)).length === 1 &&
      (await inApp("coordinator@demo.test", "escalation.received", key)).length === 1,
  );
  expect(await inApp("agent@demo.test", "escalation.received", key)).toHaveLength(1);
  expect(await inApp("coordinator@demo.test", "escalation.received", key)).toHaveLength(1);
  expect(await inApp("siteadmin-zmb@demo.test", "escalation.received", key)).toHaveLength(0);
});
