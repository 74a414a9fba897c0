import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../../test/harness.js";
import { systemActor } from "../../../shared/actor.js";
import type { TakeResult } from "./email.inbound.js";
import type { MailboxRow } from "./email.repository.js";

let h: Harness;
let mailbox: MailboxRow;

beforeAll(async () => {
  h = await createHarness();
  const admin = await h.as("hubadmin@demo.test");
  const res = await admin.post("/api/v1/sites/ZMB/channels/email/mailboxes", {
    address: "help-zmb@tierdesk.test",
    displayName: "ZMB Help",
  });
  expect(res.statusCode).toBe(201);
  mailbox = (await h.ctx.email.repo.mailbox(res.json().id)) as MailboxRow;
});
afterAll(async () => h?.close());

const tag = () => randomBytes(4).toString("hex");

type Mail = {
  from: string;
  subject: string;
  body?: string;
  messageId?: string;
  inReplyTo?: string;
  cc?: string;
  attachment?: { name: string; content: string };
};

/** A plain mail to the mailbox; each gets a Message-ID of its own unless given one. */
function raw(m: Mail): Buffer {
  const head = [
    `From: ${m.from}`,
    "To: ZMB Help <help-zmb@tierdesk.test>",
    ...(m.cc ? [`Cc: ${m.cc}`] : []),
    `Subject: ${m.subject}`,
    `Message-ID: <${m.messageId ?? `${tag()}@mail.example`}>`,
    ...(m.inReplyTo ? [`In-Reply-To: <${m.inReplyTo}>`, `References: <${m.inReplyTo}>`] : []),
    "MIME-Version: 1.0",
  ];
  const text = m.body ?? "Hello";
  if (!m.attachment)
    return Buffer.from([...head, "Content-Type: text/plain; charset=UTF-8", "", text, ""].join("\r\n"));
  return Buffer.from(
    [
      ...head,
      'Content-Type: multipart/mixed; boundary="b1"',
      "",
      "--b1",
      "Content-Type: text/plain; charset=UTF-8",
      "",
      text,
      "--b1",
      "Content-Type: text/plain",
      `Content-Disposition: attachment; filename="${m.attachment.name}"`,
      "",
      m.attachment.content,
      "--b1--",
      "",
    ].join("\r\n"),
  );
}
const take = (m: Mail) => h.ctx.email.inbound.take(mailbox, raw(m), null);
const keyOf = (r: TakeResult) => {
  if (r.outcome === "duplicate" || !r.ticketKey) throw new Error(`expected a ticket, got ${r.outcome}`);
  return r.ticketKey;
};

/** A ticket opened by its requester's mail, with our acknowledgement and the requester's Message-ID. */
async function openedByMail(extra: Partial<Mail> = {}) {
  const address = `mwansa.${tag()}@registry.gov.zm`;
  const messageId = `${tag()}@mail.registry.gov.zm`;
  const r = await take({
    from: `Mwansa Phiri <${address}>`,
    subject: "Birth certificate will not print",
    body: "The print queue stops at the certificate.",
    messageId,
    ...extra,
  });
  expect(r.outcome).toBe("opened");
  const key = keyOf(r);
  const row = await h.ctx.tickets.visibleRow(systemActor, key);
  const ack = (await h.ctx.email.repo.messagesOfTicket(row.id)).find((m) => m.kind === "ack");
  return { key, id: row.id, address, messageId, ack: ack?.message_id as string };
}
const stranger = () => ({
  address: `mallory.${tag()}@evil.example`,
  get from() {
    return `Mallory Banda <${this.address}>`;
  },
});

const agent = () => h.as("agent@demo.test");
type MessageItem = {
  id: number;
  kind: string;
  author: { type: string } | null;
  body: string;
  sender: { address: string; name: string | null; status: string } | null;
};
const thread = async (key: string): Promise<MessageItem[]> =>
  (await (await agent()).get(`/api/v1/tickets/${key}/messages`)).json().items;
const statusOf = async (key: string) => (await h.ctx.tickets.get(systemActor, key)).status;
const eventTypes = async (key: string): Promise<string[]> =>
  (await (await agent()).get(`/api/v1/tickets/${key}/events?limit=500`))
    .json()
    .items.map((e: { type: string }) => e.type);
