import { createHmac, timingSafeEqual } from "node:crypto";

/** The X-Hub-Signature-256 header value Meta sends: `sha256=` and the hex HMAC-SHA256 of the raw body. */
export const signatureOf = (appSecret: string, rawBody: Buffer): string =>
  `sha256=${createHmac("sha256", appSecret).update(rawBody).digest("hex")}`;

const HEADER = /^sha256=[0-9a-f]{64}$/;

/**
 * The candidates whose app secret signed the body. Every candidate is checked, each in constant time,
 * so the answer's timing tells nothing about which secret came close.
 */
export function signedBy<T extends { appSecret: string }>(
  header: string | undefined,
  rawBody: Buffer,
  candidates: readonly T[],
): T[] {
  const sent = header?.trim().toLowerCase();
  if (!sent || !HEADER.test(sent)) return [];
  const given = Buffer.from(sent);
  const out: T[] = [];
  for (const c of candidates) {
    const expected = Buffer.from(signatureOf(c.appSecret, rawBody));
    if (expected.length === given.length && timingSafeEqual(expected, given)) out.push(c);
  }
  return out;
}
