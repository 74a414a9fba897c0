import { afterAll, beforeAll, expect, it } from "vitest";
import { Client, testClock, testDatabase, waitFor } from "../../../test/harness.js";
import { buildApp } from "../../app/app.js";
import { type AppContext, createContext } from "../../app/context.js";
import type { App } from "../../app/http.js";
import { DEMO_PASSWORD } from "../demo/demo.data.js";
import { loadDemo } from "../demo/demo.seed.js";
import type { Delivery } from "./notifications.channels.js";

// Starts on a Monday at 07:00 UTC; the digest hour below is 09:00 UTC.
const clock = testClock(Date.parse("2026-03-02T07:00:00Z"));
let ctx: AppContext;
let app: App;
let cleanup: () => Promise<void>;
const emails: Delivery[] = [];
const failing = new Set<string>();
const clients = new Map<string, Client>();

beforeAll(async () => {
  const db = await testDatabase();
  cleanup = db.cleanup;
  // One retry a second apart, so a failing channel gives up within the test.
  const config = { ...db.config, notificationRetry: { limit: 1, delaySeconds: 1 } };
  await loadDemo(config, db.database);
  ctx = createContext(config, db.database, clock);
  app = await buildApp(ctx, { logger: false });
  await app.ready();
  ctx.outbound.register("email", async (d) => {
    if ("userId" in d.to && failing.has(String(d.to.userId)))
      throw new Error("SMTP relay said 451 try later");
    emails.push(d);
    return true;
  });
  await ctx.jobs.startWorking();
});
afterAll(async () => {
  await ctx?.jobs.stop();
  await app?.close();
  await cleanup?.();
});

async function as(email: string): Promise<Client> {
  let c = clients.get(email);
  if (!c) {
    c = new Client(app);
    await c.login(email, DEMO_PASSWORD);
    clients.set(email, c);
  }
  return c;
}
const userId = async (email: string) =>
  (
    await ctx.database.db
      .selectFrom("users")
      .select("id")
      .where("email", "=", email)
      .executeTakeFirstOrThrow()
  ).id;

async function assignedTicket(to: string): Promise<string> {
  const res = await (await as("coordinator@demo.test")).post("/api/v1/tickets", {
    site: "ZMB",
    subject: "Registrations fail to sync from offline tablets",
    description: "Tablets in Chongwe show 'sync failed'.",
    requester: { name: "Bwalya Phiri", email: "bwalya@lusaka-health.example" },
    assigneeId: await userId(to),
  });
  expect(res.statusCode).toBe(201);
  return res.json().key;
}

const deliveries = async (key: string) =>
  (await (await as("coordinator@demo.test")).get(`/api/v1/tickets/${key}/notifications`)).json()
    .items as Array<{
    channel: string;
    status: string;
    attempts: number;
    lastError: string | null;
    recipient: { id: number };
  }>;

it("a daily digest collects the waiting notices and sends them once, at the chosen hour", async () => {
  const me = await as("agent@demo.test");
  const agent = await userId("agent@demo.test");
  const put = await me.request("PUT", "/api/v1/notifications/preferences", {
    defaults: { inApp: true, email: true, whatsapp: false, mode: "digest", digestHour: 9, timeZone: "UTC" },
  });
  expect(put.statusCode).toBe(200);
  const first = await assignedTicket("agent@demo.test");
  const second = await assignedTicket("agent@demo.test");
  for (const key of [first, second])
    await waitFor("the digest item", async () =>
      (await deliveries(key)).some((d) => d.channel === "email" && d.status === "digest"),
    );
  // In-app notices do not wait for the digest.
  expect((await deliveries(first)).some((d) => d.channel === "in_app" && d.status === "sent")).toBe(true);

  expect(await ctx.notifications.sweepDigests()).toBe(0);
  clock.advance(2 * 60 * 60_000);
  expect(await ctx.notifications.sweepDigests()).toBe(1);
  expect(await ctx.notifications.sweepDigests()).toBe(0);
  await waitFor("the digest", async () => emails.some((d) => d.kind === "digest"));
  await waitFor("the items marked sent", async () =>
    (await deliveries(second)).some((d) => d.channel === "email" && d.status === "sent"),
  );
  const digests = emails.filter((d) => d.kind === "digest");
  expect(digests).toHaveLength(1);
  expect(digests[0]?.to).toEqual({ userId: agent });
  expect(digests[0]?.body).toContain(first);
  expect(digests[0]?.body).toContain(second);
  expect(
    emails.filter((d) => d.kind === "ticket.assigned" && "userId" in d.to && d.to.userId === agent),
  ).toHaveLength(0);
});

it("an email that keeps failing is retried, then shown on the ticket, while the in-app notice arrives", async () => {
  const siteAdmin = await userId("siteadmin-zmb@demo.test");
  failing.add(String(siteAdmin));
  const key = await assignedTicket("siteadmin-zmb@demo.test");
  const coordinator = await as("coordinator@demo.test");
  await waitFor(
    "the failure on the ticket",
    async () => {
      // The embedded runner schedules retries on the hub's clock.
      clock.advance(5_000);
      const events = (await coordinator.get(`/api/v1/tickets/${key}/events`)).json().items;
      return events.some((e: { type: string }) => e.type === "notification.failed");
    },
    60,
  );
  const event = (await coordinator.get(`/api/v1/tickets/${key}/events`))
    .json()
    .items.find((e: { type: string }) => e.type === "notification.failed");
  expect(event.after).toMatchObject({
    channel: "email",
    kind: "ticket.assigned",
    recipient: { userId: siteAdmin },
    attempts: 2,
  });
  expect(event.after.error).toContain("451");
  const mine = (await deliveries(key)).filter((d) => d.recipient.id === siteAdmin);
  expect(mine.find((d) => d.channel === "email")).toMatchObject({ status: "failed", attempts: 2 });
  expect(mine.find((d) => d.channel === "in_app")).toMatchObject({ status: "sent" });
  const notices = (await (await as("siteadmin-zmb@demo.test")).get("/api/v1/notifications")).json().items;
  expect(
    notices.some(
      (n: { kind: string; title: string }) => n.kind === "ticket.assigned" && n.title.includes(key),
    ),
  ).toBe(true);
}, 90_000);