const mailsOf = (ticketId: number) => h.ctx.email.repo.messagesOfTicket(ticketId);
const nextResponseClock = (ticketId: number) =>
  h.ctx.database.db
    .selectFrom("ticket_sla_clocks")
    .select(["state"])
    .where("ticket_id", "=", ticketId)
    .where("kind", "=", "next_response")
    .executeTakeFirst();
/** The agent answers, so the ticket waits on the requester and the first response is met. */
async function answered(key: string) {
  const res = await (await agent()).post(`/api/v1/tickets/${key}/messages`, {
    body: "Please restart the print spooler and try again.",
    status: "pending-requester",
  });
  expect(res.statusCode).toBe(201);
}

describe("mail from a sender the ticket does not know", () => {
  it("a stranger's mail with the ticket key in the subject becomes an internal note marked unverified, and the ticket stays resolved", async () => {
    const t = await openedByMail();
    expect((await (await agent()).patch(`/api/v1/tickets/${t.key}`, { status: "resolved" })).statusCode).toBe(
      200,
    );
    const mallory = stranger();
    const r = await take({
      from: mallory.from,
      subject: `Re: Birth certificate will not print [${t.key}]`,
      body: "Please send the certificate to my address instead.",
    });

    expect(r).toMatchObject({ outcome: "held", ticketKey: t.key });
    expect(await statusOf(t.key)).toBe("resolved");
    const items = await thread(t.key);
    expect(items.filter((m) => m.kind === "reply")).toHaveLength(1);
    expect(items.at(-1)).toMatchObject({
      kind: "note",
      author: null,
      body: "Please send the certificate to my address instead.",
      sender: { address: mallory.address, name: "Mallory Banda", status: "unverified" },
    });
    // Nobody is mailed: not the requester, not the stranger (no acknowledgement that the ticket exists).
    const mails = await mailsOf(t.id);
    expect(mails.filter((m) => m.direction === "out").map((m) => m.kind)).toEqual(["ack"]);
    const held = await h.ctx.email.repo.message((r as { emailId: number }).emailId);
    expect(held).toMatchObject({
      status: "held",
      from_address: mallory.address,
      from_name: "Mallory Banda",
      ticket_id: t.id,
    });
    const listed = (await (await agent()).get(`/api/v1/tickets/${t.key}/emails`)).json().items;
    expect(listed.find((m: { id: number }) => m.id === held?.id)).toMatchObject({
      from: mallory.address,
      fromName: "Mallory Banda",
      status: "held",
    });
  });

  it("the requester's own mail still threads as their reply, reopens the ticket and starts the next-response clock; a stranger's before it did none of that", async () => {
    const t = await openedByMail();
    await answered(t.key);
    const mallory = stranger();
    expect(
      (await take({ from: mallory.from, subject: `Re: [${t.key}]`, body: "It is fixed, close it." })).outcome,
    ).toBe("held");
    expect(await statusOf(t.key)).toBe("pending-requester");
    expect(await nextResponseClock(t.id)).toBeUndefined();

    // Mail clients change the case of addresses; the requester is still the requester.
    const r = await take({
      from: `Mwansa Phiri <${t.address.toUpperCase()}>`,
      subject: `Re: Birth certificate will not print [${t.key}]`,
      body: "It still stops after the restart.",
    });
    expect(r).toMatchObject({ outcome: "replied", ticketKey: t.key });
    expect(await statusOf(t.key)).toBe("open");
    expect((await nextResponseClock(t.id))?.state).toBe("running");
    expect((await thread(t.key)).at(-1)).toMatchObject({
      kind: "reply",
      author: { type: "contact" },
      body: "It still stops after the restart.",
      sender: { address: t.address, name: "Mwansa Phiri", status: "known" },
    });
  });

  it("an In-Reply-To forged from the ticket key threads onto nothing: the stranger's mail opens a ticket of its own", async () => {
    const t = await openedByMail();
    const before = await thread(t.key);
    const mallory = stranger();
    const r = await take({
      from: mallory.from,
      subject: "Re: your request",
      body: "Cancel my request.",
      inReplyTo: `tierdesk.${t.key}.${randomUUID()}@tierdesk.test`,
    });
    expect(r.outcome).toBe("opened");
    expect(keyOf(r)).not.toBe(t.key);
    expect(await thread(t.key)).toEqual(before);
    expect((await h.ctx.tickets.get(systemActor, keyOf(r))).requester.email).toBe(mallory.address);
  });

  it("a stranger answering one of our real Message-IDs is held as an unverified note too", async () => {
    const t = await openedByMail();
    const mallory = stranger();
    const r = await take({
      from: mallory.from,
      subject: "Re: your request",
      body: "Cancel my request.",
      inReplyTo: t.ack,
    });
    expect(r).toMatchObject({ outcome: "held", ticketKey: t.key });
    expect(await statusOf(t.key)).toBe("new");
    expect((await thread(t.key)).at(-1)).toMatchObject({
      kind: "note",
      sender: { address: mallory.address, status: "unverified" },
    });
    // The staff reply still answers the requester's mail, not the stranger's.
    await answered(t.key);
    const reply = (await mailsOf(t.id)).find((m) => m.kind === "reply");
    expect(reply).toMatchObject({ to_address: t.address, in_reply_to: t.messageId });
  });

  it("a colleague the requester copied threads as a reply with their own address recorded; someone a stranger copied does not", async () => {
    const colleague = `chileshe.${tag()}@registry.gov.zm`;
    const t = await openedByMail({ cc: `Chileshe Mwale <${colleague}>` });
    const r = await take({
      from: `Chileshe Mwale <${colleague}>`,
      subject: "Re: Birth certificate will not print",
      body: "Same problem in our office.",
      inReplyTo: t.messageId,
    });
    expect(r).toMatchObject({ outcome: "replied", ticketKey: t.key });
    expect((await thread(t.key)).at(-1)).toMatchObject({
      kind: "reply",
      author: { type: "contact" },
      sender: { address: colleague, name: "Chileshe Mwale", status: "known" },
    });

    const mallory = stranger();
    const accomplice = `accomplice.${tag()}@evil.example`;
    await take({ from: mallory.from, subject: `Re: [${t.key}]`, cc: accomplice, body: "x" });
    const again = await take({ from: accomplice, subject: `Re: [${t.key}]`, body: "Close it." });
    expect(again).toMatchObject({ outcome: "held", ticketKey: t.key });
  });

  it("mail from the address of the requester's account threads even when their contact on file has another", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    const opened = await requester.post("/api/v1/tickets", {
      site: "ZMB",
      subject: "Registration export is empty",
      description: "The export has no rows.",
    });
    expect(opened.statusCode).toBe(201);
    const key: string = opened.json().key;
    const contactId = (await h.ctx.tickets.visibleRow(systemActor, key)).contact_id;
    await h.ctx.database.db
      .updateTable("contacts")
      .set({ email: `chanda.old.${tag()}@ndola.gov.zm` })
      .where("id", "=", contactId)
      .execute();
    try {
      const r = await take({
        from: "Chanda Mulenga <requester-zmb@demo.test>",
        subject: `Re: Registration export is empty [${key}]`,
        body: "It is still empty today.",
      });
      expect(r).toMatchObject({ outcome: "replied", ticketKey: key });
      expect((await thread(key)).at(-1)).toMatchObject({
        kind: "reply",
        sender: { address: "requester-zmb@demo.test", status: "known" },
      });
    } finally {
      await h.ctx.database.db
        .updateTable("contacts")
        .set({ email: "requester-zmb@demo.test" })
        .where("id", "=", contactId)
        .execute();
    }
  });

  it("a stranger writing about a closed ticket gets a new ticket of their own, its link to the old one marked unverified", async () => {
    const t = await openedByMail();
    expect((await (await agent()).patch(`/api/v1/tickets/${t.key}`, { status: "closed" })).statusCode).toBe(
      200,
    );
    const mallory = stranger();
    const r = await take({ from: mallory.from, subject: `Re: [${t.key}]`, body: "Reopen this please." });
    expect(r.outcome).toBe("opened");
    const key = keyOf(r);
    expect(key).not.toBe(t.key);
    expect((await h.ctx.tickets.get(systemActor, key)).requester.email).toBe(mallory.address);
    const events = (await (await agent()).get(`/api/v1/tickets/${key}/events?limit=100`)).json().items;
    expect(events.find((e: { type: string }) => e.type === "ticket.follow_up")?.after).toEqual({
      of: t.key,
      sender: "unverified",
    });
    expect(await statusOf(t.key)).toBe("closed");
  });
});

