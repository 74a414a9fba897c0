import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../../test/harness.js";
import { mimeSample } from "../../../../test/mail-servers.js";
import { systemActor } from "../../../shared/actor.js";
import { createAttachmentStore } from "../../attachments/attachments.store.js";
import { createEmailInbound, type TakeResult } from "./email.inbound.js";
import type { MailboxRow } from "./email.repository.js";

let h: Harness;
let mailbox: MailboxRow;

beforeAll(async () => {
  h = await createHarness();
  const admin = await h.as("hubadmin@demo.test");
  const res = await admin.post("/api/v1/sites/ZMB/channels/email/mailboxes", {
    address: "support-zmb@tierdesk.test",
    displayName: "ZMB Support",
  });
  expect(res.statusCode).toBe(201);
  mailbox = (await h.ctx.email.repo.mailbox(res.json().id)) as MailboxRow;
});
afterAll(async () => h?.close());

const take = (raw: Buffer) => h.ctx.email.inbound.take(mailbox, raw, null);
const opened = (r: TakeResult) => {
  if (r.outcome !== "opened" && r.outcome !== "replied")
    throw new Error(`expected a ticket, got ${r.outcome}`);
  return r.ticketKey;
};
const ticket = (key: string) => h.ctx.tickets.get(systemActor, key);
const messages = async (key: string) =>
  (await h.ctx.tickets.messages(systemActor, key, { afterId: 0, limit: 100 })).items;
const events = async (key: string): Promise<Array<{ type: string; after: Record<string, unknown> | null }>> =>
  (await (await h.as("agent@demo.test")).get(`/api/v1/tickets/${key}/events?limit=100`)).json().items;
const outboundOf = async (ticketId: number) =>
  (await h.ctx.email.repo.messagesOfTicket(ticketId)).filter((m) => m.direction === "out");
/** Replacements that make a sample come from the requester of a ticket another sample opened. */
const fromRequesterOf = async (key: string) => ({
  "mwansa.phiri@": `${(await ticket(key)).requester.email?.split("@")[0]}@`,
});
/** A sample made unique, so each test takes its own copy of it. */
const unique = (name: string, replace: Record<string, string> = {}) => {
  const tag = randomBytes(4).toString("hex");
  // A sender of their own, too: acknowledgements to one address are rate-limited.
  const text = mimeSample(name, { "mwansa.phiri@": `mwansa.phiri+${tag}@`, ...replace }).toString("latin1");
  return Buffer.from(text.replace("Message-ID: <", `Message-ID: <${tag}.`), "latin1");
};

