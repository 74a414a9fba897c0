import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GraphStandin,
  hubSignature,
  startGraphStandin,
  webhookPayload,
} from "../../../../test/graph-standin.js";
import { type Client, createHarness, type Harness, testClock, waitFor } from "../../../../test/harness.js";
import { systemActor } from "../../../shared/actor.js";
import { importDocs } from "../../kb/kb.import.js";

const CORPORA =
  process.env.TIERDESK_CORPORA ??
  fileURLToPath(new URL("../../../../../../../shared/corpora/", import.meta.url));
const ZMB = {
  phoneNumberId: "100200300",
  accessToken: "zmb-token",
  appSecret: "zmb-app-secret",
  verifyToken: "zmb-verify",
};
const UGA = {
  phoneNumberId: "700800900",
  accessToken: "uga-token",
  appSecret: "uga-app-secret",
  verifyToken: "uga-verify",
};
const HOUR = 60 * 60 * 1000;
// a tiny valid PNG, so the attachment store's type check accepts it
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

const clock = testClock();
let h: Harness;
let graph: GraphStandin;
let staff: Client;
let ids = 0;

beforeAll(async () => {
  graph = await startGraphStandin();
  h = await createHarness({ clock, config: { whatsappGraph: { url: graph.url, version: graph.version } } });
  await importDocs(h.ctx.kb, systemActor, path.join(CORPORA, "gitbook-sample"), {
    collection: "Registry guide",
  });
  const admin = await h.as("hubadmin@demo.test");
  for (const [site, s] of [
    ["ZMB", { ...ZMB, replyTemplate: { name: "support_reply", language: "en" } }],
    ["UGA", UGA],
  ] as const) {
    expect((await admin.request("PUT", `/api/v1/sites/${site}/channels/whatsapp`, s)).statusCode).toBe(200);
    graph.allow(s.phoneNumberId, s.accessToken);
  }
  staff = await h.as("siteadmin-zmb@demo.test");
  await h.ctx.jobs.startWorking();
});
afterAll(async () => {
  await h?.close();
  await graph?.close();
});

type Message = Parameters<typeof webhookPayload>[1]["messages"];
/** Delivers a signed webhook as Meta would, with the test clock's time on every message. */
async function deliver(
  payload: { messages?: Message; statuses?: Parameters<typeof webhookPayload>[1]["statuses"] },
  number = ZMB,
) {
  const at = Math.floor(clock.now() / 1000);
  const body = JSON.stringify(
    webhookPayload(number.phoneNumberId, {
      messages: payload.messages?.map((m) => ({ ...m, timestamp: at })),
      statuses: payload.statuses?.map((s) => ({ ...s, timestamp: at })),
    }),
  );
  const res = await h.app.inject({
    method: "POST",
    url: "/api/v1/channels/whatsapp/webhook",
    headers: {
      "content-type": "application/json",
      "x-hub-signature-256": hubSignature(number.appSecret, body),
    },
    payload: body,
  });
  expect(res.statusCode).toBe(200);
}
const say = (from: string, body: string, name = "Chanda Mulenga", number = ZMB) => {
  const id = `wamid.in${++ids}`;
  return deliver({ messages: [{ type: "text", from, id, body, name }] }, number).then(() => id);
};
/** Waits until the stand-in has received `n` messages in all, and returns the latest. */
const sentCount = (n: number) =>
  waitFor(
    `${n} messages sent through the Graph stand-in`,
    async () => graph.sent.length >= n && graph.sent[n - 1],
  );
const processed = (wamid: string) =>
  waitFor(`message ${wamid} processed`, async () => {
    const row = await h.ctx.database.db
      .selectFrom("whatsapp_inbound")
      .select(["state", "outcome", "ticket_id"])
      .where("wamid", "=", wamid)
      .executeTakeFirst();
    return row && row.state !== "queued" && row;
  });
const outboundOf = async (key: string) =>
  (await staff.get(`/api/v1/tickets/${key}/whatsapp-messages`)).json().items;

