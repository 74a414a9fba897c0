import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, waitFor } from "../../../../test/harness.js";
import {
  type Dovecot,
  dovecotAvailable,
  mimeSample,
  type SmtpSink,
  startDovecot,
  startSmtpSink,
} from "../../../../test/mail-servers.js";
import { systemActor } from "../../../shared/actor.js";
import { readOnce } from "./email.imap.js";
import type { MailboxRow } from "./email.repository.js";

const PLACEHOLDER = "tierdesk.ZMB-1042.placeholder@tierdesk.test";

describe.skipIf(!dovecotAvailable())("mail read from a real IMAP server (Dovecot)", () => {
  let h: Harness;
  let dovecot: Dovecot;
  let sink: SmtpSink;
  let mailbox: MailboxRow;
  let readers: { stop: () => Promise<void> } | undefined;
  let key = "";
  let staffReplyId = "";

  /** Delivers a message into the mailbox as a mail client or delivery agent would: IMAP APPEND. */
  async function deliver(raw: Buffer) {
    const client = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      auth: { user: dovecot.user, pass: dovecot.password },
      logger: false,
    });
    await client.connect();
    try {
      await client.append("INBOX", raw);
    } finally {
      await client.logout();
    }
  }
  const inbound = (messageId: string) =>
    waitFor(`mail ${messageId} taken`, () =>
      h.ctx.database.db
        .selectFrom("email_messages")
        .selectAll()
        .where("direction", "=", "in")
        .where("message_id", "=", messageId)
        .executeTakeFirst(),
    );
  const thread = async () =>
    (await h.ctx.tickets.messages(systemActor, key, { afterId: 0, limit: 50 })).items;
  const tickets = async () =>
    Number(
      (
        await h.ctx.database.db
          .selectFrom("tickets")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const taken = async () =>
    (
      await h.ctx.database.db
        .selectFrom("email_messages")
        .select("id")
        .where("direction", "=", "in")
        .execute()
    ).length;
  // Mail the channel sends in answer to mail (acknowledgements, replies); notices come from the notifications module.
  const answers = async () =>
    (await h.ctx.email.repo.messagesOfTicket((await h.ctx.tickets.visibleRow(systemActor, key)).id)).filter(
      (m) => m.direction === "out" && m.kind !== "notice",
    ).length;

  beforeAll(async () => {
    [dovecot, sink] = await Promise.all([startDovecot(), startSmtpSink()]);
    h = await createHarness();
    const admin = await h.as("hubadmin@demo.test");
    const res = await admin.post("/api/v1/sites/ZMB/channels/email/mailboxes", {
      address: "support-zmb@tierdesk.test",
      displayName: "ZMB Support",
      imap: {
        host: dovecot.host,
        port: dovecot.port,
        tls: false,
        user: dovecot.user,
        password: dovecot.password,
      },
      smtp: { host: "127.0.0.1", port: sink.port, security: "none" },
    });
    expect(res.statusCode).toBe(201);
    mailbox = (await h.ctx.email.repo.mailbox(res.json().id)) as MailboxRow;
    await h.ctx.jobs.startWorking();
    readers = await h.ctx.email.start({ pollSeconds: 1 });
  });
  afterAll(async () => {
    await readers?.stop();
    await h?.close();
    await Promise.all([dovecot?.stop(), sink?.close()]);
  });

  it("a mail appended to the mailbox becomes a ZMB ticket at Level 1 with channel email", async () => {
    await deliver(mimeSample("multipart-alternative.eml"));
    const row = await inbound("CAF7hQ2x9Lusaka0001@mail.registry.gov.zm");
    const t = await h.ctx.tickets.rowById(row.ticket_id as number);
    key = t?.key as string;
    expect(key).toMatch(/^ZMB-\d+$/);
    expect(t).toMatchObject({ tier: 1, channel: "email", status: "new" });
    expect(row).toMatchObject({ uid: 1, uid_validity: expect.any(Number) });
    expect((await h.ctx.email.repo.mailbox(mailbox.id))?.last_uid).toBe(1);
  });

  it("the agent's public reply is sent by SMTP in the requester's thread, with the key in the subject and Reply-To the mailbox", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await agent.post(`/api/v1/tickets/${key}/messages`, {
      body: "Please clear the browser cache and try again.",
    });
    expect(res.statusCode).toBe(201);
    const mail = await waitFor("the staff reply", async () =>
      sink.mails.find((m) => m.parsed.text?.includes("Please clear the browser cache")),
    );
    expect(mail.to).toEqual(["mwansa.phiri@registry.gov.zm"]);
    expect(mail.parsed.subject).toBe(`Re: Cannot print birth certificate in Lusaka office [${key}]`);
    expect(mail.parsed.inReplyTo).toBe("<CAF7hQ2x9Lusaka0001@mail.registry.gov.zm>");
    expect(mail.parsed.references).toBe("<CAF7hQ2x9Lusaka0001@mail.registry.gov.zm>");
    expect(mail.parsed.replyTo?.text).toBe("support-zmb@tierdesk.test");
    expect(mail.parsed.html).toContain("Please clear the browser cache");
    staffReplyId = (mail.parsed.messageId as string).slice(1, -1);
  });

  it("the requester's answer with quoted history threads back onto the ticket, trimmed", async () => {
    await deliver(mimeSample("gmail-reply.eml", { [PLACEHOLDER]: staffReplyId, "ZMB-1042": key }));
    const row = await inbound("CAF7hQ2xReply0003@mail.registry.gov.zm");
    expect(row.ticket_id).toBe((await h.ctx.tickets.visibleRow(systemActor, key)).id);
    const messages = await thread();
    expect(messages.map((m) => m.body)).toEqual([
      expect.stringContaining("Record: BRN-2026-004512"),
      "Please clear the browser cache and try again.",
      "It works again after clearing the cache, thank you!",
    ]);
    expect((await h.ctx.tickets.get(systemActor, key)).status).toBe("open");
  });

  it("an out-of-office reply does not start a loop: no ticket, no message, no mail back", async () => {
    const ticketsBefore = await tickets();
    const answersBefore = await answers();
    await deliver(mimeSample("out-of-office.eml", { [PLACEHOLDER]: staffReplyId, "ZMB-1042": key }));
    const row = await inbound("oof-7d1e2f3a@DB9PR07MB7771.eurprd07.prod.outlook.com");
    expect(row).toMatchObject({ kind: "auto-reply", status: "ignored" });
    expect(await tickets()).toBe(ticketsBefore);
    expect(await thread()).toHaveLength(3);
    expect(await answers()).toBe(answersBefore);
  });

  it("after a restart that lost the cursor, nothing already taken is taken again", async () => {
    await readers?.stop();
    readers = undefined;
    const before = await taken();
    await h.ctx.database.db
      .updateTable("email_mailboxes")
      .set({ last_uid: 0 })
      .where("id", "=", mailbox.id)
      .execute();
    const fresh = (await h.ctx.email.repo.mailbox(mailbox.id)) as MailboxRow;
    expect(
      await readOnce(fresh, { repo: h.ctx.email.repo, inbound: h.ctx.email.inbound, secrets: h.ctx.secrets }),
    ).toBe(0);
    expect(await taken()).toBe(before);
    expect(await thread()).toHaveLength(3);
    expect((await h.ctx.email.repo.mailbox(mailbox.id))?.last_uid).toBe(3);
  });

  it("a hub admin's connection check reads the mailbox, and reports a refused login as a problem", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const url = `/api/v1/sites/ZMB/channels/email/mailboxes/${mailbox.id}`;
    const ok = await admin.post(`${url}/check`);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ taken: 0 });
    expect((await admin.patch(url, { imap: { password: "wrong" } })).statusCode).toBe(200);
    const refused = await admin.post(`${url}/check`);
    expect(refused.statusCode).toBe(502);
    expect(refused.json().code).toBe("email.imap_failed");
  });
});