describe("mail that opens tickets", () => {
  it("a new mail opens a ticket at Level 1 of the mailbox's site with channel email and the sender as contact", async () => {
    const key = opened(await take(unique("multipart-alternative.eml")));
    const t = await ticket(key);
    expect(t).toMatchObject({ site: "ZMB", tier: 1, channel: "email", status: "new" });
    expect(t.subject).toBe("Cannot print birth certificate in Lusaka office");
    expect(t.requester.email).toMatch(/^mwansa\.phiri\+[0-9a-f]+@registry\.gov\.zm$/);
    expect(t.requester.name).toBe("Mwansa Phiri");
    const [first] = await messages(key);
    expect(first?.body).toContain("Record: BRN-2026-004512");
    expect(first?.author).toMatchObject({ type: "contact" });
  });

  it("the requester gets one acknowledgement threaded on their mail, carrying the ticket key", async () => {
    const key = opened(await take(unique("subject-utf8.eml")));
    const t = await h.ctx.tickets.visibleRow(systemActor, key);
    const [inbound, ack] = await h.ctx.email.repo.messagesOfTicket(t.id);
    expect(ack).toMatchObject({
      direction: "out",
      kind: "ack",
      to_address: "joao@registo.example",
      status: "queued",
    });
    expect(ack?.in_reply_to).toBe(inbound?.message_id);
    expect(ack?.subject).toBe(`Re: Não consigo exportar o relatório – ✓ [${key}]`);
    expect(ack?.message_id).toMatch(new RegExp(`^tierdesk\\.${key}\\..+@tierdesk\\.test$`));
  });

  it("keeps attachments with non-ASCII names and inline images, and drops a refused file type with a note", async () => {
    const key = opened(await take(unique("attachment-non-ascii.eml")));
    const files = await h.ctx.tickets.listAttachments(systemActor, key);
    expect(files.map((f) => [f.filename, f.contentType, f.visibility])).toEqual([
      ["screen.png", "image/png", "public"],
      ["Relatório de sincronização.pdf", "application/pdf", "public"],
    ]);
    const [first] = await messages(key);
    expect(first?.body).toMatch(/\[تقرير\.exe was not kept: .*not accepted\]/);
    expect((await events(key)).some((e) => e.type === "email.attachment_dropped")).toBe(true);
  });

  it("a forwarded mail opens a ticket that keeps the forwarded text", async () => {
    const key = opened(await take(unique("forwarded.eml")));
    const [first] = await messages(key);
    expect(first?.body).toContain("Every record we saved today appears twice");
  });

  it("a 20 MB attachment over the limit is dropped with a note and the mail is still taken", async () => {
    const small = createEmailInbound({
      db: h.ctx.database.db,
      clock: h.ctx.clock,
      log: h.ctx.log,
      repo: h.ctx.email.repo,
      raw: h.ctx.email.raw,
      attachments: createAttachmentStore({
        dataDir: h.config.dataDir,
        maxBytes: h.config.attachmentMaxBytes,
      }),
      tickets: h.ctx.tickets,
      sites: h.ctx.sites,
      contacts: h.ctx.contacts,
      users: h.ctx.users,
      outbound: h.ctx.email.outbound,
      maxBytes: 10 * 1024 * 1024,
    });
    const big = randomBytes(20 * 1024 * 1024)
      .toString("base64")
      .replace(/.{76}/g, "$&\r\n");
    const raw = Buffer.from(
      [
        "From: Bwalya Tembo <bwalya@kitwe.gov.zm>",
        "To: support-zmb@tierdesk.test",
        "Subject: Database dump for the sync problem",
        `Message-ID: <big-${randomBytes(4).toString("hex")}@kitwe.gov.zm>`,
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b1"',
        "",
        "--b1",
        "Content-Type: text/plain; charset=UTF-8",
        "",
        "The dump is attached.",
        "--b1",
        "Content-Type: application/zip",
        'Content-Disposition: attachment; filename="dump.zip"',
        "Content-Transfer-Encoding: base64",
        "",
        big,
        "--b1--",
        "",
      ].join("\r\n"),
    );
    const key = opened(await small.take(mailbox, raw, null));
    const [first] = await messages(key);
    expect(first?.body).toContain("The dump is attached.");
    expect(first?.body).toMatch(/\[dump\.zip \(20\.0 MiB\) was not kept: larger than 10\.0 MiB\]/);
    expect(await h.ctx.tickets.listAttachments(systemActor, key)).toEqual([]);
  });

  it("bulk mail opens a tagged ticket but is never answered automatically", async () => {
    const key = opened(await take(unique("bulk-newsletter.eml")));
    const t = await h.ctx.tickets.visibleRow(systemActor, key);
    expect(JSON.parse(t.tags)).toEqual(["email-bulk"]);
    expect(await outboundOf(t.id)).toEqual([]);
  });

  it("automatic acknowledgements to one sender stop after three in an hour", async () => {
    const sender = `flood-${randomBytes(3).toString("hex")}@robot.example`;
    const keys = [];
    for (let i = 0; i < 5; i++) {
      const raw = Buffer.from(
        `From: ${sender}\r\nTo: support-zmb@tierdesk.test\r\nSubject: Request ${i}\r\nMessage-ID: <flood-${i}-${sender}>\r\n\r\nHelp ${i}\r\n`,
      );
      keys.push(opened(await take(raw)));
    }
    let acks = 0;
    for (const key of keys)
      acks += (await outboundOf((await h.ctx.tickets.visibleRow(systemActor, key)).id)).length;
    expect(keys).toHaveLength(5);
    expect(acks).toBe(3);
  });
});

