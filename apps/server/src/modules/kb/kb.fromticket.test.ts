import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, openTicket } from "../../../test/harness.js";
import { redact } from "./kb.fromticket.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const REQUESTER = {
  name: "Ireen Banda",
  email: "ireen.banda@example.org",
  phone: "+260 96 777 8899",
  whatsappId: "260967778899",
};

async function solvedTicket(): Promise<string> {
  const agent = await h.as("agent@demo.test");
  const key = await openTicket(agent, {
    site: "ZMB",
    subject: "Certificates print blank pages",
    description:
      "Hello, this is Ireen Banda from Lusaka. Every certificate prints as a blank page. Call me on +260-96-777-8899 (WhatsApp 260967778899) or write to Ireen.Banda@example.org.",
    requester: REQUESTER,
  });
  await agent.post(`/api/v1/tickets/${key}/messages`, {
    kind: "note",
    body: "Internal: her printer is an old HP.",
  });
  await agent.post(`/api/v1/tickets/${key}/messages`, {
    kind: "reply",
    body: "Dear Ireen, please allow pop-ups for the application in the browser settings, then print again.",
  });
  return key;
}

describe("from ticket to article", () => {
  it("an agent turns a ticket into a draft article with problem and resolution, without the requester's name, email or phone", async () => {
    const key = await solvedTicket();
    const agent = await h.as("agent@demo.test");
    const res = await agent.post(`/api/v1/tickets/${key}/article-draft`, {});
    expect(res.statusCode).toBe(201);
    const article = res.json();
    expect(article).toMatchObject({
      title: "Certificates print blank pages",
      status: "draft",
      language: "en",
    });
    expect(article.body).toContain("## Problem");
    expect(article.body).toContain("Every certificate prints as a blank page.");
    expect(article.body).toContain("## Resolution");
    expect(article.body).toContain("please allow pop-ups for the application");
    expect(article.body).toContain(`ticket ${key}`);
    for (const personal of ["Ireen", "Banda", "example.org", "777", "8899", "260967778899"])
      expect(article.body.toLowerCase()).not.toContain(personal.toLowerCase());
    expect(article.body).not.toContain("old HP");
    expect(article.sections.map((s: { heading: string }) => s.heading)).toEqual(["Problem", "Resolution"]);

    const events = (await agent.get(`/api/v1/tickets/${key}/events`)).json().items;
    expect(events.find((e: { type: string }) => e.type === "kb.article_drafted")?.after).toMatchObject({
      articleId: article.id,
    });
    // a draft: requesters do not see it yet
    const reader = await h.as("requester-zmb@demo.test");
    expect((await reader.get(`/api/v1/kb/articles/${article.id}`)).statusCode).toBe(404);
  });

  it("site admins and other sites' staff cannot, and a ticket without a staff reply has no resolution to write", async () => {
    const key = await solvedTicket();
    expect(
      (await (await h.as("siteadmin-zmb@demo.test")).post(`/api/v1/tickets/${key}/article-draft`, {}))
        .statusCode,
    ).toBe(403);
    expect(
      (await (await h.as("siteadmin-bgd@demo.test")).post(`/api/v1/tickets/${key}/article-draft`, {}))
        .statusCode,
    ).toBe(404);

    const agent = await h.as("agent@demo.test");
    const unanswered = await openTicket(agent, {
      site: "ZMB",
      subject: "No answer yet",
      description: "Nothing works.",
      requester: { email: "someone@example.org" },
    });
    const res = await agent.post(`/api/v1/tickets/${unanswered}/article-draft`, {});
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("kb.no_resolution");
  });

  it("leaves out the requester's data however it is written, and keeps the rest of the text", () => {
    const out = redact(
      "Ireen BANDA (ireen.banda@example.org, WhatsApp 260 971 234 567, phone +260 (97) 123-4567) cannot log in. Other: x@y.org, +44 20 7946 0958. Version 2.1.3.",
      {
        name: "Ireen Banda",
        email: "ireen.banda@example.org",
        phone: "+260971234567",
        whatsappId: "260971234567",
      },
    );
    expect(out).toBe(
      "[name removed] ([email removed], WhatsApp [phone removed], phone [phone removed]) cannot log in. Other: [email removed], [phone removed]. Version 2.1.3.",
    );
  });
});
