import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, waitFor } from "../../../../test/harness.js";
import { mimeSample, type SmtpSink, startSmtpSink } from "../../../../test/mail-servers.js";
import { systemActor } from "../../../shared/actor.js";
import type { TakeResult } from "./email.inbound.js";
import type { MailboxRow } from "./email.repository.js";

let h: Harness;
let sink: SmtpSink;
let mailbox: MailboxRow;
const REFUSED = "gone@registry.gov.zm";

beforeAll(async () => {
  sink = await startSmtpSink({ refuse: (a) => a === REFUSED });
  h = await createHarness();
  const admin = await h.as("hubadmin@demo.test");
  const res = await admin.post("/api/v1/sites/ZMB/channels/email/mailboxes", {
    address: "support-zmb@tierdesk.test",
    displayName: "ZMB Support",
    smtp: { host: "127.0.0.1", port: sink.port, security: "none", user: "tierdesk", password: "smtp-secret" },
  });
  expect(res.statusCode).toBe(201);
  mailbox = (await h.ctx.email.repo.mailbox(res.json().id)) as MailboxRow;
  await h.ctx.jobs.startWorking();
});
afterAll(async () => {
  await h?.close();
  await sink?.close();
});

const opened = (r: TakeResult) => {
  if (r.outcome !== "opened") throw new Error(`expected a new ticket, got ${r.outcome}`);
  return r.ticketKey;
};
/** A new request from a sender of its own, taken in as if read from the mailbox. */
async function request(from = `mwansa.phiri+${randomBytes(3).toString("hex")}@registry.gov.zm`) {
  const messageId = `req-${randomBytes(4).toString("hex")}@mail.registry.gov.zm`;
  const raw = mimeSample("multipart-alternative.eml", {
    "mwansa.phiri@registry.gov.zm": from,
    "CAF7hQ2x9Lusaka0001@mail.registry.gov.zm": messageId,
  });
  const key = opened(await h.ctx.email.inbound.take(mailbox, raw, null));
  return { key, from, messageId };
}
const mailTo = (to: string, subject: RegExp | string) =>
  waitFor(`mail to ${to}`, async () =>
    sink.mails.find(
      (m) =>
        m.to.includes(to) &&
        (typeof subject === "string" ? m.parsed.subject === subject : subject.test(m.parsed.subject ?? "")),
    ),
  );
const header = (m: { parsed: { headers: Map<string, unknown> } }, name: string) => m.parsed.headers.get(name);