describe("replies and threading", () => {
  it("a reply threads onto its ticket by In-Reply-To and is stored without the quoted history; the original is kept", async () => {
    const key = opened(await take(unique("multipart-alternative.eml")));
    const t = await h.ctx.tickets.visibleRow(systemActor, key);
    const ack = (await outboundOf(t.id))[0];
    const reply = unique("gmail-reply.eml", {
      "tierdesk.ZMB-1042.placeholder@tierdesk.test": ack?.message_id as string,
      "[ZMB-1042]": "[no key]",
      ...(await fromRequesterOf(key)),
    });
    const r = await take(reply);
    expect(r).toMatchObject({ outcome: "replied", ticketKey: key });
    const thread = await messages(key);
    expect(thread).toHaveLength(2);
    expect(thread[1]?.body).toBe("It works again after clearing the cache, thank you!");
    const agent = await h.as("agent@demo.test");
    const original = await agent.get(
      `/api/v1/tickets/${key}/emails/${(r as { emailId: number }).emailId}/original`,
    );
    expect(original.statusCode).toBe(200);
    expect(original.headers["content-type"]).toContain("message/rfc822");
    expect(original.body).toContain("> Please clear the browser cache and try again.");
  });

  it("an Outlook reply threads by the ticket key in the subject and keeps only the new text", async () => {
    const key = opened(await take(unique("multipart-alternative.eml")));
    const r = await take(unique("outlook-reply.eml", { "ZMB-1042": key, ...(await fromRequesterOf(key)) }));
    expect(r).toMatchObject({ outcome: "replied", ticketKey: key });
    const thread = await messages(key);
    expect(thread[1]?.body).toBe(
      "Thank you, clearing the cache fixed it in two of the three offices. The third one still fails.\n\nMwansa Phiri\nRegistration Officer | Department of National Registration",
    );
  });

  it("a French reply with quoted history is trimmed", async () => {
    const key = opened(await take(unique("subject-iso-8859-1.eml")));
    await take(unique("french-reply.eml", { "ZMB-1042": key }));
    expect((await messages(key))[1]?.body).toBe("Merci, cela fonctionne de nouveau.");
  });

  it("a ticket key of another site in the subject opens a new ticket instead", async () => {
    const r = await take(unique("outlook-reply.eml", { "ZMB-1042": "BGD-1" }));
    expect(r.outcome).toBe("opened");
  });

  it("a reply to a closed ticket opens a follow-up ticket that names it", async () => {
    const key = opened(await take(unique("multipart-alternative.eml")));
    const agent = await h.as("agent@demo.test");
    expect((await agent.patch(`/api/v1/tickets/${key}`, { status: "closed" })).statusCode).toBe(200);
    const r = await take(unique("outlook-reply.eml", { "ZMB-1042": key, ...(await fromRequesterOf(key)) }));
    const followUp = opened(r);
    expect(followUp).not.toBe(key);
    expect((await events(followUp)).find((e) => e.type === "ticket.follow_up")?.after).toEqual({ of: key });
  });
});

