import { createHash } from "node:crypto";
import type { AddressObject } from "mailparser";
import sanitizeHtml from "sanitize-html";

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

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** The readable text of mail HTML, with block elements on lines of their own. */
export function htmlToText(html: string): string {
  const blocks = html
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, "")
    .replace(/<a\s[^>]*href="(https?:[^"]+)"[^>]*>([\s\S]*?)<\/a>/gi, (_all, href: string, label: string) =>
      label.includes(href) ? label : `${label} (${href})`,
    )
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|li|tr|h[1-6]|blockquote|table)>/gi, "\n")
    .replace(/<hr[^>]*>/gi, "\n________________________________\n");
  const plain = sanitizeHtml(blocks, { allowedTags: [], allowedAttributes: {} });
  return plain
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (all, name: string) => {
      if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith("#")) return String.fromCodePoint(Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? all;
    })
    .replace(/[ \t]+\n/g, "\n")
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
  const mail = await simpleParser(raw, { skipImageLinks: true, skipHtmlToText: true });
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
  const html = mail.html ? sanitizeMailHtml(mail.html) : null;
  const text = mail.text?.trim() ? mail.text : html ? htmlToText(html) : "";
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
