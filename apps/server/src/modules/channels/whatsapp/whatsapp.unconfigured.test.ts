import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../../test/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h?.close());

describe("a site without a WhatsApp number", () => {
  it("a staff reply to a WhatsApp request shows on the ticket as not sent, with the reason", async () => {
    const agent = await h.as("agent@demo.test");
    const list = await agent.get("/api/v1/tickets?site=ZMB&limit=100");
    const ticket = list.json().items.find((t: { channel: string }) => t.channel === "whatsapp");
    expect(ticket).toBeDefined();
    const reply = await agent.post(`/api/v1/tickets/${ticket.key}/messages`, {
      kind: "reply",
      body: "Please restart the tablet and try again.",
    });
    expect(reply.statusCode).toBe(201);
    const events = (await agent.get(`/api/v1/tickets/${ticket.key}/events?limit=100`)).json().items;
    const notSent = events.filter((e: { type: string }) => e.type === "whatsapp.not_sent");
    expect(notSent).toHaveLength(1);
    expect(notSent[0].after.reason).toBe("no WhatsApp number is set up for the site");
    expect(notSent[0].after.messageId).toBe(reply.json().id);
  });
});