describe("loop and noise protection", () => {
  it("an out-of-office reply does not start a loop: no message, no answer, only an event on the ticket", async () => {
    const key = opened(await take(unique("multipart-alternative.eml")));
    const t = await h.ctx.tickets.visibleRow(systemActor, key);
    const ack = (await outboundOf(t.id))[0];
    const r = await take(
      unique("out-of-office.eml", {
        "tierdesk.ZMB-1042.placeholder@tierdesk.test": ack?.message_id as string,
      }),
    );
    expect(r).toMatchObject({ outcome: "ignored", ticketKey: key });
    expect(await messages(key)).toHaveLength(1);
    expect(await outboundOf(t.id)).toHaveLength(1);
    expect((await ticket(key)).status).toBe("new");
    const event = (await events(key)).find((e) => e.type === "email.auto_reply");
    expect(String(event?.after?.from)).toMatch(/^mwansa\.phiri\+/);
  });

  it("an auto-reply that threads onto nothing opens no ticket", async () => {
    const r = await take(unique("out-of-office.eml", { "ZMB-1042": "ZMB-999999" }));
    expect(r).toMatchObject({ outcome: "ignored", ticketKey: null });
  });

  it("mail sent from one of our own mailboxes is never taken as a request", async () => {
    const raw = Buffer.from(
      `From: support-zmb@tierdesk.test\r\nTo: support-zmb@tierdesk.test\r\nSubject: Re: x\r\nMessage-ID: <self-${randomBytes(3).toString("hex")}@tierdesk.test>\r\n\r\nHello\r\n`,
    );
    expect((await take(raw)).outcome).toBe("ignored");
  });

  it("a bounce opens no ticket and is recorded against the address and on the ticket of the mail that bounced", async () => {
    const key = opened(await take(unique("multipart-alternative.eml")));
    const t = await h.ctx.tickets.visibleRow(systemActor, key);
    const ack = (await outboundOf(t.id))[0];
    const r = await take(
      unique("bounce-dsn.eml", { "tierdesk.ZMB-1042.placeholder@tierdesk.test": ack?.message_id as string }),
    );
    expect(r).toMatchObject({ outcome: "bounce", ticketKey: key });
    const bounce = await h.ctx.database.db
      .selectFrom("email_bounces")
      .selectAll()
      .where("email_message_id", "=", ack?.id as number)
      .executeTakeFirst();
    expect(bounce).toMatchObject({
      address: "old.address@registry.gov.zm",
      permanent: 1,
      status: "5.1.1",
      contact_id: t.contact_id,
    });
    expect((await events(key)).find((e) => e.type === "email.bounced")?.after).toMatchObject({
      status: "5.1.1",
    });
    expect(await messages(key)).toHaveLength(1);
  });
});

describe("each message is taken exactly once", () => {
  it("the same message taken twice gives one ticket message", async () => {
    const raw = unique("subject-iso-8859-1.eml");
    const key = opened(await take(raw));
    expect(await take(raw)).toEqual({ outcome: "duplicate" });
    expect(await take(raw)).toEqual({ outcome: "duplicate" });
    expect(await messages(key)).toHaveLength(1);
  });

  it("a crash between fetching and committing loses nothing: the retry takes the message once", async () => {
    const raw = unique("attachment-non-ascii.eml");
    const crashing = createEmailInbound({
      db: h.ctx.database.db,
      clock: h.ctx.clock,
      log: h.ctx.log,
      repo: h.ctx.email.repo,
      raw: h.ctx.email.raw,
      attachments: createAttachmentStore({
        dataDir: h.config.dataDir,
        maxBytes: h.config.attachmentMaxBytes,
      }),
      sites: h.ctx.sites,
      contacts: h.ctx.contacts,
      users: h.ctx.users,
      outbound: h.ctx.email.outbound,
      maxBytes: h.config.attachmentMaxBytes,
      // The process dies after the ticket rows are written and before the transaction commits.
      tickets: {
        ...h.ctx.tickets,
        openForContact: (input) =>
          h.ctx.tickets.openForContact({
            ...input,
            inTx: async (tx, done) => {
              await input.inTx?.(tx, done);
              throw new Error("crash before commit");
            },
          }),
      },
    });
    const before = await h.ctx.database.db
      .selectFrom("tickets")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    await expect(crashing.take(mailbox, raw, { uidValidity: 7, uid: 41 })).rejects.toThrow(
      "crash before commit",
    );
    const after = await h.ctx.database.db
      .selectFrom("tickets")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    const key = opened(await take(raw));
    expect(await h.ctx.email.inbound.take(mailbox, raw, { uidValidity: 7, uid: 41 })).toEqual({
      outcome: "duplicate",
    });
    expect(await messages(key)).toHaveLength(1);
    expect(await h.ctx.tickets.listAttachments(systemActor, key)).toHaveLength(2);
  });

  it("two readers taking the same message at once make one ticket", async () => {
    const raw = unique("forwarded.eml");
    const results = await Promise.all([take(raw), take(raw), take(raw)]);
    expect(results.filter((r) => r.outcome === "opened")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "duplicate")).toHaveLength(2);
  });
});