describe("a person writes to a site's WhatsApp number", () => {
  const person = "260976543210";
  let key: string;

  it("a new conversation is answered first by the chatbot, over WhatsApp, with links to the knowledge base", async () => {
    const before = graph.sent.length;
    await say(person, "How do I reset a password?");
    const sent = await sentCount(before + 1);
    expect(sent.phoneNumberId).toBe(ZMB.phoneNumberId);
    expect(sent.token).toBe(ZMB.accessToken);
    expect(sent.body).toMatchObject({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: person,
      type: "text",
    });
    expect(sent.body.text?.body).toContain("reset a password");
    expect(sent.body.text?.body).toContain("http://tierdesk.test/kb/articles/");
    const contact = await h.ctx.database.db
      .selectFrom("contacts")
      .selectAll()
      .where("whatsapp_id", "=", person)
      .executeTakeFirstOrThrow();
    expect(contact).toMatchObject({ name: "Chanda Mulenga", phone: `+${person}` });
  });

  it('"agent" opens an L1 ticket at the number\'s site, on channel whatsapp, for the contact found by WhatsApp id', async () => {
    const before = graph.sent.length;
    const id = await say(person, "agent");
    const sent = await sentCount(before + 1);
    const match = /ZMB-\d+/.exec(sent.body.text?.body ?? "");
    expect(match).not.toBeNull();
    key = (match as RegExpExecArray)[0];
    expect((await processed(id)).outcome).toBe("handed_over");
    const ticket = (await staff.get(`/api/v1/tickets/${key}`)).json();
    expect(ticket).toMatchObject({
      site: "ZMB",
      tier: 1,
      channel: "whatsapp",
      requester: { whatsappId: person, phone: `+${person}`, name: "Chanda Mulenga" },
    });
    const thread = (await staff.get(`/api/v1/tickets/${key}/messages`)).json().items;
    expect(thread[0].body).toContain("How do I reset a password?");
  });

  it("later messages from the same person thread onto their open ticket, without the chatbot", async () => {
    const before = graph.sent.length;
    const id = await say(person, "The reset link never arrives.");
    const row = await processed(id);
    expect(row.outcome).toBe("threaded");
    const thread = (await staff.get(`/api/v1/tickets/${key}/messages`)).json().items;
    expect(thread.at(-1)).toMatchObject({ body: "The reset link never arrives.", channel: "whatsapp" });
    expect(thread.at(-1).author.type).toBe("contact");
    expect(graph.sent.length).toBe(before);
  });

  it("a picture sent on an open ticket is fetched through the media endpoint and attached", async () => {
    graph.addMedia("media-1", PNG, "image/png");
    const id = `wamid.in${++ids}`;
    await deliver({
      messages: [
        { type: "image", from: person, id, mediaId: "media-1", mimeType: "image/png", caption: "The error" },
      ],
    });
    expect((await processed(id)).outcome).toBe("threaded");
    const files = (await staff.get(`/api/v1/tickets/${key}/attachments`)).json();
    const list = Array.isArray(files) ? files : files.items;
    expect(list).toEqual([
      expect.objectContaining({ contentType: "image/png", size: PNG.length, visibility: "public" }),
    ]);
  });

  it("a staff reply within 24 hours of the person's last message goes back as free text", async () => {
    const before = graph.sent.length;
    clock.advance(2 * HOUR);
    const res = await staff.post(`/api/v1/tickets/${key}/messages`, {
      kind: "reply",
      body: "Please check your spam folder.\nThen try again.",
    });
    expect(res.statusCode).toBe(201);
    const sent = await sentCount(before + 1);
    expect(sent.body).toMatchObject({
      to: person,
      type: "text",
      text: { body: "Please check your spam folder.\nThen try again." },
    });
    // an internal note stays internal
    await staff.post(`/api/v1/tickets/${key}/messages`, { kind: "note", body: "Asked about spam." });
    await waitFor(
      "the reply recorded as accepted",
      async () => (await outboundOf(key)).at(-1)?.state === "accepted",
    );
    expect(graph.sent.length).toBe(before + 1);
  });

  it("after 24 hours without a message from the person, the reply goes as the approved template with the reply as its parameter", async () => {
    const before = graph.sent.length;
    clock.advance(23 * HOUR);
    await staff.post(`/api/v1/tickets/${key}/messages`, {
      kind: "reply",
      body: "Any news?\n\nWe are    waiting.",
    });
    const sent = await sentCount(before + 1);
    expect(sent.body).toMatchObject({
      to: person,
      type: "template",
      template: {
        name: "support_reply",
        language: { code: "en" },
        components: [{ type: "body", parameters: [{ type: "text", text: "Any news? We are   waiting." }] }],
      },
    });
    // a new message from the person opens the window again
    await processed(await say(person, "Still broken."));
    await staff.post(`/api/v1/tickets/${key}/messages`, { kind: "reply", body: "Thanks, looking." });
    expect((await sentCount(before + 2)).body.type).toBe("text");
  });

  it("delivery statuses update our outbound messages, and never go backwards", async () => {
    const replies = (await outboundOf(key)).filter((m: { purpose: string }) => m.purpose === "reply");
    const wamid = graph.sent.find((s) => s.body.text?.body === "Thanks, looking.")?.wamid as string;
    await deliver({ statuses: [{ id: wamid, status: "sent", recipient: person }] });
    await deliver({ statuses: [{ id: wamid, status: "read", recipient: person }] });
    await deliver({ statuses: [{ id: wamid, status: "delivered", recipient: person }] });
    // the same status again is a duplicate and changes nothing
    await deliver({ statuses: [{ id: wamid, status: "read", recipient: person }] });
    const last = replies.length - 1;
    await waitFor(
      "the reply read",
      async () =>
        (await outboundOf(key)).filter((m: { purpose: string }) => m.purpose === "reply")[last]?.state ===
        "read",
    );
    // Each delivery is its own job: wait until the late "delivered" has been applied too.
    const row = await waitFor("every status applied", async () => {
      const r = await h.ctx.database.db
        .selectFrom("whatsapp_outbound")
        .selectAll()
        .where("wamid", "=", wamid)
        .executeTakeFirstOrThrow();
      return r.sent_at !== null && r.delivered_at !== null && r.read_at !== null ? r : undefined;
    });
    expect(row.state).toBe("read");
    expect(row.sent_at).not.toBeNull();
    expect(row.delivered_at).not.toBeNull();
    expect(row.read_at).not.toBeNull();
  });

  it("a failed status is visible on the ticket as an event", async () => {
    const template = graph.sent.find((s) => s.body.type === "template") as (typeof graph.sent)[number];
    await deliver({
      statuses: [
        {
          id: template.wamid,
          status: "failed",
          recipient: person,
          error: { code: 131026, title: "Message undeliverable" },
        },
      ],
    });
    const event = await waitFor("the failure event", async () =>
      (
        (await staff.get(`/api/v1/tickets/${key}/events?limit=200`)).json().items as Array<{
          type: string;
          after: Record<string, unknown>;
        }>
      ).find((e) => e.type === "whatsapp.delivery_failed"),
    );
    expect(event.after).toMatchObject({
      code: 131026,
      title: "Message undeliverable",
      wamid: template.wamid,
    });
    const failed = (await outboundOf(key)).find((m: { kind: string }) => m.kind === "template");
    expect(failed).toMatchObject({
      state: "failed",
      error: { code: 131026, title: "Message undeliverable" },
    });
  });
});

