/**
 * Realistic raw mail (RFC 5322, CRLF) for the inbound-email scenarios, generated deterministically
 * from a seed: per mailbox a stream of new requests, replies threaded by In-Reply-To/References to
 * earlier mails of the same stream with quoted history to trim, HTML alternatives, small attachments,
 * French/Spanish/Portuguese at the sites that speak them (and now and then elsewhere), encoded-word
 * subjects, and a few out-of-office replies. Each mail says what the hub should make of it.
 */
import { createHash } from "node:crypto";
import { prng } from "../apps/server/src/bench/bench.seed.js";
import { bodyText, type Lang, pick, type Random, subjectText } from "../apps/server/src/bench/bench.text.js";

/** What taking the mail should answer: a new ticket, a reply on the ticket it threads to, or nothing. */
export type Expected = "opened" | "replied" | "ignored";
export type GeneratedMail = { raw: Buffer; expected: Expected; kind: string; bytes: number };
export type MailboxSpec = { address: string; lang: Lang; product: string };

const CATEGORIES = [
  "bug",
  "account-access",
  "training",
  "configuration",
  "connectivity",
  "data-quality",
  "performance",
  "other",
];
const FIRST = ["Amina", "Kwame", "Fatou", "João", "María", "Chidi", "Aïcha", "Tendai", "Nguyen", "Priya"];
const LAST = ["Okafor", "Diallo", "Mensah", "Silva", "Quispe", "Banda", "Ndiaye", "Haile", "Santos", "Rao"];
const DOMAINS = ["registry.gov.example", "health.example.org", "etat-civil.example", "mail.example.com"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const AUTO_SUBJECT: Record<Lang, string> = {
  en: "Out of office",
  fr: "Réponse automatique",
  es: "Respuesta automática",
  pt: "Resposta automática",
};
const AWAY: Record<Lang, string> = {
  en: "I am away from the office until Monday with limited access to email. For urgent matters please call the district office.",
  fr: "Je suis absent du bureau jusqu'à lundi. Pour toute urgence, merci de contacter le bureau de district.",
  es: "Estoy fuera de la oficina hasta el lunes. Para asuntos urgentes llame a la oficina del distrito.",
  pt: "Estou fora do escritório até segunda-feira. Para assuntos urgentes ligue para o escritório distrital.",
};
const WROTE: Record<Lang, (date: string, who: string) => string> = {
  en: (d, w) => `On ${d}, ${w} wrote:`,
  fr: (d, w) => `Le ${d}, ${w} a écrit :`,
  es: (d, w) => `El ${d}, ${w} escribió:`,
  pt: (d, w) => `Em ${d}, ${w} escreveu:`,
};
const SIGNATURES = [
  "",
  "",
  "\r\n-- \r\nDistrict registrar\r\nTel. +000 555 0101",
  "\r\n\r\nSent from my phone",
];
// A 1×1 PNG; attachments are this, a small PDF or a CSV export, padded to a few kilobytes.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

const rfcDate = (ms: number) => {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${WEEKDAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
};
const ascii = (s: string) => /^[\x20-\x7e]*$/.test(s);
/** RFC 2047 encoded words for a header value that is not plain ASCII. */
const encodeWord = (s: string) => (ascii(s) ? s : `=?UTF-8?B?${Buffer.from(s).toString("base64")}?=`);
/** Quoted-printable (RFC 2045) of UTF-8 text with CRLF lines, soft breaks at 76 columns. */
function quotedPrintable(text: string): string {
  return text
    .split("\r\n")
    .map((line) => {
      let out = "";
      let col = 0;
      for (const byte of Buffer.from(line)) {
        const ch = String.fromCharCode(byte);
        const enc =
          (byte >= 33 && byte <= 126 && ch !== "=") || (byte === 32 && col < 70)
            ? ch
            : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
        if (col + enc.length > 75) {
          out += "=\r\n";
          col = 0;
        }
        out += enc;
        col += enc.length;
      }
      return out.endsWith(" ") ? `${out.slice(0, -1)}=20` : out;
    })
    .join("\r\n");
}
const base64Lines = (b: Buffer) => (b.toString("base64").match(/.{1,76}/g) ?? []).join("\r\n");
const escapeHtml = (s: string) =>
  s.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c] as string);

function attachment(r: Random, n: number): { name: string; type: string; bytes: Buffer } {
  const size = 2_000 + Math.floor(r() * 30_000);
  const x = r();
  if (x < 0.4) {
    const pad = Buffer.alloc(size);
    for (let i = 0; i < size; i++) pad[i] = Math.floor(r() * 256);
    return { name: `screenshot-${n}.png`, type: "image/png", bytes: Buffer.concat([PNG, pad]) };
  }
  if (x < 0.7) {
    const lines = ["%PDF-1.4", "1 0 obj << /Type /Catalog >> endobj"];
    while (lines.join("\n").length < size) lines.push(`% registration report line ${lines.length} ${r()}`);
    return {
      name: `rapport-${n}.pdf`,
      type: "application/pdf",
      bytes: Buffer.from(`${lines.join("\n")}\n%%EOF\n`),
    };
  }
  const rows = ["record,office,date,status"];
  while (rows.join("\n").length < size)
    rows.push(
      `BRN-2026-${String(rows.length).padStart(6, "0")},Office ${1 + Math.floor(r() * 40)},2026-10-0${1 + Math.floor(r() * 9)},pending`,
    );
  return { name: `export-${n}.csv`, type: "text/csv", bytes: Buffer.from(`${rows.join("\r\n")}\r\n`) };
}

type Conversation = {
  from: string;
  name: string;
  subject: string;
  lang: Lang;
  ids: string[];
  last: string;
  at: number;
};

