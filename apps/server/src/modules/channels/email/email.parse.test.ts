import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { classify, readBounce } from "./email.loops.js";
import { parseEmail } from "./email.parse.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../../../../test/fixtures/mime/${name}`, import.meta.url));

describe("reading real-shaped mail", () => {
  it("takes the plain part of a multipart/alternative mail and sanitises its HTML", async () => {
    const m = await parseEmail(fixture("multipart-alternative.eml"));
    expect(m.messageId).toBe("CAF7hQ2x9Lusaka0001@mail.registry.gov.zm");
    expect(m.from).toEqual({ address: "mwansa.phiri@registry.gov.zm", name: "Mwansa Phiri" });
    expect(m.text).toContain('"Print certificate" button does nothing');
    expect(m.html).toContain("<b>Chrome</b>");
  });

  it("derives text from an HTML-only mail and strips scripts, handlers, javascript: links and remote images", async () => {
    const m = await parseEmail(fixture("html-only.eml"));
    expect(m.text).toContain('The form shows "Error 500" when we save a death registration.');
    expect(m.text).not.toContain("alert");
    expect(m.html).not.toMatch(/script|onclick|javascript:|tracker\.example|<style/);
    expect(m.html).toContain('href="https://ndola.gov.zm/screens/err.png"');
  });

  it("decodes RFC 2047 subjects and bodies in ISO-8859-1 and UTF-8", async () => {
    const latin = await parseEmail(fixture("subject-iso-8859-1.eml"));
    expect(latin.subject).toBe("Problème d'accès à l'application");
    expect(latin.from?.name).toBe("François Bédard");
    expect(latin.text).toContain("je ne peux plus accéder à l'application");
    const utf8 = await parseEmail(fixture("subject-utf8.eml"));
    expect(utf8.subject).toBe("Não consigo exportar o relatório – ✓");
    expect(utf8.from?.name).toBe("João Conceição");
  });

  it("keeps attachments with non-ASCII names and inline images, and a body from HTML in multipart/related", async () => {
    const m = await parseEmail(fixture("attachment-non-ascii.eml"));
    expect(m.attachments.map((a) => [a.filename, a.inline])).toEqual([
      ["screen.png", true],
      ["Relatório de sincronização.pdf", false],
      ["تقرير.exe", false],
    ]);
    expect(m.text).toContain("Sync fails every evening");
  });

  it("gives a message without a Message-ID a stable one from its content", async () => {
    const raw = Buffer.from("From: a@b.test\r\nTo: s@x.test\r\nSubject: hi\r\n\r\nHello\r\n");
    const [a, b] = [await parseEmail(raw), await parseEmail(raw)];
    expect(a.messageId).toMatch(/@tierdesk\.missing-id$/);
    expect(a.messageId).toBe(b.messageId);
  });
});

describe("telling people from robots", () => {
  it("classifies each sample", async () => {
    const kinds: Record<string, string> = {};
    for (const f of [
      "multipart-alternative.eml",
      "forwarded.eml",
      "outlook-reply.eml",
      "out-of-office.eml",
      "bounce-dsn.eml",
      "bulk-newsletter.eml",
    ])
      kinds[f] = classify(await parseEmail(fixture(f))).kind;
    expect(kinds).toEqual({
      "multipart-alternative.eml": "mail",
      "forwarded.eml": "mail",
      "outlook-reply.eml": "mail",
      "out-of-office.eml": "auto-reply",
      "bounce-dsn.eml": "bounce",
      "bulk-newsletter.eml": "bulk",
    });
  });

  it("recognises auto-replies by X-Autoreply, Precedence and subject, and bounces by their sender", async () => {
    const mail = (headers: string) =>
      parseEmail(Buffer.from(`${headers}\r\nTo: s@x.test\r\nMessage-ID: <1@a>\r\n\r\nbody\r\n`));
    expect(classify(await mail("From: a@b.test\r\nSubject: hi\r\nX-Autoreply: yes")).kind).toBe("auto-reply");
    expect(classify(await mail("From: a@b.test\r\nSubject: hi\r\nPrecedence: auto_reply")).kind).toBe(
      "auto-reply",
    );
    expect(classify(await mail("From: a@b.test\r\nSubject: Réponse automatique : absent")).kind).toBe(
      "auto-reply",
    );
    expect(classify(await mail("From: MAILER-DAEMON@mx.test\r\nSubject: failure")).kind).toBe("bounce");
    expect(classify(await mail("From: a@b.test\r\nSubject: hi\r\nAuto-Submitted: no")).kind).toBe("mail");
  });

  it("reads the failed recipient, status and original Message-ID of a delivery status notification", async () => {
    const report = readBounce(await parseEmail(fixture("bounce-dsn.eml")));
    expect(report).toMatchObject({
      recipient: "old.address@registry.gov.zm",
      permanent: true,
      status: "5.1.1",
      originalMessageId: "tierdesk.ZMB-1042.placeholder@tierdesk.test",
    });
    expect(report.diagnostic).toContain("User unknown");
  });
});