describe("edges of the conversation", () => {
  it('"yes" closes the chatbot conversation at L0 and opens no ticket', async () => {
    const person = "260970000001";
    const before = graph.sent.length;
    await say(person, "How do I print a certificate?", "Bwalya");
    await sentCount(before + 1);
    const id = await say(person, "yes", "Bwalya");
    expect((await processed(id)).outcome).toBe("chatbot");
    expect((await sentCount(before + 2)).body.text?.body).toContain("Glad it helped");
    const contact = await h.ctx.database.db
      .selectFrom("contacts")
      .select("id")
      .where("whatsapp_id", "=", person)
      .executeTakeFirstOrThrow();
    const tickets = await h.ctx.database.db
      .selectFrom("tickets")
      .select("id")
      .where("contact_id", "=", contact.id)
      .execute();
    expect(tickets).toEqual([]);
  });

  it("a question the chatbot cannot answer is handed to a person at once", async () => {
    const before = graph.sent.length;
    const id = await say("260970000002", "Zxqv frobnicate the quuxification widget", "Mutale");
    expect((await processed(id)).outcome).toBe("handed_over");
    expect((await sentCount(before + 1)).body.text?.body).toMatch(/ZMB-\d+/);
  });

  it("a staff reply outside the window with no approved template configured fails visibly on the ticket", async () => {
    const person = "256700000003";
    const before = graph.sent.length;
    await say(person, "agent please", "Okello", UGA);
    const sent = await sentCount(before + 1);
    const key = (/UGA-\d+/.exec(sent.body.text?.body ?? "") as RegExpExecArray)[0];
    clock.advance(25 * HOUR);
    const agent = await h.as("agent@demo.test");
    expect(
      (await agent.post(`/api/v1/tickets/${key}/messages`, { kind: "reply", body: "Hello?" })).statusCode,
    ).toBe(201);
    const event = await waitFor("the failure event", async () =>
      (
        (await agent.get(`/api/v1/tickets/${key}/events?limit=200`)).json().items as Array<{
          type: string;
          after: Record<string, unknown>;
        }>
      ).find((e) => e.type === "whatsapp.delivery_failed"),
    );
    expect(String(event.after.title)).toContain("no approved template");
    expect(graph.sent.length).toBe(before + 1);
  });

  it("a document from someone without a ticket is handed to a person at once, with the file on the new ticket", async () => {
    const before = graph.sent.length;
    const pdf = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");
    graph.addMedia("media-pdf", pdf, "application/pdf");
    const id = `wamid.in${++ids}`;
    await deliver({
      messages: [
        {
          type: "document",
          from: "260970000005",
          id,
          mediaId: "media-pdf",
          mimeType: "application/pdf",
          filename: "register.pdf",
          name: "Chilufya",
        },
      ],
    });
    expect((await processed(id)).outcome).toBe("handed_over");
    const key = (/ZMB-\d+/.exec((await sentCount(before + 1)).body.text?.body ?? "") as RegExpExecArray)[0];
    const files = (await staff.get(`/api/v1/tickets/${key}/attachments`)).json();
    expect(Array.isArray(files) ? files : files.items).toEqual([
      expect.objectContaining({ filename: "register.pdf", contentType: "application/pdf" }),
    ]);
  });

  it("a medium WhatsApp no longer has is noted on the ticket instead of failing the message", async () => {
    const person = "260970000006";
    const before = graph.sent.length;
    await say(person, "agent", "Natasha");
    const key = (/ZMB-\d+/.exec((await sentCount(before + 1)).body.text?.body ?? "") as RegExpExecArray)[0];
    const id = `wamid.in${++ids}`;
    await deliver({
      messages: [{ type: "image", from: person, id, mediaId: "gone", mimeType: "image/jpeg" }],
    });
    expect((await processed(id)).outcome).toBe("threaded");
    const thread = (await staff.get(`/api/v1/tickets/${key}/messages`)).json().items;
    expect(thread.at(-1).body).toContain("could not be kept");
  });

  it("notices reach a contact known by WhatsApp (as the template outside the window); others have no address here", async () => {
    const sender = h.ctx.outbound.sender("whatsapp");
    expect(sender).toBeDefined();
    const send = sender as NonNullable<typeof sender>;
    const known = await h.ctx.database.db
      .selectFrom("contacts")
      .select("id")
      .where("whatsapp_id", "=", "260976543210")
      .executeTakeFirstOrThrow();
    const unknown = await h.ctx.database.db
      .selectFrom("contacts")
      .select("id")
      .where("whatsapp_id", "is", null)
      .executeTakeFirstOrThrow();
    const delivery = {
      kind: "notice",
      ticketId: null,
      title: "Planned downtime",
      body: "Saturday 02:00-04:00 UTC",
      language: "en",
      dedupeKey: "notice-1",
    };
    clock.advance(30 * HOUR);
    const before = graph.sent.length;
    expect(await send({ ...delivery, to: { contactId: unknown.id } })).toBe(false);
    expect(await send({ ...delivery, to: { userId: 1 } })).toBe(false);
    expect(await send({ ...delivery, to: { contactId: known.id } })).toBe(true);
    // a retried delivery sends once
    expect(await send({ ...delivery, to: { contactId: known.id } })).toBe(true);
    const sent = await sentCount(before + 1);
    expect(sent.body).toMatchObject({
      to: "260976543210",
      type: "template",
      template: {
        name: "support_reply",
        components: [{ parameters: [{ text: "Planned downtime Saturday 02:00-04:00 UTC" }] }],
      },
    });
    await waitFor("the notice recorded as sent", async () => {
      const row = await h.ctx.database.db
        .selectFrom("whatsapp_outbound")
        .select("state")
        .where("purpose", "=", "notice")
        .executeTakeFirst();
      return row?.state === "accepted";
    });
    expect(graph.sent.length).toBe(before + 1);
  });

  it("a send the Graph API refuses for a moment is retried and sent once", async () => {
    const person = "260970000004";
    const before = graph.sent.length;
    graph.failNext({ status: 503, code: 2, message: "Service temporarily unavailable" });
    await say(person, "How do I reset a password?", "Mwape");
    // the retry waits for its backoff; on the embedded runner that is the test clock's time
    await waitFor("the retried send", async () => {
      clock.advance(10_000);
      return graph.sent.length > before;
    });
    await waitFor("the answer recorded as sent", async () => {
      const row = await h.ctx.database.db
        .selectFrom("whatsapp_outbound")
        .select("state")
        .where("wa_id", "=", person)
        .executeTakeFirst();
      return row?.state === "accepted";
    });
    expect(graph.sent.filter((s) => s.body.to === person)).toHaveLength(1);
  });
});
