import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, openTicket } from "../../../test/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

describe("tickets through the API", () => {
  it("an agent opens, replies to and lists a ticket", async () => {
    const agent = await h.as("agent@demo.test");
    const created = await agent.post("/api/v1/tickets", {
      site: "ZMB",
      subject: "Registrar cannot print certificates",
      description: "The print button is greyed out for every record.",
      category: "bug",
      priority: "high",
      requester: { name: "Ireen Banda", email: "Ireen.Banda@example.org" },
    });
    expect(created.statusCode).toBe(201);
    const ticket = created.json();
    expect(ticket.key).toMatch(/^ZMB-\d+$/);
    expect(ticket.status).toBe("new");
    expect(ticket.tier).toBe(1);
    expect(ticket.requester.email).toBe("ireen.banda@example.org");
    expect(ticket.tierHistory).toHaveLength(1);
    expect(ticket.tierHistory[0]).toMatchObject({ tier: 1, leftAt: null });

    const reply = await agent.post(`/api/v1/tickets/${ticket.key}/messages`, {
      kind: "reply",
      body: "Which browser do you use?",
    });
    expect(reply.statusCode).toBe(201);
    const after = (await agent.get(`/api/v1/tickets/${ticket.key}`)).json();
    expect(after.status).toBe("open");
    expect(after.firstResponseAt).not.toBeNull();

    const list = (await agent.get("/api/v1/tickets?site=ZMB&status=open&limit=100")).json();
    expect(list.items.map((t: { key: string }) => t.key)).toContain(ticket.key);
  });

  it("a site admin of another site gets 404 for a ZMB ticket and sees only BGD in lists", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(agent, {
      site: "ZMB",
      subject: "Private",
      description: "Only ZMB",
      requester: { email: "a@zmb.example" },
    });
    const bgd = await h.as("siteadmin-bgd@demo.test");
    const res = await bgd.get(`/api/v1/tickets/${key}`);
    expect(res.statusCode).toBe(404);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json().code).toBe("ticket.not_found");
    const sites = new Set(
      (await bgd.get("/api/v1/tickets?limit=100")).json().items.map((t: { site: string }) => t.site),
    );
    expect([...sites]).toEqual(["BGD"]);
  });
});