/**
 * `count` mails for one mailbox, in arrival order. `tag` makes the Message-IDs (and senders) of one
 * run distinct from another's, so each run's mail is new to the hub.
 */
export function generateMail(
  mailbox: MailboxSpec,
  count: number,
  seed: number,
  tag: string,
): GeneratedMail[] {
  const r = prng(createHash("sha256").update(`${seed}/${tag}/${mailbox.address}`).digest().readUInt32BE(0));
  const domainOfBox = mailbox.address.slice(mailbox.address.indexOf("@") + 1);
  const open: Conversation[] = [];
  const out: GeneratedMail[] = [];
  let at = Date.UTC(2026, 10, 2, 7, 0, 0);
  for (let i = 0; i < count; i++) {
    at += Math.floor(r() * 90_000);
    const x = r();
    const lang: Lang = r() < 0.85 ? mailbox.lang : pick(r, ["en", "fr", "es", "pt"] as const);
    const messageId = `${tag}.${i}.${createHash("sha1").update(`${mailbox.address}/${i}/${r()}`).digest("hex").slice(0, 12)}@${pick(r, DOMAINS)}`;
    const headers: string[] = [
      `Received: from mx${1 + Math.floor(r() * 4)}.sender.example (mx.sender.example [192.0.2.${1 + Math.floor(r() * 250)}]) by mx.${domainOfBox} with ESMTPS id ${messageId.slice(0, 10)}; ${rfcDate(at)}`,
    ];
    let expected: Expected;
    let kind: string;
    let from: string;
    let name: string;
    let subject: string;
    let text: string;
    const thread = open.length && x < 0.33 ? open[Math.floor(r() * Math.min(open.length, 40))] : undefined;
    if (x > 0.97) {
      // An out-of-office answer, usually to a mail it saw; never a ticket or a message.
      const to = open[Math.floor(r() * Math.max(1, open.length))];
      kind = "auto-reply";
      expected = "ignored";
      name = to?.name ?? `${pick(r, FIRST)} ${pick(r, LAST)}`;
      from = to?.from ?? `away.${i}.${tag}@${pick(r, DOMAINS)}`;
      subject = `${AUTO_SUBJECT[to?.lang ?? lang]}: ${to?.subject ?? "your message"}`;
      text = AWAY[to?.lang ?? lang];
      headers.push("Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All");
      if (to)
        headers.push(`In-Reply-To: <${to.last}>`, `References: ${to.ids.map((id) => `<${id}>`).join(" ")}`);
    } else if (thread) {
      kind = "reply";
      expected = "replied";
      ({ from, name, subject } = thread);
      subject = `${pick(r, ["Re: ", "RE: ", "Re: ", lang === "fr" ? "RE : " : "Re: "])}${subject}`;
      const quoted = bodyText(r, thread.lang, "requester", mailbox.product)
        .match(/.{1,70}(\s|$)/g)
        ?.map((l) => `> ${l.trim()}`)
        .join("\r\n");
      text = `${bodyText(r, thread.lang, "requester", mailbox.product)}${pick(r, SIGNATURES)}\r\n\r\n${WROTE[thread.lang](rfcDate(thread.at), `${thread.name} <${thread.from}>`)}\r\n${quoted}`;
      headers.push(
        `In-Reply-To: <${thread.last}>`,
        `References: ${thread.ids
          .slice(-10)
          .map((id) => `<${id}>`)
          .join(" ")}`,
      );
      thread.ids.push(messageId);
      thread.last = messageId;
      thread.at = at;
    } else {
      kind = "new";
      expected = "opened";
      name = `${pick(r, FIRST)} ${pick(r, LAST)}`;
      from = `${name
        .toLowerCase()
        .normalize("NFD")
        .replace(/[^a-z ]/g, "")
        .replace(" ", ".")}.${i}.${tag}@${pick(r, DOMAINS)}`;
      subject = subjectText(r, lang, pick(r, CATEGORIES), mailbox.product);
      text = `${bodyText(r, lang, "requester", mailbox.product)}${pick(r, SIGNATURES)}`;
      open.unshift({ from, name, subject, lang, ids: [messageId], last: messageId, at });
      if (open.length > 200) open.pop();
    }
    headers.push(
      `From: ${encodeWord(name)} <${from}>`,
      `To: <${mailbox.address}>`,
      `Subject: ${encodeWord(subject)}`,
      `Date: ${rfcDate(at)}`,
      `Message-ID: <${messageId}>`,
      "MIME-Version: 1.0",
    );
    const plain = `Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${quotedPrintable(text)}\r\n`;
    const html = `Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${quotedPrintable(`<html><body><div dir="ltr">${text.split("\r\n").map(escapeHtml).join("<br>\r\n")}</div></body></html>`)}\r\n`;
    const b = `=_tierdesk_bench_${i}_`;
    let body: string;
    const withHtml = kind !== "auto-reply" && r() < 0.35;
    const file = kind !== "auto-reply" && r() < 0.05 ? attachment(r, i) : null;
    const textPart = withHtml
      ? `Content-Type: multipart/alternative; boundary="${b}a"\r\n\r\n--${b}a\r\n${plain}--${b}a\r\n${html}--${b}a--\r\n`
      : plain;
    if (file) {
      body = `Content-Type: multipart/mixed; boundary="${b}m"\r\n\r\nThis is a multi-part message in MIME format.\r\n--${b}m\r\n${textPart}--${b}m\r\nContent-Type: ${file.type}; name="${file.name}"\r\nContent-Disposition: attachment; filename="${file.name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(file.bytes)}\r\n--${b}m--\r\n`;
    } else body = textPart;
    const raw = Buffer.from(`${headers.join("\r\n")}\r\n${body}`);
    out.push({ raw, expected, kind: file ? `${kind}+attachment` : kind, bytes: raw.length });
  }
  return out;
}
