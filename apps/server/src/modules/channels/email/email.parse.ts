import { createHash } from "node:crypto";
import type { AddressObject } from "mailparser";
import sanitizeHtml from "sanitize-html";
import { dropElements, trimLineEnds } from "../../../shared/markup.js";

export type InboundAttachment = {
  filename: string;
  contentType: string;
  content: Buffer;
  /** an image shown inside the HTML body (cid:) rather than a file the sender attached */
  inline: boolean;
};

/** A received mail reduced to what the hub uses; `headers` keeps the raw values, keys in lower case. */
export type ParsedEmail = {
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  from: { address: string; name: string | null } | null;
  to: string[];
  date: number | null;
  text: string;
  html: string | null;
  attachments: InboundAttachment[];
  headers: Map<string, string>;
  /** the top-level media type and its parameters, e.g. multipart/report; report-type=delivery-status */
  contentType: { value: string; params: Record<string, string> };
};

const ID = /<([^<>\s]+)>/g;

/** Message-IDs as stored and compared: without angle brackets. */
export function messageIds(value: string | string[] | undefined | null): string[] {
  const joined = Array.isArray(value) ? value.join(" ") : (value ?? "");
  const found = [...joined.matchAll(ID)].map((m) => m[1] as string);
  if (found.length) return found;
  return joined
    .split(/\s+/)
    .map((s) => s.trim())
    .filter((s) => s.includes("@"));
}

// Mail HTML is shown to staff; keep formatting, drop anything active, remote images (trackers) and cid: links.
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, "img", "h1", "del", "s", "font", "center"],
  allowedAttributes: {
    a: ["href", "title"],
    img: ["alt", "title", "width", "height"],
    th: ["colspan", "rowspan", "align"],
    td: ["colspan", "rowspan", "align"],
    ol: ["start"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowProtocolRelative: false,
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: "noopener noreferrer nofollow" } }),
  },
};

/** Removes scripts, event handlers, styles, remote images and dangerous links from mail HTML. */
export const sanitizeMailHtml = (html: string): string => sanitizeHtml(html, SANITIZE).trim();

/**
 * How much of a mail's HTML and plain text is read: more than a message body keeps (50,000 characters),
 * and little enough that sanitising the worst HTML holds the process up for a fraction of a second.
 */
const MAX_HTML_CHARS = 300_000;
const MAX_TEXT_CHARS = 200_000;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Links written out as "label (address)", in one pass: an unclosed <a> is left to the tag stripper. */
function spellOutLinks(html: string): string {
  const open = /<a\s[^<>]*>/gi;
  const close = /<\/a\s*>/gi;
  let out = "";
  let at = 0;
  for (let m = open.exec(html); m; m = open.exec(html)) {
    close.lastIndex = open.lastIndex;
    const end = close.exec(html);
    // no closing tag after this opener means none after any later one either
    if (!end) break;
    const href = /\shref="(https?:[^"]+)"/i.exec(m[0])?.[1];
    if (href) {
      const label = html.slice(open.lastIndex, end.index);
      out += html.slice(at, m.index) + (label.includes(href) ? label : `${label} (${href})`);
      at = close.lastIndex;
    }
    open.lastIndex = close.lastIndex;
  }
  return out + html.slice(at);
}

/**
 * The readable text of mail HTML as sanitizeMailHtml gives it (text escaped, so a tag is a "<" up to
 * the next ">"), with block elements on lines of their own; linear in its length.
 */
export function htmlToText(html: string): string {
  const plain = spellOutLinks(dropElements(html, ["script", "style", "head"]))
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|li|tr|h[1-6]|blockquote|table)>/gi, "\n")
    .replace(/<hr\b[^<>]*>/gi, "\n________________________________\n")
    .replace(/<[^<>]*>/g, "");
  const decoded = plain.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (all, name: string) => {
    if (name[0] !== "#") return ENTITIES[name.toLowerCase()] ?? all;
    const code =
      name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : all;
  });
  return trimLineEnds(decoded)
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Text safe for the database: no NUL, well-formed Unicode, bounded. */
export function cleanText(text: string, max: number): string {
  const cleaned = text.replaceAll("\u0000", "").replace(/\r\n?/g, "\n").toWellFormed();
  return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) =>
    o.value.flatMap((v) => (v.address ? [v.address.toLowerCase()] : [])),
  );

/** Parses a raw RFC 5322 message in any charset; a message without a Message-ID gets one from its hash. */
export async function parseEmail(raw: Buffer): Promise<ParsedEmail> {
  // Loaded on the first mail, like the other mail libraries: a hub without email never pays their memory.
  const { simpleParser } = await import("mailparser");
  // textAsHtml is never used: building it would only run linkify over the whole text
  const mail = await simpleParser(raw, { skipImageLinks: true, skipHtmlToText: true, skipTextToHtml: true });
  const headers = new Map<string, string>();
  for (const h of mail.headerLines) {
    if (headers.has(h.key)) continue;
    const colon = h.line.indexOf(":");
    headers.set(
      h.key,
      h.line
        .slice(colon + 1)
        .replace(/\r?\n[ \t]+/g, " ")
        .trim(),
    );
  }
  const first = (Array.isArray(mail.from) ? mail.from[0] : mail.from)?.value[0];
  // Only the start of a huge body is kept (the stored HTML and the message are cut shorter still), so
  // no mail costs more than a bounded amount of sanitising and trimming.
  const html = mail.html ? sanitizeMailHtml(mail.html.slice(0, MAX_HTML_CHARS)) : null;
  const text = (mail.text?.trim() ? mail.text : html ? htmlToText(html) : "").slice(0, MAX_TEXT_CHARS);
  const ct = mail.headers.get("content-type") as
    | { value?: string; params?: Record<string, string> }
    | undefined;
  return {
    messageId:
      messageIds(mail.messageId)[0] ??
      `${createHash("sha256").update(raw).digest("hex")}@tierdesk.missing-id`,
    inReplyTo: messageIds(mail.inReplyTo)[0] ?? null,
    references: messageIds(mail.references),
    subject: (mail.subject ?? "").replace(/\s+/g, " ").trim(),
    from: first?.address ? { address: first.address.toLowerCase(), name: first.name || null } : null,
    to: [...addresses(mail.to), ...addresses(mail.cc)],
    date: mail.date ? mail.date.getTime() : null,
    text,
    html,
    attachments: mail.attachments.map((a) => ({
      filename: a.filename ?? (a.contentType.includes("rfc822") ? "message.eml" : "attachment"),
      contentType: a.contentType,
      content: a.content,
      inline: a.related === true || a.contentDisposition === "inline",
    })),
    headers,
    contentType: { value: ct?.value?.toLowerCase() ?? "text/plain", params: ct?.params ?? {} },
  };
}
