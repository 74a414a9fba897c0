import { afterAll, beforeAll, expect, it } from "vitest";
import { createHarness, type Harness, testClock, waitFor } from "../../../../test/harness.js";
import { systemActor } from "../../../shared/actor.js";
import { hmac } from "../../../shared/tokens.js";
import type { Delivery } from "../../notifications/notifications.channels.js";
import { LIMITS } from "./webform.service.js";

const DAY = 24 * 60 * 60_000;
const clock = testClock();
let h: Harness;
const sent: Delivery[] = [];

beforeAll(async () => {
  h = await createHarness({ clock });
  h.ctx.outbound.register("email", async (d) => {
    sent.push(d);
    return true;
  });
  await h.ctx.jobs.startWorking();
});
afterAll(async () => {
  await h?.ctx.jobs.stop();
  await h?.close();
});

let people = 0;
/** An anonymous request from a new person; a fresh hour each time, so the form's spam limits stay out of the way. */
async function submit(email = `linked${++people}@example.org`) {
  clock.advance(2 * 60 * 60_000);
  const res = await h.anonymous().post("/api/v1/portal/requests", {
    site: "ZMB",
    subject: "Cannot export the monthly statistics",
    description: "The export button does nothing.",
    name: "Luyando Tembo",
    email,
  });
  expect(res.statusCode).toBe(201);
  return { ...(res.json() as { key: string; token: string }), email };
}

const messageCount = async (key: string) =>
  (await (await h.as("agent@demo.test")).get(`/api/v1/tickets/${key}/messages?limit=200`)).json().items
    .length as number;

const linkMails = () => sent.filter((d) => d.kind === "request.link");
/** The links to a request in the "new link" mails sent since the `from`th. */
const linksIn = (from: number, key: string) =>
  linkMails()
    .slice(from)
    .flatMap((d) => [...(d.body ?? "").matchAll(/\/portal\/requests\/([A-Z0-9-]+)\?token=([\w.-]+)/g)])
    .filter((m) => m[1] === key)
    .map((m) => m[2] as string);

it("a private link works for its lifetime, then is refused as expired without a word of the request", async () => {
  const { key, token } = await submit();
  clock.advance((h.config.requesterLinkDays - 1) * DAY);
  expect((await h.anonymous().get(`/api/v1/portal/requests/${key}?token=${token}`)).statusCode).toBe(200);

  clock.advance(2 * DAY);
  const page = await h.anonymous().get(`/api/v1/portal/requests/${key}?token=${token}`);
  expect(page.statusCode).toBe(410);
  expect(page.headers["content-type"]).toContain("application/problem+json");
  expect(page.json().code).toBe("portal.link_expired");
  expect(page.body).not.toContain("monthly statistics");

  const before = await messageCount(key);
  const reply = await h
    .anonymous()
    .post(`/api/v1/portal/requests/${key}/replies?token=${token}`, { body: "Still broken." });
  expect(reply.statusCode).toBe(410);
  expect(reply.json().code).toBe("portal.link_expired");
  expect(await messageCount(key)).toBe(before);
  const file = await h.anonymous().get(`/api/v1/portal/requests/${key}/attachments/1?token=${token}`);
  expect(file.statusCode).toBe(410);
});

it("a link from before links had a lifetime is answered as expired, and a made-up one as not found", async () => {
  const { key } = await submit();
  const row = await h.ctx.tickets.visibleRow(systemActor, key);
  const legacy = hmac(
    hmac(h.config.sessionSecret, "tierdesk requester link v1"),
    `${row.id}.${row.contact_id}`,
  );
  const old = await h.anonymous().get(`/api/v1/portal/requests/${key}?token=${legacy}`);
  expect(old.statusCode).toBe(410);
  expect(old.json().code).toBe("portal.link_expired");
  const made = await h.anonymous().get(`/api/v1/portal/requests/${key}?token=${"x".repeat(20)}.1.${legacy}`);
  expect(made.statusCode).toBe(404);
  expect(made.json().code).toBe("portal.request_not_found");
});