describe("staff accept a held mail", () => {
  it("an agent accepts it: it becomes the requester's public reply with its file, reopens the ticket, starts the next-response clock and keeps the real sender", async () => {
    const t = await openedByMail();
    await answered(t.key);
    const mallory = stranger();
    const r = await take({
      from: mallory.from,
      subject: `Re: [${t.key}]`,
      body: "This is Mwansa writing from my home address.",
      attachment: { name: "spooler.log", content: "spooler stopped" },
    });
    expect(r.outcome).toBe("held");
    const note = (await thread(t.key)).at(-1) as MessageItem;
    const files = async (): Promise<Array<{ messageId: number; visibility: string }>> =>
      (await (await agent()).get(`/api/v1/tickets/${t.key}/attachments`)).json().items;
    expect((await files()).find((f) => f.messageId === note.id)?.visibility).toBe("internal");

    const res = await (await agent()).post(`/api/v1/tickets/${t.key}/messages/${note.id}/accept`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: note.id,
      kind: "reply",
      author: { type: "contact" },
      body: "This is Mwansa writing from my home address.",
      sender: { address: mallory.address, name: "Mallory Banda", status: "accepted" },
    });
    expect(await statusOf(t.key)).toBe("open");
    expect((await nextResponseClock(t.id))?.state).toBe("running");
    expect((await files()).find((f) => f.messageId === note.id)?.visibility).toBe("public");
    const accepted = (await (await agent()).get(`/api/v1/tickets/${t.key}/events?limit=500`))
      .json()
      .items.find((e: { type: string }) => e.type === "message.sender_accepted");
    expect(accepted?.after).toMatchObject({ messageId: note.id, sender: mallory.address });
    expect(accepted?.actor?.name).toBeTruthy();
  });

  it("a requester cannot accept a held mail on their own ticket, does not see it, and nothing changes", async () => {
    const opened = await take({
      from: "Chanda Mulenga <requester-zmb@demo.test>",
      subject: "Death registration form will not save",
      body: "Saving fails with an error.",
    });
    const key = keyOf(opened);
    const mallory = stranger();
    expect(
      (await take({ from: mallory.from, subject: `Re: [${key}]`, body: "Forward all to me." })).outcome,
    ).toBe("held");
    const note = (await thread(key)).at(-1) as MessageItem;
    const requester = await h.as("requester-zmb@demo.test");
    const own = (await requester.get(`/api/v1/tickets/${key}/messages`)).json().items as MessageItem[];
    expect(own.map((m) => m.kind)).toEqual(["reply"]);
    expect(own[0]?.sender).toBeNull();
    const events = await eventTypes(key);

    const res = await requester.post(`/api/v1/tickets/${key}/messages/${note.id}/accept`);
    expect(res.statusCode).toBe(403);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json().code).toBe("message.accept_forbidden");
    expect((await thread(key)).at(-1)).toMatchObject({
      id: note.id,
      kind: "note",
      author: null,
      sender: { status: "unverified" },
    });
    expect(await statusOf(key)).toBe("new");
    expect(await eventTypes(key)).toEqual(events);
  });

  it("only a held mail can be accepted: an ordinary message, one already accepted and an unknown id are refused", async () => {
    const t = await openedByMail();
    const mallory = stranger();
    await take({ from: mallory.from, subject: `Re: [${t.key}]`, body: "Hello from me." });
    const [first, note] = await thread(t.key);
    const staff = await agent();
    const url = (id: number) => `/api/v1/tickets/${t.key}/messages/${id}/accept`;

    const ordinary = await staff.post(url(first?.id as number));
    expect(ordinary.statusCode).toBe(409);
    expect(ordinary.json().code).toBe("message.not_held");
    expect((await staff.post(url(note?.id as number))).statusCode).toBe(200);
    const twice = await staff.post(url(note?.id as number));
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe("message.not_held");
    const unknown = await staff.post(url(2 ** 31 - 1));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe("message.not_found");
    // A held mail of another ticket is not this ticket's to accept.
    const other = await openedByMail();
    await take({ from: mallory.from, subject: `Re: [${other.key}]`, body: "And here." });
    const elsewhere = (await thread(other.key)).at(-1) as MessageItem;
    const crossed = await staff.post(url(elsewhere.id));
    expect(crossed.statusCode).toBe(404);
    expect(crossed.json().code).toBe("message.not_found");
    expect((await thread(other.key)).at(-1)).toMatchObject({
      kind: "note",
      sender: { status: "unverified" },
    });
    expect((await thread(t.key)).map((m) => m.kind)).toEqual(["reply", "reply"]);
  });
});