describe("mail out through a real SMTP server", () => {
  it("a new request is acknowledged in its thread, marked as an automatic reply", async () => {
    const { key, from, messageId } = await request();
    const ack = await mailTo(from, `Re: Cannot print birth certificate in Lusaka office [${key}]`);
    expect(ack.parsed.inReplyTo).toBe(`<${messageId}>`);
    expect(ack.parsed.references).toBe(`<${messageId}>`);
    expect(ack.parsed.replyTo?.value[0]?.address).toBe("support-zmb@tierdesk.test");
    expect(ack.parsed.from?.value[0]).toEqual({ address: "support-zmb@tierdesk.test", name: "ZMB Support" });
    expect(header(ack, "auto-submitted")).toBe("auto-replied");
    expect(ack.parsed.text).toContain(`opened ticket ${key}`);
  });

  it("the agent's public reply is sent threaded to the requester's mail, with text, HTML and the files posted with it", async () => {
    const { key, from, messageId } = await request();
    const agent = await h.as("agent@demo.test");
    const upload = await agent.upload(`/api/v1/tickets/${key}/attachments?visibility=public`, [
      { name: "steps.txt", content: Buffer.from("1. Clear the cache\n2. Reload\n"), type: "text/plain" },
    ]);
    expect(upload.statusCode).toBe(201);
    const res = await agent.post(`/api/v1/tickets/${key}/messages`, {
      body: "Please clear the browser cache and try again.\n\nThe steps are attached.",
      attachmentIds: [upload.json().items[0].id],
    });
    expect(res.statusCode).toBe(201);
    const reply = await mailTo(from, /^Re: .*\[/);
    const sent = await waitFor("the reply's record", async () =>
      (await h.ctx.email.repo.messagesOfTicket((await h.ctx.tickets.visibleRow(systemActor, key)).id)).find(
        (m) => m.kind === "reply" && m.status === "sent",
      ),
    );
    const replies = sink.mails.filter((m) => m.to.includes(from) && m.parsed.text?.includes("browser cache"));
    expect(replies).toHaveLength(1);
    const mail = replies[0] as (typeof replies)[number];
    expect(reply.parsed.subject).toContain(`[${key}]`);
    expect(mail.parsed.messageId).toBe(`<${sent.message_id}>`);
    expect(mail.parsed.inReplyTo).toBe(`<${messageId}>`);
    expect(mail.parsed.references).toBe(`<${messageId}>`);
    expect(mail.parsed.replyTo?.value[0]?.address).toBe("support-zmb@tierdesk.test");
    expect(header(mail, "auto-submitted")).toBeUndefined();
    expect(header(mail, "x-tierdesk-ticket")).toBe(key);
    expect(mail.parsed.text).toContain("The steps are attached.");
    expect(mail.parsed.html).toContain("<p>Please clear the browser cache and try again.</p>");
    expect(mail.parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([
      ["steps.txt", "1. Clear the cache\n2. Reload\n"],
    ]);
  });

  it("a retried send reuses the stored Message-ID and a sent mail is not sent again", async () => {
    const { key, from } = await request();
    const ack = await mailTo(from, new RegExp(`\\[${key}\\]`));
    const row = (
      await h.ctx.email.repo.messagesOfTicket((await h.ctx.tickets.visibleRow(systemActor, key)).id)
    ).find((m) => m.kind === "ack");
    await waitFor(
      "the ack recorded as sent",
      async () => (await h.ctx.email.repo.message(row?.id as number))?.status === "sent",
    );
    await h.ctx.email.outbound.send(row?.id as number);
    const sameId = () => sink.mails.filter((m) => m.parsed.messageId === ack.parsed.messageId);
    expect(sameId()).toHaveLength(1);
    // As after a crash between sending and recording it: the retry sends the same Message-ID.
    await h.ctx.database.db
      .updateTable("email_messages")
      .set({ status: "queued" })
      .where("id", "=", row?.id as number)
      .execute();
    await h.ctx.email.outbound.send(row?.id as number);
    expect(sameId().map((m) => m.to)).toEqual([[from], [from]]);
  });

  it("internal notes are never mailed to the requester", async () => {
    const { key } = await request();
    const agent = await h.as("agent@demo.test");
    expect(
      (
        await agent.post(`/api/v1/tickets/${key}/messages`, {
          kind: "note",
          body: "Looks like a cache issue",
        })
      ).statusCode,
    ).toBe(201);
    const rows = await h.ctx.email.repo.messagesOfTicket(
      (await h.ctx.tickets.visibleRow(systemActor, key)).id,
    );
    expect(rows.filter((r) => r.direction === "out" && r.kind !== "notice").map((r) => r.kind)).toEqual([
      "ack",
    ]);
  });

  it("a permanent refusal by the SMTP server is recorded as a bounce of the contact, not retried", async () => {
    const { key } = await request(REFUSED);
    const t = await h.ctx.tickets.visibleRow(systemActor, key);
    const failed = await waitFor("the refused ack", async () =>
      (await h.ctx.email.repo.messagesOfTicket(t.id)).find((m) => m.kind === "ack" && m.status === "failed"),
    );
    expect(failed.status_detail).toContain("550");
    const bounce = await h.ctx.database.db
      .selectFrom("email_bounces")
      .selectAll()
      .where("email_message_id", "=", failed.id)
      .executeTakeFirst();
    expect(bounce).toMatchObject({ address: REFUSED, permanent: 1, contact_id: t.contact_id, status: "550" });
  });

  it("notices for the notifications module go out once per occurrence, marked auto-generated", async () => {
    const { key, from } = await request();
    const t = await h.ctx.tickets.visibleRow(systemActor, key);
    const send = h.ctx.outbound.sender("email");
    if (!send) throw new Error("no email sender registered");
    const delivery = {
      to: { contactId: t.contact_id },
      kind: "ticket.status",
      ticketId: t.id,
      title: "Your request was resolved",
      body: "Reply to this mail if the problem comes back.",
      language: "en",
      dedupeKey: `status:${t.id}:resolved`,
    };
    expect(await send(delivery)).toBe(true);
    expect(await send(delivery)).toBe(true);
    const notices = sink.mails.filter(
      (m) => m.to.includes(from) && m.parsed.subject?.startsWith("Your request was resolved"),
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]?.parsed.subject).toBe(`Your request was resolved [${key}]`);
    expect(header(notices[0] as SmtpSink["mails"][number], "auto-submitted")).toBe("auto-generated");
    const users = await h.ctx.users.findByEmail("agent@demo.test");
    expect(await send({ ...delivery, to: { userId: users?.id as number }, dedupeKey: "x:1" })).toBe(true);
    await mailTo("agent@demo.test", `Your request was resolved [${key}]`);
  });
});
