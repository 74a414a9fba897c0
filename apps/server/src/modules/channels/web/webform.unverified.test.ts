import { afterAll, beforeAll, expect, it } from "vitest";
import { createHarness, type Harness, openTicket, waitFor } from "../../../../test/harness.js";
import type { Delivery } from "../../notifications/notifications.channels.js";

let h: Harness;
const sent: Delivery[] = [];

beforeAll(async () => {
  h = await createHarness();
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

const REGISTERED = "requester-zmb@demo.test";

async function anonymousAs(email: string, subject: string) {
  const res = await h.anonymous().post("/api/v1/portal/requests", {
    site: "ZMB",
    subject,
    description: "Sent from the form without signing in.",
    name: "Someone Else",
    email,
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { key: string; token: string };
}

/** The confirmation link in the receipt mailed for the request. */
async function confirmationOf(key: string): Promise<string> {
  const mail = await waitFor("the receipt", async () =>
    sent.find((d) => d.kind === "request.received" && d.title.includes(key)),
  );
  const m = mail.body?.match(new RegExp(`/portal/requests/${key}/confirm\\?token=([\\w.-]+)`));
  expect(m, "the receipt asks to confirm the address").toBeTruthy();
  return m?.[1] as string;
}

const myKeys = async () =>
  (
    (await (await h.as(REGISTERED)).get("/api/v1/tickets?limit=100")).json().items as Array<{ key: string }>
  ).map((t) => t.key);

it("an anonymous request under a registered requester's address stays out of their requests until the mailbox confirms it", async () => {
  const requester = await h.as(REGISTERED);
  const own = await openTicket(requester, {
    site: "ZMB",
    subject: "My own request",
    description: "Filed while signed in.",
  });
  const agent = await h.as("agent@demo.test");
  const ownView = (await agent.get(`/api/v1/tickets/${own}`)).json();
  expect(ownView.requester.unverified).toBe(false);

  const claimed = await anonymousAs(REGISTERED, "Filed under someone else's address");

  // Not among the registered requester's requests, nor readable by them.
  expect(await myKeys()).toContain(own);
  expect(await myKeys()).not.toContain(claimed.key);
  expect((await requester.get(`/api/v1/tickets/${claimed.key}`)).statusCode).toBe(404);
  // The anonymous sender's link opens their request only, not the account's others.
  expect(
    (await h.anonymous().get(`/api/v1/portal/requests/${claimed.key}?token=${claimed.token}`)).statusCode,
  ).toBe(200);
  expect((await h.anonymous().get(`/api/v1/portal/requests/${own}?token=${claimed.token}`)).statusCode).toBe(
    404,
  );
  // Staff see who it claims to be, marked unverified; the account's own contact is untouched.
  const view = (await agent.get(`/api/v1/tickets/${claimed.key}`)).json();
  expect(view.requester).toMatchObject({ email: REGISTERED, name: "Someone Else", unverified: true });
  expect(view.requester.id).not.toBe(ownView.requester.id);
  const ownAfter = (await agent.get(`/api/v1/tickets/${own}`)).json();
  expect(ownAfter.requester).toEqual(ownView.requester);
  const listed = (await agent.get(`/api/v1/tickets?site=ZMB&limit=100`)).json().items;
  expect(listed.find((t: { key: string }) => t.key === claimed.key).requester.unverified).toBe(true);

  // The owner of the mailbox confirms: the request joins their own.
  const token = await confirmationOf(claimed.key);
  const wrong = await h
    .anonymous()
    .post(`/api/v1/portal/requests/${claimed.key}/confirm`, { token: `${token.slice(0, -3)}AAA` });
  expect(wrong.statusCode).toBe(404);
  expect(wrong.json().code).toBe("portal.request_not_found");
  expect(await myKeys()).not.toContain(claimed.key);

  const confirmed = await h.anonymous().post(`/api/v1/portal/requests/${claimed.key}/confirm`, { token });
  expect(confirmed.statusCode).toBe(200);
  expect(confirmed.json()).toMatchObject({ key: claimed.key, token: expect.any(String) });
  expect(await myKeys()).toContain(claimed.key);
  const after = (await agent.get(`/api/v1/tickets/${claimed.key}`)).json();
  expect(after.requester).toMatchObject({ id: ownView.requester.id, unverified: false });
  const thread = (await requester.get(`/api/v1/tickets/${claimed.key}/messages`)).json().items;
  expect(thread[0].author).toMatchObject({ type: "contact", id: ownView.requester.id });
  const events = (await agent.get(`/api/v1/tickets/${claimed.key}/events?limit=200`)).json().items;
  expect(events.map((e: { type: string }) => e.type)).toContain("requester.confirmed");

  // Confirming again changes nothing and still answers; the old link (bound to the unverified contact) is gone.
  const again = await h.anonymous().post(`/api/v1/portal/requests/${claimed.key}/confirm`, { token });
  expect(again.statusCode).toBe(200);
  expect(
    (await h.anonymous().get(`/api/v1/portal/requests/${claimed.key}?token=${confirmed.json().token}`))
      .statusCode,
  ).toBe(200);
});

it("a signed-in requester's own request asks for no confirmation, and a new address is confirmed as a contact of its own", async () => {
  const requester = await h.as(REGISTERED);
  const mine = await requester.post("/api/v1/portal/requests", {
    subject: "Signed in, so verified",
    description: "From the form while signed in.",
  });
  expect(mine.statusCode).toBe(201);
  expect(await myKeys()).toContain(mine.json().key);

  const stranger = await anonymousAs("new.person@example.org", "A first request");
  const agent = await h.as("agent@demo.test");
  expect((await agent.get(`/api/v1/tickets/${stranger.key}`)).json().requester.unverified).toBe(true);
  const token = await confirmationOf(stranger.key);
  expect(
    (await h.anonymous().post(`/api/v1/portal/requests/${stranger.key}/confirm`, { token })).statusCode,
  ).toBe(200);
  const view = (await agent.get(`/api/v1/tickets/${stranger.key}`)).json();
  expect(view.requester).toMatchObject({ email: "new.person@example.org", unverified: false });
  // Another anonymous request from the same address is unverified again until its own confirmation.
  const next = await anonymousAs("new.person@example.org", "A second request");
  expect((await agent.get(`/api/v1/tickets/${next.key}`)).json().requester.unverified).toBe(true);
});