it("staff revoke a request's links: the old link is refused, the requester asks for a new one by mail", async () => {
  const { key, token, email } = await submit();
  const agent = await h.as("agent@demo.test");

  // The requester themselves, and staff of another site, may not revoke.
  const requesterTry = await (await h.as("requester-zmb@demo.test")).delete(
    `/api/v1/tickets/${key}/requester-links`,
  );
  expect(requesterTry.statusCode).toBe(404);
  const otherSite = await (await h.as("siteadmin-bgd@demo.test")).delete(
    `/api/v1/tickets/${key}/requester-links`,
  );
  expect(otherSite.statusCode).toBe(404);
  expect((await h.anonymous().get(`/api/v1/portal/requests/${key}?token=${token}`)).statusCode).toBe(200);

  const revoked = await agent.delete(`/api/v1/tickets/${key}/requester-links`);
  expect(revoked.statusCode).toBe(204);
  const events = (await agent.get(`/api/v1/tickets/${key}/events?limit=200`)).json().items;
  expect(events.map((e: { type: string }) => e.type)).toContain("requester_link.revoked");

  const page = await h.anonymous().get(`/api/v1/portal/requests/${key}?token=${token}`);
  expect(page.statusCode).toBe(410);
  expect(page.json().code).toBe("portal.link_revoked");
  expect(page.body).not.toContain("monthly statistics");
  const before = await messageCount(key);
  const reply = await h
    .anonymous()
    .post(`/api/v1/portal/requests/${key}/replies?token=${token}`, { body: "Hello?" });
  expect(reply.json().code).toBe("portal.link_revoked");
  expect(await messageCount(key)).toBe(before);

  const from = linkMails().length;
  const ask = await h.anonymous().post("/api/v1/portal/links", { email: email.toUpperCase() });
  expect(ask.statusCode).toBe(202);
  const [fresh] = await waitFor("the new link by mail", async () => {
    const found = linksIn(from, key);
    return found.length ? found : undefined;
  });
  expect(fresh).not.toBe(token);
  const reopened = await h.anonymous().get(`/api/v1/portal/requests/${key}?token=${fresh}`);
  expect(reopened.statusCode).toBe(200);
  expect(reopened.json().key).toBe(key);
});

it("asking for a new link answers the same whether or not the address is known, and is rate-limited", async () => {
  const { email } = await submit();
  const from = linkMails().length;
  const known = await h.anonymous().post("/api/v1/portal/links", { email });
  const unknown = await h.anonymous().post("/api/v1/portal/links", { email: "nobody-here@example.org" });
  expect([known.statusCode, unknown.statusCode]).toEqual([202, 202]);
  expect(unknown.body).toBe(known.body);
  await waitFor("the known address's mail", async () => linkMails().length === from + 1);

  for (let i = 1; i < LIMITS.linkMailsPerAddressPerHour; i++)
    expect((await h.anonymous().post("/api/v1/portal/links", { email })).statusCode).toBe(202);
  const mailed = from + LIMITS.linkMailsPerAddressPerHour;
  await waitFor("one mail for each ask", async () => linkMails().length === mailed);
  const limited = await h.anonymous().post("/api/v1/portal/links", { email });
  expect(limited.statusCode).toBe(429);
  expect(limited.json().code).toBe("portal.too_many_requests");
  expect(limited.headers["retry-after"]).toBeDefined();
  // the address limit holds for unknown addresses alike, so it tells nothing either
  for (let i = 1; i < LIMITS.linkMailsPerAddressPerHour; i++)
    await h.anonymous().post("/api/v1/portal/links", { email: "nobody-here@example.org" });
  expect(
    (await h.anonymous().post("/api/v1/portal/links", { email: "nobody-here@example.org" })).statusCode,
  ).toBe(429);
  await new Promise((r) => setTimeout(r, 500));
  expect(linkMails().length).toBe(mailed);
});
