import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, openTicket } from "../../../test/harness.js";

describe("linked and merged tickets", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  const ticket = (site: string, subject: string) => ({
    site,
    subject,
    description: "Same problem",
    requester: { email: `${subject.length}@x.example` },
  });

  it("links the same problem across sites, shown only to those who see both", async () => {
    const [agent, zmbAdmin] = await Promise.all([h.as("agent@demo.test"), h.as("siteadmin-zmb@demo.test")]);
    const zmb = await openTicket(agent, ticket("ZMB", "Sync fails"));
    const bgd = await openTicket(agent, ticket("BGD", "Sync fails too"));
    const made = await agent.post(`/api/v1/tickets/${zmb}/links`, { ticket: bgd });
    expect(made.statusCode).toBe(201);
    expect(made.json().items).toEqual([
      expect.objectContaining({
        kind: "related",
        direction: "outgoing",
        ticket: expect.objectContaining({ key: bgd }),
      }),
    ]);
    expect((await agent.post(`/api/v1/tickets/${bgd}/links`, { ticket: zmb })).statusCode).toBe(409);
    expect((await agent.get(`/api/v1/tickets/${bgd}/links`)).json().items[0].direction).toBe("incoming");
    // The ZMB site admin cannot see the BGD ticket, so the link is not shown to them, nor can they link it.
    expect((await zmbAdmin.get(`/api/v1/tickets/${zmb}/links`)).json().items).toEqual([]);
    expect((await zmbAdmin.post(`/api/v1/tickets/${zmb}/links`, { ticket: bgd })).statusCode).toBe(422);
    const id = made.json().items[0].id;
    expect((await agent.delete(`/api/v1/tickets/${zmb}/links/${id}`)).statusCode).toBe(204);
    expect((await agent.get(`/api/v1/tickets/${zmb}/links`)).json().items).toEqual([]);
  });

  it("merges a duplicate: it is closed with a reply to its requester and both record the merge", async () => {
    const zmbAdmin = await h.as("siteadmin-zmb@demo.test");
    const keep = await openTicket(zmbAdmin, ticket("ZMB", "Printer broken"));
    const dup = await openTicket(zmbAdmin, ticket("ZMB", "Printer broken again"));
    const merged = await zmbAdmin.post(`/api/v1/tickets/${dup}/merge`, { into: keep });
    expect(merged.statusCode).toBe(200);
    expect(merged.json()).toEqual({ key: dup, status: "closed" });
    const thread = (await zmbAdmin.get(`/api/v1/tickets/${dup}/messages`)).json().items;
    expect(thread.at(-1).body).toContain(keep);
    const events = (await zmbAdmin.get(`/api/v1/tickets/${keep}/events`)).json().items;
    expect(events.at(-1)).toMatchObject({ type: "ticket.merged", after: { duplicate: dup } });
    expect((await zmbAdmin.get(`/api/v1/tickets/${keep}/links`)).json().items).toEqual([
      expect.objectContaining({ kind: "duplicate-of", direction: "incoming" }),
    ]);
    expect((await zmbAdmin.post(`/api/v1/tickets/${dup}/merge`, { into: keep })).statusCode).toBe(409);
  });

  it("refuses to merge across sites or by someone who only reads", async () => {
    const [agent, manager] = await Promise.all([h.as("agent@demo.test"), h.as("manager@demo.test")]);
    const a = await openTicket(agent, ticket("ZMB", "Slow login"));
    const b = await openTicket(agent, ticket("UGA", "Slow login UGA"));
    const c = await openTicket(agent, ticket("ZMB", "Slow login 2"));
    expect((await agent.post(`/api/v1/tickets/${a}/merge`, { into: b })).json().code).toBe(
      "link.merge_other_site",
    );
    expect((await manager.post(`/api/v1/tickets/${a}/merge`, { into: c })).statusCode).toBe(403);
  });
});
