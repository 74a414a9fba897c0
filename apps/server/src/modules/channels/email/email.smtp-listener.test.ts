import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../../test/harness.js";
import { mimeSample } from "../../../../test/mail-servers.js";
import { startSmtpListener } from "./email.smtp-listener.js";

let h: Harness;
let listener: Awaited<ReturnType<typeof startSmtpListener>>;

beforeAll(async () => {
  h = await createHarness();
  const admin = await h.as("hubadmin@demo.test");
  const res = await admin.post("/api/v1/sites/ZMB/channels/email/mailboxes", {
    address: "support-zmb@tierdesk.test",
  });
  expect(res.statusCode).toBe(201);
  listener = await startSmtpListener({
    host: "127.0.0.1",
    port: 0,
    repo: h.ctx.email.repo,
    inbound: h.ctx.email.inbound,
    maxBytes: h.config.attachmentMaxBytes,
    log: h.ctx.log,
  });
});
afterAll(async () => {
  await listener?.close();
  await h?.close();
});

const relay = () =>
  nodemailer.createTransport({ host: "127.0.0.1", port: listener.port, secure: false, ignoreTLS: true });
const raw = mimeSample("subject-iso-8859-1.eml");

describe("the built-in SMTP listener for forwarding mail servers", () => {
  it("a forwarded mail for a mailbox's address opens a ticket at its site, once even if delivered twice", async () => {
    const envelope = { from: "francois.bedard@etat-civil.example", to: ["support-zmb@tierdesk.test"] };
    await relay().sendMail({ envelope, raw });
    await relay().sendMail({ envelope, raw });
    const rows = await h.ctx.database.db
      .selectFrom("email_messages")
      .selectAll()
      .where("message_id", "=", "5e1f0a2b-latin1@etat-civil.example")
      .execute();
    expect(rows).toHaveLength(1);
    const t = await h.ctx.tickets.rowById(rows[0]?.ticket_id as number);
    expect(t).toMatchObject({ channel: "email", tier: 1, subject: "Problème d'accès à l'application" });
    expect(t?.key).toMatch(/^ZMB-/);
  });

  it("mail for an address that is no mailbox here is refused at RCPT TO", async () => {
    await expect(
      relay().sendMail({ envelope: { from: "a@b.test", to: ["someone@elsewhere.test"] }, raw }),
    ).rejects.toMatchObject({ responseCode: 550 });
  });
});
